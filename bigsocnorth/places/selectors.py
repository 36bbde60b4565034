"""Reads about places: which area a point is in, place search, areas and their outlines.

Other apps call `area_for_point` for every located thing and `place_search`
for "find a place" boxes. The places app has no write services: its data is
loaded and changed only by data migrations.
"""

from __future__ import annotations

import re

from django.db.models import Prefetch, QuerySet

from bigsocnorth.places.boundaries import (
    EDGE_TOLERANCE_KM,
    AreaMatch,
    InvalidCoordinates,
    area_index_get,
    area_index_reset,
    coordinates_check,
)
from bigsocnorth.places.gazetteer import (
    PLACE_QUERY_MAX_LENGTH,
    PLACE_SEARCH_MAX_LIMIT,
    PlaceKind,
    PlaceQueryTooLong,
    PlaceResult,
    gazetteer_get,
    gazetteer_reset,
    place_query_check,
)
from bigsocnorth.places.models import LocalAuthority, Region

__all__ = [
    "EDGE_TOLERANCE_KM",
    "PLACE_QUERY_MAX_LENGTH",
    "PLACE_SEARCH_MAX_LIMIT",
    "AreaMatch",
    "InvalidCoordinates",
    "PlaceKind",
    "PlaceQueryTooLong",
    "PlaceResult",
    "area_for_point",
    "area_get_by_slug",
    "area_outline_geojson",
    "local_authority_list",
    "local_authority_neighbours",
    "place_list_for_local_authority",
    "place_search",
    "places_cache_reset",
    "region_centre",
    "region_get_by_slug_or_code",
    "region_list_with_local_authorities",
]

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


def area_for_point(*, latitude: float, longitude: float) -> AreaMatch | None:
    """The local authority and region containing a point (WGS 84 degrees).

    Returns None for a point outside the North (elsewhere, or out at sea);
    a point within EDGE_TOLERANCE_KM of an outline gets the nearest authority,
    because the shipped outlines are generalised. Raises InvalidCoordinates
    (a ValueError) for a value that is not a finite number in range. Makes
    no database query once the process's index is built.
    """
    latitude, longitude = coordinates_check(latitude=latitude, longitude=longitude)
    authority = area_index_get().locate(latitude=latitude, longitude=longitude)
    if authority is None:
        return None
    return AreaMatch(local_authority=authority, region=authority.region)


def place_search(*, query: str, limit: int = 10) -> list[PlaceResult]:
    """Regions, local authorities, towns and cities of the North whose name matches.

    Case, accents and punctuation are ignored. Ranked: exact name, then
    names starting with the query, then a later word starting with it, then
    the query anywhere; within each, areas before towns, towns by population.
    An empty query (or one of punctuation only) finds nothing. Raises
    PlaceQueryTooLong (a ValueError) past PLACE_QUERY_MAX_LENGTH characters,
    and ValueError for a limit outside 1..PLACE_SEARCH_MAX_LIMIT.
    """
    if not 1 <= limit <= PLACE_SEARCH_MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {PLACE_SEARCH_MAX_LIMIT}, not {limit}.")
    query = place_query_check(query=query)
    if not query:
        return []
    return gazetteer_get().search(query=query, limit=limit)


def place_list_for_local_authority(
    *, local_authority: LocalAuthority, limit: int = 30
) -> list[PlaceResult]:
    """The towns and cities in a local authority, biggest first."""
    towns = gazetteer_get().towns_by_authority.get(local_authority.pk, ())
    return list(towns[:limit])


def places_cache_reset() -> None:
    """Forget the per-process area index, gazetteer, drawing and area names (boundaries
    changed; tests)."""
    from bigsocnorth.places.forms import area_choices_reset
    from bigsocnorth.places.svg import north_drawing_reset

    gazetteer_reset()
    area_index_reset()
    north_drawing_reset()
    area_choices_reset()


def region_list_with_local_authorities() -> QuerySet[Region]:
    """All regions with their authorities prefetched (two queries, no boundaries)."""
    return Region.objects.prefetch_related(
        Prefetch("local_authorities", queryset=LocalAuthority.objects.defer("boundary"))
    )


def local_authority_list(*, region: Region | None = None) -> QuerySet[LocalAuthority]:
    """Authorities by name, with their region, without the heavy boundary column."""
    authorities = LocalAuthority.objects.select_related("region").defer("boundary")
    if region is not None:
        authorities = authorities.filter(region=region)
    return authorities.order_by("name", "code")


def region_get_by_slug_or_code(*, value: str) -> Region | None:
    if not _SLUG.fullmatch(value):
        return None
    return (
        Region.objects.filter(slug=value.lower()).first()
        or Region.objects.filter(code=value.upper()).first()
    )


def area_get_by_slug(*, slug: str, boundaries: bool = True) -> LocalAuthority | Region | None:
    """The local authority with this slug, else the region, else None.

    A region comes with its authorities (boundaries included, for its outline,
    unless `boundaries` is False: pages that only name or filter by the area).
    """
    # Checked before querying: PostgreSQL rejects some characters (NUL) outright.
    if not _SLUG.fullmatch(slug):
        return None
    authorities = (
        LocalAuthority.objects.all() if boundaries else LocalAuthority.objects.defer("boundary")
    )
    authority = authorities.select_related("region").filter(slug=slug).first()
    if authority is not None:
        return authority
    return (
        Region.objects.prefetch_related(Prefetch("local_authorities", queryset=authorities))
        .filter(slug=slug)
        .first()
    )


def local_authority_neighbours(*, local_authority: LocalAuthority) -> list[LocalAuthority]:
    """Authorities sharing a border with this one (in any region), by name. No query."""
    return list(area_index_get().neighbours.get(local_authority.pk, ()))


def region_centre(*, region: Region) -> tuple[float, float] | None:
    """(latitude, longitude) of a point inside the region; None if it has no authorities."""
    return area_index_get().region_centres.get(region.pk)


def _feature(authority: LocalAuthority) -> dict:
    return {
        "type": "Feature",
        "id": authority.code,
        "bbox": [
            authority.min_longitude,
            authority.min_latitude,
            authority.max_longitude,
            authority.max_latitude,
        ],
        "geometry": authority.boundary,
        "properties": {
            "code": authority.code,
            "name": authority.name,
            "slug": authority.slug,
            "url": authority.get_absolute_url(),
        },
    }


def area_outline_geojson(*, area: LocalAuthority | Region) -> dict:
    """The area's outline in RFC 7946 GeoJSON ([longitude, latitude] order).

    A local authority is one Feature; a region is a FeatureCollection of its
    authorities (so each keeps its name and link).
    """
    if isinstance(area, LocalAuthority):
        return _feature(area)
    features = [_feature(authority) for authority in area.local_authorities.all()]
    collection: dict = {"type": "FeatureCollection", "features": features}
    if features:
        collection["bbox"] = [
            min(f["bbox"][0] for f in features),
            min(f["bbox"][1] for f in features),
            max(f["bbox"][2] for f in features),
            max(f["bbox"][3] for f in features),
        ]
    return collection
