"""Directory pages: the list, adding an entry, one page per entry, editing."""

from django.urls import path

from bigsocnorth.directory.editors import views as editor_views
from bigsocnorth.directory.entries import views
from bigsocnorth.directory.networks import views as network_views
from bigsocnorth.directory.opendata import views as data_views

app_name = "directory"

urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    # Before <slug>: "new" must never be taken for an entry's slug.
    path("new/", views.entry_create, name="entry_create"),
    path("duplicates/", views.entry_duplicates, name="entry_duplicates"),
    # Networks (networks/views.py). Before <slug>: "networks" is a page, not an entry.
    path("networks/", network_views.network_list, name="network_list"),
    path("networks/graph/", network_views.network_graph, name="network_graph"),
    path(
        "networks/graph/elements.csv",
        network_views.network_graph_elements_csv,
        name="network_graph_elements_csv",
    ),
    path(
        "networks/graph/connections.csv",
        network_views.network_graph_connections_csv,
        name="network_graph_connections_csv",
    ),
    # Open data (opendata/views.py). Before <slug>: "import" is a page, not an entry.
    path("export.csv", data_views.entry_export_csv, name="entry_export_csv"),
    path("import/", data_views.entry_import, name="entry_import"),
    path("import/<uuid:job_id>/", data_views.entry_import_detail, name="entry_import_detail"),
    path("import/<uuid:job_id>/run/", data_views.entry_import_run, name="entry_import_run"),
    path("<slug:slug>/members/add/", network_views.network_member_add, name="network_member_add"),
    path("<slug:slug>/networks/join/", network_views.network_join, name="network_join"),
    path(
        "<slug:slug>/members/<int:pk>/approve/",
        network_views.membership_approve,
        name="network_membership_approve",
    ),
    path(
        "<slug:slug>/members/<int:pk>/decline/",
        network_views.membership_decline,
        name="network_membership_decline",
    ),
    path(
        "<slug:slug>/members/<int:pk>/edit/",
        network_views.membership_edit,
        name="network_membership_edit",
    ),
    path(
        "<slug:slug>/members/<int:pk>/end/",
        network_views.membership_end,
        name="network_membership_end",
    ),
    path("<slug:slug>/", views.entry_detail, name="entry_detail"),
    path("<slug:slug>/edit/", views.entry_edit, name="entry_edit"),
    path(
        "<slug:slug>/ask-to-edit/",
        editor_views.editor_request_create,
        name="editor_request_create",
    ),
    path("<slug:slug>/editors/", editor_views.entry_editors, name="entry_editors"),
    path(
        "<slug:slug>/editors/requests/<int:request_id>/<slug:decision>/",
        editor_views.editor_request_decide,
        name="editor_request_decide",
    ),
    path("<slug:slug>/merge/", editor_views.entry_merge, name="entry_merge"),
]
