"""Place search: normalisation, ranking, limits."""

from __future__ import annotations

import pytest

from bigsocnorth.places.gazetteer import name_normalise
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.selectors import (
    PLACE_QUERY_MAX_LENGTH,
    PlaceKind,
    PlaceQueryTooLong,
    place_list_for_local_authority,
    place_search,
)

pytestmark = pytest.mark.django_db


def _summary(results) -> list[tuple[str, str]]:
    return [(place.name, str(place.kind)) for place in results]


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("Stockton-on-Tees", "stockton on tees"),
        ("  STOCKTON   on tees ", "stockton on tees"),
        ("St. Helens", "st helens"),
        ("Kingston upon Hull, City of", "kingston upon hull city of"),
        ("Bishop\u2019s Stortford", "bishops stortford"),
        ("Ÿèádón", "yeadon"),
        ("<script>alert(1)</script>", "script alert 1 script"),
        ("!!!", ""),
    ],
)
def test_names_are_normalised_for_matching(text, normalised):
    assert name_normalise(text) == normalised


def test_sheffield_first_result_is_sheffield():
    results = place_search(query="sheffield")
    assert results[0].name == "Sheffield"
    assert results[0].kind == PlaceKind.LOCAL_AUTHORITY
    assert results[0].local_authority.code == "E08000039"
    # The city itself comes next, also in Sheffield.
    assert (results[1].name, results[1].kind) == ("Sheffield", PlaceKind.TOWN)
    assert results[1].local_authority.code == "E08000039"


def test_hebden_finds_hebden_bridge_in_calderdale():
    results = place_search(query="hebden")
    hebden_bridge = next(place for place in results if place.name == "Hebden Bridge")
    assert hebden_bridge.kind == PlaceKind.TOWN
    assert hebden_bridge.local_authority.name == "Calderdale"
    assert hebden_bridge.region.name == "Yorkshire and The Humber"
    assert 53.6 < hebden_bridge.latitude < 53.9
    assert -2.2 < hebden_bridge.longitude < -1.9


@pytest.mark.parametrize(
    "query",
    [
        "stockton on tees",
        "Stockton-on-Tees",
        "STOCKTON ON TEES",
        "stockton\u2013on\u2013tees",  # en dashes
        "Stöckton on Tées",
    ],
)
def test_case_accents_and_punctuation_are_ignored(query):
    results = place_search(query=query)
    assert results[0].name == "Stockton-on-Tees"
    assert results[0].local_authority.code == "E06000004"


def test_exact_matches_come_before_prefix_word_prefix_and_substring_matches():
    names = [place.name for place in place_search(query="york", limit=50)]
    exact = names.index("York")
    prefix = names.index("Yorkshire and The Humber")
    word_prefix = names.index("North Yorkshire")
    assert exact < prefix < word_prefix
    # "york" inside a word, not at its start, ranks after every word match.
    substrings = [n for n in names if " york" not in f" {name_normalise(n)}"]
    assert all(names.index(n) > word_prefix for n in substrings)


def test_towns_are_ranked_by_population_within_a_tier():
    towns = [p for p in place_search(query="ash", limit=50) if p.kind == PlaceKind.TOWN]
    prefix_towns = [p for p in towns if name_normalise(p.name).startswith("ash")]
    populations = [p.population for p in prefix_towns]
    assert len(populations) > 3
    assert populations == sorted(populations, reverse=True)


def test_local_authorities_and_regions_are_results_too():
    summary = _summary(place_search(query="north", limit=20))
    assert ("North East", "region") in summary
    assert ("North Tyneside", "local authority") in summary


def test_hull_finds_kingston_upon_hull_first():
    results = place_search(query="Hull")
    assert results[0].local_authority.code == "E06000010"


def test_results_carry_the_area_to_link_to():
    leeds_city = next(p for p in place_search(query="leeds") if p.kind == PlaceKind.TOWN)
    assert leeds_city.area == LocalAuthority.objects.get(slug="leeds")
    region = next(p for p in place_search(query="north west") if p.kind == PlaceKind.REGION)
    assert region.local_authority is None
    assert region.area == region.region


def test_only_places_in_the_north_are_found():
    assert place_search(query="London") == []
    assert place_search(query="Edinburgh") == []
    # There are Newports in Wales and the Midlands; none is in the North.
    assert all(p.region is not None for p in place_search(query="newport", limit=50))


def test_empty_or_punctuation_only_queries_find_nothing():
    assert place_search(query="") == []
    assert place_search(query="   ") == []
    assert place_search(query="--!!--") == []


def test_limit_caps_the_results():
    assert len(place_search(query="a", limit=3)) == 3
    with pytest.raises(ValueError, match="limit"):
        place_search(query="leeds", limit=0)
    with pytest.raises(ValueError, match="limit"):
        place_search(query="leeds", limit=10_000)


def test_a_query_longer_than_the_cap_is_a_clear_error():
    with pytest.raises(PlaceQueryTooLong, match=f"at most {PLACE_QUERY_MAX_LENGTH} characters"):
        place_search(query="x" * 10_000)
    # Spaces around a query do not count against the cap.
    assert place_search(query=" leeds ".center(PLACE_QUERY_MAX_LENGTH + 20))[0].name == "Leeds"


def test_hostile_input_is_just_text():
    assert place_search(query="<script>alert(1)</script>") == []
    assert place_search(query="'; DROP TABLE places_region; --") == []
    assert place_search(query="\x00") == []


def test_towns_of_an_authority_are_listed_biggest_first():
    calderdale = LocalAuthority.objects.get(slug="calderdale")
    towns = place_list_for_local_authority(local_authority=calderdale)
    names = [town.name for town in towns]
    assert names[0] == "Halifax"
    assert "Hebden Bridge" in names
    assert all(town.local_authority == calderdale for town in towns)


def test_search_makes_no_query_once_built(django_assert_num_queries):
    place_search(query="leeds")
    with django_assert_num_queries(0):
        place_search(query="manchester")
