"""Pages about people: /profile/ (your own) and /people/<handle>/ (anyone's)."""

from django.urls import path

from bigsocnorth.accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile_edit, name="profile_edit"),
    path("profile/export/", views.profile_export, name="profile_export"),
    path(
        "profile/export/<int:export_id>/download/",
        views.profile_export_download,
        name="profile_export_download",
    ),
    path("profile/delete/", views.profile_delete, name="profile_delete"),
    path("profile/tokens/", views.api_token_create, name="api_token_create"),
    path(
        "profile/tokens/<int:token_id>/revoke/",
        views.api_token_revoke,
        name="api_token_revoke",
    ),
    path("people/<slug:handle>/", views.profile_detail, name="profile_detail"),
]
