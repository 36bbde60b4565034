"""The map page, the embeddable map, the downloads, and "add a group here" into the directory.

Through the test client: what a visitor without JavaScript gets (the form, the
count, the list), that bad addresses are answered clearly, that the list is
what the map API counts for the same query, the frame headers, and that the
downloads parse back to exactly what was filtered.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bigsocnorth.directory.models import Category, Entry, EntryKind, EntryPlace
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.mapping.exports import CSV_HEADER
from bigsocnorth.mapping.services import map_items_sync
from bigsocnorth.moderation.models import Status
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.search.services import search_document_sync

pytestmark = pytest.mark.django_db

MAP_URL = reverse("mapping:map")
EMBED_URL = reverse("mapping:embed")
GEOJSON_URL = reverse("mapping:export_geojson")
CSV_URL = reverse("mapping:export_csv")
API_URL = reverse("api:map_features")

SHEFFIELD = (53.3811, -1.4701)
LEEDS = (53.7997, -1.5492)
HULL = (53.7676, -0.3274)


def _authority(slug: str) -> LocalAuthority:
    return LocalAuthority.objects.get(slug=slug)


def _entry_at(name, point, area_slug, *, categories=(), kind="organisation", **fields) -> Entry:
    """An entry at a point, put on the map (and in search) as the services would."""
    area = _authority(area_slug)
    entry = EntryFactory(name=name, kind=EntryKind.objects.get(slug=kind), **fields)
    latitude, longitude = point
    EntryPlace.objects.create(
        entry=entry,
        latitude=latitude,
        longitude=longitude,
        public_latitude=latitude,
        public_longitude=longitude,
        local_authority=area,
    )
    entry.areas.add(area)
    entry.categories.set(Category.objects.filter(slug__in=categories))
    map_items_sync(obj=entry)
    search_document_sync(obj=entry)
    return entry


@pytest.fixture
def three_places():
    return [
        _entry_at("Walkley Repair Cafe", SHEFFIELD, "sheffield", categories=["innovation"]),
        _entry_at("Leeds Food Bank", LEEDS, "leeds", categories=["existing-work"], kind="network"),
        _entry_at("Hull Youth Club", HULL, "kingston-upon-hull-city-of", categories=["innovation"]),
    ]


def _names(response) -> list[str]:
    return [row["title"] for row in response.context["items"]]


def _page(response) -> str:
    return response.content.decode()


# --- The page, with and without filters --------------------------------------------------


def test_map_page_lists_what_is_published_in_the_north(client, three_places):
    EntryFactory(name="Not Yet Approved", status=Status.IN_REVIEW, located_in=_authority("leeds"))
    response = client.get(MAP_URL)
    assert response.status_code == 200
    page = _page(response)
    assert sorted(_names(response)) == ["Hull Youth Club", "Leeds Food Bank", "Walkley Repair Cafe"]
    assert "3 items in this part of the map." in page
    assert "Not Yet Approved" not in page
    # Each row: the title as a link, the kind, the category and the area.
    walkley = three_places[0]
    assert f'<a href="{walkley.get_absolute_url()}">Walkley Repair Cafe</a>' in page
    assert "Organisation · Innovation · Sheffield" in page
    # The map for JavaScript, its settings as JSON (no inline script), and the open data.
    assert 'id="map"' in page and 'id="map-config"' in page
    scripts = re.findall(r"<script[^>]*>", page)
    assert all("src=" in tag or 'type="application/json"' in tag for tag in scripts)
    config = response.context["map_config"]
    assert config["urls"]["api"] == API_URL
    assert config["urls"]["outlines"] == reverse("api:places_area_outlines")
    assert config["tiles"]["url"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "OpenStreetMap" in config["tiles"]["attribution"]
    assert "Open Government Licence" in config["boundaryAttribution"]
    assert f'href="{GEOJSON_URL}"' in page and f'href="{CSV_URL}"' in page
    assert "&lt;iframe src=&quot;http://testserver/embed/map" in page
    # The site navigation has its Map entry, marked as the current page.
    assert f'<a href="{MAP_URL}" aria-current="page">Map</a>' in page


def test_without_a_view_the_page_shows_the_whole_north(client, three_places):
    response = client.get(MAP_URL)
    view = response.context["view"]
    west, south, east, north = (float(value) for value in view.bbox.split(","))
    assert west < -3 and east > 0 and south < 53.4 and north > 55.7
    assert not view.explicit
    # Nothing pins the view when the filters are sent: the map sets it once it draws.
    assert 'name="bbox" value="" data-map-view="bbox" disabled' in _page(response)


ALL_THREE = ["Hull Youth Club", "Leeds Food Bank", "Walkley Repair Cafe"]
INNOVATION = ["Hull Youth Club", "Walkley Repair Cafe"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "innovation"}, INNOVATION),
        ({"category": ["innovation", "existing-work"]}, ALL_THREE),
        ({"kind": "network"}, ["Leeds Food Bank"]),
        ({"area": "leeds"}, ["Leeds Food Bank"]),
        ({"area": "yorkshire-and-the-humber", "category": "innovation"}, INNOVATION),
        ({"layer": "directory", "kind": "organisation"}, INNOVATION),
        ({"q": "repair"}, ["Walkley Repair Cafe"]),
        ({"q": "nothing-like-this"}, []),
    ],
)
def test_filters_narrow_the_list(client, three_places, params, expected):
    response = client.get(MAP_URL, params)
    assert response.status_code == 200
    assert sorted(_names(response)) == expected
    if not expected:
        assert "Nothing here matches." in _page(response)


def test_a_chosen_area_is_shown_whole_and_its_page_links_here(client, three_places):
    response = client.get(MAP_URL, {"area": "leeds"})
    west, south, east, north = response.context["map_config"]["bbox"]
    leeds = _authority("leeds")
    assert (west, south, east, north) == pytest.approx(
        (leeds.min_longitude, leeds.min_latitude, leeds.max_longitude, leeds.max_latitude),
        abs=1e-6,
    )
    area_page = client.get(reverse("places:area_detail", kwargs={"slug": "leeds"}))
    assert f'href="{MAP_URL}?area=leeds"' in _page(area_page)


def test_a_view_far_from_the_chosen_area_gives_way_to_the_area(client, three_places):
    newcastle = "-1.75,54.9,-1.5,55.05"
    response = client.get(MAP_URL, {"area": "leeds", "bbox": newcastle, "zoom": "11"})
    assert response.status_code == 200
    assert _names(response) == ["Leeds Food Bank"]
    assert response.context["view"].bbox != newcastle


def test_a_view_by_box_or_by_centre_lists_only_what_is_in_it(client, three_places):
    around_sheffield = {"bbox": "-1.6,53.3,-1.35,53.45", "zoom": "11"}
    response = client.get(MAP_URL, around_sheffield)
    assert _names(response) == ["Walkley Repair Cafe"]
    # The view goes along with the filters, so filtering keeps the part of the map shown.
    assert 'name="bbox" value="-1.6,53.3,-1.35,53.45" data-map-view="bbox">' in _page(response)
    response = client.get(MAP_URL, {"lat": "53.79", "lon": "-1.55", "zoom": "12"})
    assert _names(response) == ["Leeds Food Bank"]
    response = client.get(MAP_URL, {"lat": "53.79", "lon": "-1.55"})  # zoom 13 by default
    assert response.context["view"].zoom == 13
    assert _names(response) == ["Leeds Food Bank"]


# --- Bad addresses: a clear message, nothing broken -------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bbox": "10,50,-10,55", "zoom": "8"}, "west must be less than east"),
        ({"bbox": "nan,50,1,55", "zoom": "8"}, "must be a finite number"),
        ({"bbox": "-2,50,inf,55", "zoom": "8"}, "must be a finite number"),
        ({"bbox": "-2,50,1e999,55", "zoom": "8"}, "must be a finite number"),
        ({"bbox": "-200,50,1,55", "zoom": "8"}, "outside the world"),
        ({"bbox": "-2,50,1,95", "zoom": "8"}, "outside the world"),
        ({"bbox": "-2,56,1,55", "zoom": "8"}, "south must be less than north"),
        ({"bbox": "1,2", "zoom": "8"}, "four numbers"),
        ({"bbox": "a,b,c,d"}, "must be a finite number"),
        ({"bbox": "-10,40,10,60", "zoom": "18"}, "far larger than a screen"),
        ({"zoom": "99"}, "zoom must be a whole number from 0 to 18"),
        ({"zoom": "-1"}, "zoom must be a whole number from 0 to 18"),
        ({"zoom": "x"}, "zoom must be a whole number from 0 to 18"),
        ({"bbox": "-2,53,-1,54", "zoom": "1.5"}, "zoom must be a whole number from 0 to 18"),
        ({"lat": "91", "lon": "0"}, "lat must be a number of degrees from -90 to 90"),
        ({"lat": "53", "lon": "nan"}, "lon must be a number of degrees from -180 to 180"),
        ({"lat": "53"}, "lon must be a number of degrees"),
        ({"layer": "parrots"}, "There is no layer “parrots”"),
        ({"kind": "dragons"}, "There is no kind “dragons”"),
        ({"category": "nope"}, "There is no category “nope”"),
        ({"category": [f"c{n}" for n in range(30)]}, "Choose at most 20 values of category"),
        ({"area": "atlantis"}, "There is no area “atlantis” in the North"),
        ({"area": "a" * 5000}, "There is no area"),
        ({"q": "x" * 10_000}, "The text can be at most 200 characters."),
    ],
)
def test_a_bad_address_is_answered_with_the_form_and_what_to_correct(client, params, message):
    response = client.get(MAP_URL, params)
    assert response.status_code == 400
    page = _page(response)
    assert "This map cannot be shown as asked" in page
    assert message in page
    # The filters are still there to correct; no map is drawn for an address that is wrong.
    assert 'id="map-filters"' in page
    assert 'id="map-config"' not in page
    assert response.context["page_obj"] is None
    # The embeddable map says the same; its list fragment carries the message with a 200.
    assert client.get(EMBED_URL, params).status_code == 400
    fragment = client.get(MAP_URL, params, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert message in _page(fragment)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "tea\x00cakes"},
        {"area": "lee\x00ds"},
        {"kind": "\x00"},
        {"bbox": "\x00,1,2,3"},
        {"place": "hebden\x00bridge"},
        {"page": "\x00"},
        {"page": "-5"},
        {"page": "99999999999999999999"},
        {"q": '"unbalanced ( quote OR AND NOT *'},
    ],
)
def test_odd_characters_are_never_a_server_error(client, three_places, params):
    response = client.get(MAP_URL, params)
    assert response.status_code in (200, 400)
    assert client.get(GEOJSON_URL, params).status_code in (200, 400)


def test_a_bad_view_offers_to_start_again_with_the_same_filters(client):
    response = client.get(MAP_URL, {"bbox": "10,50,-10,55", "category": "innovation"})
    assert response.context["reset_view_url"] == f"{MAP_URL}?category=innovation"


# --- The list: same results as the map, a page at a time, and cheap -----------------------


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"category": "innovation"},
        {"area": "yorkshire-and-the-humber"},
        {"kind": "organisation", "bbox": "-1.6,53.3,-0.2,53.9", "zoom": "9"},
        {"q": "club"},
        {"bbox": "-1.5,53.3,-1.45,53.45", "zoom": "15"},
    ],
)
def test_the_list_holds_what_the_map_api_counts_for_the_same_query(client, params):
    _entry_at("Walkley Repair Cafe", SHEFFIELD, "sheffield", categories=["innovation"])
    for number in range(4):
        # A little apart, so that some views cut between them.
        point = (LEEDS[0] + number * 0.01, LEEDS[1] + number * 0.02)
        _entry_at(f"Leeds Club {number}", point, "leeds", categories=["existing-work"])
    _entry_at("Hull Youth Club", HULL, "kingston-upon-hull-city-of", categories=["innovation"])
    _entry_at("Durham Club", (54.7761, -1.5733), "county-durham")

    response = client.get(MAP_URL, params)
    assert response.status_code == 200
    view = response.context["view"]
    # The map asks the API for the same filters and view as the page's own address.
    api = client.get(API_URL, {**params, "bbox": view.bbox, "zoom": view.zoom}).json()
    assert response.context["total"] == api["count"]
    features = api["features"]
    assert sum(f["properties"].get("count", 1) for f in features) == api["count"]
    singles = {f["properties"]["title"] for f in features if not f["properties"]["cluster"]}
    assert singles <= set(_names(response))


def test_the_list_is_fifty_a_page(client):
    sheffield = _authority("sheffield")
    for number in range(60):
        map_items_sync(obj=EntryFactory(name=f"Group {number:02d}", located_in=sheffield))
    first = client.get(MAP_URL, {"area": "sheffield"})
    assert _names(first) == [f"Group {number:02d}" for number in range(50)]
    assert "60 items in this part of the map." in _page(first)
    assert "Page 1 of 2" in _page(first)
    assert 'rel="next"' in _page(first)
    second = client.get(MAP_URL, {"area": "sheffield", "page": "2"})
    assert _names(second) == [f"Group {number:02d}" for number in range(50, 60)]
    assert '<ol class="map-list" start="51">' in _page(second)
    # Past the end, or not a number: the nearest page, never an error.
    assert _names(client.get(MAP_URL, {"area": "sheffield", "page": "9"})) == _names(second)
    assert _names(client.get(MAP_URL, {"area": "sheffield", "page": "x"})) == _names(first)


def test_past_the_name_sort_limit_the_list_shows_the_newest_and_says_so(client, monkeypatch):
    from bigsocnorth.mapping import selectors, views

    # The limits are thousands; the same behaviour with small numbers.
    monkeypatch.setattr(selectors, "LIST_BY_NAME_MAX", 5)
    monkeypatch.setattr(selectors, "LIST_NEWEST_MAX", 60)
    monkeypatch.setattr(views, "LIST_NEWEST_MAX", 60)
    sheffield = _authority("sheffield")
    for number in range(70):
        map_items_sync(obj=EntryFactory(name=f"Group {number:02d}", located_in=sheffield))

    first = client.get(MAP_URL, {"area": "sheffield"})
    assert first.status_code == 200
    # The count is everything in view; the list is the newest first, 60 at most.
    assert "70 items in this part of the map." in _page(first)
    assert "here are the 60 added most recently" in _page(first)
    assert _names(first) == [f"Group {number:02d}" for number in range(69, 19, -1)]
    assert "Page 1 of 2" in _page(first)
    second = client.get(MAP_URL, {"area": "sheffield", "page": "2"})
    assert _names(second) == [f"Group {number:02d}" for number in range(19, 9, -1)]

    # Filtered down to the limit, the list is by name again, without the note.
    narrow = client.get(MAP_URL, {"area": "sheffield", "q": "Group 01"})
    assert "added most recently" not in _page(narrow)


def test_an_htmx_request_gets_only_the_list_with_its_count(client, three_places):
    response = client.get(MAP_URL, {"category": "innovation"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = _page(response)
    assert "<html" not in page and 'id="map-filters"' not in page
    assert '<p id="map-status" hx-swap-oob="innerHTML">2 items in this part of the map.</p>' in page
    assert "Walkley Repair Cafe" in page and "Leeds Food Bank" not in page
    assert "HX-Request" in response["Vary"]


def _queries_for_page(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(MAP_URL, params)
    assert response.status_code == 200
    return len(queries)


def test_the_page_makes_as_many_queries_for_fifty_items_as_for_two(client):
    sheffield, leeds = _authority("sheffield"), _authority("leeds")
    categories = list(Category.objects.all()[:2])
    for area in (sheffield, leeds):
        entry = EntryFactory(located_in=area)
        entry.categories.set(categories)
        map_items_sync(obj=entry)
    client.get(MAP_URL)  # per-process caches (outlines, places) are built once
    params = {
        "category": [category.slug for category in categories],
        "area": "yorkshire-and-the-humber",
    }
    few = _queries_for_page(client, params)
    for number in range(60):
        entry = EntryFactory(located_in=sheffield if number % 2 else leeds)
        entry.categories.set(categories)
        map_items_sync(obj=entry)
    assert _queries_for_page(client, params) == few
    # With a time filter too: the list and the map count the same few queries.
    recent = {**params, "since": "month"}
    few_recent = _queries_for_page(client, recent)
    for _ in range(10):
        entry = EntryFactory(located_in=sheffield)
        entry.categories.set(categories)
        map_items_sync(obj=entry)
    assert _queries_for_page(client, recent) == few_recent
    assert _queries_for_page(client, {}) == _queries_for_page(client, {"page": "2"})


# --- "Go to a place" without JavaScript -------------------------------------------------


def test_going_to_a_place_lists_links_to_show_it_and_to_add_a_group_there(client):
    response = client.get(MAP_URL, {"place": "hebden bridge", "category": "innovation"})
    assert response.status_code == 200
    results = response.context["place_results"]
    assert [result["place"].name for result in results] == ["Hebden Bridge"]
    hebden = results[0]
    assert hebden["map_url"].startswith(f"{MAP_URL}?category=innovation&lat=53.74")
    # Every layer that can be added to from the map offers its form, with the place.
    adds = {link["label"]: link["url"] for link in hebden["add_links"]}
    assert adds["Add a group here"].startswith("/directory/new/?latitude=53.74")
    assert adds["Tell a story that happened here"].startswith("/stories/new/?latitude=53.74")
    page = _page(response)
    assert "Add a group here" in page
    # The filters go along with the place search (hidden inputs).
    assert '<input type="hidden" name="category" value="innovation">' in page
    assert "No place in the North matches" in _page(client.get(MAP_URL, {"place": "zzqx"}))
    too_long = client.get(MAP_URL, {"place": "x" * 500})
    assert too_long.status_code == 200
    assert "Use at most 100 characters" in _page(too_long)


# --- The embeddable map ---------------------------------------------------------------


def test_the_embeddable_map_may_be_framed_by_any_site(client, three_places):
    response = client.get(EMBED_URL, {"category": "innovation"})
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors *" in policy
    # Only frame-ancestors is relaxed: the rest of the policy is the site's.
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    page = _page(response)
    assert 'class="site-header"' not in page and 'class="site-footer"' not in page
    walkley = three_places[0]
    assert (
        f'<a href="{walkley.get_absolute_url()}" target="_blank" rel="noopener">'
        "Walkley Repair Cafe</a>"
    ) in page
    assert response.context["page_url"] == "http://testserver/map/?category=innovation"
    assert (
        'href="http://testserver/map/?category=innovation" target="_blank" rel="noopener"' in page
    )
    assert response.context["map_config"]["embed"] is True


def test_the_map_page_and_the_rest_of_the_site_may_not_be_framed(client):
    for url in (MAP_URL, GEOJSON_URL, reverse("places:area_list")):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


# --- Downloads ----------------------------------------------------------------------


def _streamed(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def test_the_geojson_download_is_exactly_what_is_filtered(client, three_places):
    EntryFactory(name="Hidden Group", status=Status.HIDDEN, located_in=_authority("sheffield"))
    response = client.get(GEOJSON_URL, {"category": "innovation"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Disposition"].startswith('attachment; filename="bigsocnorth-map-')
    assert response["Content-Disposition"].endswith('.geojson"')
    collection = json.loads(_streamed(response))
    assert collection["type"] == "FeatureCollection"
    titles = sorted(feature["properties"]["title"] for feature in collection["features"])
    assert titles == ["Hull Youth Club", "Walkley Repair Cafe"]
    walkley = next(f for f in collection["features"] if f["properties"]["title"].startswith("Walk"))
    assert walkley["geometry"] == {"type": "Point", "coordinates": [SHEFFIELD[1], SHEFFIELD[0]]}
    assert walkley["properties"]["url"].endswith(three_places[0].get_absolute_url())

    everything = json.loads(_streamed(client.get(GEOJSON_URL)))
    assert len(everything["features"]) == 3
    # A box is optional; with one, only what is in it.
    in_box = client.get(GEOJSON_URL, {"bbox": "-1.6,53.3,-1.35,53.45"})
    assert [f["properties"]["title"] for f in json.loads(_streamed(in_box))["features"]] == [
        "Walkley Repair Cafe"
    ]


def test_every_downloaded_feature_has_a_unique_stable_id_gis_tools_can_use(client):
    """An entry and a story with the same id: the features' ids still differ (RFC 7946)."""
    from bigsocnorth.stories.models import Story, StoryKind

    entry = _entry_at("Walkley Repair Cafe", SHEFFIELD, "sheffield")
    story = Story.objects.create(
        pk=entry.pk,
        kind=StoryKind.OWN,
        title="The repair cafe opened",
        slug="the-repair-cafe-opened",
        status=Status.PUBLISHED,
        published_at=entry.published_at,
        latitude=LEEDS[0],
        longitude=LEEDS[1],
        local_authority=_authority("leeds"),
    )
    map_items_sync(obj=story)
    collection = json.loads(_streamed(client.get(GEOJSON_URL)))
    assert set(collection) == {"type", "features"}
    assert collection["type"] == "FeatureCollection"
    ids = [feature["id"] for feature in collection["features"]]
    assert sorted(ids) == sorted([f"directory-{entry.pk}-0", f"stories-{entry.pk}-0"])
    for feature in collection["features"]:
        assert set(feature) == {"type", "id", "geometry", "properties"}
        assert feature["type"] == "Feature"
        assert isinstance(feature["id"], str)
        assert feature["geometry"]["type"] == "Point"
        longitude, latitude = feature["geometry"]["coordinates"]
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90
        # The object's own id is kept, under a name that is not taken for the feature's.
        assert "id" not in feature["properties"]
        assert feature["properties"]["object_id"] == entry.pk
    rows = list(csv.DictReader(io.StringIO(_streamed(client.get(CSV_URL)))))
    assert sorted(row["feature_id"] for row in rows) == sorted(ids)


