"""Assigning points to areas, and the area reads other apps rely on."""

from __future__ import annotations

import math
import random
import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bigsocnorth.places.models import LocalAuthority, Region
from bigsocnorth.places.selectors import (
    AreaMatch,
    InvalidCoordinates,
    area_for_point,
    area_get_by_slug,
    area_outline_geojson,
    local_authority_list,
    local_authority_neighbours,
    places_cache_reset,
    region_centre,
    region_get_by_slug_or_code,
    region_list_with_local_authorities,
)

pytestmark = pytest.mark.django_db


def _names(match: AreaMatch | None) -> tuple[str, str] | None:
    if match is None:
        return None
    return match.local_authority.name, match.region.name


def test_point_in_leeds_is_assigned_to_leeds_and_yorkshire():
    assert _names(area_for_point(latitude=53.7997, longitude=-1.5492)) == (
        "Leeds",
        "Yorkshire and The Humber",
    )


def test_point_in_newcastle_is_assigned_to_newcastle_upon_tyne_and_the_north_east():
    assert _names(area_for_point(latitude=54.9783, longitude=-1.6178)) == (
        "Newcastle upon Tyne",
        "North East",
    )


def test_point_in_manchester_is_assigned_to_manchester_and_the_north_west():
    assert _names(area_for_point(latitude=53.4808, longitude=-2.2426)) == (
        "Manchester",
        "North West",
    )


def test_point_in_hull_is_assigned_to_kingston_upon_hull():
    match = area_for_point(latitude=53.7457, longitude=-0.3367)
    assert match is not None
    assert match.local_authority.code == "E06000010"
    assert match.region.code == "E12000003"


def test_point_in_sheffield_is_assigned_to_the_sheffield_fixture(area):
    match = area_for_point(latitude=53.3811, longitude=-1.4701)
    assert match is not None
    assert match.local_authority == area
    assert match.local_authority.code == "E08000039"


@pytest.mark.parametrize(
    ("latitude", "longitude", "where"),
    [
        (51.5, -0.12, "London"),
        (54.5, 0.5, "the North Sea"),
        (54.0, -3.6, "the Irish Sea"),
        (55.9533, -3.1883, "Edinburgh"),
        (53.0461, -2.9925, "Wrexham"),
        (52.4862, -1.8904, "Birmingham"),
        (0.0, 0.0, "null island"),
        (-33.87, 151.21, "Sydney"),
    ],
)
def test_point_outside_the_north_is_no_area(latitude, longitude, where):
    assert area_for_point(latitude=latitude, longitude=longitude) is None, where


def test_seafront_just_outside_the_generalised_outline_still_gets_its_authority():
    # Blackpool Tower stands ~125 m seaward of the 500 m-generalised coastline.
    assert _names(area_for_point(latitude=53.8159, longitude=-3.0553)) == (
        "Blackpool",
        "North West",
    )


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        (math.nan, -1.5),
        (53.8, math.nan),
        (math.inf, -1.5),
        (53.8, -math.inf),
        (95, -1.5),
        (-90.0001, 0),
        (53.8, 180.5),
        ("north", -1.5),
        (None, -1.5),
        (True, -1.5),
        (53.8, [1]),
    ],
)
def test_invalid_coordinates_raise_a_clear_value_error(latitude, longitude):
    with pytest.raises(InvalidCoordinates) as raised:
        area_for_point(latitude=latitude, longitude=longitude)
    assert isinstance(raised.value, ValueError)
    assert "itude must be" in str(raised.value)


def test_numbers_as_strings_and_decimals_are_accepted():
    assert _names(area_for_point(latitude="53.7997", longitude=Decimal("-1.5492")))[0] == "Leeds"


def test_every_authority_centre_is_assigned_to_that_authority():
    for authority in LocalAuthority.objects.all():
        match = area_for_point(
            latitude=authority.centre_latitude, longitude=authority.centre_longitude
        )
        assert match is not None and match.local_authority.pk == authority.pk, authority.name


@settings(max_examples=300, deadline=None)
@given(
    latitude=st.floats(allow_nan=True, allow_infinity=True),
    longitude=st.floats(allow_nan=True, allow_infinity=True),
)
def test_any_float_gives_an_area_none_or_invalid_coordinates(latitude, longitude):
    try:
        match = area_for_point(latitude=latitude, longitude=longitude)
    except InvalidCoordinates:
        assert not (
            math.isfinite(latitude)
            and math.isfinite(longitude)
            and abs(latitude) <= 90
            and abs(longitude) <= 180
        )
    else:
        assert match is None or isinstance(match.local_authority, LocalAuthority)


