"""The in-memory spatial index that finds the local authority for a point.

Boundaries change only with a data migration, so each process builds the
index once from the database (three queries, a few milliseconds) and then
answers every lookup without a query, in tens of microseconds. Call
`area_index_reset()` after changing boundaries in a running process (tests do).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from numbers import Real

import numpy as np
import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape

from bigsocnorth.core.process_cache import BuiltOnce
from bigsocnorth.places.models import LocalAuthority, Region

# Working in degrees makes distances anisotropic: at the North's latitude a
# degree of longitude is only ~0.59 of a degree of latitude. Shrinking
# longitudes by cos(54°) gives near-square units (1 unit ≈ 111.2 km), which
# an affine scale does without changing which polygon contains a point.
_REFERENCE_LATITUDE = 54.0
_X_SCALE = math.cos(math.radians(_REFERENCE_LATITUDE))
_KM_PER_UNIT = 111.2

# The shipped outlines are generalised to 500 m and clipped to the coastline,
# so a harbour, a pier or a seafront (Blackpool Tower is 125 m "in the sea")
# can fall just outside every polygon. Within this distance the nearest
# authority is taken; further out (the open sea, Scotland, Wales) is no area.
EDGE_TOLERANCE_KM = 0.5


class InvalidCoordinates(ValueError):
    """Latitude or longitude is not a finite number in range."""


def _coordinate(value: object, *, limit: float, label) -> float:
    # The label is translated only when there is an error to report: this
    # check runs on every located write and must stay cheap.
    # bool is an int subclass; True is never a deliberate coordinate.
    if isinstance(value, bool) or not isinstance(value, Real | Decimal | str):
        raise InvalidCoordinates(_("%(label)s must be a number.") % {"label": label()})
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidCoordinates(_("%(label)s must be a number.") % {"label": label()}) from None
    if not math.isfinite(number):
        raise InvalidCoordinates(_("%(label)s must be a finite number.") % {"label": label()})
    if not -limit <= number <= limit:
        raise InvalidCoordinates(
            _("%(label)s must be between -%(limit)d and %(limit)d degrees.")
            % {"label": label(), "limit": limit}
        )
    return number


def coordinates_check(*, latitude: object, longitude: object) -> tuple[float, float]:
    """Return (latitude, longitude) as floats, or raise InvalidCoordinates."""
    return (
        _coordinate(latitude, limit=90.0, label=lambda: _("Latitude")),
        _coordinate(longitude, limit=180.0, label=lambda: _("Longitude")),
    )


@dataclass(frozen=True, slots=True)
class AreaMatch:
    """The local authority and region a point falls in.

    The instances are shared by every caller in the process: read them, use
    them as foreign key values, but never modify them. Their `boundary`
    field is deferred (the index keeps shapes, not JSON).
    """

    local_authority: LocalAuthority
    region: Region


def _to_index_space(geometry: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geometry, lambda coords: coords * np.array([_X_SCALE, 1.0]))


class AreaIndex:
    """Local authority shapes in an STRtree, with their model instances."""

    def __init__(self, *, authorities: list[LocalAuthority], boundaries: dict[int, dict]) -> None:
        # Sorted by code so a point exactly on a shared border always gets
        # the same answer, whatever order the database returned.
        self.authorities: tuple[LocalAuthority, ...] = tuple(
            sorted(authorities, key=lambda authority: authority.code)
        )
        self.geometries: tuple[shapely.Geometry, ...] = tuple(
            _to_index_space(shape(boundaries[authority.pk])) for authority in self.authorities
        )
        # Prepared geometries make each point-in-polygon test O(log n) in
        # the polygon's vertices instead of O(n).
        shapely.prepare(list(self.geometries))
        # One vectorised point-in-polygon call over all prepared outlines is
        # cheaper than a tree query followed by per-candidate Python calls
        # (measured in bench/bench_area_lookup.py); the tree serves the
        # nearest-outline fallback and the neighbour search.
        self.geometry_array = np.array(self.geometries, dtype=object)
        self.tree = shapely.STRtree(list(self.geometries))
        self.position = {authority.pk: i for i, authority in enumerate(self.authorities)}
        if self.geometries:
            bounds = shapely.total_bounds(list(self.geometries))
            margin = EDGE_TOLERANCE_KM / _KM_PER_UNIT
            self.bounds = (
                bounds[0] - margin,
                bounds[1] - margin,
                bounds[2] + margin,
                bounds[3] + margin,
            )
        else:
            self.bounds = (0.0, 0.0, -1.0, -1.0)  # empty: rejects every point

    def locate(self, *, latitude: float, longitude: float) -> LocalAuthority | None:
        x, y = longitude * _X_SCALE, latitude
        min_x, min_y, max_x, max_y = self.bounds
        if not (min_x <= x <= max_x and min_y <= y <= max_y):
            return None  # most of the world: no tree query at all
        # The first hit is the lowest code, so a point on a shared border
        # always gets the same answer.
        hits = np.flatnonzero(shapely.intersects_xy(self.geometry_array, x, y))
        if hits.size:
            return self.authorities[int(hits[0])]
        nearest = self.tree.query_nearest(
            shapely.Point(x, y), max_distance=EDGE_TOLERANCE_KM / _KM_PER_UNIT, all_matches=False
        )
        if len(nearest):
            return self.authorities[int(nearest[0])]
        return None

    @cached_property
    def neighbours(self) -> dict[int, tuple[LocalAuthority, ...]]:
        """For each authority's id, the authorities that share a border with it."""
        # Generalised outlines of neighbours may not quite touch; a small
        # buffer bridges the gap without reaching across a whole district.
        buffered = shapely.buffer(list(self.geometries), EDGE_TOLERANCE_KM / _KM_PER_UNIT / 5)
        pairs = self.tree.query(buffered, predicate="intersects")
        result: dict[int, list[LocalAuthority]] = {a.pk: [] for a in self.authorities}
        for i, j in zip(pairs[0], pairs[1], strict=True):
            if i != j:
                result[self.authorities[i].pk].append(self.authorities[j])
        return {
            pk: tuple(sorted(found, key=lambda authority: authority.name))
            for pk, found in result.items()
        }

    @cached_property
    def region_centres(self) -> dict[int, tuple[float, float]]:
        """For each region's id, a (latitude, longitude) inside the region."""
        by_region: dict[int, list[shapely.Geometry]] = {}
        for authority, geometry in zip(self.authorities, self.geometries, strict=True):
            by_region.setdefault(authority.region_id, []).append(geometry)
        centres = {}
        for region_id, geometries in by_region.items():
            point = shapely.union_all(geometries).representative_point()
            centres[region_id] = (round(point.y, 6), round(point.x / _X_SCALE, 6))
        return centres


def _build_area_index() -> AreaIndex:
    regions = {region.pk: region for region in Region.objects.all()}
    authorities = list(LocalAuthority.objects.defer("boundary"))
    for authority in authorities:
        # One shared Region instance per region, not one per authority.
        authority.region = regions[authority.region_id]
    boundaries = dict(LocalAuthority.objects.values_list("pk", "boundary"))
    return AreaIndex(authorities=authorities, boundaries=boundaries)


_index = BuiltOnce(_build_area_index)


def area_index_get() -> AreaIndex:
    """The process's index, built from the database on first use."""
    return _index.get()


def area_index_reset() -> None:
    """Forget the index; the next lookup rebuilds it from the database."""
    _index.reset()
