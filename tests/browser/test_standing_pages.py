"""A visitor reads the home page, the guidelines and the privacy page."""

from __future__ import annotations

import pytest

from tests.browser.conftest import check_page, visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_visitor_reads_what_the_platform_is_for_and_its_guidelines(page, live_server):
    visit(page, live_server.url + "/")
    assert page.locator("h1").inner_text().startswith("Community action in the North")

    page.get_by_role("link", name="Community guidelines", exact=True).click()
    check_page(page)
    assert page.locator("h1").inner_text() == "Community guidelines"

    page.get_by_role("link", name="Privacy", exact=True).click()
    check_page(page)
    assert page.locator("h1").inner_text() == "Privacy"


def test_keyboard_user_can_skip_to_the_main_content(page, live_server):
    visit(page, live_server.url + "/guidelines/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_pages_work_without_javascript(page_without_javascript, live_server):
    page = page_without_javascript
    visit(page, live_server.url + "/")
    assert page.evaluate("typeof window.htmx") == "undefined"
    page.get_by_role("link", name="Community guidelines", exact=True).click()
    check_page(page, "guidelines-no-js")
    assert page.locator("h1").inner_text() == "Community guidelines"
