"""The search page."""

from django.urls import path

from bigsocnorth.search import views

app_name = "search"

urlpatterns = [path("", views.search, name="index")]
