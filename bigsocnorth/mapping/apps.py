from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MappingConfig(AppConfig):
    name = "bigsocnorth.mapping"
    verbose_name = _("Map")

    def ready(self):
        from bigsocnorth.core.navigation import register_menu_item

        register_menu_item("mapping:map", label=_("Map"), order=30)

        from bigsocnorth.core import sections
        from bigsocnorth.mapping.home import home_map_section

        # The map leads the home page.
        sections.register_section(sections.HOME, "map", build=home_map_section, order=0)

        from django.core.management import call_command

        from bigsocnorth.mapping import registry
        from bigsocnorth.mapping.models import MapItem
        from bigsocnorth.mapping.services import map_items_sync, map_items_sync_many
        from bigsocnorth.moderation import registry as moderation_registry

        # Every change to a located type reaches the map through moderation's
        # change fan-out; no content app calls these itself.
        moderation_registry.register_index(
            "map",
            covers=lambda model: registry.layer_for_model(model) is not None,
            sync=lambda obj: map_items_sync(obj=obj),
            sync_many=lambda objs: map_items_sync_many(objs=objs),
            is_empty=lambda: not MapItem.objects.exists(),
            rebuild=lambda: call_command("map_rebuild"),
        )
