"""Area pages: regions and their authorities, place search, and one page per area.

Every page says everything in text; the map on an area page is an extra
drawn by places/area-map.js when JavaScript runs.
"""

from __future__ import annotations

import nh3
from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.core.sections import AREA, sections_for
from bigsocnorth.places import selectors
from bigsocnorth.places.forms import PlaceSearchForm
from bigsocnorth.places.models import LocalAuthority

SEARCH_PAGE_LIMIT = 20
AREA_PAGE_TOWN_LIMIT = 40


def _tile_attribution() -> str:
    # A deployer's setting, but it ends up as HTML twice (under the map and
    # in Leaflet's attribution control), so only plain links survive.
    return nh3.clean(
        settings.MAP_TILE_ATTRIBUTION,
        tags={"a"},
        attributes={"a": {"href"}},
        link_rel="noopener noreferrer",
    )


def _map_context() -> dict:
    tile_attribution = _tile_attribution()
    return {
        "map_tile_url": settings.MAP_TILE_URL,
        # Plain string for the data- attribute (the template escapes it) ...
        "map_tile_attribution": tile_attribution,
        # ... and the same, sanitised just above, as HTML for the visible text.
        "map_tile_attribution_html": mark_safe(tile_attribution),  # noqa: S308
        "boundary_attribution": settings.BOUNDARY_ATTRIBUTION,
    }


def _extent(bbox: list[float]) -> dict[str, str]:
    """The bounding box in words, so the page says where the area is without the map."""

    def latitude(value: float) -> str:
        direction = _("north") if value >= 0 else _("south")
        return f"{abs(value):.2f}° {direction}"

    def longitude(value: float) -> str:
        direction = _("east") if value >= 0 else _("west")
        return f"{abs(value):.2f}° {direction}"

    west, south, east, north = bbox
    return {
        "south": latitude(south),
        "north": latitude(north),
        "west": longitude(west),
        "east": longitude(east),
    }


@require_GET
@cached_for_visitors
def area_list(request):
    context = {
        "regions": selectors.region_list_with_local_authorities(),
        "form": PlaceSearchForm(),
        "boundary_attribution": settings.BOUNDARY_ATTRIBUTION,
    }
    return render(request, "places/area_list.html", context)


@require_GET
def place_search(request):
    """The search page; an htmx request gets only the results partial."""
    form = PlaceSearchForm(request.GET if "q" in request.GET else None)
    query, results = "", None
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"]
        results = selectors.place_search(query=query, limit=SEARCH_PAGE_LIMIT)
    # A history restore after a reload needs the whole page, not a fragment.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    context = {
        "form": form,
        "query": query,
        "results": results,
        "partial": partial,
    }
    template = "places/place_search.html#results" if partial else "places/place_search.html"
    response = render(request, template, context)
    # Same URL, two representations: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
@cached_for_visitors
def area_detail(request, slug: str):
    area = selectors.area_get_by_slug(slug=slug)
    if area is None:
        raise Http404(_("There is no area with this address."))
    outline = selectors.area_outline_geojson(area=area)
    context = {
        "area": area,
        "outline": outline,
        "extent": _extent(outline["bbox"]) if "bbox" in outline else None,
        **_map_context(),
    }
    context["sections"] = sections_for(AREA, obj=area, user=request.user)
    if isinstance(area, LocalAuthority):
        context.update(
            is_region=False,
            region=area.region,
            neighbours=selectors.local_authority_neighbours(local_authority=area),
            towns=selectors.place_list_for_local_authority(
                local_authority=area, limit=AREA_PAGE_TOWN_LIMIT
            ),
        )
    else:
        context.update(is_region=True, authorities=list(area.local_authorities.all()))
    return render(request, "places/area_detail.html", context)
