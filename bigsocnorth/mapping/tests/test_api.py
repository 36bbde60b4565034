"""GET /api/v1/map: a FeatureCollection for a viewport, and clear 400s for bad input."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/map"


def test_a_viewport_answers_rfc_7946_features(client, add_entry):
    add_entry("Walkley repair", (53.3925, -1.4960), categories=["innovation"])
    add_entry("Sheffield food bank", (53.3811, -1.4701))
    response = client.get(URL, {"bbox": "-1.6,53.3,-1.3,53.5", "zoom": "14"})
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["count"] == 2
    assert len(body["bbox"]) == 4
    titles = {f["properties"]["title"] for f in body["features"]}
    assert titles == {"Walkley repair", "Sheffield food bank"}
    for feature in body["features"]:
        longitude, latitude = feature["geometry"]["coordinates"]  # [lon, lat], RFC 7946
        assert -2 < longitude < -1 and 53 < latitude < 54
    response = client.get(
        URL, {"bbox": "-1.6,53.3,-1.3,53.5", "zoom": "5", "category": ["innovation"]}
    )
    (feature,) = response.json()["features"]
    # Far out, but the only item left by the filter: shown as itself, not as "1".
    assert feature["properties"]["cluster"] is False
    assert feature["properties"]["title"] == "Walkley repair"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"zoom": "8"},
        {"bbox": "-2,53,-1,54"},
        {"bbox": "-1,53,-2,54", "zoom": "8"},
        {"bbox": "NaN,53,-1,54", "zoom": "8"},
        {"bbox": "-2,53,Infinity,54", "zoom": "8"},
        {"bbox": "-2,53,-1,540", "zoom": "8"},
        {"bbox": "-2,53,-1,54", "zoom": "99"},
        {"bbox": "-2,53,-1,54", "zoom": "-1"},
        {"bbox": "-2,53,-1,54", "zoom": "eight"},
        {"bbox": "-2,53,-1,54", "zoom": "8", "layer": "nope"},
        {"bbox": "-2,53,-1,54", "zoom": "8", "category": "<script>alert(1)</script>"},
        {"bbox": "-2,53,-1,54", "zoom": "8", "q": "x" * 10_000},
        {"bbox": "-2,53,-1,54", "zoom": "8", "area": "../../etc/passwd"},
        {"bbox": "-2,53,-1,54", "zoom": "8", "since": "forever"},
        {"bbox": "-2,53,-1,54", "zoom": "8", "since": "9" * 10_000},
        {"bbox": "-2,53,-1,54", "zoom": "8", "since": "<script>alert(1)</script>"},
    ],
)
def test_bad_input_is_a_400_with_a_message(client, params):
    response = client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["message"]
    assert "<script>" not in response.content.decode()  # echoed safely or not at all


def test_single_items_have_unique_feature_ids_and_clusters_their_layers(client, add_entry):
    first = add_entry("Walkley repair", (53.3925, -1.4960))
    two_places = add_entry("Two sites", (53.3811, -1.4701), (53.7997, -1.5492))
    body = client.get(URL, {"bbox": "-1.7,53.3,-1.3,53.9", "zoom": "12"}).json()
    ids = {feature["id"] for feature in body["features"]}
    assert ids == {
        f"directory-{first.pk}-0",
        f"directory-{two_places.pk}-0",
        f"directory-{two_places.pk}-1",
    }
    walkley = next(f for f in body["features"] if f["id"] == f"directory-{first.pk}-0")
    assert walkley["properties"]["object_id"] == first.pk
    assert "id" not in walkley["properties"]
    (cluster,) = client.get(URL, {"bbox": "-1.7,53.3,-1.3,53.9", "zoom": "5"}).json()["features"]
    assert cluster["properties"]["layers"] == {"directory": 3}
    assert cluster["id"].startswith("cluster-5-")


def test_the_time_filter_keeps_what_was_added_since(client, add_entry):
    from datetime import timedelta

    from django.utils import timezone

    from bigsocnorth.directory.models import Entry
    from bigsocnorth.mapping.services import map_items_sync

    old = add_entry("Old repair cafe", (53.3925, -1.4960))
    Entry.objects.filter(pk=old.pk).update(published_at=timezone.now() - timedelta(days=40))
    map_items_sync(obj=Entry.objects.get(pk=old.pk))
    add_entry("New food bank", (53.3811, -1.4701))
    box = {"bbox": "-1.6,53.3,-1.3,53.5", "zoom": "14"}
    titles = {
        since: sorted(
            f["properties"]["title"]
            for f in client.get(URL, {**box, "since": since}).json()["features"]
        )
        for since in ("", "week", "month", "year")
    }
    assert titles == {
        "": ["New food bank", "Old repair cafe"],
        "week": ["New food bank"],
        "month": ["New food bank"],
        "year": ["New food bank", "Old repair cafe"],
    }
    message = client.get(URL, {**box, "since": "forever"}).json()["message"]
    assert message == "There is no time “forever”. Choose one of: week, month, year."
