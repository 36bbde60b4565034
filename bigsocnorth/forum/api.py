"""The forum API: categories, public topics and their public posts, read-only.

What the /forum/ pages show a visitor: topics and posts that anyone may see,
latest activity first for topics and in number order for posts. A post comes
as it was written (Markdown, `body`) and as the site shows it (`body_html`:
sanitised, with its @mentions linked). Lists are paged, 50 to a page, and cost
the same few queries however many items they hold.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Case, F, Q, Sum, When
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view

from bigsocnorth.core.feeds import absolute_url
from bigsocnorth.core.markdown import render_markdown
from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.core.schemas import Message
from bigsocnorth.core.tags import tag_list, tags_normalise
from bigsocnorth.forum.models import Category, Post, Topic
from bigsocnorth.forum.selectors import topic_cards
from bigsocnorth.forum.text import post_html
from bigsocnorth.moderation.permissions import is_public, public_condition
from bigsocnorth.moderation.registry import title_for
from bigsocnorth.places.models import LocalAuthority, Region

router = Router(tags=["forum"])

PER_PAGE = 50
PAGE_MAX = 100_000
ID_MAX = 2**63 - 1
SLUG_PATTERN = r"^[-a-zA-Z0-9_]*$"
# A tag is any words but commas (which separate tags) and control characters.
TAG_PATTERN = r"^[^,\x00-\x1f\x7f]*$"


class CategoryRef(Schema):
    slug: str
    name: str


class AreaRef(Schema):
    slug: str = Field(description="Local authority or region slug, as /api/v1/areas names it.")
    name: str


class Person(Schema):
    name: str = Field(description="Display name, as shown on the site.")
    profile_url: str | None = Field(
        description="Their public profile page; null when the account no longer exists."
    )


class CategoryOut(Schema):
    slug: str
    name: str
    description: str
    url: str = Field(description="The category's page on the site.")
    region: AreaRef | None = Field(description="The region it is for, if it is a region's own.")
    topic_count: int = Field(description="Public topics in it.")
    last_posted_at: str | None = Field(description="When its latest public post was written.")


class Subject(Schema):
    title: str
    url: str


class TopicOut(Schema):
    id: int
    url: str = Field(description="The topic's page on the site.")
    posts_url: str = Field(description="Its posts, in this API.")
    title: str
    category: CategoryRef
    tags: list[str]
    area: AreaRef | None = Field(description="The local authority it is about, if any.")
    author: Person = Field(description="Who started it.")
    created_at: str
    last_posted_at: str | None = Field(description="When its latest public post was written.")
    last_poster: Person | None
    post_count: int = Field(description="Public posts, the opening post included.")
    reply_count: int
    like_count: int = Field(description="Likes of all its public posts.")
    pinned: bool
    locked: bool = Field(description="Locked by a moderator: it takes no replies.")
    closed: bool = Field(description="Closed by a moderator, with conclusions.")


class PostPictureOut(Schema):
    url: str = Field(description="The picture: a JPEG, re-encoded without its metadata.")
    alt: str = Field(description="Its description, for people who cannot see it.")
    width: int | None
    height: int | None


class PostOut(Schema):
    id: int
    number: int = Field(description="Its number in the topic, from 1 (the opening post).")
    url: str = Field(description="A permanent link to the post on the site.")
    author: Person
    body: str = Field(description="The text as written, in Markdown.")
    body_html: str = Field(description="The text as the site shows it: sanitised HTML.")
    reply_to: int | None = Field(description="The number of the post it answers, if any.")
    like_count: int
    created_at: str
    edited_at: str | None = Field(description="When it was last edited, if ever.")
    pictures: list[PostPictureOut] = Field(description="The pictures under it, in order (up to 4).")


class TopicDetailOut(TopicOut):
    closed_at: str | None
    conclusions: str = Field(description="A closed topic's conclusions, in Markdown.")
    conclusions_html: str = Field(description="The conclusions as the site shows them.")
    discussion_of: Subject | None = Field(
        description="What the topic discusses (an entry, a story, a cut…), if it is public."
    )
    opening_post: PostOut | None = Field(description="Post number 1, when it is shown.")


class TopicPage(Schema):
    count: int
    page: int
    pages: int
    items: list[TopicOut]


class PostPage(Schema):
    count: int
    page: int
    pages: int
    topic: Subject
    items: list[PostOut]


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _area(authority) -> dict | None:
    if authority is None:
        return None
    return {"slug": authority.slug, "name": authority.name}


def _person(user) -> dict:
    profile = getattr(user, "profile", None) if user is not None else None
    if profile is None:
        return {"name": _("Someone"), "profile_url": None}
    return {
        "name": profile.display_name,
        "profile_url": absolute_url(profile.get_absolute_url()),
    }


def _topic_out(topic: Topic) -> dict:
    return {
        "id": topic.pk,
        "url": absolute_url(topic.get_absolute_url()),
        "posts_url": absolute_url(reverse("api:forum_topic_posts", kwargs={"topic_id": topic.pk})),
        "title": topic.title,
        "category": {"slug": topic.category.slug, "name": topic.category.name},
        "tags": tag_list(topic.tags),
        "area": _area(topic.local_authority),
        "author": _person(topic.author),
        "created_at": topic.created_at.isoformat(),
        "last_posted_at": _when(topic.last_posted_at),
        "last_poster": _person(topic.last_poster) if topic.last_poster_id else None,
        "post_count": topic.post_count,
        "reply_count": topic.reply_count,
        "like_count": topic.like_count,
        "pinned": topic.is_pinned,
        "locked": topic.is_locked,
        "closed": topic.is_closed,
    }


def _post_out(post: Post) -> dict:
    return {
        "id": post.pk,
        "number": post.number,
        "url": absolute_url(post.get_absolute_url()),
        "author": _person(post.author),
        "body": post.body,
        "body_html": str(post_html(post.body, post.mentions)),
        "reply_to": post.reply_to_shown,
        "like_count": post.like_count,
        "created_at": post.created_at.isoformat(),
        "edited_at": _when(post.edited_at),
        "pictures": [
            {
                "url": absolute_url(picture.image.url),
                "alt": picture.alt,
                "width": picture.width,
                "height": picture.height,
            }
            for picture in post.pictures.all()
        ],
    }


def _public_posts(topic: Topic):
    """The topic's public posts, with their authors and the number each answers (if shown)."""
    return (
        Post.objects.public()
        .filter(topic=topic)
        .select_related("author__profile")
        # One query for the pictures of every post read (PostPicture.Meta orders them).
        .prefetch_related("pictures")
        .annotate(
            reply_to_shown=Case(
                When(public_condition(through="reply_to__"), then=F("reply_to__number")),
                default=None,
            )
        )
    )


