from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "bigsocnorth.directory"
    verbose_name = _("Directory")

    def ready(self):
        from bigsocnorth.directory.changes import entry_changed
        from bigsocnorth.directory.models import Entry
        from bigsocnorth.moderation import registry

        registry.register(Entry, title_attr="name", on_change=entry_changed)

        from bigsocnorth.directory.entries.selectors import category_list
        from bigsocnorth.directory.search_document import (
            entry_search_fields,
            entry_search_queryset,
        )
        from bigsocnorth.search import registry as search_registry

        search_registry.register(
            Entry,
            key="entry",
            label=_("Directory entry"),
            build=entry_search_fields,
            queryset=entry_search_queryset,
            categories=lambda: [(category.slug, category.name) for category in category_list()],
        )

        from bigsocnorth.directory.entries.selectors import entry_kind_list
        from bigsocnorth.directory.map_points import entry_map_points, entry_map_queryset
        from bigsocnorth.mapping import registry as map_registry

        map_registry.register(
            Entry,
            key="directory",
            label=_("Directory"),
            points=entry_map_points,
            queryset=entry_map_queryset,
            search_type="entry",
            kinds=lambda: [(kind.slug, kind.name) for kind in entry_kind_list()],
            categories=lambda: [(category.slug, category.name) for category in category_list()],
        )

        from bigsocnorth.directory.area_section import directory_area_section
        from bigsocnorth.places.sections import register_area_section

        register_area_section("directory", build=directory_area_section, order=10)
