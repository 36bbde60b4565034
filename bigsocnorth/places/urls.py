"""Area pages: the list of regions and authorities, place search, one page per area."""

from django.urls import path

from bigsocnorth.places import views

app_name = "places"

urlpatterns = [
    path("", views.area_list, name="area_list"),
    # Before <slug>: "search" must never be taken for an area's slug.
    path("search/", views.place_search, name="place_search"),
    path("<slug:slug>/", views.area_detail, name="area_detail"),
]
