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


def test_design_page_shows_the_components(page, live_server):
    visit(page, live_server.url + "/design/")
    assert page.locator("h1").inner_text() == "Design system"
    # Every contrast ratio on the page passes: none is marked as failing.
    assert page.locator(".ratio-fail").count() == 0
    assert page.locator(".swatches li").count() > 10
    page.get_by_role("contentinfo").get_by_role("link", name="Design system").click()
    check_page(page, "design-again")


def test_header_menu_is_one_row_and_opens_with_the_keyboard_on_phones(page, live_server):
    visit(page, live_server.url + "/guidelines/")
    header_height = page.locator(".site-header").bounding_box()["height"]
    assert header_height <= 64
    menu_button = page.locator(".menu-button")
    stories = page.get_by_role("navigation", name="Main").get_by_role("link", name="Stories")
    if page.width_name == "desktop":
        assert not menu_button.is_visible()
        assert stories.is_visible()
        return
    assert not stories.is_visible()
    menu_button.focus()
    page.keyboard.press("Enter")
    assert stories.is_visible()
    assert page.get_by_role("link", name="Log in").is_visible()
    check_page(page, "menu-open")
    page.keyboard.press("Escape")
    assert not stories.is_visible()
    assert menu_button.evaluate("element => element === document.activeElement")
    menu_button.click()
    stories.click()
    page.wait_for_url("**/stories/")


def test_header_menu_works_without_javascript(page_without_javascript, live_server):
    page = page_without_javascript
    visit(page, live_server.url + "/privacy/")
    if page.width_name.startswith("phone"):
        page.locator(".menu-button").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Directory").click()
    page.wait_for_url("**/directory/")


def test_missing_page_is_branded_with_a_search(page, live_server):
    response = page.goto(live_server.url + "/no-such-page/")
    assert response is not None and response.status == 404
    check_page(page, "not-found")
    assert page.locator("h1").inner_text() == "Page not found"
    page.get_by_label("Search for").fill("repair")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/search/?q=repair")
