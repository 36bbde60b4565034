"""place_check, and the places a typed name may mean."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bigsocnorth.places.gazetteer import PlaceKind
from bigsocnorth.places.services import (
    PlaceValue,
    local_authority_get,
    place_check,
    place_get,
    place_options,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(53.742, -2.014), ("53.742", "-2.014"), (" 53.742 ", "-2.014"), (Decimal("53.742"), -2.014)],
)
def test_a_point_in_the_north_gets_its_local_authority(latitude, longitude):
    point = place_check(latitude=latitude, longitude=longitude)
    assert point.local_authority.name == "Calderdale"
    assert (point.latitude, point.longitude) == (53.742, -2.014)


@pytest.mark.parametrize("empty", [None, "", "  "])
def test_no_coordinates_is_no_point(empty):
    assert place_check(latitude=empty, longitude=empty) is None


@pytest.mark.parametrize(
    ("latitude", "longitude", "code", "words"),
    [
        ("53.7", "", "half_pair", "Give both the latitude and the longitude"),
        (None, -2.0, "half_pair", "Give both the latitude and the longitude"),
        ("north", "west", "not_a_number", "as numbers"),
        (float("nan"), 1.0, "not_a_number", "as numbers"),
        ("inf", "1", "not_a_number", "as numbers"),
        ("1e400", "1", "not_a_number", "as numbers"),
        (True, 1.0, "not_a_number", "as numbers"),
        ([53.7], -2.0, "not_a_number", "as numbers"),
        ({"lat": 53.7}, -2.0, "not_a_number", "as numbers"),
        (91, 0, "out_of_range", "between -90 and 90"),
        (53.7, -181, "out_of_range", "between -180 and 180"),
        (51.5072, -0.1276, "outside_north", "outside the North of England"),  # London
        (-2.014, 53.742, "outside_north", "latitude first"),  # the pair swapped
        (55.9533, -3.1883, "outside_north", "outside the North of England"),  # Edinburgh
    ],
)
def test_a_bad_point_gets_one_plain_message(latitude, longitude, code, words):
    with pytest.raises(ValidationError) as error:
        place_check(latitude=latitude, longitude=longitude)
    assert error.value.code == code
    assert words in error.value.messages[0]


def test_a_name_finds_towns_and_areas_but_not_regions():
    found, matched = place_options(query="york")
    assert matched
    kinds = {place.kind for place in found}
    assert PlaceKind.REGION not in kinds
    assert {"York", "North Yorkshire"} <= {place.name for place in found}


def test_a_landmark_finds_the_town_it_is_in():
    found, matched = place_options(query="Hebden Bridge Town Hall")
    assert not matched
    assert [place.name for place in found] == ["Hebden Bridge"]


def test_a_misspelt_name_finds_the_places_spelt_nearly_the_same():
    found, matched = place_options(query="Hebdon Brige")
    assert not matched
    assert "Hebden Bridge" in [place.name for place in found]


@pytest.mark.parametrize("query", ["", "   ", "!!!", "x" * 10_000, "Xyzzyplugh"])
def test_nothing_sensible_finds_nothing(query):
    assert place_options(query=query) == ([], False)


def test_a_chosen_place_is_found_again_by_its_key():
    town = next(p for p in place_options(query="Todmorden")[0] if p.kind == PlaceKind.TOWN)
    assert place_get(key=town.key) == town
    assert place_get(key="area:leeds").local_authority.name == "Leeds"
    assert local_authority_get(slug="calderdale").name == "Calderdale"
    # A region is not a place something is at; nonsense finds nothing.
    for key in ("region:north-west", "town:leeds:atlantis", "", "<script>", None, 42):
        assert place_get(key=key) is None
    assert local_authority_get(slug="nowhere") is None


def test_a_rough_place_is_shown_to_about_a_kilometre():
    calderdale = local_authority_get(slug="calderdale")
    exact = PlaceValue(name="", local_authority=calderdale, latitude=53.74213, longitude=-2.01437)
    rough = PlaceValue(
        name="", local_authority=calderdale, latitude=53.74213, longitude=-2.01437,
        approximate=True,
    )  # fmt: skip
    whole = PlaceValue(name="Calderdale", local_authority=calderdale)
    assert exact.public_point == (53.74213, -2.01437)
    assert rough.public_point == (53.74, -2.01)
    assert whole.whole_area and whole.public_point is None
