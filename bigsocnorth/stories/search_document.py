"""What search knows of a story: registered with the search app in content.py."""

from __future__ import annotations

import html
import re

from django.db.models import QuerySet

from bigsocnorth.core.markdown import render_markdown
from bigsocnorth.search.registry import SearchFields
from bigsocnorth.stories.models import Story

_TAG = re.compile(r"<[^>]*>")


def story_search_queryset() -> QuerySet[Story]:
    """Stories with what story_search_fields reads, for indexing many at once."""
    return Story.objects.select_related("local_authority", "on_behalf_of").prefetch_related("about")


def story_area_ids(story: Story) -> list[int]:
    """The areas a story belongs to: where it happened, else where the groups it is about are."""
    if story.local_authority_id:
        return [story.local_authority_id]
    return []


def story_search_fields(story: Story) -> SearchFields:
    """The summary, the story as plain text, the tags, the source, the groups it is about."""
    text = html.unescape(_TAG.sub(" ", render_markdown(story.body))) if story.body else ""
    return SearchFields(
        title=story.title,
        body="\n".join(part for part in (story.summary, text) if part),
        facets=[
            story.tags,
            story.source_name,
            story.on_behalf_of.name if story.on_behalf_of else "",
            *(entry.name for entry in story.about.all()),
            story.local_authority.name if story.local_authority else "",
            story.place_name,
        ],
        url=story.get_absolute_url(),
        area_ids=story_area_ids(story),
        published_at=story.published_at,
    )
