from django.contrib import admin

from bigsocnorth.forum.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Moderators set categories on /forum/categories/manage/, which keeps the audit log."""

    list_display = ["name", "slug", "position", "region", "topic_count"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["topic_count", "last_posted_at"]
