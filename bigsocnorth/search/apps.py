from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "bigsocnorth.search"
    verbose_name = _("Search")

    def ready(self):
        from bigsocnorth.core.navigation import register_menu_item

        register_menu_item("search:index", label=_("Search"), order=90)

        from django.core.management import call_command

        from bigsocnorth.moderation import registry as moderation_registry
        from bigsocnorth.search import registry
        from bigsocnorth.search.models import SearchDocument
        from bigsocnorth.search.services import (
            search_document_sync,
            search_documents_sync,
            search_index_optimise,
        )

        # Every change to a searchable type reaches the index through
        # moderation's change fan-out; no content app calls these itself.
        moderation_registry.register_index(
            "search",
            covers=lambda model: registry.searchable_type_for_model(model) is not None,
            sync=lambda obj: search_document_sync(obj=obj),
            sync_many=lambda objs: search_documents_sync(objs=objs),
            bulk_done=search_index_optimise,
            is_empty=lambda: not SearchDocument.objects.exists(),
            rebuild=lambda: call_command("search_rebuild"),
        )
