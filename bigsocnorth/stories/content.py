"""Stories as a content type: how they plug into every shared mechanism.

Found at start-up (see docs/adding-a-content-type.md). Nothing outside this
app names stories: the pages that show them, the menu, the map, search and
the demo data all learn of them here.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bigsocnorth.core import sections
from bigsocnorth.core.demo.registry import register_demo
from bigsocnorth.core.navigation import register_menu_item
from bigsocnorth.core.scheduler import register_job
from bigsocnorth.mapping import registry as map_registry
from bigsocnorth.moderation import registry as moderation
from bigsocnorth.moderation.changes import Change
from bigsocnorth.search import registry as search_registry
from bigsocnorth.stories import notices
from bigsocnorth.stories.demo import load_stories_demo
from bigsocnorth.stories.feed_polling import scheduled_feed_polls
from bigsocnorth.stories.map_points import story_map_points, story_map_queryset
from bigsocnorth.stories.models import Story, StoryKind
from bigsocnorth.stories.permissions import can_edit_story
from bigsocnorth.stories.search_document import story_search_fields, story_search_queryset
from bigsocnorth.stories.sections import (
    area_stories_section,
    author_stories_section,
    entry_stories_section,
    home_stories_section,
    stories_figure,
)
from bigsocnorth.stories.services import story_new_voice_mark, story_tags_sync


def story_changed(change: Change) -> None:
    """A story's own derived rows and notices, after the shared indexes (in its transaction)."""
    story = change.obj
    if change.first_publication:
        story_new_voice_mark(story)
        # A new story published at once was published by its author, who is
        # not told of their own action; otherwise a moderator approved it.
        actor = story.author if change.is_new else None
        notices.story_published_notify(story=story, actor=actor)
    story_tags_sync(story)


moderation.register(
    Story,
    title_attr="title",
    on_change=story_changed,
    refresh=("about",),
    editable_by=lambda user, story: can_edit_story(user=user, story=story),
)
search_registry.register(
    Story,
    key="story",
    label=_("Story"),
    build=story_search_fields,
    queryset=story_search_queryset,
)
map_registry.register(
    Story,
    key="stories",
    label=_("Stories"),
    points=story_map_points,
    queryset=story_map_queryset,
    search_type="story",
    kinds=lambda: [(kind.value, str(kind.label)) for kind in StoryKind],
    categories=lambda: [],
    add_label=_("Tell a story that happened here"),
    add_url_name="stories:story_create",
    colour="#6b3fa0",
    icon="story",
)
sections.register_section(sections.AREA, "stories", build=area_stories_section, order=20)
sections.register_section(sections.ENTRY, "stories", build=entry_stories_section, order=30)
sections.register_section(sections.PROFILE, "stories", build=author_stories_section, order=20)
sections.register_section(sections.HOME, "stories", build=home_stories_section, order=20)
sections.register_figure(
    "stories",
    label=lambda count: ngettext("%(count)s story", "%(count)s stories", count) % {"count": count},
    count=stories_figure,
    order=30,
)
register_menu_item("stories:story_list", label=_("Stories"), order=20)
register_job("news_feeds", run=scheduled_feed_polls)


def _author_deleted(sender, instance, **kwargs) -> None:
    # A deleted account takes its drafts with it: they were never anyone else's.
    from bigsocnorth.stories.services import unpublished_stories_of_author_delete

    unpublished_stories_of_author_delete(author=instance)


pre_delete.connect(_author_deleted, sender=get_user_model(), dispatch_uid="stories-author-deleted")
register_demo("stories", load=load_stories_demo, order=30)
