from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bigsocnorth.core"
    label = "core"
    verbose_name = "Core"
