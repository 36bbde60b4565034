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
    ],
)
def test_bad_input_is_a_400_with_a_message(client, params):
    response = client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["message"]
    assert "<script>" not in response.content.decode()  # echoed safely or not at all
