"""The page where an entry's editors switch taking stories from its news feed on or off.

Included by stories.urls under /stories/feeds/sources/ (namespace "stories").
"""

from django.urls import path

from bigsocnorth.stories import feed_source_views

urlpatterns = [
    path("<slug:slug>/", feed_source_views.feed_source, name="feed_source"),
]
