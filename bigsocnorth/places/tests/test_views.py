"""The area pages: list, search (full page and htmx fragment) and detail, without JavaScript."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("places:place_search")


def _html(response) -> str:
    return response.content.decode()


def _outline(html: str) -> dict:
    script = re.search(r'<script id="area-outline" type="application/json">(.*?)</script>', html)
    return json.loads(script.group(1))


def _assert_csp_friendly(html: str) -> None:
    """No inline script or style: the CSP (script-src/style-src 'self') would block them."""
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers


def test_area_list_shows_every_region_and_authority(client):
    response = client.get(reverse("places:area_list"))
    assert response.status_code == 200
    html = _html(response)
    assert html.count("<h1") == 1
    for name in ["North East", "North West", "Yorkshire and The Humber", "Sheffield", "Cumberland"]:
        assert name in html
    assert 'href="/areas/sheffield/"' in html
    assert 'href="/areas/yorkshire-and-the-humber/"' in html
    assert html.count('href="/areas/') >= 62 + 3
    assert 'class="columns"' in html
    _assert_csp_friendly(html)


def test_area_list_has_a_labelled_search_form_that_works_without_javascript(client):
    html = _html(client.get(reverse("places:area_list")))
    assert f'action="{SEARCH_URL}"' in html
    assert 'method="get"' in html
    assert '<label for="id_q">' in html
    assert 'name="q"' in html
    assert "hx-get" not in html  # a plain form here; the search page swaps results


def test_area_list_query_count_does_not_grow_with_the_authorities(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("places:area_list"))
    assert response.status_code == 200


def test_navigation_shows_areas(client):
    html = _html(client.get("/"))
    assert 'href="/areas/"' in html


def test_search_finds_hebden_bridge_and_links_to_calderdale(client):
    response = client.get(SEARCH_URL, {"q": "hebden"})
    assert response.status_code == 200
    html = _html(response)
    assert '<a href="/areas/calderdale/">Hebden Bridge</a>' in html
    assert "Town or city in Calderdale, Yorkshire and The Humber" in html
    assert 'value="hebden"' in html
    assert "geonames.org" in html  # GeoNames attribution in the footer
    assert "CC BY 4.0" in html
    _assert_csp_friendly(html)


def test_search_first_result_for_sheffield_is_sheffield(client):
    html = _html(client.get(SEARCH_URL, {"q": "sheffield"}))
    first_result = re.search(
        r'<ol class="place-results">\s*<li>\s*<a href="([^"]+)">([^<]+)</a>', html
    )
    assert first_result.groups() == ("/areas/sheffield/", "Sheffield")


def test_search_page_without_a_query_shows_the_form_and_a_hint(client):
    response = client.get(SEARCH_URL)
    assert response.status_code == 200
    html = _html(response)
    assert "Type the name of a town, a city or a local authority" in html
    assert "errorlist" not in html


def test_empty_query_gets_a_clear_message(client):
    response = client.get(SEARCH_URL, {"q": "   "})
    assert response.status_code == 200
    html = _html(response)
    assert "Type the name of a town, city or area to search for." in html
    assert 'aria-invalid="true"' in html


def test_ten_thousand_character_query_is_rejected_clearly(client):
    response = client.get(SEARCH_URL, {"q": "x" * 10_000})
    assert response.status_code == 200
    html = _html(response)
    assert "Use at most 100 characters to search for a place (this search has 10000)." in html
    assert "x" * 200 not in html.split('value="')[0]  # not echoed in the page's text


def test_no_match_says_so_and_suggests_what_to_try(client):
    html = _html(client.get(SEARCH_URL, {"q": "Atlantis"}))
    assert "0 places match “Atlantis”." in html
    assert "Only places in the North of England are listed." in html


def test_hostile_query_is_escaped_and_does_not_crash(client):
    hostile = '<script>alert("x")</script>'
    response = client.get(SEARCH_URL, {"q": hostile})
    assert response.status_code == 200
    html = _html(response)
    assert hostile not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    _assert_csp_friendly(html)


def test_null_character_in_a_query_is_a_form_error_not_a_crash(client):
    response = client.get(SEARCH_URL, {"q": "lee\x00ds"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in _html(response)


def test_search_form_on_the_search_page_uses_htmx_and_keeps_its_plain_action(client):
    html = _html(client.get(SEARCH_URL, {"q": "leeds"}))
    assert f'action="{SEARCH_URL}"' in html
    assert f'hx-get="{SEARCH_URL}"' in html
    assert 'hx-target="#search-results"' in html
    assert '<div id="search-results"' in html


def test_htmx_request_gets_only_the_results_fragment(client):
    response = client.get(SEARCH_URL, {"q": "leeds"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = _html(response)
    assert "<html" not in html
    assert "<form" not in html
    assert '<a href="/areas/leeds/">Leeds</a>' in html
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_request_with_an_invalid_query_gets_the_message_in_the_fragment(client):
    response = client.get(SEARCH_URL, {"q": ""}, headers={"HX-Request": "true"})
    html = _html(response)
    assert "<html" not in html
    assert 'role="alert"' in html
    assert "Type the name of a town, city or area to search for." in html


def test_htmx_history_restore_gets_the_whole_page(client):
    response = client.get(
        SEARCH_URL,
        {"q": "leeds"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in _html(response)


def test_full_page_search_also_varies_on_hx_request(client):
    response = client.get(SEARCH_URL, {"q": "leeds"})
    assert "HX-Request" in response.headers["Vary"]


def test_local_authority_page_says_everything_in_text(client, area):
    response = client.get(area.get_absolute_url())
    assert response.status_code == 200
    html = _html(response)
    assert html.count("<h1") == 1
    assert "<h1>Sheffield</h1>" in html
    assert "Sheffield is a local authority in Yorkshire and The Humber." in html
    assert "E08000039" in html
    assert 'href="/areas/yorkshire-and-the-humber/"' in html
    # Where it is, in words, for anyone who cannot see the map.
    assert re.search(
        r"Sheffield lies between latitudes 53\.\d\d° north and 53\.\d\d° north, "
        r"and between\s+longitudes 1\.\d\d° west and 1\.\d\d° west\.",
        html,
    )
    # Neighbours and towns are text too.
    assert '<a href="/areas/barnsley/">Barnsley</a>' in html
    assert '<a href="/areas/rotherham/">Rotherham</a>' in html
    assert "Towns and cities" in html
    assert "geonames.org" in html
    _assert_csp_friendly(html)


def test_area_page_map_is_a_hidden_labelled_region_with_its_data(client):
    html = _html(client.get(reverse("places:area_detail", kwargs={"slug": "leeds"})))
    map_div = re.search(r'<div id="area-map"[^>]*>', html).group(0)
    assert 'class="map"' in map_div
    assert " hidden" in map_div  # shown by the script; no empty box without JavaScript
    assert 'role="region"' in map_div
    assert 'aria-label="Map of the boundary of Leeds"' in map_div
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in map_div
    assert 'data-outline-id="area-outline"' in map_div
    assert "OpenStreetMap" in map_div
    assert "Open Government Licence v3.0" in map_div
    assert 'src="/static/vendor/leaflet/leaflet.js"' in html
    assert 'src="/static/places/area-map.js"' in html
    assert 'href="/static/vendor/leaflet/leaflet.css"' in html

    outline = json.loads(
        re.search(r'<script id="area-outline" type="application/json">(.*?)</script>', html).group(
            1
        )
    )
    assert outline["type"] == "Feature"
    assert outline["properties"]["code"] == "E08000035"


def test_area_page_shows_both_attributions_as_visible_text(client):
    html = _html(client.get(reverse("places:area_detail", kwargs={"slug": "leeds"})))
    visible = re.search(r'<p class="attribution map-attribution">(.*?)</p>', html, re.S).group(1)
    assert settings.BOUNDARY_ATTRIBUTION.replace("©", "") in visible.replace("©", "")
    assert '<a href="https://www.openstreetmap.org/copyright"' in visible


def test_tile_attribution_setting_is_sanitised(client, settings):
    settings.MAP_TILE_ATTRIBUTION = (
        '<a href="https://tiles.example" onclick="x()">Tiles</a><script>x()</script>'
    )
    html = _html(client.get(reverse("places:area_detail", kwargs={"slug": "leeds"})))
    assert "<script>x()" not in html
    assert "onclick" not in html
    assert '<a href="https://tiles.example" rel="noopener noreferrer">Tiles</a>' in html


def test_region_page_lists_its_authorities(client):
    response = client.get(reverse("places:area_detail", kwargs={"slug": "north-east"}))
    assert response.status_code == 200
    html = _html(response)
    assert "<h1>North East</h1>" in html
    assert "E12000001" in html
    assert "North East is a region of England with 12 local authorities." in html
    assert '<a href="/areas/newcastle-upon-tyne/">Newcastle upon Tyne</a>' in html
    assert "Leeds" not in html.split("<main")[1]
    outline = json.loads(
        re.search(r'<script id="area-outline" type="application/json">(.*?)</script>', html).group(
            1
        )
    )
    assert outline["type"] == "FeatureCollection"
    assert len(outline["features"]) == 12


def test_area_pages_make_few_queries(client, django_assert_max_num_queries):
    # Two for the area itself, and one per section other apps add (directory
    # entries, stories, threats and cuts, gatherings, forum topics, needs and
    # offers: each one query while the area has few); those are measured in the
    # apps' own tests.
    client.get(reverse("places:area_detail", kwargs={"slug": "leeds"}))  # warm the caches
    with django_assert_max_num_queries(7):
        assert (
            client.get(reverse("places:area_detail", kwargs={"slug": "leeds"})).status_code == 200
        )
    # A region's page also reads its councils' ids once, for the gatherings section.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("places:area_detail", kwargs={"slug": "north-west"}))
        assert response.status_code == 200


@pytest.mark.parametrize("path", ["/areas/atlantis/", "/areas/search-me/", "/areas/%3Cscript%3E/"])
def test_unknown_area_is_not_found(client, path):
    assert client.get(path).status_code == 404


def test_pages_only_answer_get(client):
    assert client.post(reverse("places:area_list")).status_code == 405
    assert client.post(SEARCH_URL, {"q": "leeds"}).status_code == 405


def test_area_page_names_the_region_as_a_person_would(client, db):
    html = client.get("/areas/hartlepool/").content.decode()
    assert "Hartlepool is a local authority in the North East." in html