def test_downloads_list_and_page_take_the_time_filter(client, three_places):
    from datetime import timedelta

    from django.utils import timezone

    # Leeds three months ago, the others a few days ago.
    for entry, days in zip(three_places, (3, 90, 5), strict=True):
        Entry.objects.filter(pk=entry.pk).update(published_at=timezone.now() - timedelta(days=days))
        map_items_sync(obj=Entry.objects.get(pk=entry.pk))
    page = client.get(MAP_URL, {"since": "month"})
    assert page.status_code == 200
    assert sorted(_names(page)) == ["Hull Youth Club", "Walkley Repair Cafe"]
    assert page.context["geojson_url"] == f"{GEOJSON_URL}?since=month"
    assert re.search(r'<input type="radio" name="since" value="month"[^>]* checked', _page(page))
    geojson = json.loads(_streamed(client.get(GEOJSON_URL, {"since": "month"})))
    assert len(geojson["features"]) == 2
    rows = list(csv.DictReader(io.StringIO(_streamed(client.get(CSV_URL, {"since": "year"})))))
    assert len(rows) == 3
    bad = client.get(MAP_URL, {"since": "forever"})
    assert bad.status_code == 400
    assert "There is no time “forever”. Choose one of: week, month, year." in _page(bad)
    assert client.get(GEOJSON_URL, {"since": "forever"}).status_code == 400
    assert client.get(CSV_URL, {"since": "x" * 10_000}).status_code == 400


