from django.contrib import admin

from bigsocnorth.directory.models import Category, Entry, EntryKind


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "local_authority", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name"]
    raw_id_fields = ["author", "editors", "local_authority"]


admin.site.register(EntryKind)
admin.site.register(Category)
