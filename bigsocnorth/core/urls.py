from django.urls import path, re_path

from bigsocnorth.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("guidelines/", views.guidelines, name="guidelines"),
    # Served only while DEBUG is on (a 404 otherwise): see views.demo_feed.
    re_path(r"^demo/feeds/(?P<name>[a-z0-9-]+)\.xml$", views.demo_feed, name="demo_feed"),
]
