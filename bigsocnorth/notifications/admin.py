from django.contrib import admin

from bigsocnorth.notifications.models import (
    DigestRun,
    Follow,
    Notification,
    NotificationPreference,
)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_frequency", "updated_at"]
    list_filter = ["email_frequency"]
    raw_id_fields = ["user"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "content_type", "object_id", "created_at"]
    list_filter = ["content_type"]
    raw_id_fields = ["user"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "message", "read_at", "emailed_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient", "actor"]

    # Notifications are a record of what people were told; operators look, not edit.
    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DigestRun)
class DigestRunAdmin(admin.ModelAdmin):
    list_display = ["frequency", "period", "started_at", "finished_at", "digests_sent"]
    list_filter = ["frequency"]

    def has_change_permission(self, request, obj=None):
        return False
