from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "bigsocnorth.directory"
    verbose_name = _("Directory")
    # Everything the directory plugs into is declared in content.py.
