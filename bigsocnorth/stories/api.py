"""The stories API: published stories, the same as the /stories/ pages, read-only.

Anonymous callers see published stories only; a signed-in caller (session or
token) also sees their own drafts and stories in review on the detail, as on
the pages. Writing stays on the pages for now (pictures, previews, review).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view

from bigsocnorth.accounts.auth import api_read_auth
from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.core.schemas import Message
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.stories import selectors
from bigsocnorth.stories.models import Story, StoryKind
from bigsocnorth.stories.syndication import story_byline

router = Router(tags=["stories"])


class StoryRef(Schema):
    slug: str
    name: str


class StoryPlace(Schema):
    name: str
    latitude: float
    longitude: float
    area: StoryRef


class StoryOut(Schema):
    id: str
    slug: str
    url: str
    kind: str
    status: str
    title: str
    summary: str
    body: str
    tags: list[str]
    by: str
    on_behalf_of: StoryRef | None
    about: list[StoryRef]
    place: StoryPlace | None
    image: str | None
    image_alt: str
    new_voice: bool
    original_url: str | None
    source_name: str
    source_published_at: str | None
    published_at: str | None


class StoryPage(Schema):
    count: int
    page: int
    pages: int
    items: list[StoryOut]


def _ref(obj, name_attr: str = "name") -> dict:
    return {"slug": obj.slug, "name": getattr(obj, name_attr)}


def _story_out(request: HttpRequest, story: Story) -> dict:
    linked = story.kind == StoryKind.LINKED
    return {
        "id": str(story.uuid),
        "slug": story.slug,
        "url": request.build_absolute_uri(story.get_absolute_url()),
        "kind": story.kind,
        "status": story.status,
        "title": story.title,
        "summary": story.summary,
        "body": story.body,
        "tags": story.tag_list,
        "by": story_byline(story)[0] or "",
        # Only published directory entries are named, as everywhere else.
        "on_behalf_of": (
            _ref(story.on_behalf_of)
            if story.on_behalf_of_id and is_public(story.on_behalf_of)
            else None
        ),
        "about": [_ref(entry) for entry in story.about.all() if is_public(entry)],
        "place": (
            {
                "name": story.place_name,
                "latitude": story.latitude,
                "longitude": story.longitude,
                "area": _ref(story.local_authority),
            }
            if story.has_place
            else None
        ),
        "image": request.build_absolute_uri(story.image.url) if story.image else None,
        "image_alt": story.image_alt,
        "new_voice": story.is_new_voice,
        "original_url": story.url if linked else None,
        "source_name": story.source_name if linked else "",
        "source_published_at": (
            story.source_published_at.isoformat() if story.source_published_at else None
        ),
        "published_at": story.published_at.isoformat() if story.published_at else None,
    }


@decorate_view(cached_for_visitors)
@router.get(
    "/stories",
    response={200: StoryPage},
    auth=api_read_auth,
    url_name="story_list",
    summary="List published stories, newest first",
)
def story_list(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=100_000, description="Page number, from 1."),
    tag: str = Query("", max_length=40, description="A tag, e.g. floods."),
    area: str = Query("", max_length=100, description="Local authority or region slug."),
    kind: str = Query(
        "", pattern="^(own|linked)?$", description="own (told here) or linked (elsewhere)."
    ),
    new_voices_first: bool = Query(False, description="People's first stories first."),
):
    result = selectors.story_list(
        user=request.auth,
        tag=tag or None,
        area=area or None,
        kind=kind or None,
        new_voices_first=new_voices_first,
        page=page,
    )
    return {
        "count": result.paginator.count,
        "page": result.number,
        "pages": result.paginator.num_pages,
        "items": [_story_out(request, story) for story in result.object_list],
    }


@router.get(
    "/stories/{slug}",
    response={200: StoryOut, 404: Message},
    auth=api_read_auth,
    url_name="story_detail",
    summary="One story",
)
def story_detail(request: HttpRequest, slug: str):
    return _story_out(request, selectors.story_get(user=request.auth, slug=slug))
