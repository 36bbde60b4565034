"""The directory API: published entries, the same as the /directory/ pages.

Anonymous callers see published entries only; a signed-in caller (session
or token) also sees their own, as on the pages.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view

from bigsocnorth.accounts.auth import api_read_auth
from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.core.schemas import Message
from bigsocnorth.directory.entries import selectors
from bigsocnorth.directory.models import Entry

router = Router(tags=["directory"])


class DirectoryRef(Schema):
    slug: str
    name: str


class EntryArea(Schema):
    slug: str
    name: str
    code: str


class EntryPlaceOut(Schema):
    name: str
    latitude: float
    longitude: float
    area: EntryArea


class EntryOut(Schema):
    slug: str
    id: str
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
    social_links: list[str]
    public_contact: str
    identifiers: list[str]
    logo: str | None
    approximate_location: bool
    places: list[EntryPlaceOut]
    areas_served: list[EntryArea]
    published_at: str | None


class EntryPage(Schema):
    count: int
    page: int
    pages: int
    items: list[EntryOut]


def _area_out(area) -> dict:
    return {"slug": area.slug, "name": area.name, "code": area.code}


def _entry_out(request: HttpRequest, entry: Entry) -> dict:
    """An entry as anyone may see it: publishable points only, never the private contact."""
    return {
        "slug": entry.slug,
        "id": str(entry.uuid),
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
        "social_links": entry.social_links,
        "public_contact": entry.public_contact,
        "identifiers": [identifier.org_id for identifier in entry.identifiers.all()],
        "logo": request.build_absolute_uri(entry.logo.url) if entry.logo else None,
        "approximate_location": entry.approximate_location,
        "places": [
            {
                "name": place.name,
                "latitude": place.public_latitude,
                "longitude": place.public_longitude,
                "area": _area_out(place.local_authority),
            }
            for place in entry.places.all()
        ],
        "areas_served": [_area_out(area) for area in entry.areas_served.all()],
        "published_at": entry.published_at.isoformat() if entry.published_at else None,
    }


@decorate_view(cached_for_visitors)
@router.get(
    "/directory/entries",
    response={200: EntryPage},
    auth=api_read_auth,
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
    response={200: EntryOut, 404: Message},
    auth=api_read_auth,
    url_name="directory_entry_detail",
    summary="One directory entry",
)
def entry_detail(request: HttpRequest, slug: str):
    try:
        entry = selectors.entry_get_for_view(user=request.auth, slug=slug)
    except selectors.EntryMoved as moved:
        # A merged entry: its old address leads to the one that stayed, as on the pages.
        return HttpResponsePermanentRedirect(
            reverse("api:directory_entry_detail", kwargs={"slug": moved.target.slug})
        )
    return _entry_out(request, entry)
