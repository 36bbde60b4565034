"""Story pages under /stories/; feeds out (syndication_urls) and feed sources in
(feed_source_urls) live in their own modules."""

from django.urls import include, path

from bigsocnorth.stories import views

app_name = "stories"

urlpatterns = [
    path("", views.story_list, name="story_list"),
    path("new/", views.story_create, name="story_create"),
    path("share/", views.story_share, name="story_share"),
    path("", include("bigsocnorth.stories.syndication_urls")),
    path("feeds/sources/", include("bigsocnorth.stories.feed_source_urls")),
    path("<slug:slug>/", views.story_detail, name="story_detail"),
    path("<slug:slug>/edit/", views.story_edit, name="story_edit"),
    path("<slug:slug>/delete/", views.story_delete, name="story_delete"),
    path("<slug:slug>/preview-state/", views.story_preview_state, name="story_preview_state"),
    path("<slug:slug>/preview-again/", views.story_preview_retry, name="story_preview_retry"),
]
