from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "bigsocnorth.places"
    label = "places"
    verbose_name = "Places"

    def ready(self):
        from bigsocnorth.core.navigation import register_menu_item

        register_menu_item("places:area_list", label=_("Areas"), order=80)
