from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bigsocnorth.messaging"
    label = "messaging"
    verbose_name = _("Private messages")
