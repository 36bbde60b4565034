from django.contrib import admin

from bigsocnorth.directory.models import Category, Entry, EntryKind, EntryPlace


class EntryPlaceInline(admin.TabularInline):
    model = EntryPlace
    extra = 0
    raw_id_fields = ["local_authority"]
    readonly_fields = ["public_latitude", "public_longitude"]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name"]
    raw_id_fields = ["author", "editors", "areas_served", "merged_into"]
    inlines = [EntryPlaceInline]


@admin.register(EntryKind)
class EntryKindAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_network", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}
