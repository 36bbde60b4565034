from django.urls import path

from bigsocnorth.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("guidelines/", views.guidelines, name="guidelines"),
    path("design/", views.design, name="design"),
    path("favicon.ico", views.favicon, name="favicon"),
]