def test_lookups_make_no_query_once_the_index_is_built(django_assert_num_queries):
    area_for_point(latitude=53.7997, longitude=-1.5492)
    with django_assert_num_queries(0):
        for latitude, longitude in [(53.4808, -2.2426), (54.9783, -1.6178), (51.5, -0.12)]:
            area_for_point(latitude=latitude, longitude=longitude)


def test_lookups_take_well_under_a_millisecond_after_warm_up():
    area_for_point(latitude=53.7997, longitude=-1.5492)
    rng = random.Random(1)
    points = [(rng.uniform(52.8, 56.0), rng.uniform(-3.8, 0.3)) for _ in range(3000)]
    started = time.perf_counter()
    for latitude, longitude in points:
        area_for_point(latitude=latitude, longitude=longitude)
    per_point = (time.perf_counter() - started) / len(points)
    assert per_point < 0.001, f"{per_point * 1e6:.0f} µs per point"


def test_resetting_the_cache_picks_up_changed_boundaries(fresh_places_cache):
    leeds = LocalAuthority.objects.get(slug="leeds")
    assert area_for_point(latitude=53.7997, longitude=-1.5492).local_authority.pk == leeds.pk

    LocalAuthority.objects.filter(pk=leeds.pk).update(name="Loidis")
    # Still the old name: the index lives for the process ...
    assert area_for_point(latitude=53.7997, longitude=-1.5492).local_authority.name == "Leeds"
    # ... until it is reset.
    places_cache_reset()
    assert area_for_point(latitude=53.7997, longitude=-1.5492).local_authority.name == "Loidis"


def test_an_empty_database_assigns_no_point(fresh_places_cache):
    LocalAuthority.objects.all().delete()
    places_cache_reset()
    assert area_for_point(latitude=53.7997, longitude=-1.5492) is None


def test_neighbours_are_the_authorities_sharing_a_border():
    leeds = LocalAuthority.objects.get(slug="leeds")
    names = [authority.name for authority in local_authority_neighbours(local_authority=leeds)]
    assert names == ["Bradford", "Kirklees", "North Yorkshire", "Wakefield"]


def test_neighbours_cross_region_borders():
    kirklees = LocalAuthority.objects.get(slug="kirklees")
    names = {a.name for a in local_authority_neighbours(local_authority=kirklees)}
    assert "Oldham" in names  # North West, over the Pennines
    assert "Kirklees" not in names


def test_area_get_by_slug_finds_authorities_then_regions():
    assert isinstance(area_get_by_slug(slug="leeds"), LocalAuthority)
    region = area_get_by_slug(slug="north-east")
    assert isinstance(region, Region)
    assert area_get_by_slug(slug="atlantis") is None
    assert area_get_by_slug(slug="no\x00pe") is None
    assert area_get_by_slug(slug="x" * 101) is None


def test_region_is_found_by_slug_or_code():
    assert region_get_by_slug_or_code(value="north-west").code == "E12000002"
    assert region_get_by_slug_or_code(value="e12000002").slug == "north-west"
    assert region_get_by_slug_or_code(value="wessex") is None
    assert region_get_by_slug_or_code(value="<script>") is None


def test_region_centre_is_inside_the_region():
    for region in Region.objects.all():
        latitude, longitude = region_centre(region=region)
        assert area_for_point(latitude=latitude, longitude=longitude).region == region


def test_region_list_brings_its_authorities_in_two_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        regions = list(region_list_with_local_authorities())
        total = sum(len(region.local_authorities.all()) for region in regions)
    assert total == 62


def test_local_authority_list_filters_by_region_and_leaves_out_boundaries():
    north_east = Region.objects.get(code="E12000001")
    authorities = list(local_authority_list(region=north_east))
    assert len(authorities) == 12
    assert "boundary" in authorities[0].get_deferred_fields()


def test_outline_of_an_authority_is_a_geojson_feature_with_lon_lat_positions():
    leeds = LocalAuthority.objects.get(slug="leeds")
    outline = area_outline_geojson(area=leeds)
    assert outline["type"] == "Feature"
    assert outline["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert outline["properties"]["code"] == "E08000035"
    longitude, latitude = _first_position(outline["geometry"])
    assert -2.0 < longitude < -1.1 and 53.6 < latitude < 54.0


def test_outline_of_a_region_is_a_feature_collection_of_its_authorities():
    region = area_get_by_slug(slug="north-east")
    outline = area_outline_geojson(area=region)
    assert outline["type"] == "FeatureCollection"
    assert len(outline["features"]) == 12
    west, south, east, north = outline["bbox"]
    assert west < east and south < north


def _first_position(geometry: dict) -> list[float]:
    coordinates = geometry["coordinates"]
    while isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    return coordinates
