from django.contrib import admin

from bigsocnorth.moderation.models import AuditLog, Flag


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["content_type", "object_id", "reason", "created_at", "resolved_at"]
    list_filter = ["reason"]
    raw_id_fields = ["flagger"]


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "object_repr", "actor"]
    list_filter = ["action"]
    raw_id_fields = ["actor"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
