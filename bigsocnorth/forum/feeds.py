"""Atom and JSON Feed for the forum: the latest topics, each category's, and each topic's posts."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils import feedgenerator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bigsocnorth.core.feeds import JsonFeed, absolute_url
from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.forum.models import Category, Post, Topic
from bigsocnorth.forum.selectors import topic_cards
from bigsocnorth.forum.text import post_html
from bigsocnorth.moderation.permissions import is_public

FEED_SIZE = 30


class _FormatFeed(Feed):
    def __init__(self, *, feed_format: str) -> None:
        self.feed_format = feed_format
        self.feed_type = JsonFeed if feed_format == "json" else feedgenerator.Atom1Feed

    def author_name(self) -> str:
        return settings.SITE_NAME

    def _feed_url(self, path: str) -> str:
        return absolute_url(path + ("feed.json" if self.feed_format == "json" else "feed.atom"))


class TopicsFeed(_FormatFeed):
    """New topics: the whole forum's, or one category's."""

    def get_object(self, request, slug: str | None = None):
        return get_object_or_404(Category, slug=slug) if slug else None

    def title(self, category) -> str:
        if category is not None:
            return _("%(category)s, in the forum of %(site)s") % {
                "category": category.name,
                "site": settings.SITE_NAME,
            }
        return _("The forum of %(site)s") % {"site": settings.SITE_NAME}

    def description(self, category) -> str:
        return _("New topics in the open forum, as they are published.")

    def link(self, category) -> str:
        return absolute_url(category.get_absolute_url() if category else "/forum/")

    def feed_url(self, category) -> str:
        return self._feed_url(category.get_absolute_url() if category else "/forum/")

    def items(self, category) -> list[Topic]:
        topics = topic_cards()
        if category is not None:
            topics = topics.filter(category=category)
        topics = list(topics.order_by("-published_at", "-pk")[:FEED_SIZE])
        openings = dict(
            Post.objects.filter(topic__in=topics, number=1).values_list("topic_id", "body")
        )
        for topic in topics:
            topic.opening_body = openings.get(topic.pk, "")
        return topics

    def item_title(self, topic: Topic) -> str:
        return topic.title

    def item_description(self, topic: Topic) -> str:
        return str(post_html(topic.opening_body, []))

    def item_link(self, topic: Topic) -> str:
        return absolute_url(topic.get_absolute_url())

    def item_pubdate(self, topic: Topic):
        return topic.published_at

    def item_author_name(self, topic: Topic) -> str:
        return str(topic.author) if topic.author_id else ""

    def item_categories(self, topic: Topic) -> list[str]:
        return [topic.category.name, *topic.tag_list]


class TopicPostsFeed(_FormatFeed):
    """The newest posts of one topic."""

    def get_object(self, request, pk: int):
        topic = get_object_or_404(Topic.objects.select_related("category"), pk=pk)
        if not is_public(topic):
            raise Topic.DoesNotExist
        return topic

    def title(self, topic: Topic) -> str:
        return topic.title

    def description(self, topic: Topic) -> str:
        return _("New posts in “%(title)s”.") % {"title": topic.title}

    def link(self, topic: Topic) -> str:
        return absolute_url(topic.get_absolute_url())

    def feed_url(self, topic: Topic) -> str:
        return self._feed_url(f"/forum/t/{topic.pk}/")

    def items(self, topic: Topic) -> list[Post]:
        return list(
            Post.objects.public()
            .filter(topic=topic)
            .select_related("author__profile", "topic")
            .order_by("-number")[:FEED_SIZE]
        )

    def item_title(self, post: Post) -> str:
        return _("#%(number)d by %(name)s") % {
            "number": post.number,
            "name": str(post.author) if post.author_id else _("someone"),
        }

    def item_description(self, post: Post) -> str:
        return str(post_html(post.body, post.mentions))

    def item_link(self, post: Post) -> str:
        return absolute_url(post.get_absolute_url())

    def item_pubdate(self, post: Post):
        return post.published_at or post.created_at

    def item_updateddate(self, post: Post):
        return post.edited_at


def _not_found_instead(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Topic.DoesNotExist:
            from django.http import Http404

            raise Http404 from None

    return wrapped


@require_GET
@cached_for_visitors
def topics_feed(request, *, format: str, slug: str | None = None):
    return TopicsFeed(feed_format=format)(request, slug=slug)


@require_GET
@cached_for_visitors
@_not_found_instead
def topic_feed(request, pk: int, *, format: str):
    return TopicPostsFeed(feed_format=format)(request, pk=pk)
