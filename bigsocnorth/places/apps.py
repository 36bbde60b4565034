from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "bigsocnorth.places"
    label = "places"
    verbose_name = "Places"
