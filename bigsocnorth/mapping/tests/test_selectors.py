"""Clusters and single items for a viewport: exact counts with every filter, at every zoom."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bigsocnorth.mapping.selectors import (
    check_map_query,
    covered_bbox,
    map_feature_collection,
    map_item_list,
)
from bigsocnorth.mapping.tests.conftest import NORTH, assert_counts_exact

pytestmark = pytest.mark.django_db

SHEFFIELD = (53.3811, -1.4701)
WALKLEY = (53.3925, -1.4960)
LEEDS = (53.7997, -1.5492)
HULL = (53.7676, -0.3274)
NEWCASTLE = (54.9783, -1.6178)


@pytest.fixture
def spread(add_entry):
    add_entry("Sheffield food bank", SHEFFIELD, categories=["existing-work"])
    add_entry("Walkley repair", WALKLEY, categories=["innovation", "existing-work"])
    add_entry("Leeds network", LEEDS, kind="network")
    add_entry("Hull choir", HULL, categories=["community-of-interest"])
    add_entry("Tyneside two sites", NEWCASTLE, SHEFFIELD, categories=["innovation"])


def test_counts_are_exact_at_every_zoom_with_every_filter(spread):
    assert_counts_exact()
    assert_counts_exact(category=["innovation"])
    assert_counts_exact(category=["innovation", "existing-work"])  # any of them, each once
    assert_counts_exact(kind=["network"])
    assert_counts_exact(layer=["directory"])
    assert_counts_exact(area="sheffield")
    assert_counts_exact(area="yorkshire-and-the-humber", category=["existing-work"])


def _published_ago(entry, days: int) -> None:
    """Move an entry's publication into the past, and its map items with it."""
    from bigsocnorth.directory.models import Entry
    from bigsocnorth.mapping.services import map_items_sync

    Entry.objects.filter(pk=entry.pk).update(published_at=timezone.now() - timedelta(days=days))
    map_items_sync(obj=Entry.objects.get(pk=entry.pk))


def test_counts_are_exact_with_a_time_filter_whichever_index_is_read(add_entry, monkeypatch):
    from bigsocnorth.mapping import selectors

    _published_ago(add_entry("Old Sheffield group", SHEFFIELD), 400)
    _published_ago(add_entry("Last month in Walkley", WALKLEY, NEWCASTLE), 20)
    _published_ago(add_entry("Last season in Leeds", LEEDS), 100)
    add_entry("New in Hull", HULL)
    add_entry("New in Sheffield", SHEFFIELD, categories=["innovation"])
    for since in ("week", "month", "year"):
        assert_counts_exact(since=since)
        assert_counts_exact(since=since, area="sheffield")
    assert_counts_exact(since="month", category=["innovation"])
    # Whichever way the probe decides, the answer is the same.
    for decision in (True, False):
        monkeypatch.setattr(selectors, "_time_first", lambda query, d=decision: d)
        assert_counts_exact(since="month")
    query = check_map_query(bbox=NORTH, zoom=8, since="month")
    assert map_feature_collection(query=query)["count"] == 4  # two places of one entry
    with_text = check_map_query(bbox=NORTH, zoom=8, since="month", q="Walkley")
    assert map_feature_collection(query=with_text)["count"] == 2


def test_a_time_filter_takes_only_week_month_or_year():
    for since in ("forever", "x" * 10_000, "7", "<b>week</b>", "Week"):
        with pytest.raises(ValidationError) as error:
            check_map_query(bbox=NORTH, zoom=8, since=since)
        assert "Choose one of: week, month, year" in str(error.value)
    assert check_map_query(bbox=NORTH, zoom=8, since="").since_at is None


def test_far_out_everything_is_one_cluster_that_splits_when_zoomed_in(spread):
    query = check_map_query(bbox=NORTH, zoom=2, max_cells=None)
    (feature,) = map_feature_collection(query=query)["features"]
    assert feature["properties"]["cluster"] is True
    assert feature["properties"]["count"] == 6
    split = feature["properties"]["split_zoom"]
    assert split is not None and split > 2
    at_split = map_feature_collection(query=check_map_query(bbox=NORTH, zoom=split, max_cells=None))
    assert len(at_split["features"]) >= 2


def test_zoomed_in_single_items_come_back_with_their_details(spread):
    query = check_map_query(bbox="-1.52,53.37,-1.45,53.41", zoom=15)
    features = map_feature_collection(query=query)["features"]
    singles = {f["properties"]["title"]: f for f in features if not f["properties"]["cluster"]}
    walkley = singles["Walkley repair"]
    assert walkley["geometry"] == {"type": "Point", "coordinates": [WALKLEY[1], WALKLEY[0]]}
    assert walkley["properties"]["layer"] == "directory"
    assert walkley["properties"]["kind"] == "organisation"
    assert walkley["properties"]["category"] in {"innovation", "existing-work"}
    assert walkley["properties"]["url"].startswith("/directory/")


