"""Stories' sections on the pages that gather content: an area, an entry, a person's profile."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from bigsocnorth.core.sections import Section
from bigsocnorth.directory.permissions import can_edit_entry
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.stories.models import Story
from bigsocnorth.stories.selectors import (
    published_story_cards,
    stories_filter,
    story_list_for_area,
)
from bigsocnorth.stories.syndication import story_feed_links

AREA_PAGE_STORIES = 6
ENTRY_PAGE_STORIES = 5
AUTHOR_PAGE_STORIES = 10
HOME_PAGE_STORIES = 4


def area_stories_section(*, obj, user) -> Section:
    """The newest published stories that happened in the area."""
    stories, count = story_list_for_area(area=obj, limit=AREA_PAGE_STORIES)
    return Section(
        template="stories/includes/area_stories.html",
        head_template="stories/includes/area_feed_links.html",
        context={
            "feed_links": story_feed_links(area=obj),
            "stories": stories,
            "count": count,
            "more_url": f"{reverse('stories:story_list')}?area={obj.slug}",
            "add_url": reverse("stories:story_create"),
        },
    )


def entry_stories_section(*, obj, user) -> Section | None:
    """The stories about a public directory entry, or told on its behalf, and its feeds.

    Its editors also get the way to take stories from the entry's own news feed.
    """
    if not is_public(obj):
        return None
    stories = list(stories_filter(published_story_cards(), entry=obj)[:ENTRY_PAGE_STORIES])
    feed_source_url = (
        reverse("stories:feed_source", kwargs={"slug": obj.slug})
        if obj.feed_url and can_edit_entry(user=user, entry=obj)
        else ""
    )
    if not stories and not feed_source_url:
        return None
    return Section(
        template="stories/includes/entry_stories.html",
        head_template="stories/includes/area_feed_links.html" if stories else "",
        context={
            "stories": stories,
            "feed_links": story_feed_links(entry=obj) if stories else [],
            "feed_source_url": feed_source_url,
        },
    )


def author_stories_section(*, obj, user) -> Section | None:
    """The stories a person told, published ones only (drafts are on their contributions page)."""
    stories = list(published_story_cards().filter(author=obj)[:AUTHOR_PAGE_STORIES])
    if not stories:
        return None
    return Section(template="stories/includes/author_stories.html", context={"stories": stories})


def _list_url(area) -> str:
    url = reverse("stories:story_list")
    return f"{url}?{urlencode({'area': area.slug})}" if area is not None else url


def home_stories_section(*, obj, user) -> Section | None:
    """The newest published stories across the North, or in the area chosen."""
    stories = list(stories_filter(published_story_cards(), area=obj)[:HOME_PAGE_STORIES])
    if not stories:
        return None
    return Section(
        template="stories/includes/home_stories.html",
        context={"stories": stories, "more_url": _list_url(obj)},
    )


def stories_figure(*, obj) -> tuple[int, str]:
    """Stories told here or linked, published (in the area chosen)."""
    return stories_filter(Story.objects.public(), area=obj).count(), _list_url(obj)
