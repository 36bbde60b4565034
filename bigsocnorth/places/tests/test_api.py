"""The areas API: shapes, paging, GeoJSON outlines, locate, place search and errors."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _first_position(geometry: dict) -> list[float]:
    coordinates = geometry["coordinates"]
    while isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    return coordinates


def _assert_valid_geometry(geometry: dict) -> None:
    assert geometry["type"] in {"Polygon", "MultiPolygon"}
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    for polygon in polygons:
        for ring in polygon:
            assert len(ring) >= 4
            assert ring[0] == ring[-1]  # closed rings
            for longitude, latitude in ring:
                # [longitude, latitude]: the North is 3.7° W to 0.2° E, 52.9° to 55.9° N.
                assert -3.7 < longitude < 0.2
                assert 52.9 < latitude < 55.9


def test_area_list_is_a_paged_list_of_authorities_with_their_regions(client):
    response = client.get("/api/v1/areas")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 62
    assert (body["page"], body["pages"], body["next"], body["previous"]) == (1, 1, None, None)
    assert len(body["items"]) == 62
    sheffield = next(item for item in body["items"] if item["slug"] == "sheffield")
    assert sheffield == {
        "code": "E08000039",
        "name": "Sheffield",
        "slug": "sheffield",
        "kind": "local authority",
        "url": "http://testserver/areas/sheffield/",
        "api_url": "http://testserver/api/v1/areas/sheffield",
        "region": {
            "code": "E12000003",
            "name": "Yorkshire and The Humber",
            "slug": "yorkshire-and-the-humber",
            "url": "http://testserver/areas/yorkshire-and-the-humber/",
            "api_url": "http://testserver/api/v1/areas/yorkshire-and-the-humber",
        },
        "centre": sheffield["centre"],
        "bbox": sheffield["bbox"],
    }
    west, south, east, north = sheffield["bbox"]
    assert west < sheffield["centre"]["longitude"] < east
    assert south < sheffield["centre"]["latitude"] < north


def test_area_list_pages_through_the_authorities(client):
    first = client.get("/api/v1/areas", {"per_page": 25}).json()
    assert (first["count"], first["pages"], len(first["items"])) == (62, 3, 25)
    assert first["next"] == "http://testserver/api/v1/areas?per_page=25&page=2"
    last = client.get("/api/v1/areas", {"per_page": 25, "page": 3}).json()
    assert len(last["items"]) == 12
    assert last["next"] is None
    assert last["previous"] == "http://testserver/api/v1/areas?per_page=25&page=2"
    slugs = [
        i["slug"]
        for p in (1, 2, 3)
        for i in client.get("/api/v1/areas", {"per_page": 25, "page": p}).json()["items"]
    ]
    assert len(set(slugs)) == 62


def test_page_past_the_end_is_empty(client):
    body = client.get("/api/v1/areas", {"page": 9}).json()
    assert body["items"] == []
    assert body["previous"] == "http://testserver/api/v1/areas?page=1"


def test_area_list_filters_by_region_slug_or_code(client):
    by_slug = client.get("/api/v1/areas", {"region": "north-east"}).json()
    by_code = client.get("/api/v1/areas", {"region": "E12000001"}).json()
    assert by_slug["count"] == by_code["count"] == 12
    assert {item["region"]["code"] for item in by_slug["items"]} == {"E12000001"}


def test_unknown_region_filter_is_a_json_404(client):
    response = client.get("/api/v1/areas", {"region": "wessex"})
    assert response.status_code == 404
    assert "No region called 'wessex'" in response.json()["message"]


@pytest.mark.parametrize("params", [{"page": 0}, {"per_page": 0}, {"per_page": 101}, {"page": "x"}])
def test_bad_paging_is_a_json_error_with_a_message(client, params):
    response = client.get("/api/v1/areas", params)
    assert response.status_code == 422
    assert response.json()["message"]


def test_area_list_query_count_does_not_grow(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/areas").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/areas", {"region": "north-west"}).status_code == 200


def test_local_authority_has_its_outline_as_a_geojson_feature(client, area):
    response = client.get(f"/api/v1/areas/{area.slug}")
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["code"], body["name"]) == (
        "local authority",
        "E08000039",
        "Sheffield",
    )
    assert body["region"]["slug"] == "yorkshire-and-the-humber"
    assert [n["slug"] for n in body["neighbours"]] == ["barnsley", "rotherham"]
    outline = body["outline"]
    assert outline["type"] == "Feature"
    assert outline["properties"]["code"] == "E08000039"
    assert len(outline["bbox"]) == 4
    _assert_valid_geometry(outline["geometry"])
    longitude, latitude = _first_position(outline["geometry"])
    assert -1.81 < longitude < -1.3 and 53.3 < latitude < 53.51  # Sheffield, lon first


def test_region_has_its_authorities_as_a_feature_collection(client):
    response = client.get("/api/v1/areas/north-west")
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["code"]) == ("region", "E12000002")
    assert len(body["local_authorities"]) == 35
    assert body["centre"]["latitude"] > 53
    outline = body["outline"]
    assert outline["type"] == "FeatureCollection"
    assert len(outline["features"]) == 35
    for feature in outline["features"]:
        assert feature["type"] == "Feature"
        _assert_valid_geometry(feature["geometry"])
    assert body["bbox"] == outline["bbox"]


def test_unknown_slug_is_a_json_404_saying_where_the_list_is(client):
    response = client.get("/api/v1/areas/atlantis")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "message": "No area called 'atlantis'. See /api/v1/areas for the list."
    }


def test_hostile_slug_is_a_404_not_a_crash(client):
    for slug in ["%3Cscript%3E", "a%00b", "x" * 5000, "%C3%A9t%C3%A9"]:
        response = client.get(f"/api/v1/areas/{slug}")
        assert response.status_code == 404, slug
        assert len(response.json()["message"]) < 200
    # An encoded slash leaves the API's routes altogether: still no crash.
    assert client.get("/api/v1/areas/..%2F..%2Fetc").status_code == 404


def test_locate_finds_the_area_of_a_point(client):
    response = client.get("/api/v1/areas/locate", {"lat": 54.9783, "lon": -1.6178})
    assert response.status_code == 200
    body = response.json()
    assert body["local_authority"]["name"] == "Newcastle upon Tyne"
    assert body["region"]["name"] == "North East"


def test_locate_outside_the_north_is_null_not_an_error(client):
    body = client.get("/api/v1/areas/locate", {"lat": 51.5, "lon": -0.12}).json()
    assert body["local_authority"] is None
    assert body["region"] is None


@pytest.mark.parametrize(
    "params",
    [
        {"lat": "nan", "lon": -1.5},
        {"lat": "inf", "lon": -1.5},
        {"lat": 95, "lon": -1.5},
        {"lat": 53.8, "lon": 200},
        {"lat": "north", "lon": -1.5},
        {"lat": 53.8},
        {},
    ],
)
def test_bad_coordinates_are_a_json_error_with_a_message(client, params):
    response = client.get("/api/v1/areas/locate", params)
    assert response.status_code in {400, 422}
    assert response.json()["message"]


def test_place_search_ranks_and_describes_places(client):
    response = client.get("/api/v1/places", {"q": "hebden"})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "hebden"
    assert body["count"] == len(body["items"]) >= 1
    hebden = body["items"][0]
    assert hebden["name"] == "Hebden Bridge"
    assert hebden["kind"] == "town or city"
    assert hebden["local_authority"]["slug"] == "calderdale"
    assert hebden["region"]["code"] == "E12000003"
    assert hebden["url"] == "http://testserver/areas/calderdale/"
    assert hebden["population"] > 1000


def test_place_search_first_result_for_sheffield_is_sheffield(client):
    items = client.get("/api/v1/places", {"q": "Sheffield"}).json()["items"]
    assert items[0]["name"] == "Sheffield"
    assert items[0]["kind"] == "local authority"


def test_place_search_limit(client):
    assert client.get("/api/v1/places", {"q": "a", "limit": 5}).json()["count"] == 5
    assert client.get("/api/v1/places", {"q": "a", "limit": 51}).status_code == 422


def test_place_search_with_hostile_input_returns_json_not_a_crash(client):
    response = client.get("/api/v1/places", {"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["items"] == []


def test_place_search_rejects_a_ten_thousand_character_query_clearly(client):
    response = client.get("/api/v1/places", {"q": "x" * 10_000})
    assert response.status_code == 422
    body = response.json()
    assert body["message"]
    assert body["errors"] == [
        {"field": "q", "message": "String should have at most 100 characters"}
    ]


def test_place_search_needs_a_query(client):
    response = client.get("/api/v1/places")
    assert response.status_code == 422
    assert body_field(response) == "q"


def body_field(response) -> str:
    return response.json()["errors"][0]["field"]


def test_openapi_documents_the_area_routes(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ["/api/v1/areas", "/api/v1/areas/locate", "/api/v1/areas/{slug}", "/api/v1/places"]:
        assert path in schema["paths"], path
        operation = schema["paths"][path]["get"]
        assert operation["tags"] == ["areas"]
        assert operation.get("description")