def test_the_csv_download_is_exactly_what_is_filtered(client, three_places):
    response = client.get(CSV_URL, {"area": "yorkshire-and-the-humber", "kind": "organisation"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(_streamed(response))))
    assert rows[0] == CSV_HEADER
    assert sorted(row[CSV_HEADER.index("title")] for row in rows[1:]) == [
        "Hull Youth Club",
        "Walkley Repair Cafe",
    ]
    walkley = next(
        row for row in rows[1:] if row[CSV_HEADER.index("title")] == "Walkley Repair Cafe"
    )
    assert walkley[CSV_HEADER.index("category")] == "innovation"
    assert float(walkley[CSV_HEADER.index("latitude")]) == SHEFFIELD[0]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bbox": "10,50,-10,55"}, "west must be less than east"),
        ({"zoom": "99"}, "zoom must be a whole number"),
        ({"category": "nope"}, "There is no category"),
        ({"q": "x" * 10_000}, "at most 200 characters"),
    ],
)
def test_a_bad_download_address_says_what_to_correct(client, params, message):
    geojson = client.get(GEOJSON_URL, params)
    assert geojson.status_code == 400
    assert message in geojson.json()["message"]
    text = client.get(CSV_URL, params)
    assert text.status_code == 400
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert message in text.content.decode()


