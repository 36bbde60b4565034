"""Reads for the forum, each scoped by the one visibility rule and prepared for its page.

Lists of topics read the topic rows only (what they show is kept on them),
with the few related rows joined, so a page costs the same whatever it
shows. "Unread" compares the topic's last public post number with the
member's read position: one join, no counting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bigsocnorth.core.pagination import look_ahead_page
from bigsocnorth.forum.models import (
    Category,
    CategoryWatch,
    Level,
    Post,
    PostLike,
    Topic,
    TopicRead,
    TopicWatch,
)
from bigsocnorth.moderation.permissions import check_view_permission, is_public

TOPICS_PER_PAGE = 30
POSTS_PER_PAGE = 20
NEW_FOR = timedelta(days=14)
TOP_PERIODS = {"week": timedelta(days=7), "month": timedelta(days=31), "year": timedelta(days=366)}


CATEGORY_CHOICES_KEY = "forum:category-choices"


def category_choices() -> list[tuple[str, str]]:
    """(slug, name) of every category, for search's filter: kept in the shared cache
    until a category changes (content.py forgets it), so a search asks no query for it."""
    from django.core.cache import cache

    return cache.get_or_set(
        CATEGORY_CHOICES_KEY, lambda: list(Category.objects.values_list("slug", "name")), 3600
    )


def categories() -> list[Category]:
    return list(Category.objects.select_related("region"))


def category_find(*, slug) -> Category | None:
    return Category.objects.filter(slug=str(slug or "")[:90]).first() if slug else None


def category_get(*, slug: str) -> Category:
    return get_object_or_404(Category, slug=slug)


def topic_cards() -> QuerySet[Topic]:
    return Topic.objects.public().select_related(
        "category", "author__profile", "last_poster__profile", "local_authority"
    )


def _without_muted(topics: QuerySet[Topic], user) -> QuerySet[Topic]:
    if user is None or not user.is_authenticated:
        return topics
    muted_categories = CategoryWatch.objects.filter(user=user, level=Level.MUTED).values(
        "category_id"
    )
    muted_topics = TopicWatch.objects.filter(user=user, level=Level.MUTED).values("topic_id")
    return topics.exclude(category_id__in=muted_categories).exclude(pk__in=muted_topics)


def _page(queryset, number) -> Page:
    # Counted a hundred pages ahead, not to the end: "Page 1 of 100+".
    return look_ahead_page(queryset, number=number, per_page=TOPICS_PER_PAGE)


PINNED_SHOWN = 5


def pinned_topics(*, category: Category | None = None) -> list[Topic]:
    # The few pinned topics from their own index alone, the category picked
    # out here: asked with "published" or a category, SQLite (which keeps no
    # statistics here) reads every published topic, or the whole category.
    pinned = (
        Topic.objects.filter(pinned_at__isnull=False)
        .order_by("-pinned_at")
        .values_list("pk", "category_id")[:200]
    )
    ids = [pk for pk, category_id in pinned if category is None or category_id == category.pk]
    if not ids:
        return []
    return list(topic_cards().filter(pk__in=ids).order_by("-pinned_at")[:PINNED_SHOWN])


def latest_topics(*, user, category: Category | None = None) -> QuerySet[Topic]:
    topics = topic_cards().filter(pinned_at__isnull=True)
    if category is not None:
        topics = topics.filter(category=category)
    else:
        topics = _without_muted(topics, user)
    return topics.order_by("-last_posted_at", "-id")


def top_topics(*, user, period: str) -> QuerySet[Topic]:
    since = timezone.now() - TOP_PERIODS.get(period, TOP_PERIODS["month"])
    return _without_muted(topic_cards().filter(created_at__gte=since), user).order_by(
        "-score", "-id"
    )


def unread_topics(*, user) -> QuerySet[Topic]:
    """Topics the member has read some of, with public posts since; none they muted.

    Found from the member's own read positions (a few hundred rows), then
    those topics by id: started from the topics, the databases walk all of
    them looking for the member's reads.
    """
    behind = list(
        TopicRead.objects.filter(
            user=user, last_read_number__lt=F("topic__last_public_number")
        ).values_list("topic_id", flat=True)
    )
    return _without_muted(topic_cards().filter(pk__in=behind), user).order_by(
        "-last_posted_at", "-id"
    )


def new_topics(*, user) -> QuerySet[Topic]:
    """Recent topics the member has not opened yet."""
    since = max(timezone.now() - NEW_FOR, user.date_joined)
    opened = TopicRead.objects.filter(user=user).values("topic_id")
    return _without_muted(
        topic_cards().filter(created_at__gte=since).exclude(pk__in=opened), user
    ).order_by("-created_at", "-id")


def read_positions(*, user, topics) -> dict[int, int]:
    """For the topics shown: how far the member has read each (topic id → post number)."""
    if not user.is_authenticated:
        return {}
    ids = [topic.pk for topic in topics]
    return dict(
        TopicRead.objects.filter(user=user, topic_id__in=ids).values_list(
            "topic_id", "last_read_number"
        )
    )


def topics_page(queryset, *, number, user) -> Page:
    page = _page(queryset, number)
    positions = read_positions(user=user, topics=page.object_list)
    for topic in page.object_list:
        read = positions.get(topic.pk)
        topic.unread_posts = None if read is None else max(0, topic.last_public_number - read)
    return page


# --- One topic ------------------------------------------------------------------


def topic_get_for(*, user, pk: int) -> Topic:
    topic = get_object_or_404(
        Topic.objects.select_related(
            "category", "author__profile", "local_authority", "closed_by__profile"
        ),
        pk=pk,
    )
    check_view_permission(user=user, obj=topic)
    return topic


def _visible_posts(*, user, topic: Topic) -> QuerySet[Post]:
    posts = Post.objects.filter(topic=topic)
    if user is not None and user.is_authenticated and user.is_moderator:
        return posts
    condition = Q(status="published")
    if user is not None and user.is_authenticated:
        condition |= Q(author=user)
    return posts.filter(condition)


class _IdsFirstPaginator(Paginator):
    """A page's post ids read from the (topic, status, number) index alone, then those
    posts with their joins: a deep page of a long topic skips ids, not joined rows."""

    def page(self, number) -> Page:
        page = super().page(number)
        ids = list(page.object_list.values_list("pk", flat=True))
        page.object_list = list(self.object_list.filter(pk__in=ids)) if ids else []
        return page


@dataclass
class TopicPage:
    topic: Topic
    page: Page
    first_unread: int | None
    liked: set[int]
    cards: dict[str, object]
    level: int | None


def post_page_number(*, user, topic: Topic, number: int) -> int:
    """The page of the topic that shows post `number` (or the first after it)."""
    before = _visible_posts(user=user, topic=topic).filter(number__lt=number).count()
    return before // POSTS_PER_PAGE + 1


def first_unread_number(*, user, topic: Topic) -> int | None:
    if not user.is_authenticated:
        return None
    read = (
        TopicRead.objects.filter(user=user, topic=topic)
        .values_list("last_read_number", flat=True)
        .first()
    )
    if read is None or read >= topic.last_public_number:
        return None
    return read + 1


def topic_page(*, user, topic: Topic, number) -> TopicPage:
    posts = (
        _visible_posts(user=user, topic=topic)
        .select_related("author__profile", "reply_to__author__profile")
        # One query for the page's pictures, in their order (PostPicture.Meta).
        .prefetch_related("pictures")
        .order_by("number")
    )
    paginator = _IdsFirstPaginator(posts, POSTS_PER_PAGE)
    signed_in = user is not None and user.is_authenticated
    if not (signed_in and (user.is_moderator or topic.author_id == user.pk)):
        # Everyone else sees the public posts, already counted on the topic,
        # plus (for a signed-in member) their own posts waiting for review.
        own_waiting = (
            Post.objects.filter(topic=topic, author=user).exclude(status="published").count()
            if signed_in
            else 0
        )
        paginator.count = topic.post_count + own_waiting
    page = paginator.get_page(number)
    shown = list(page.object_list)
    page.object_list = shown
    liked: set[int] = set()
    level = None
    if signed_in:
        liked = set(
            PostLike.objects.filter(user=user, post__in=[post.pk for post in shown]).values_list(
                "post_id", flat=True
            )
        )
        level = (
            TopicWatch.objects.filter(user=user, topic=topic)
            .values_list("level", flat=True)
            .first()
        )
    return TopicPage(
        topic=topic,
        page=page,
        first_unread=first_unread_number(user=user, topic=topic),
        liked=liked,
        cards=site_cards([path for post in shown for path in post.site_paths]),
        level=level,
    )


def site_cards(paths: list[str]) -> dict[str, object]:
    """What links to this site's pages show as cards: the search index's public documents.

    Only what is public is indexed, so a link to something hidden shows no card.
    """
    from bigsocnorth.search.models import SearchDocument

    if not paths:
        return {}
    documents = SearchDocument.objects.filter(url__in=set(paths)).only(
        "url", "title", "type_key", "body", "published_at"
    )
    return {document.url: document for document in documents}


def post_get_for(*, user, pk: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("topic", "author__profile"), pk=pk)
    check_view_permission(user=user, obj=post.topic)
    check_view_permission(user=user, obj=post)
    return post


def post_for_quote(*, user, pk) -> Post | None:
    """A post a member may quote: public, in a public topic."""
    try:
        post = Post.objects.select_related("author__profile", "topic").get(pk=int(pk))
    except (Post.DoesNotExist, TypeError, ValueError):
        return None
    if not (is_public(post) and is_public(post.topic)):
        return None
    return post


def post_history(*, user, post: Post):
    return list(post.revisions.select_related("edited_by__profile"))


def discussion_for(subject) -> Topic | None:
    from django.contrib.contenttypes.models import ContentType

    return (
        Topic.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
        )
        .select_related("category")
        .first()
    )


def category_level(*, user, category: Category) -> int:
    if not user.is_authenticated:
        return Level.NORMAL
    level = (
        CategoryWatch.objects.filter(user=user, category=category)
        .values_list("level", flat=True)
        .first()
    )
    return Level.NORMAL if level is None else level
