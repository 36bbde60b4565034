"""The directory API: published entries, the same as the /directory/ pages.

Anonymous callers see published entries only; a signed-in caller (session
or token) also sees their own, as on the pages.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Query, Router, Schema

from bigsocnorth.accounts.auth import api_auth
from bigsocnorth.directory import selectors
from bigsocnorth.directory.models import Entry

router = Router(tags=["directory"])


def _anyone(request: HttpRequest):
    """Last in the auth list: callers with no credentials read as anonymous."""
    return AnonymousUser()


_read_auth = [*api_auth, _anyone]


class DirectoryMessage(Schema):
    message: str


class DirectoryRef(Schema):
    slug: str
    name: str


class EntryLocation(Schema):
    latitude: float
    longitude: float
    approximate: bool


class EntryArea(Schema):
    slug: str
    name: str
    region: str


class EntryOut(Schema):
    slug: str
    name: str
    url: str
    status: str
    kind: DirectoryRef
    sector: str
    categories: list[DirectoryRef]
    tags: list[str]
    description: str
    website: str
    feed_url: str
    public_contact: str
    location: EntryLocation | None
    area: EntryArea | None
    published_at: str | None


class EntryPage(Schema):
    count: int
    page: int
    pages: int
    items: list[EntryOut]


def _entry_out(request: HttpRequest, entry: Entry) -> dict:
    location = entry.public_location
    authority = entry.local_authority
    return {
        "slug": entry.slug,
        "name": entry.name,
        "url": request.build_absolute_uri(entry.get_absolute_url()),
        "status": entry.status,
        "kind": {"slug": entry.kind.slug, "name": entry.kind.name},
        "sector": entry.sector,
        "categories": [{"slug": c.slug, "name": c.name} for c in entry.categories.all()],
        "tags": entry.tag_list,
        "description": entry.description,
        "website": entry.website,
        "feed_url": entry.feed_url,
        "public_contact": entry.public_contact,
        "location": (
            {
                "latitude": location[0],
                "longitude": location[1],
                "approximate": entry.approximate_location,
            }
            if location
            else None
        ),
        "area": (
            {"slug": authority.slug, "name": authority.name, "region": authority.region.name}
            if authority
            else None
        ),
        "published_at": entry.published_at.isoformat() if entry.published_at else None,
    }


@router.get(
    "/directory/entries",
    response={200: EntryPage},
    auth=_read_auth,
    url_name="directory_entry_list",
    summary="List directory entries",
)
def entry_list(
    request: HttpRequest,
    page: int = Query(1, ge=1, description="Page number, from 1."),
    kind: str = Query("", max_length=100, description="Kind slug, e.g. network."),
    category: str = Query("", max_length=100, description="Category slug."),
    area: str = Query("", max_length=100, description="Local authority or region slug."),
):
    result = selectors.entry_list(
        user=request.auth,
        kind=kind or None,
        category=category or None,
        area=area or None,
        page=page,
    )
    return {
        "count": result.paginator.count,
        "page": result.number,
        "pages": result.paginator.num_pages,
        "items": [_entry_out(request, entry) for entry in result.object_list],
    }


@router.get(
    "/directory/entries/{slug}",
    response={200: EntryOut, 404: DirectoryMessage},
    auth=_read_auth,
    url_name="directory_entry_detail",
    summary="One directory entry",
)
def entry_detail(request: HttpRequest, slug: str):
    entry = selectors.entry_get_for_view(user=request.auth, slug=slug)
    return _entry_out(request, entry)
