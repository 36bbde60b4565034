"""Reading needs, offers and matches, scoped by the visibility rule."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from bigsocnorth.moderation.permissions import check_view_permission
from bigsocnorth.mutual_aid import permissions
from bigsocnorth.mutual_aid.matching import CARD_FIELDS
from bigsocnorth.mutual_aid.models import (
    AidCategory,
    Match,
    MatchEvent,
    Post,
    PostKind,
    PostState,
    Urgency,
)

CARD_EXTRA = (
    "status", "state", "expires_on", "description", "published_at", "times",
    "entry_id", "entry__name", "entry__slug", "entry__status",
)  # fmt: skip


@dataclass(frozen=True)
class PostFilters:
    kind: str = ""  # need, offer, or both
    area: object = None  # a LocalAuthority or a Region
    category: AidCategory | None = None
    urgency: str = ""
    by: str = ""  # "groups" or "people"
    include_closed: bool = False


def post_cards() -> QuerySet[Post]:
    """What a card shows, and nothing else (never the author's details)."""
    return Post.objects.select_related("category", "local_authority", "entry").only(
        *CARD_FIELDS, *CARD_EXTRA
    )


def _in_area(posts: QuerySet[Post], area) -> QuerySet[Post]:
    from bigsocnorth.places.models import Region

    if isinstance(area, Region):
        return posts.filter(local_authority_id__in=region_area_ids(area))
    return posts.filter(local_authority_id=area.pk)


def region_area_ids(region) -> list[int]:
    """A region's councils' ids: from what its page already read, when it did."""
    from bigsocnorth.places.models import LocalAuthority

    prefetched = getattr(region, "_prefetched_objects_cache", {}).get("local_authorities")
    if prefetched is not None:
        return [authority.pk for authority in prefetched]
    return list(LocalAuthority.objects.filter(region=region).values_list("pk", flat=True))


def posts_filter(posts: QuerySet[Post], filters: PostFilters) -> QuerySet[Post]:
    if filters.kind in (PostKind.NEED, PostKind.OFFER):
        posts = posts.filter(kind=filters.kind)
    if filters.area is not None:
        posts = _in_area(posts, filters.area)
    if filters.category is not None:
        posts = posts.filter(category=filters.category)
    if filters.urgency in Urgency.values:
        posts = posts.filter(urgency=filters.urgency)
    if filters.by == "groups":
        posts = posts.filter(entry__isnull=False)
    elif filters.by == "people":
        posts = posts.filter(entry__isnull=True)
    if not filters.include_closed:
        posts = posts.filter(state=PostState.OPEN, expires_on__gte=timezone.localdate())
    return posts


def post_list(filters: PostFilters) -> QuerySet[Post]:
    """Public posts, the most pressing and newest first."""
    return posts_filter(post_cards().public(), filters).order_by("urgency", "-created_at", "-pk")


def post_get_for_view(*, slug: str, user) -> Post:
    post = (
        Post.objects.select_related("category", "local_authority__region", "entry", "author")
        .filter(slug=slug)
        .first()
    )
    if post is None:
        raise Http404
    check_view_permission(user=user, obj=post)
    return post


def posts_of(user) -> QuerySet[Post]:
    """Someone's own posts, whatever their state, with their answers."""
    return (
        post_cards()
        .filter(author=user)
        .prefetch_related(
            Prefetch(
                "matches",
                queryset=Match.objects.select_related("responder__profile").order_by("-created_at"),
            )
        )
        .order_by("-created_at", "-pk")
    )


def matches_of(user) -> QuerySet[Match]:
    """The answers someone has made to others' posts."""
    return (
        Match.objects.filter(responder=user)
        .select_related("post__category", "post__local_authority")
        .order_by("-created_at", "-pk")
    )


def answers_for(post: Post) -> QuerySet[Match]:
    return post.matches.select_related("responder__profile").order_by("-created_at", "-pk")


def match_get_for_view(*, pk: int, user) -> Match:
    match = (
        Match.objects.select_related(
            "post__author__profile", "post__category", "post__local_authority", "responder__profile"
        )
        .prefetch_related(
            Prefetch("events", queryset=MatchEvent.objects.select_related("actor__profile"))
        )
        .filter(pk=pk)
        .first()
    )
    if match is None or not permissions.can_see_match(user, match):
        raise Http404
    return match


def live_answer_of(*, user, post: Post) -> Match | None:
    if user is None or not user.is_authenticated:
        return None
    from bigsocnorth.mutual_aid.models import ACTIVE_MATCH_STATES

    return post.matches.filter(responder=user, state__in=ACTIVE_MATCH_STATES).first()


def categories() -> list[AidCategory]:
    return list(AidCategory.objects.all())
