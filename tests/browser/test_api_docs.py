"""A developer reads the API's documentation, with and without JavaScript."""

from __future__ import annotations

import pytest

from tests.browser.conftest import visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_list_every_endpoint_and_lead_to_the_explorer(page, live_server):
    visit(page, live_server.url + "/api/v1/docs", "api-docs")
    assert page.locator("h1").inner_text() == "Open data API"
    assert page.get_by_role("heading", name="GET /api/v1/map").is_visible()
    # The contents lead to each group of endpoints, by keyboard as by mouse.
    page.get_by_role("navigation", name="Contents").get_by_role("link").first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash").startswith("#group-")
    explorer = page.get_by_role("link", name="Try requests in the interactive explorer")
    assert explorer.get_attribute("href") == "/api/v1/docs/explorer"


def test_the_api_docs_are_readable_without_javascript(page_without_javascript, live_server):
    visit(page_without_javascript, live_server.url + "/api/v1/docs", "api-docs-no-js")
    assert page_without_javascript.get_by_text("GET /api/v1/areas", exact=True).count() == 1
