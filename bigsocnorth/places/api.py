"""The areas API: local authorities and regions with their outlines, locating a
point, and place search. Public, read only; the same data as the /areas/ pages."""

from __future__ import annotations

import math

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.places import selectors
from bigsocnorth.places.models import LocalAuthority, Region
from bigsocnorth.places.outlines import area_outlines_get
from bigsocnorth.places.schemas import (
    AreaPage,
    Feature,
    FeatureProperties,
    LocalAuthorityDetail,
    LocateResult,
    Message,
    PlaceSearchResult,
    RegionDetail,
)

router = Router(tags=["areas"])

MAX_PER_PAGE = 100
# An unknown slug is echoed in the error; a 10,000-character one need not be.
_ECHO_LIMIT = 60


def _area_ref(request: HttpRequest, area: LocalAuthority | Region) -> dict:
    """How every response names an area: codes, names and both addresses."""
    return {
        "code": area.code,
        "name": area.name,
        "slug": area.slug,
        "url": request.build_absolute_uri(area.get_absolute_url()),
        "api_url": request.build_absolute_uri(
            reverse("api:places_area_detail", kwargs={"slug": area.slug})
        ),
    }


def _authority_item(request: HttpRequest, authority: LocalAuthority) -> dict:
    return {
        **_area_ref(request, authority),
        "kind": "local authority",
        "region": _area_ref(request, authority.region),
        "centre": {
            "latitude": authority.centre_latitude,
            "longitude": authority.centre_longitude,
        },
        "bbox": [
            authority.min_longitude,
            authority.min_latitude,
            authority.max_longitude,
            authority.max_latitude,
        ],
    }


