from django.urls import path

from bigsocnorth.forum import feeds, moderating_views, views

app_name = "forum"

urlpatterns = [
    path("", views.topic_latest, name="latest"),
    path("top/", views.topic_top, name="top"),
    path("unread/", views.topic_unread, name="unread"),
    path("new/", views.topic_new, name="new"),
    path("categories/", views.category_list, name="categories"),
    path("categories/manage/", moderating_views.category_manage, name="category_manage"),
    path("c/<slug:slug>/", views.category_detail, name="category"),
    path("c/<slug:slug>/level/", views.category_level, name="category_level"),
    path("start/", views.topic_create, name="topic_create"),
    path("t/<int:pk>/reply/", views.topic_reply, name="reply"),
    path("t/<int:pk>/level/", views.topic_level, name="topic_level"),
    path("t/<int:pk>/moderate/", moderating_views.topic_moderate, name="topic_moderate"),
    # After the fixed words above: "reply", "level" and "moderate" are not a topic's slug.
    path("t/<int:pk>/<slug:slug>/", views.topic_detail, name="topic"),
    path("posts/<int:pk>/", views.post_permalink, name="post"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/history/", views.post_history, name="post_history"),
    path("posts/<int:pk>/like/", views.post_like, name="post_like"),
]

urlpatterns += [
    path(
        "discuss/<int:content_type_id>/<int:object_id>/",
        views.discussion_start,
        name="discussion_start",
    ),
    path(
        "discuss/<int:content_type_id>/<int:object_id>/switch/",
        views.discussion_switch,
        name="discussion_switch",
    ),
]

urlpatterns += [
    path("feed.atom", feeds.topics_feed, {"format": "atom"}, name="feed_atom"),
    path("feed.json", feeds.topics_feed, {"format": "json"}, name="feed_json"),
    path(
        "c/<slug:slug>/feed.atom",
        feeds.topics_feed,
        {"format": "atom"},
        name="category_feed_atom",
    ),
    path(
        "c/<slug:slug>/feed.json",
        feeds.topics_feed,
        {"format": "json"},
        name="category_feed_json",
    ),
    path("t/<int:pk>/feed.atom", feeds.topic_feed, {"format": "atom"}, name="topic_feed_atom"),
    path("t/<int:pk>/feed.json", feeds.topic_feed, {"format": "json"}, name="topic_feed_json"),
]
