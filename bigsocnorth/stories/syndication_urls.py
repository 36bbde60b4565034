"""Addresses of the story feeds, to be included in the `stories` namespace under stories/.

Four names, each taking `format` ("atom", "rss" or "json"):

    stories:feed_all     feed.<format>
    stories:feed_tag     tag/<tag>/feed.<format>      (tag: any text, "/" and spaces included)
    stories:feed_area    area/<area>/feed.<format>    (a local authority's or a region's slug)
    stories:feed_entry   entry/<slug>/feed.<format>   (a directory entry's slug)

For example reverse("stories:feed_area", kwargs={"area": "calderdale", "format": "atom"}).
"""

from __future__ import annotations

from django.urls import path, register_converter

from bigsocnorth.stories.syndication import FEED_FORMATS, story_feed_view


class FeedFormatConverter:
    regex = "|".join(FEED_FORMATS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        if value not in FEED_FORMATS:
            raise ValueError(value)  # reverse() then raises NoReverseMatch
        return value


register_converter(FeedFormatConverter, "story_feed_format")

urlpatterns = [
    path("feed.<story_feed_format:format>", story_feed_view, name="feed_all"),
    # <path:…> so a tag with a "/" in it ("health/wellbeing") still has a feed.
    path("tag/<path:tag>/feed.<story_feed_format:format>", story_feed_view, name="feed_tag"),
    path("area/<slug:area>/feed.<story_feed_format:format>", story_feed_view, name="feed_area"),
    path("entry/<slug:slug>/feed.<story_feed_format:format>", story_feed_view, name="feed_entry"),
]
