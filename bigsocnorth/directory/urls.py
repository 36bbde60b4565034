"""Directory pages: the list, adding an entry, one page per entry, editing."""

from django.urls import path

from bigsocnorth.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    # Before <slug>: "new" must never be taken for an entry's slug.
    path("new/", views.entry_create, name="entry_create"),
    path("<slug:slug>/", views.entry_detail, name="entry_detail"),
    path("<slug:slug>/edit/", views.entry_edit, name="entry_edit"),
]
