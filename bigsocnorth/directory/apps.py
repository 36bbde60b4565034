from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "bigsocnorth.directory"
    verbose_name = _("Directory")

    def ready(self):
        from bigsocnorth.directory.models import Entry
        from bigsocnorth.moderation import registry

        registry.register(Entry, title_attr="name")
