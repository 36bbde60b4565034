"""An entry's page in a real browser: the small map with JavaScript, the list without.

Runs at 1280 and 360 px with axe on every page.
"""

from __future__ import annotations

import pytest

from bigsocnorth.directory.models import EntryKind, EntryPlace, Membership, RequestStatus
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.places.models import LocalAuthority
from tests.browser.conftest import check_page, visit

# The live server sees only committed data (conftest.py reloads the reference data).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def entry():
    """A group in two places, in a network, without a logo."""
    group = EntryFactory(
        name="Walkley Tenants and Residents",
        slug="walkley-tenants",
        description="We meet on the first Tuesday of the month at the library.",
    )
    for code, name in (("E08000039", "The library"), ("E08000035", "")):
        authority = LocalAuthority.objects.get(code=code)
        EntryPlace.objects.create(
            entry=group, name=name, local_authority=authority,
            latitude=authority.centre_latitude, longitude=authority.centre_longitude,
            public_latitude=authority.centre_latitude,
            public_longitude=authority.centre_longitude,
        )  # fmt: skip
        group.areas.add(authority)
    network = EntryFactory(
        name="Sheffield Tenants Network", kind=EntryKind.objects.get(slug="network")
    )
    Membership.objects.create(network=network, member=group, status=RequestStatus.APPROVED)
    return group


def test_the_entry_page_draws_its_places_on_a_map(page, live_server, entry):
    visit(page, f"{live_server.url}/directory/walkley-tenants/", "entry-page")
    map_ = page.get_by_role("region", name="Map of the 2 places of Walkley Tenants and Residents")
    assert map_.is_visible()
    assert "leaflet-container" in map_.get_attribute("class")
    assert map_.locator("path.leaflet-interactive").count() == 2
    # The list is there too, with the areas.
    places = page.locator(".place-list")
    assert "The library" in places.inner_text() and "Leeds" in places.inner_text()
    # Initials stand in for the missing logo; the network is beside the text.
    assert page.locator(".entry-identity .avatar").inner_text() == "WR"
    assert page.locator(".entry-aside").get_by_role("link", name="Sheffield Tenants Network")

    # Keyboard: the map is one stop; + zooms it, and Tab carries on past it.
    map_.focus()
    zoom_before = page.evaluate("document.querySelector('.leaflet-proxy').style.transform")
    page.keyboard.press("+")
    page.wait_for_timeout(400)
    assert page.evaluate("document.querySelector('.leaflet-proxy').style.transform") != zoom_before
    inside_map = "document.activeElement.closest('.entry-map') !== null"
    stops = []
    for _ in range(8):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
        if not page.evaluate(inside_map):
            break
    assert not page.evaluate(inside_map), f"Tab does not leave the map: {stops}"

    # Two columns on a desktop (the facts to the right of the text), one on a phone.
    main = page.locator(".entry-main").bounding_box()
    aside = page.locator(".entry-aside").bounding_box()
    if page.width_name == "desktop":
        assert aside["x"] > main["x"] + main["width"]
    else:
        assert aside["y"] >= main["y"] + main["height"]
    check_page(page, "entry-page-after-keys")


def test_without_javascript_the_places_are_a_list(page_without_javascript, live_server, entry):
    page = page_without_javascript
    visit(page, f"{live_server.url}/directory/walkley-tenants/", "entry-page")
    assert not page.locator(".entry-map").is_visible()
    places = page.locator(".place-list li")
    assert places.count() == 2
    assert "The library" in places.nth(0).inner_text()
    assert "Sheffield" in places.nth(0).inner_text()
    assert "Yorkshire and The Humber" in places.nth(1).inner_text()
    assert places.nth(1).get_by_role("link", name="Leeds").count() == 1
