"""The map as the home page's banner: the North, each area shaded by what is on the map.

Drawn on the server as SVG (readable without JavaScript, nothing to
download but the page), from the count tables the map keeps per grid cell
and local authority: one small aggregate query at the lowest zoom, whatever
the number of points on the map.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Sum
from django.urls import reverse

from bigsocnorth.core.sections import Section
from bigsocnorth.mapping import registry
from bigsocnorth.mapping.geo import AGGREGATE_ZOOMS
from bigsocnorth.mapping.models import MapAreaCell
from bigsocnorth.places.models import LocalAuthority, Region
from bigsocnorth.places.svg import north_drawing

SHADES = 5  # steps of the colour scale, lightest for the fewest


def _counts(scope) -> tuple[dict[int, int], dict[str, int]]:
    """Items on the map per local authority, and per layer within the scope (an area or all)."""
    rows = (
        MapAreaCell.objects.filter(zoom=AGGREGATE_ZOOMS.start)
        .values("local_authority_id", "layer")
        .annotate(total=Sum("count"))
    )
    by_area: dict[int, int] = {}
    by_layer: dict[str, int] = {}
    for row in rows:
        by_area[row["local_authority_id"]] = (
            by_area.get(row["local_authority_id"], 0) + row["total"]
        )
    chosen = _chosen_ids(scope)
    for row in rows:
        if chosen is None or row["local_authority_id"] in chosen:
            by_layer[row["layer"]] = by_layer.get(row["layer"], 0) + row["total"]
    return by_area, by_layer


def _chosen_ids(scope) -> set[int] | None:
    if isinstance(scope, LocalAuthority):
        return {scope.pk}
    if isinstance(scope, Region):
        return {authority.pk for authority in scope.local_authorities.all()}
    return None


def _shade(count: int, most: int) -> int:
    """0 for nothing, else 1..SHADES by the share of the busiest area (a square-root scale)."""
    if count <= 0 or most <= 0:
        return 0
    return max(1, min(SHADES, round(SHADES * (count / most) ** 0.5)))


def _in_scope(path, area) -> bool:
    if isinstance(area, LocalAuthority):
        return path.local_authority_id == area.pk
    if isinstance(area, Region):
        return path.region_id == area.pk
    return False


def home_map_section(*, obj, user) -> Section | None:
    drawing = north_drawing()
    if drawing is None:
        return None
    by_area, by_layer = _counts(obj)
    most = max(by_area.values(), default=0)
    areas = [
        {
            "d": path.d,
            "shade": _shade(by_area.get(path.local_authority_id, 0), most),
            "chosen": _in_scope(path, obj),
        }
        for path in drawing.paths
    ]
    layers = [
        {"label": layer.label, "count": by_layer.get(layer.key, 0)}
        for layer in registry.map_layers()
    ]
    map_url = reverse("mapping:map")
    if obj is not None:
        map_url = f"{map_url}?{urlencode({'area': obj.slug})}"
    return Section(
        template="mapping/includes/home_map.html",
        context={
            "drawing": drawing,
            "areas": areas,
            "layers": layers,
            "total": sum(by_layer.values()),
            "area": obj,
            "map_url": map_url,
        },
    )
