"""Moderation pages: the review queue, its actions, the audit log, flagging."""

from django.urls import path

from bigsocnorth.moderation import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("log/", views.audit_log, name="audit_log"),
    path("yours/", views.contribution_list, name="contribution_list"),
    path(
        "flag/<int:content_type_id>/<int:object_id>/",
        views.flag_create,
        name="flag_create",
    ),
    path("undo/", views.hide_undo, name="hide_undo"),
    path(
        "block/<int:content_type_id>/<int:object_id>/",
        views.author_block,
        name="author_block",
    ),
    path(
        "act/<int:content_type_id>/<int:object_id>/<slug:action>/",
        views.queue_action,
        name="queue_action",
    ),
]