def _page_url(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


@decorate_view(cached_for_visitors)
@router.get(
    "/areas",
    response={200: AreaPage, 404: Message},
    url_name="places_area_list",
    summary="List the local authorities of the North",
)
def area_list(
    request: HttpRequest,
    page: int = Query(1, ge=1, description="Page number, from 1."),
    per_page: int = Query(
        MAX_PER_PAGE, ge=1, le=MAX_PER_PAGE, description="Authorities per page (at most 100)."
    ),
    region: str | None = Query(
        None,
        max_length=100,
        description="Only this region's authorities: its slug (north-west) "
        "or GSS code (E12000002).",
    ),
):
    """The 62 local authorities of the North East, North West and Yorkshire and
    The Humber, by name, each with its region, a centre point and a bounding box.
    Outlines are in each area's own resource (`api_url`). A page past the last
    has no items."""
    region_filter = None
    if region:
        region_filter = selectors.region_get_by_slug_or_code(value=region)
        if region_filter is None:
            raise Http404(
                _("No region called '%(region)s'. Regions are listed in each area's region field.")
                % {"region": region[:_ECHO_LIMIT]}
            )
    authorities = selectors.local_authority_list(region=region_filter)
    count = authorities.count()
    pages = max(1, math.ceil(count / per_page))
    start = (page - 1) * per_page
    return {
        "count": count,
        "page": page,
        "per_page": per_page,
        "pages": pages,
        "next": _page_url(request, page + 1) if page < pages else None,
        "previous": _page_url(request, min(page - 1, pages)) if page > 1 else None,
        "items": [
            _authority_item(request, authority)
            for authority in authorities[start : start + per_page]
        ],
    }


# Boundaries change only with a data migration; a day in caches, then revalidated.
OUTLINES_MAX_AGE = 24 * 60 * 60


# For the documentation only: the endpoint sends the document it keeps, as it is.
class OutlineProperties(FeatureProperties):
    region: str = Field(description="The slug of the authority's region.")


class OutlineFeature(Feature):
    properties: OutlineProperties


class AreaOutlineCollection(Schema):
    type: str = "FeatureCollection"
    attribution: str = Field(description="What to show with the boundaries (OGL v3.0).")
    bbox: list[float] = Field(description="[west, south, east, north] of all the outlines.")
    features: list[OutlineFeature]


# Declared before /areas/{slug}, which would otherwise take "outlines" for a slug.
@router.get(
    "/areas/outlines",
    response={200: AreaOutlineCollection, 304: None, 404: Message},
    url_name="places_area_outlines",
    # GeoJSON's own media type (RFC 7946), as the answer is sent.
    openapi_extra={"x-media-type": "application/geo+json"},
    summary="The outlines of every local authority of the North, in one GeoJSON document",
)
def area_outlines(request: HttpRequest):
    """An RFC 7946 FeatureCollection of the 62 local authority outlines (ultra
    generalised, 500 m), each Feature with its `code`, `name`, `slug`, `url` and
    `region` (slug). For drawing every boundary at once, as the map page does.
    Sent with an ETag and cached for a day; the `attribution` member says what
    the Open Government Licence asks you to show with it."""
    outlines = area_outlines_get()
    if outlines is None:
        raise Http404(_("No boundaries are loaded yet."))
    if request.headers.get("If-None-Match") == outlines.etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(outlines.body, content_type="application/geo+json")
    response["ETag"] = outlines.etag
    patch_cache_control(response, public=True, max_age=OUTLINES_MAX_AGE)
    return response


# Declared before /areas/{slug}, which would otherwise take "locate" for a slug.
@router.get(
    "/areas/locate",
    response={200: LocateResult, 400: Message},
    url_name="places_area_locate",
    summary="Find the local authority and region of a point",
)
def area_locate(
    request: HttpRequest,
    lat: float = Query(..., ge=-90, le=90, description="Latitude, WGS 84 degrees."),
    lon: float = Query(..., ge=-180, le=180, description="Longitude, WGS 84 degrees."),
):
    """The local authority and region a point is in. Both are null for a point
    outside the North of England (or out at sea)."""
    try:
        match = selectors.area_for_point(latitude=lat, longitude=lon)
    except selectors.InvalidCoordinates as error:
        raise HttpError(400, str(error)) from None
    return {
        "latitude": lat,
        "longitude": lon,
        "local_authority": _area_ref(request, match.local_authority) if match else None,
        "region": _area_ref(request, match.region) if match else None,
    }


@router.get(
    "/areas/{slug}",
    response={200: LocalAuthorityDetail | RegionDetail, 404: Message},
    url_name="places_area_detail",
    summary="One local authority or region, with its outline",
)
def area_detail(request: HttpRequest, slug: str):
    """A local authority (`kind` "local authority": its region, neighbours and
    outline as a GeoJSON Feature) or a region (`kind` "region": its authorities,
    and their outlines as a GeoJSON FeatureCollection). GeoJSON follows RFC 7946:
    positions are [longitude, latitude]."""
    area = selectors.area_get_by_slug(slug=slug)
    if area is None:
        raise Http404(
            _("No area called '%(slug)s'. See /api/v1/areas for the list.")
            % {"slug": slug[:_ECHO_LIMIT]}
        )
    outline = selectors.area_outline_geojson(area=area)
    if isinstance(area, LocalAuthority):
        return {
            **_authority_item(request, area),
            "neighbours": [
                _area_ref(request, neighbour)
                for neighbour in selectors.local_authority_neighbours(local_authority=area)
            ],
            "outline": outline,
        }
    centre = selectors.region_centre(region=area)
    return {
        **_area_ref(request, area),
        "kind": "region",
        "centre": {"latitude": centre[0], "longitude": centre[1]} if centre else None,
        "bbox": outline.get("bbox", []),
        "local_authorities": [
            _area_ref(request, authority) for authority in area.local_authorities.all()
        ],
        "outline": outline,
    }


@router.get(
    "/places",
    response={200: PlaceSearchResult},
    url_name="places_place_search",
    summary="Search towns, cities and areas of the North",
)
def place_search(
    request: HttpRequest,
    q: str = Query(
        ...,
        min_length=1,
        max_length=selectors.PLACE_QUERY_MAX_LENGTH,
        description="A name or part of one. Case, accents and punctuation are ignored.",
    ),
    limit: int = Query(
        10, ge=1, le=selectors.PLACE_SEARCH_MAX_LIMIT, description="At most this many results."
    ),
):
    """Regions, local authorities, towns and cities (GeoNames, CC BY 4.0) whose
    name matches: exact names first, then names starting with the query, then
    a later word starting with it, then the query anywhere; areas before towns,
    towns by population."""
    results = selectors.place_search(query=q, limit=limit)
    return {
        "query": q,
        "count": len(results),
        "items": [
            {
                "name": place.name,
                "kind": str(place.kind),
                "latitude": place.latitude,
                "longitude": place.longitude,
                "population": place.population,
                "local_authority": (
                    _area_ref(request, place.local_authority) if place.local_authority else None
                ),
                "region": _area_ref(request, place.region),
                "url": request.build_absolute_uri(place.area.get_absolute_url()),
            }
            for place in results
        ],
    }