def _topic_get(topic_id: int) -> Topic:
    topic = topic_cards().filter(pk=topic_id).first()
    if topic is None:
        raise Http404(_("There is no public forum topic with this id."))
    return topic


def _tagged(tag: str) -> Q:
    """Topics with this tag among theirs (stored as one column, "a, b, c")."""
    return (
        Q(tags=tag)
        | Q(tags__startswith=f"{tag}, ")
        | Q(tags__endswith=f", {tag}")
        | Q(tags__contains=f", {tag}, ")
    )


@decorate_view(cached_for_visitors)
@router.get(
    "/categories",
    response={200: list[CategoryOut]},
    url_name="forum_category_list",
    summary="List the forum's categories",
)
def category_list(request: HttpRequest):
    """Every category, in the order the forum shows them, with its public topics counted."""
    return [
        {
            "slug": category.slug,
            "name": category.name,
            "description": category.description,
            "url": absolute_url(category.get_absolute_url()),
            "region": _area(category.region),
            "topic_count": category.topic_count,
            "last_posted_at": _when(category.last_posted_at),
        }
        for category in Category.objects.select_related("region")
    ]


@decorate_view(cached_for_visitors)
@router.get(
    "/topics",
    response={200: TopicPage, 404: Message},
    url_name="forum_topic_list",
    summary="List public forum topics, latest activity first",
)
def topic_list(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=PAGE_MAX, description="Page number, from 1."),
    category: str = Query(
        "", max_length=90, pattern=SLUG_PATTERN, description="A category's slug, e.g. funding."
    ),
    area: str = Query(
        "",
        max_length=100,
        pattern=SLUG_PATTERN,
        description="A local authority's or a region's slug: topics about that area.",
    ),
    tag: str = Query("", max_length=40, pattern=TAG_PATTERN, description="A tag, e.g. grants."),
):
    """Public topics, the one with the newest post first, 50 to a page.

    An unknown `category` or `area` is answered with 404 and a message, so a
    mistyped filter is never mistaken for an empty forum.
    """
    topics = Topic.objects.public()
    if category:
        category_id = Category.objects.filter(slug=category).values_list("pk", flat=True).first()
        if category_id is None:
            raise Http404(
                _(
                    'There is no forum category called "%(slug)s". '
                    "The categories are listed at %(url)s."
                )
                % {"slug": category, "url": "/api/v1/forum/categories"}
            )
        topics = topics.filter(category_id=category_id)
    if area:
        topics = topics.filter(_area_condition(area))
    tag = tags_normalise(tag)
    if tag:
        topics = topics.filter(_tagged(tag))
    # The page's ids from an index first, then only those rows with what they show.
    ids = topics.order_by("-last_posted_at", "-id").values_list("pk", flat=True)
    paginator = Paginator(ids, PER_PAGE)
    if not (area or tag):
        # Kept exact on the categories by the topics' change hook: counting 200,000
        # topics on every request costs more than the page.
        kept = Category.objects.filter(pk=category_id) if category else Category.objects.all()
        paginator.count = kept.aggregate(total=Sum("topic_count"))["total"] or 0
    found = paginator.get_page(page)
    wanted = list(found.object_list)
    rows = topic_cards().in_bulk(wanted)
    return {
        "count": found.paginator.count,
        "page": found.number,
        "pages": found.paginator.num_pages,
        "items": [_topic_out(rows[pk]) for pk in wanted if pk in rows],
    }


