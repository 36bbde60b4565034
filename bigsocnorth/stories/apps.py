from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    name = "bigsocnorth.stories"
    verbose_name = _("Stories")

    def ready(self):
        from bigsocnorth.moderation import registry
        from bigsocnorth.stories.changes import story_changed
        from bigsocnorth.stories.models import Story, StoryKind

        registry.register(Story, title_attr="title", on_change=story_changed)

        from bigsocnorth.search import registry as search_registry
        from bigsocnorth.stories.search_document import (
            story_search_fields,
            story_search_queryset,
        )

        search_registry.register(
            Story,
            key="story",
            label=_("Story"),
            build=story_search_fields,
            queryset=story_search_queryset,
        )

        from bigsocnorth.mapping import registry as map_registry
        from bigsocnorth.stories.map_points import story_map_points, story_map_queryset

        map_registry.register(
            Story,
            key="stories",
            label=_("Stories"),
            points=story_map_points,
            queryset=story_map_queryset,
            search_type="story",
            kinds=lambda: [(kind.value, str(kind.label)) for kind in StoryKind],
            categories=lambda: [],
        )

        from bigsocnorth.places.sections import register_area_section
        from bigsocnorth.stories.area_section import stories_area_section

        register_area_section("stories", build=stories_area_section, order=20)

        from bigsocnorth.core.scheduler import register_job
        from bigsocnorth.stories.feed_polling import scheduled_feed_polls

        register_job("news_feeds", run=scheduled_feed_polls)

        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        pre_delete.connect(
            _author_deleted, sender=get_user_model(), dispatch_uid="stories-author-deleted"
        )


def _author_deleted(sender, instance, **kwargs) -> None:
    # A deleted account takes its drafts with it: they were never anyone else's.
    from bigsocnorth.stories.services import unpublished_stories_of_author_delete

    unpublished_stories_of_author_delete(author=instance)
