"""What the forum holds about a person, for their data export (accounts/personal_data.py):
their topics and posts (with earlier versions and pictures), likes, and what they watch."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigsocnorth.accounts.personal_data import register_personal_data, rows, site_url
from bigsocnorth.forum.models import (
    CategoryWatch,
    Post,
    PostLike,
    PostPicture,
    PostRevision,
    Topic,
    TopicRead,
    TopicWatch,
)


def forum_personal_data(user):
    topics = rows(
        Topic.objects.filter(author=user).order_by("created_at", "pk"),
        "id",
        "slug",
        "title",
        "category__name",
        "tags",
        "local_authority__name",
        "conclusions",
        "status",
        "created_at",
        "updated_at",
        "published_at",
        "closed_at",
    )
    for topic in topics:
        topic["page"] = site_url(
            reverse("forum:topic", kwargs={"pk": topic["id"], "slug": topic.pop("slug") or "-"})
        )
    posts = rows(
        Post.objects.filter(author=user).order_by("created_at", "pk"),
        "id",
        "topic__title",
        "number",
        "body",
        "by_email",
        "status",
        "created_at",
        "updated_at",
        "edited_at",
    )
    earlier: dict[int, list[dict]] = {}
    for revision in (
        PostRevision.objects.filter(post__author=user)
        .order_by("replaced_at", "pk")
        .values("post_id", "body", "replaced_at")
    ):
        earlier.setdefault(revision.pop("post_id"), []).append(revision)
    pictures: dict[int, list[dict]] = {}
    for picture in (
        PostPicture.objects.filter(post__author=user)
        .order_by("position", "pk")
        .values("post_id", "image", "alt", "created_at")
    ):
        pictures.setdefault(picture.pop("post_id"), []).append(picture)
    files = []
    for post in posts:
        post["page"] = site_url(reverse("forum:post", kwargs={"pk": post["id"]}))
        post["earlier_versions"] = earlier.get(post["id"], [])
        post["pictures"] = pictures.get(post["id"], [])
        files.extend(picture["image"] for picture in post["pictures"] if picture["image"])
    return {
        "topics": topics,
        "posts": posts,
        "likes": rows(
            PostLike.objects.filter(user=user).order_by("created_at", "pk"),
            "post_id",
            "post__topic__title",
            "created_at",
        ),
        "topics_watched": rows(
            TopicWatch.objects.filter(user=user).order_by("pk"), "topic__title", "level"
        ),
        "categories_watched": rows(
            CategoryWatch.objects.filter(user=user).order_by("pk"), "category__name", "level"
        ),
        "topics_read": rows(
            TopicRead.objects.filter(user=user).order_by("pk"),
            "topic__title",
            "last_read_number",
            "updated_at",
        ),
    }, files


register_personal_data(
    "forum",
    describe=_(
        "The forum topics you started and the posts you wrote (with their earlier versions "
        "and pictures, in uploads/), the posts you liked, the topics and categories you "
        "watch, and how far you have read each topic."
    ),
    collect=forum_personal_data,
    covers=(Topic, Post),
)
