from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    name = "bigsocnorth.stories"
    verbose_name = _("Stories")
    # Everything stories plug into is declared in content.py.
