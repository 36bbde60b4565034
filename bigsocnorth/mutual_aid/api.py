"""The needs and offers API: open public posts, and one public post, read-only.

What /help/ shows a visitor, as data: its filters (kind, area, category,
urgency), 50 to a page. A post's words, kind of help and area only: never
who posted it, never a point finer than the area's centre, never anyone's
contact details, never its answers.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view

from bigsocnorth.core.feeds import absolute_url
from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.core.schemas import Message
from bigsocnorth.mutual_aid.models import AidCategory, Post
from bigsocnorth.mutual_aid.selectors import PostFilters, post_cards, post_list
from bigsocnorth.places.selectors import area_get_by_slug

router = Router(tags=["needs and offers"])

PER_PAGE = 50
PAGE_MAX = 100_000
ID_MAX = 2**63 - 1
SLUG_PATTERN = r"^[-a-zA-Z0-9_]*$"


class AidAreaRef(Schema):
    slug: str = Field(description="Local authority slug, as /api/v1/areas names it.")
    name: str


class AidPostOut(Schema):
    id: int
    url: str = Field(description="The post's page, where members answer it.")
    kind: str = Field(description="need or offer.")
    category: str = Field(description="The kind of help's slug.")
    category_name: str
    title: str
    description: str
    area: AidAreaRef
    when: str = Field(description="ongoing, date or window.")
    starts_on: str | None
    ends_on: str | None
    urgency: str = Field(description="1 urgent, 2 soon, 3 when it suits.")
    state: str = Field(description="open, met, not_needed or lapsed.")
    expires_on: str
    for_a_group: bool = Field(description="Posted for a group in the directory.")
    published_at: str | None


class AidPostPage(Schema):
    count: int
    page: int
    pages: int
    items: list[AidPostOut]


def post_out(post: Post) -> dict:
    return {
        "id": post.pk,
        "url": absolute_url(post.get_absolute_url()),
        "kind": post.kind,
        "category": post.category.slug,
        "category_name": post.category.name,
        "title": post.title,
        "description": post.description,
        "area": {"slug": post.local_authority.slug, "name": post.local_authority.name},
        "when": post.when,
        "starts_on": post.starts_on.isoformat() if post.starts_on else None,
        "ends_on": post.ends_on.isoformat() if post.ends_on else None,
        "urgency": post.urgency,
        "state": post.state,
        "expires_on": post.expires_on.isoformat(),
        "for_a_group": post.entry_id is not None,
        "published_at": post.published_at.isoformat() if post.published_at else None,
    }


@decorate_view(cached_for_visitors)
@router.get(
    "",
    response={200: AidPostPage, 404: Message},
    url_name="mutual_aid_post_list",
    summary="List open public needs and offers, the most pressing first",
)
def aid_post_list(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=PAGE_MAX, description="Page number, from 1."),
    kind: str = Query("", pattern=r"^(need|offer)?$", description="need or offer."),
    area: str = Query(
        "",
        max_length=100,
        pattern=SLUG_PATTERN,
        description="A local authority's or a region's slug: posts in that area.",
    ),
    category: str = Query("", max_length=40, pattern=SLUG_PATTERN, description="A kind of help."),
    urgency: str = Query("", pattern=r"^[123]?$", description="1, 2 or 3."),
):
    """Open public posts, 50 to a page. An unknown area or category is a 404 with a
    message, so a mistyped filter is never mistaken for a quiet area."""
    found_area = None
    if area:
        found_area = area_get_by_slug(slug=area, boundaries=False)
        if found_area is None:
            raise Http404(_('There is no area called "%(slug)s".') % {"slug": area})
    found_category = None
    if category:
        found_category = AidCategory.objects.filter(slug=category).first()
        if found_category is None:
            raise Http404(_('There is no kind of help called "%(slug)s".') % {"slug": category})
    posts = post_list(
        PostFilters(kind=kind, area=found_area, category=found_category, urgency=urgency)
    )
    paginator = Paginator(posts, PER_PAGE)
    if page > paginator.num_pages:
        raise Http404(_("There is no page %(page)s.") % {"page": page})
    found = paginator.page(page)
    return {
        "count": paginator.count,
        "page": found.number,
        "pages": paginator.num_pages,
        "items": [post_out(post) for post in found.object_list],
    }


@decorate_view(cached_for_visitors)
@router.get(
    "/{post_id}",
    response={200: AidPostOut, 404: Message},
    url_name="mutual_aid_post_detail",
    summary="One public need or offer",
)
def aid_post_detail(
    request: HttpRequest,
    post_id: int = Path(..., ge=1, le=ID_MAX, description="The post's id."),
):
    """A public post, open or closed. One waiting for review or hidden is a 404."""
    post = post_cards().public().filter(pk=post_id).first()
    if post is None:
        raise Http404(_("There is no public need or offer with this id."))
    return post_out(post)
