from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "bigsocnorth.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        # Each app declares its content type (moderation, search, map,
        # follows, sections, menu, scheduled jobs, demo data) in its own
        # `content.py`, found here the way the admin finds `admin.py`.
        # Core imports no domain app by name.
        autodiscover_modules("content")
