from django.apps import AppConfig


class MutualAidConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bigsocnorth.mutual_aid"
    verbose_name = "Needs and offers"
