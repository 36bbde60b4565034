from django.apps import AppConfig


class CutsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bigsocnorth.cuts"
    verbose_name = "Threats and cuts"
