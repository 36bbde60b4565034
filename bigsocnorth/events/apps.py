from django.apps import AppConfig


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bigsocnorth.events"
    verbose_name = "Gatherings"
