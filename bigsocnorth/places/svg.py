"""The North's local authorities as SVG paths, for small maps drawn on the server.

Built once per process from the shipped boundaries (they change only with a
data migration): simplified to what shows at a few hundred pixels, in a
plain equirectangular projection scaled for the North's latitude, so a page
that draws the North costs no geometry work per request.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import shapely
from shapely.geometry import shape

from bigsocnorth.core.process_cache import BuiltOnce
from bigsocnorth.places.models import LocalAuthority

WIDTH = 600  # of the drawing, in SVG units; it scales to its box
# About a kilometre: under two units of the drawing, so invisible at the sizes it
# is shown, with a third of the points (the page is smaller for it).
SIMPLIFY_DEGREES = 0.01


@dataclass(frozen=True)
class AreaPath:
    local_authority_id: int
    slug: str
    name: str
    region_id: int
    d: str  # the SVG path


@dataclass(frozen=True)
class NorthDrawing:
    width: int
    height: int
    paths: tuple[AreaPath, ...]


def _rings(geometry) -> list:
    polygons = geometry.geoms if hasattr(geometry, "geoms") else [geometry]
    rings = []
    for polygon in polygons:
        rings.append(polygon.exterior.coords)
        rings += [interior.coords for interior in polygon.interiors]
    return rings


def _build() -> NorthDrawing | None:
    authorities = list(LocalAuthority.objects.order_by("name"))
    if not authorities:
        return None
    geometries = [
        shapely.simplify(shape(authority.boundary), SIMPLIFY_DEGREES, preserve_topology=True)
        for authority in authorities
    ]
    west, south, east, north = shapely.total_bounds(geometries)
    x_scale = math.cos(math.radians((south + north) / 2))
    scale = WIDTH / ((east - west) * x_scale)
    height = round((north - south) * scale)
    paths = []
    for authority, geometry in zip(authorities, geometries, strict=True):
        parts = []
        for ring in _rings(geometry):
            # Whole units: at WIDTH units across the North, one is about 400 m.
            points = [
                f"{(x - west) * x_scale * scale:.0f},{(north - y) * scale:.0f}" for x, y in ring
            ]
            parts.append("M" + "L".join(points) + "Z")
        paths.append(
            AreaPath(
                local_authority_id=authority.pk,
                slug=authority.slug,
                name=authority.name,
                region_id=authority.region_id,
                d="".join(parts),
            )
        )
    return NorthDrawing(width=WIDTH, height=height, paths=tuple(paths))


_drawing: BuiltOnce[NorthDrawing | None] = BuiltOnce(_build)


def north_drawing() -> NorthDrawing | None:
    """The drawing, or None before the boundaries are loaded."""
    return _drawing.get()


def north_drawing_reset() -> None:
    _drawing.reset()
