from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "bigsocnorth.places"
    label = "places"
    verbose_name = "Places"

    def ready(self):
        from bigsocnorth.core.navigation import register_menu_item

        register_menu_item("places:area_list", label=_("Areas"), order=80)

        from bigsocnorth.core.sections import HOME, register_scope
        from bigsocnorth.places.home import home_scope

        # The home page can be narrowed to an area ("near you").
        register_scope(HOME, resolve=home_scope)