def test_two_points_at_the_same_place_never_split(add_entry):
    add_entry("Upstairs", SHEFFIELD)
    add_entry("Downstairs", SHEFFIELD)
    query = check_map_query(bbox="-1.475,53.378,-1.465,53.384", zoom=18)
    (feature,) = map_feature_collection(query=query)["features"]
    assert feature["properties"] == {
        "cluster": True,
        "count": 2,
        "split_zoom": None,
        "layers": {"directory": 2},
    }


def test_the_covered_box_contains_the_asked_box(spread):
    query = check_map_query(bbox="-1.6,53.3,-1.4,53.5", zoom=12)
    west, south, east, north = covered_bbox(query)
    assert west <= -1.6 and south <= 53.3 and east >= -1.4 and north >= 53.5
    assert map_feature_collection(query=query)["bbox"] == [west, south, east, north]


def test_the_text_filter_counts_exactly_too(spread):
    for zoom in (3, 8, 12, 17):
        query = check_map_query(bbox=NORTH, zoom=zoom, q="repair", max_cells=None)
        collection = map_feature_collection(query=query)
        assert collection["count"] == 1
        query = check_map_query(bbox=NORTH, zoom=zoom, q="sites food", max_cells=None)
        assert map_feature_collection(query=query)["count"] == 0
        query = check_map_query(bbox=NORTH, zoom=zoom, q="Tyneside", max_cells=None)
        assert map_feature_collection(query=query)["count"] == 2  # both of its places


def test_the_list_holds_the_same_items(spread):
    query = check_map_query(bbox=NORTH, zoom=7, category=["innovation"], max_cells=None)
    listed = map_item_list(query=query)
    titles = [item.title for item in listed.items]
    assert titles == ["Tyneside two sites", "Tyneside two sites", "Walkley repair"]
    assert listed.by_name
    assert map_feature_collection(query=query)["count"] == listed.total == len(titles)


def test_a_viewport_costs_the_same_queries_however_many_points(
    add_entry, django_assert_max_num_queries
):
    def queries_for_viewport() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        query = check_map_query(bbox=NORTH, zoom=6, max_cells=None)
        with CaptureQueriesContext(connection) as captured:
            map_feature_collection(query=query)
        return len(captured)

    add_entry("First", SHEFFIELD)
    add_entry("Second", LEEDS)
    few = queries_for_viewport()
    for n in range(12):
        add_entry(f"More {n}", (SHEFFIELD[0] + n * 0.01, SHEFFIELD[1]))
    # The split-zoom search goes one level deeper per query; its depth, not the
    # number of points, sets the count.
    assert queries_for_viewport() <= few + 2


@pytest.mark.parametrize(
    ("params", "field", "says"),
    [
        ({"bbox": "1,2,3"}, "bbox", "four numbers"),
        ({"bbox": "a,b,c,d"}, "bbox", "finite"),
        ({"bbox": "nan,53,-1,54"}, "bbox", "finite"),
        ({"bbox": "-inf,53,-1,54"}, "bbox", "finite"),
        ({"bbox": "-1e400,53,-1,54"}, "bbox", "finite"),
        ({"bbox": "-200,53,-1,54"}, "bbox", "outside the world"),
        ({"bbox": "-2,53,-1,95"}, "bbox", "outside the world"),
        ({"bbox": "1,53,-1,54"}, "bbox", "west must be less than east"),
        ({"bbox": "-2,54,-1,53"}, "bbox", "south must be less than north"),
        ({"zoom": "99"}, "zoom", "from 0 to 18"),
        ({"zoom": "-1"}, "zoom", "from 0 to 18"),
        ({"zoom": "1.5"}, "zoom", "whole number"),
        ({"layer": ["parrots"]}, "layer", "no layer"),
        ({"kind": ["<script>"]}, "kind", "no kind"),
        ({"category": ["nonsense"]}, "category", "no category"),
        ({"category": ["innovation"] * 21}, "category", "at most 20"),
        ({"area": "atlantis"}, "area", "no area"),
        ({"q": "x" * 10_000}, "q", "at most 200"),
        ({"bbox": "-3.7,53.2,0.2,55.9", "zoom": "16"}, "bbox", "larger than a screen"),
    ],
)
def test_bad_queries_say_what_is_wrong(params, field, says, db):
    values = {"bbox": "-2,53,-1,54", "zoom": "8", **params}
    with pytest.raises(ValidationError) as error:
        check_map_query(**values)
    assert says in " ".join(error.value.message_dict[field])
