"""A visitor sees what is happening across the North and narrows it to where they live."""

from __future__ import annotations

import pytest

from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.places.models import LocalAuthority
from tests.browser.conftest import check_page, visit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def groups(db):
    leeds = LocalAuthority.objects.get(slug="leeds")
    durham = LocalAuthority.objects.get(slug="county-durham")
    EntryFactory(name="Leeds Tool Library", located_in=leeds)
    EntryFactory(name="Durham Dales Men's Shed", located_in=durham)


def test_a_visitor_chooses_their_area_with_the_keyboard(page, live_server, groups):
    visit(page, live_server.url + "/", "home")
    assert page.get_by_role("link", name="Durham Dales Men's Shed").is_visible()
    page.get_by_label("See what is happening near you").select_option("leeds")
    page.get_by_label("See what is happening near you").focus()
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page, "home-near-you")
    assert page.get_by_text("Showing what is happening in Leeds").is_visible()
    assert page.get_by_role("link", name="Leeds Tool Library").is_visible()
    assert page.get_by_role("link", name="Durham Dales Men's Shed").count() == 0
    # Remembered on the next visit.
    visit(page, live_server.url + "/")
    assert page.get_by_text("Showing what is happening in Leeds").is_visible()


def test_the_home_page_works_without_javascript(page_without_javascript, live_server, groups):
    page = page_without_javascript
    visit(page, live_server.url + "/", "home-no-js")
    page.get_by_label("See what is happening near you").select_option("county-durham")
    page.get_by_role("button", name="Show").click()
    check_page(page)
    assert page.get_by_role("link", name="Durham Dales Men's Shed").is_visible()
    page.get_by_role("link", name="Open the map of County Durham").click()
    check_page(page)
    assert "area=county-durham" in page.url
