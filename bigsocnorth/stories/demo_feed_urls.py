"""The demo news feeds at /demo/feeds/<name>.xml (mounted at the site's root).

Served only when SERVE_DEMO_FEEDS is on (a 404 otherwise): see demo_feed_views.demo_feed.
"""

from django.urls import re_path

from bigsocnorth.stories import demo_feed_views

app_name = "stories_demo"

urlpatterns = [
    re_path(r"^demo/feeds/(?P<name>[a-z0-9-]+)\.xml$", demo_feed_views.demo_feed, name="demo_feed"),
]
