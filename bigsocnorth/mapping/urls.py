"""The map page, its downloads, and the map for other sites (/embed/map, outside /map/)."""

from django.urls import path

from bigsocnorth.mapping import views

app_name = "mapping"

# Mounted at the site's root: the embeddable map's address is /embed/map, and
# all four share the "mapping" namespace.
urlpatterns = [
    path("map/", views.map_page, name="map"),
    path("map/export.geojson", views.export_geojson, name="export_geojson"),
    path("map/export.csv", views.export_csv, name="export_csv"),
    path("embed/map", views.map_embed, name="embed"),
]
