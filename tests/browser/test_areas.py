"""A visitor finds a town, opens its area and sees the outline on the map.

Runs at 1280 and 360 px with axe on every page; map tiles are refused
(offline), the outlines still draw.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import check_page, visit

# The live server sees only committed data (conftest.py reloads the areas).
pytestmark = pytest.mark.django_db(transaction=True)


def test_find_hebden_bridge_and_see_calderdale_on_the_map(page, live_server):
    base_url = live_server.url

    visit(page, f"{base_url}/areas/")
    page.get_by_label("Town, city or area").fill("hebden")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/areas/search/\?q=hebden"))

    # On the search page the form swaps in only the results, through htmx,
    # and keeps the address in step for sharing and reloading.
    page.get_by_label("Town, city or area").fill("hebden bridge")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"q=hebden(\+|%20)bridge"))
    result = page.get_by_role("link", name="Hebden Bridge")
    result.wait_for()
    assert page.get_by_role("status").inner_text() == "1 place matches “hebden bridge”."
    check_page(page)

    result.click()
    page.wait_for_url(re.compile(r"/areas/calderdale/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Calderdale"

    map_region = page.get_by_role("region", name="Map of the boundary of Calderdale")
    map_region.wait_for()
    # Leaflet drew the outline as an SVG path, and its attribution control
    # carries both the tiles' and the boundaries' attribution.
    page.locator("#area-map path.leaflet-interactive").first.wait_for()
    attribution = page.locator(".leaflet-control-attribution").inner_text()
    assert "OpenStreetMap" in attribution
    assert "Open Government Licence v3.0" in attribution
    check_page(page)

    # The map takes focus (arrow keys pan it) and Tab moves on through its
    # controls and out again: not a keyboard trap.
    map_region.focus()
    left_the_map = False
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#area-map') === null"):
            left_the_map = True
            break
    assert left_the_map


def test_search_and_area_pages_work_with_javascript_switched_off(
    page_without_javascript, live_server
):
    base_url = live_server.url
    plain = page_without_javascript
    visit(plain, f"{base_url}/areas/search/")
    plain.get_by_label("Town, city or area").fill("stockton on tees")
    plain.get_by_role("button", name="Search").click()
    plain.wait_for_url(re.compile(r"q=stockton"))
    check_page(plain)
    plain.get_by_role("link", name="Stockton-on-Tees").first.click()
    plain.wait_for_url(re.compile(r"/areas/stockton-on-tees/$"))
    check_page(plain)
    text = plain.locator("main").inner_text()
    assert "Stockton-on-Tees is a local authority in the North East." in text
    assert "lies between latitudes" in text
    assert "Open Government Licence v3.0" in text
    assert not plain.locator("#area-map").is_visible()  # no empty map box


def test_region_page_draws_every_authority(page, live_server):
    page.goto(f"{live_server.url}/areas/yorkshire-and-the-humber/")
    page.locator("#area-map path.leaflet-interactive").nth(14).wait_for()
    assert page.locator("#area-map path.leaflet-interactive").count() == 15
    check_page(page)
