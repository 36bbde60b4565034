"""Notification pages: your notifications, what you follow, email settings."""

from django.urls import path

from bigsocnorth.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.notifications_mark_all_read, name="mark_all_read"),
    path("<int:notification_id>/", views.notification_open, name="open"),
    path("following/", views.following_list, name="following"),
    path("follow/", views.follow_create, name="follow"),
    path("unfollow/", views.follow_delete, name="unfollow"),
    path("settings/", views.notification_settings, name="settings"),
]
# The unsubscribe link (/unsubscribe/<token>/, no login needed) is routed in
# config/urls.py, at the top level: it must stay short (see emails.py).
