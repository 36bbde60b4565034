"""The stories section on area pages: the newest published stories that happened there."""

from __future__ import annotations

from django.urls import reverse

from bigsocnorth.places.sections import AreaSection
from bigsocnorth.stories.selectors import story_list_for_area
from bigsocnorth.stories.syndication import story_feed_links

AREA_PAGE_STORIES = 6


def stories_area_section(*, area, user) -> AreaSection:
    stories, count = story_list_for_area(area=area, limit=AREA_PAGE_STORIES)
    return AreaSection(
        template="stories/includes/area_stories.html",
        head_template="stories/includes/area_feed_links.html",
        context={
            "feed_links": story_feed_links(area=area),
            "stories": stories,
            "count": count,
            "more_url": f"{reverse('stories:story_list')}?area={area.slug}",
            "add_url": reverse("stories:story_create"),
        },
    )
