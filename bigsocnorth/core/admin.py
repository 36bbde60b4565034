from django.contrib import admin

from bigsocnorth.core.models import TaskWorker


@admin.register(TaskWorker)
class TaskWorkerAdmin(admin.ModelAdmin):
    """The task workers running now, as they report themselves: to look at, not to edit."""

    list_display = ["worker_id", "host", "pid", "started_at", "seen_at"]
    search_fields = ["worker_id", "host"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
