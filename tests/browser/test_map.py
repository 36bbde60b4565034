"""The map journeys: a visitor filters the map and opens an entry from the list; the map
leads the page (its width and most of the screen), with a key to its markers; the map
page without JavaScript works through its list; the keyboard reaches the filters and,
past the markers, the list; a member adds a group from a map click (and from a place
found by name, which moves the map at once); the embeddable map.

Runs at 1280 and 360 px with axe on every page. Map tiles are refused (offline): the
local authority outlines, the markers and the list still draw.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from bigsocnorth.directory.models import Category, EntryPlace
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.mapping.services import map_items_sync
from bigsocnorth.places.models import LocalAuthority
from tests.browser.conftest import check_page, log_in, visit

# The live server sees only committed data (conftest.py reloads the areas).
pytestmark = pytest.mark.django_db(transaction=True)


def _entry_at(name: str, latitude: float, longitude: float, *, area_code: str, category: str):
    """A published entry at a point, on the map (as the services would put it)."""
    area = LocalAuthority.objects.get(code=area_code)
    entry = EntryFactory(name=name)
    EntryPlace.objects.create(
        entry=entry,
        latitude=latitude,
        longitude=longitude,
        public_latitude=latitude,
        public_longitude=longitude,
        local_authority=area,
    )
    entry.areas.add(area)
    entry.categories.add(Category.objects.get(slug=category))
    map_items_sync(obj=entry)
    return entry


def _map_ready(page) -> None:
    """map.js marks the map ready once the markers and the list are for the current view."""
    page.locator('#map[data-state="ready"]').wait_for()


def _popup_shown(page) -> None:
    """Leaflet fades a popup in: axe must see it at full opacity."""
    page.wait_for_function(
        "() => { const p = document.querySelector('.leaflet-popup');"
        " return p !== null && getComputedStyle(p).opacity === '1'; }"
    )


def test_visitor_filters_the_map_by_category_and_opens_an_entry_from_the_list(page, live_server):
    base_url = live_server.url
    walkley = _entry_at(
        "Walkley Repair Cafe", 53.3925, -1.4960, area_code="E08000039", category="innovation"
    )
    _entry_at("Leeds Food Bank", 53.7997, -1.5492, area_code="E08000035", category="existing-work")
    _entry_at("Hull Youth Club", 53.7676, -0.3274, area_code="E06000010", category="existing-work")

    visit(page, f"{base_url}/map/")
    _map_ready(page)
    # Leaflet drew the outlines (tiles are refused) and both attributions.
    page.locator("#map path").first.wait_for()
    attribution = page.locator(".leaflet-control-attribution").inner_text()
    assert "OpenStreetMap" in attribution
    assert "Open Government Licence v3.0" in attribution
    # The address now holds the view, so it can be shared.
    assert "bbox=" in page.url and "zoom=" in page.url
    results = page.locator("#map-results")
    for name in ("Walkley Repair Cafe", "Leeds Food Bank", "Hull Youth Club"):
        assert results.get_by_role("link", name=name).count() == 1
    assert page.locator("#map-status").inner_text() == "3 items in this part of the map."
    check_page(page)

    # On a phone the filters are folded away, so the map is in sight.
    if page.width_name == "phone":
        page.locator("summary", has_text="Filters").click()
    page.locator("summary", has_text="Categories").click()
    page.get_by_label("Innovation").check()
    page.get_by_role("button", name="Show on the map").click()
    page.wait_for_url(re.compile(r"category=innovation"))
    _map_ready(page)
    assert page.locator("#map-status").inner_text() == "1 item in this part of the map."
    assert results.get_by_role("link").all_inner_texts() == ["Walkley Repair Cafe"]
    # The filter kept the part of the map shown, and the address says both.
    assert "bbox=" in page.url

    # The marker is a button named by its title; Enter opens its popup.
    marker = page.get_by_role("button", name="Walkley Repair Cafe")
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup")
    popup.get_by_role("link", name="Walkley Repair Cafe").wait_for()
    _popup_shown(page)
    check_page(page, "map-filtered")

    results.get_by_role("link", name="Walkley Repair Cafe").click()
    page.wait_for_url(re.compile(re.escape(walkley.get_absolute_url()) + "$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Walkley Repair Cafe"
    check_page(page)


def test_clusters_say_how_many_items_they_hold_and_zoom_in_when_chosen(page, live_server):
    base_url = live_server.url
    # Two places a few hundred metres apart: one cluster over the North.
    _entry_at("Sharrow Vale Market", 53.3700, -1.4950, area_code="E08000039", category="innovation")
    _entry_at("Nether Edge Garden", 53.3680, -1.4900, area_code="E08000039", category="innovation")

    visit(page, f"{base_url}/map/")
    _map_ready(page)
    cluster = page.get_by_role("button", name="2 items here")
    zoom_before = int(parse_qs(urlsplit(page.url).query)["zoom"][0])
    cluster.focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Sharrow Vale Market").wait_for()
    _map_ready(page)
    assert int(parse_qs(urlsplit(page.url).query)["zoom"][0]) > zoom_before
    assert page.get_by_role("button", name="Nether Edge Garden").count() == 1
    check_page(page, "map-cluster-split")

    # Escape closes a popup and gives the focus back to its marker.
    marker = page.get_by_role("button", name="Sharrow Vale Market")
    marker.focus()
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup").get_by_role("link", name="Sharrow Vale Market").wait_for()
    page.keyboard.press("Escape")
    page.locator(".leaflet-popup").wait_for(state="detached")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Sharrow Vale Market"
    )


def test_items_at_the_same_place_are_listed_in_their_cluster(page, live_server):
    base_url = live_server.url
    # Both at Calderdale's centre: they never split, however far the map zooms in.
    calderdale = LocalAuthority.objects.get(slug="calderdale")
    for name in ("Todmorden Food Hub", "Todmorden Book Swap"):
        map_items_sync(obj=EntryFactory(name=name, located_in=calderdale))

    visit(page, f"{base_url}/map/?area=calderdale", "map-area")
    _map_ready(page)
    page.get_by_role("button", name="2 items here").click()
    popup = page.locator(".leaflet-popup")
    popup.get_by_text("2 items at the same place:").wait_for()
    popup.get_by_role("link", name="Todmorden Book Swap").wait_for()
    assert popup.get_by_role("link").all_inner_texts() == [
        "Todmorden Book Swap",
        "Todmorden Food Hub",
    ]
    _popup_shown(page)
    check_page(page, "map-same-place")


def test_map_page_works_without_javascript_through_its_list(page_without_javascript, live_server):
    page = page_without_javascript
    base_url = live_server.url
    sheffield = LocalAuthority.objects.get(code="E08000039")
    for number in range(55):
        entry = EntryFactory(name=f"Sheffield group {number:02d}", located_in=sheffield)
        map_items_sync(obj=entry)
    _entry_at("Leeds Food Bank", 53.7997, -1.5492, area_code="E08000035", category="existing-work")

    visit(page, f"{base_url}/map/", "map-no-js")
    # No map without JavaScript: the list is the map.
    assert not page.locator("#map").is_visible()
    assert page.locator("#map-status").inner_text() == "56 items in this part of the map."
    assert page.locator(".map-list-item").count() == 50

    page.get_by_label("Area", exact=True).select_option(label="Sheffield")
    page.get_by_role("button", name="Show on the map").click()
    page.wait_for_url(re.compile(r"area=sheffield"))
    check_page(page, "map-no-js-area")
    assert page.locator("#map-status").inner_text() == "55 items in this part of the map."
    assert page.get_by_role("link", name="Leeds Food Bank").count() == 0
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r"page=2"))
    check_page(page, "map-no-js-page-2")
    assert page.locator(".map-list-item").count() == 5

    # "Go to a place" answers with links: to that part of the map, and to add a group there.
    page.get_by_label("Go to a town, city or area").fill("Hebden Bridge")
    page.get_by_role("button", name="Go", exact=True).click()
    page.wait_for_url(re.compile(r"place=Hebden"))
    check_page(page, "map-no-js-place")
    add = page.locator("#map-place-results").get_by_role("link", name="Add a group here")
    assert "/directory/new/?latitude=53.7" in add.get_attribute("href")

    visit(page, f"{base_url}/map/?area=sheffield", "map-no-js-area")
    page.get_by_role("link", name="Sheffield group 00").click()
    page.wait_for_url(re.compile(r"/directory/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Sheffield group 00"


def test_member_adds_a_group_from_a_map_click(page, live_server, member, password):
    base_url = live_server.url
    log_in(page, base_url, member.email, password)
    visit(page, f"{base_url}/map/?area=calderdale", "map-area")
    _map_ready(page)

    box = page.locator("#map").bounding_box()
    page.locator("#map").click(position={"x": box["width"] * 0.45, "y": box["height"] * 0.55})
    popup = page.locator(".leaflet-popup")
    add = popup.get_by_role("link", name="Add a group here")
    add.wait_for()
    _popup_shown(page)
    check_page(page, "map-add-here")
    href = add.get_attribute("href")
    point = parse_qs(urlsplit(href).query)
    latitude, longitude = point["latitude"][0], point["longitude"][0]
    assert re.fullmatch(r"5[3-4]\.\d{5}", latitude)
    assert re.fullmatch(r"-[12]\.\d{5}", longitude)

    add.click()
    page.wait_for_url(re.compile(r"/directory/new/\?latitude="))
    # The place picker holds the point as chosen, its pin on its small map.
    assert page.locator('input[name="places-0-place_latitude"]').input_value() == latitude
    assert page.locator('input[name="places-0-place_longitude"]').input_value() == longitude
    page.locator("#id_places-0-place_status").get_by_text("The pin is in").wait_for()
    assert page.locator("#id_places-0-place_picker .place-pin").count() == 1
    check_page(page, "directory-new-from-map")

    # The same from a place found by name.
    visit(page, f"{base_url}/map/", "map")
    _map_ready(page)
    page.get_by_label("Go to a town, city or area").fill("hebden bridge")
    page.get_by_role("button", name="Go", exact=True).click()
    # One place matches: the map goes there at once, and offers to add a group there.
    page.locator("#map-place-results").get_by_text("The map now shows Hebden Bridge.").wait_for()
    add = page.locator(".leaflet-popup").get_by_role("link", name="Add a group here")
    add.wait_for()
    _map_ready(page)
    assert "latitude=53.7" in add.get_attribute("href")
    _popup_shown(page)
    check_page(page, "map-place-found")


def test_embedded_map_opens_links_in_a_new_tab(page, live_server):
    base_url = live_server.url
    _entry_at("Walkley Repair Cafe", 53.3925, -1.4960, area_code="E08000039", category="innovation")

    visit(page, f"{base_url}/embed/map?area=sheffield", "embed-map")
    _map_ready(page)
    link = page.locator("#map-results").get_by_role("link", name="Walkley Repair Cafe")
    assert link.get_attribute("target") == "_blank"
    home = page.get_by_role("link", name=re.compile("View on Big Society in the North"))
    assert home.get_attribute("target") == "_blank"
    # The way back to the full map keeps the filters and the view.
    assert "area=sheffield" in home.get_attribute("href")
    assert "bbox=" in home.get_attribute("href")
    check_page(page, "embed-map")


def _since_days_ago(entry, days: int) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from bigsocnorth.directory.models import Entry

    Entry.objects.filter(pk=entry.pk).update(published_at=timezone.now() - timedelta(days=days))
    map_items_sync(obj=Entry.objects.get(pk=entry.pk))


def test_the_map_leads_with_a_key_and_a_time_filter(page, live_server):
    base_url = live_server.url
    old = _entry_at(
        "Leeds Food Bank", 53.7997, -1.5492, area_code="E08000035", category="innovation"
    )
    _since_days_ago(old, 200)
    new = _entry_at(
        "Hull Youth Club", 53.7676, -0.3274, area_code="E06000010", category="innovation"
    )
    _since_days_ago(new, 2)

    visit(page, f"{base_url}/map/", "map-leads")
    _map_ready(page)
    viewport = page.viewport_size
    box = page.locator("#map").bounding_box()
    if page.width_name == "desktop":
        # The map beside the filters takes most of the page's width and of the screen's height.
        assert box["width"] >= viewport["width"] * 0.65
        assert box["height"] >= viewport["height"] * 0.6
        assert page.locator(".map-panel").bounding_box()["x"] < box["x"]
    else:
        assert box["width"] >= viewport["width"] - 40
        assert box["height"] >= viewport["height"] * 0.5
        # The filters are a drawer, closed, above the map.
        assert not page.get_by_label("Last week").is_visible()
    key = page.locator("#map-legend")
    assert key.get_by_text("Directory").is_visible()
    assert key.get_by_text("Stories").is_visible()
    # Each marker is drawn in its layer's colour, its symbol inside.
    marker = page.get_by_role("button", name="Hull Youth Club")
    assert marker.locator(".map-item svg").count() == 1

    if page.width_name == "phone":
        page.locator("summary", has_text="Filters").focus()
        page.keyboard.press("Enter")
    page.get_by_label("Last week").check()
    page.get_by_role("button", name="Show on the map").click()
    page.wait_for_url(re.compile(r"since=week"))
    _map_ready(page)
    assert page.locator("#map-status").inner_text() == "1 item in this part of the map."
    results = page.locator("#map-results")
    assert results.get_by_role("link").all_inner_texts() == ["Hull Youth Club"]
    check_page(page, "map-since-week")


def test_the_keyboard_reaches_the_filters_and_past_the_map_the_list(page, live_server):
    base_url = live_server.url
    _entry_at("Walkley Repair Cafe", 53.3925, -1.4960, area_code="E08000039", category="innovation")
    visit(page, f"{base_url}/map/?area=sheffield", "map-area")
    _map_ready(page)
    # From the place search, Tab goes on through the filters.
    page.get_by_label("Go to a town, city or area").focus()
    focused = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.id || document.activeElement.tagName"))
        if focused[-1] == "id_q":
            break
    if page.width_name == "phone":
        # The drawer's summary first; Enter opens it.
        assert "SUMMARY" in focused
        page.locator("summary", has_text="Filters").focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_q"
    # Before the markers, a link past them to the list.
    skip = page.get_by_role("link", name="Skip the map, to the list of what is here")
    skip.focus()
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "map-results-heading"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Walkley Repair Cafe"