def _area_condition(slug: str) -> Q:
    authority_id = LocalAuthority.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if authority_id is not None:
        return Q(local_authority_id=authority_id)
    region_id = Region.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if region_id is not None:
        return Q(local_authority__region_id=region_id)
    raise Http404(
        _('There is no area called "%(slug)s". The areas are listed at %(url)s.')
        % {"slug": slug, "url": "/api/v1/areas"}
    )


@decorate_view(cached_for_visitors)
@router.get(
    "/topics/{topic_id}",
    response={200: TopicDetailOut, 404: Message},
    url_name="forum_topic_detail",
    summary="One public forum topic, with its opening post",
)
def topic_detail(
    request: HttpRequest,
    topic_id: int = Path(..., ge=1, le=ID_MAX, description="The topic's id."),
):
    """The topic, what it discusses (if anything, and if that is public), its
    conclusions once closed, and its opening post. Its replies are at `posts_url`."""
    topic = _topic_get(topic_id)
    data = _topic_out(topic)
    opening = _public_posts(topic).filter(number=1).first()
    subject = topic.subject if topic.subject_id else None
    data.update(
        closed_at=_when(topic.closed_at),
        conclusions=topic.conclusions if topic.is_closed else "",
        conclusions_html=str(render_markdown(topic.conclusions)) if topic.is_closed else "",
        discussion_of=(
            {"title": title_for(subject), "url": absolute_url(subject.get_absolute_url())}
            if is_public(subject)
            else None
        ),
        opening_post=_post_out(opening) if opening is not None else None,
    )
    return data


@decorate_view(cached_for_visitors)
@router.get(
    "/topics/{topic_id}/posts",
    response={200: PostPage, 404: Message},
    url_name="forum_topic_posts",
    summary="A public forum topic's posts, in number order",
)
def topic_posts(
    request: HttpRequest,
    topic_id: int = Path(..., ge=1, le=ID_MAX, description="The topic's id."),
    page: int = Query(1, ge=1, le=PAGE_MAX, description="Page number, from 1."),
):
    """The topic's public posts, the opening post first, 50 to a page. A post
    waiting for review or hidden by a moderator is left out; its number is not
    given again, so numbers can have gaps."""
    topic = _topic_get(topic_id)
    found = Paginator(_public_posts(topic).order_by("number"), PER_PAGE).get_page(page)
    return {
        "count": found.paginator.count,
        "page": found.number,
        "pages": found.paginator.num_pages,
        "topic": {"title": topic.title, "url": absolute_url(topic.get_absolute_url())},
        "items": [_post_out(post) for post in found.object_list],
    }
