"""Story sections on other apps' pages.

`{% entry_stories_section entry %}`: the stories about a directory entry, on its page.
`{% author_stories_section user %}`: the stories a person told, on their profile.
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from bigsocnorth.stories.selectors import published_stories, stories_filter
from bigsocnorth.stories.syndication import story_feed_links

register = template.Library()

ENTRY_PAGE_STORIES = 5


@register.inclusion_tag("stories/includes/entry_stories.html")
def entry_stories_section(entry) -> dict:
    stories = list(stories_filter(published_stories(), entry=entry)[:ENTRY_PAGE_STORIES])
    return {
        "entry": entry,
        "stories": stories,
        "feed_links": story_feed_links(entry=entry) if stories else [],
        "add_url": reverse("stories:story_create"),
    }


AUTHOR_PAGE_STORIES = 10


@register.inclusion_tag("stories/includes/author_stories.html")
def author_stories_section(author) -> dict:
    """Their published stories, newest first (drafts are on their contributions page)."""
    stories = list(published_stories().filter(author=author)[:AUTHOR_PAGE_STORIES])
    return {"stories": stories}
