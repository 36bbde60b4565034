"""All 62 local authority outlines in one GeoJSON document, for the map's boundary layer."""

from __future__ import annotations

import json

import pytest

from bigsocnorth.places.outlines import area_outlines_get, area_outlines_reset

pytestmark = pytest.mark.django_db

URL = "/api/v1/areas/outlines"


@pytest.fixture(autouse=True)
def _fresh_outlines():
    area_outlines_reset()
    yield
    area_outlines_reset()


def test_every_outline_comes_in_one_feature_collection_with_its_attribution(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    assert "Open Government Licence v3.0" in collection["attribution"]
    features = collection["features"]
    assert len(features) == 62
    sheffield = next(feature for feature in features if feature["id"] == "E08000039")
    assert sheffield["properties"] == {
        "code": "E08000039",
        "name": "Sheffield",
        "slug": "sheffield",
        "url": "/areas/sheffield/",
        "region": "yorkshire-and-the-humber",
    }
    assert sheffield["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert {feature["properties"]["region"] for feature in features} == {
        "north-east",
        "north-west",
        "yorkshire-and-the-humber",
    }
    west, south, east, north = collection["bbox"]
    # The North: about 3.6° W to 0.2° E, 53° to 55.8° N.
    assert -3.7 < west < -3.3 and -0.2 < east < 0.3
    assert 52.9 < south < 53.4 and 55.5 < north < 55.9


def test_outlines_are_cached_by_browsers_and_built_once_per_process(
    client, django_assert_num_queries
):
    first = client.get(URL)
    assert "public" in first["Cache-Control"] and "max-age=86400" in first["Cache-Control"]
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    with django_assert_num_queries(0):
        again = client.get(URL)
    assert again.content == first.content
    not_changed = client.get(URL, headers={"If-None-Match": etag})
    assert not_changed.status_code == 304
    assert not_changed.content == b""
    assert not_changed["ETag"] == etag
    assert client.get(URL, headers={"If-None-Match": '"other"'}).status_code == 200


def test_nothing_is_kept_while_no_boundaries_are_loaded(django_assert_num_queries):
    from bigsocnorth.places.models import LocalAuthority, Region

    LocalAuthority.objects.all().delete()
    Region.objects.all().delete()
    assert area_outlines_get() is None
    with django_assert_num_queries(1):  # looked at again, not remembered as empty
        assert area_outlines_get() is None
