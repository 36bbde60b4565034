from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "bigsocnorth.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from bigsocnorth.notifications import registry
        from bigsocnorth.places.models import LocalAuthority, Region

        # Areas are registered here rather than in places: places is the
        # foundation every app builds on and depends on nothing, and
        # "people follow areas" is a notifications feature.
        registry.register(
            LocalAuthority,
            key="places.localauthority",
            label=_("area"),
            queryset=lambda: LocalAuthority.objects.defer("boundary"),
        )
        registry.register(Region, key="places.region", label=_("region"))
        # Content apps register their followable models in their own
        # content.py (see docs/adding-a-content-type.md).

        from bigsocnorth.core.scheduler import register_job
        from bigsocnorth.notifications.digests import scheduled_digests

        register_job("digests", run=scheduled_digests)