def test_the_page_links_to_downloads_of_its_filters(client, three_places):
    response = client.get(MAP_URL, {"category": "innovation", "bbox": "-3,53,0,55", "zoom": "8"})
    # Downloads take the filters, not the part of the map shown.
    assert response.context["geojson_url"] == f"{GEOJSON_URL}?category=innovation"
    assert response.context["csv_url"] == f"{CSV_URL}?category=innovation"
    assert response.context["page_url"].endswith(
        f"{MAP_URL}?category=innovation&bbox=-3,53,0,55&zoom=8"
    )


# --- "Add a group here": the directory's add form with the place filled in ----------------

NEW_URL = reverse("directory:entry_create")


def test_the_add_form_fills_in_the_place_from_the_map(client, member):
    client.force_login(member)
    response = client.get(NEW_URL, {"latitude": "53.38110", "longitude": "-1.47010"})
    assert response.status_code == 200
    places = response.context["places"]
    assert len(places.forms) == 1
    place = places.forms[0].initial["place"]
    assert (place.latitude, place.longitude) == (53.3811, -1.4701)
    assert place.local_authority.slug == "sheffield"
    page = _page(response)
    # The place picker holds the point as chosen (not typed), and says where it is.
    assert 'name="places-0-place_latitude" value="53.3811"' in page
    assert 'name="places-0-place_longitude" value="-1.4701"' in page
    assert "The pin is in Sheffield." in page


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"latitude": "53.38"},
        {"latitude": "abc", "longitude": "-1.47"},
        {"latitude": "95", "longitude": "-1.47"},
        {"latitude": "53.38", "longitude": "-200"},
        {"latitude": "nan", "longitude": "-1.47"},
        {"latitude": "53.38", "longitude": "inf"},
        {"latitude": "5" * 5000, "longitude": "1"},
        {"latitude": "51.5", "longitude": "-0.12"},  # London: not in the North
    ],
)
def test_the_add_form_ignores_a_place_that_is_not_valid(client, member, params):
    client.force_login(member)
    response = client.get(NEW_URL, params)
    assert response.status_code == 200
    places = response.context["places"]
    assert [form.initial for form in places.forms] == [{}]


def test_a_group_added_from_the_map_is_saved_with_that_place(client, member):
    client.force_login(member)
    form = client.get(NEW_URL, {"latitude": "53.38110", "longitude": "-1.47010"})
    management = form.context["places"].management_form
    response = client.post(
        NEW_URL,
        {
            "name": "Crookes Community Choir",
            "kind": str(EntryKind.objects.get(slug="organisation").pk),
            "sector": "citizen_led",
            "places-TOTAL_FORMS": management["TOTAL_FORMS"].value(),
            "places-INITIAL_FORMS": management["INITIAL_FORMS"].value(),
            "places-0-place": "",
            "places-0-place_latitude": "53.3811",
            "places-0-place_longitude": "-1.4701",
        },
    )
    assert response.status_code == 302
    entry = Entry.objects.get(name="Crookes Community Choir")
    assert [(p.latitude, p.longitude) for p in entry.places.all()] == [(53.3811, -1.4701)]
    assert [p.local_authority.slug for p in entry.places.all()] == ["sheffield"]
