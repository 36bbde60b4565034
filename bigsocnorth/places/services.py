"""Checking where things are: the one place every located content type asks.

`place_check` turns a latitude and longitude into its local authority, or a
ValidationError a person can act on; `place_options` finds what a typed
name may mean and `place_get` finds a place chosen from them again. The
place picker (places.fields) is built on these; services of located content
call `place_check` for points that come from anywhere else (API, imports).
None of these makes a database query once the process's index and
gazetteer are built. (The places app still writes nothing: its data changes
only by migration.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bigsocnorth.core.geo import publishable_point
from bigsocnorth.places.gazetteer import (
    PLACE_QUERY_MAX_LENGTH,
    PlaceKind,
    PlaceResult,
    gazetteer_get,
    name_normalise,
)
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.selectors import area_for_point

PLACE_OPTIONS_MAX = 8
PLACE_NAME_MAX = 120


@dataclass(frozen=True, slots=True)
class CheckedPoint:
    """A point in the North, with the local authority it is in."""

    latitude: float
    longitude: float
    local_authority: LocalAuthority


@dataclass(frozen=True, slots=True)
class PlaceValue:
    """Where something is, as a place picker gives it.

    Either a point (`latitude`, `longitude`) in `local_authority`, or no
    exact place: the whole of `local_authority` (both coordinates None).
    `approximate`: the public may see the point only roughly (about 1 km;
    see core.geo). `name` is the person's short label for the place, and
    may be empty.
    """

    name: str
    local_authority: LocalAuthority
    latitude: float | None = None
    longitude: float | None = None
    approximate: bool = False

    @property
    def whole_area(self) -> bool:
        return self.latitude is None

    @property
    def public_point(self) -> tuple[float, float] | None:
        """The point anyone may see (rounded when `approximate`), or None for a whole area."""
        if self.latitude is None or self.longitude is None:
            return None
        return publishable_point(
            latitude=self.latitude, longitude=self.longitude, approximate=self.approximate
        )


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value: object) -> float:
    # bool is an int subclass; True is never a deliberate coordinate.
    if isinstance(value, bool) or not isinstance(value, Real | Decimal | str):
        raise ValueError(value)
    number = float(value.strip() if isinstance(value, str) else value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def place_check(*, latitude: object, longitude: object) -> CheckedPoint | None:
    """The point and its local authority; None when both values are empty.

    Takes numbers or the text of a form. Raises ValidationError with one
    message a person can act on (codes: "half_pair", "not_a_number",
    "out_of_range", "outside_north"). No query once the area index is built.
    """
    if _is_blank(latitude) and _is_blank(longitude):
        return None
    if _is_blank(latitude) or _is_blank(longitude):
        raise ValidationError(
            _("Give both the latitude and the longitude, or neither."), code="half_pair"
        )
    try:
        lat, lon = _number(latitude), _number(longitude)
    except (TypeError, ValueError, ArithmeticError):
        raise ValidationError(
            _("Give the latitude and longitude as numbers, for example 53.742 and -2.014."),
            code="not_a_number",
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError(
            _(
                "Latitude must be between -90 and 90, and longitude between -180 and 180 "
                "(in degrees, for example 53.742 and -2.014)."
            ),
            code="out_of_range",
        )
    match = area_for_point(latitude=lat, longitude=lon)
    if match is None:
        raise ValidationError(
            _(
                "That point is outside the North of England (the North East, the North West, "
                "and Yorkshire and The Humber). If you typed coordinates, give the latitude "
                "first (about 53 to 56), then the longitude (about -3.6 to 0.2)."
            ),
            code="outside_north",
        )
    return CheckedPoint(latitude=lat, longitude=lon, local_authority=match.local_authority)


def _pickable(result: PlaceResult) -> bool:
    # A region is too big to be "where" something is, and has no one authority.
    return result.kind != PlaceKind.REGION


def place_options(
    *, query: str, limit: int = PLACE_OPTIONS_MAX, towns_only: bool = False
) -> tuple[list[PlaceResult], bool]:
    """The towns and local authorities a typed name may mean, and whether they match it.

    Returns (places, True) when names match the text, else (near matches,
    False): see Gazetteer.near. Regions are left out (a place is in one
    local authority), and authorities too when `towns_only`. Text longer
    than a place name can be finds nothing.
    """
    text = query.strip()
    if not name_normalise(text) or len(text) > PLACE_QUERY_MAX_LENGTH:
        return [], False

    def wanted(result: PlaceResult) -> bool:
        return _pickable(result) and not (towns_only and result.kind != PlaceKind.TOWN)

    gazetteer = gazetteer_get()
    # Asked for more than needed, as some kinds are dropped afterwards.
    found = [r for r in gazetteer.search(query=text, limit=limit * 2 + 3) if wanted(r)]
    if found:
        return found[:limit], True
    near = [r for r in gazetteer.near(query=text, limit=limit * 2 + 3) if wanted(r)]
    return near[:limit], False


def place_get(*, key: str) -> PlaceResult | None:
    """The town or local authority with this key (PlaceResult.key), if there is one."""
    result = gazetteer_get().by_key.get(key) if isinstance(key, str) else None
    return result if result is not None and _pickable(result) else None


def local_authority_get(*, slug: str) -> LocalAuthority | None:
    """The local authority with this slug, without a query (from the gazetteer)."""
    result = place_get(key=f"area:{slug}") if isinstance(slug, str) else None
    return result.local_authority if result is not None else None


def place_from_query(params) -> PlaceValue | None:
    """The place the map's "add something here" passes (?latitude=&longitude=), checked.

    For a form's starting value: a point that is not valid, or not in the
    North, is None, and the form starts empty.
    """
    try:
        point = place_check(
            latitude=str(params.get("latitude", ""))[:40],
            longitude=str(params.get("longitude", ""))[:40],
        )
    except ValidationError:
        return None
    if point is None:
        return None
    return PlaceValue(
        name="",
        local_authority=point.local_authority,
        latitude=point.latitude,
        longitude=point.longitude,
    )
