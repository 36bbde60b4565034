"""A moderator imports entries from a CSV file: one row is wrong, they fix it, then import.

Runs at 1280 and 360 px with axe on every page. The task worker runs each
task as soon as it is queued, so the report is ready when the page loads.
"""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from bigsocnorth.directory.models import Entry
from bigsocnorth.moderation.models import Status
from tests.browser.conftest import IMMEDIATE_TASKS, check_page, log_in, visit

# The live server sees only committed data (conftest.py reloads the reference data).
pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "name,kind,sector,website,places,place_names\r\n"
GOOD = 'Walkley Repair Café,project-or-initiative,citizen_led,,"53.3925,-1.4960",Library\r\n'
BROKEN = "Calderdale Food Network,network,voluntary,food.example.org,,\r\n"
FIXED = "Calderdale Food Network,network,voluntary,https://food.example.org,,\r\n"


def _upload(page, base_url, path):
    visit(page, f"{base_url}/directory/import/")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url(re.compile(r"/directory/import/[0-9a-f-]{36}/$"))


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_moderator_fixes_a_broken_row_then_imports(
    page, live_server, moderator, password, tmp_path, settings
):
    settings.DIRECTORY_IMPORT_DIR = tmp_path / "imports"
    base_url = live_server.url
    broken, fixed = tmp_path / "groups.csv", tmp_path / "groups-fixed.csv"
    broken.write_text(HEADER + GOOD + BROKEN, encoding="utf-8")
    fixed.write_text(HEADER + GOOD + FIXED, encoding="utf-8")
    log_in(page, base_url, moderator.email, password)

    visit(page, f"{base_url}/directory/")
    page.get_by_role("link", name="Import entries from a CSV file").click()
    check_page(page, "directory-import")

    _upload(page, base_url, broken)
    check_page(page, "directory-import-report-errors")
    row = page.locator("table.import-problems tbody tr")
    assert row.count() == 1
    assert row.locator("td").nth(0).inner_text() == "3"
    assert row.locator("td").nth(1).inner_text() == "website"
    assert "full web address" in row.locator("td").nth(2).inner_text()
    assert page.get_by_role("button", name="Import the entries").count() == 0
    assert Entry.objects.count() == 0

    _upload(page, base_url, fixed)
    page.get_by_text("2 rows are fine").wait_for()
    check_page(page, "directory-import-report-fine")
    assert Entry.objects.count() == 0
    page.get_by_role("button", name="Import the entries").click()
    page.get_by_text("2 entries were added to the directory and published").wait_for()
    check_page(page, "directory-import-done")
    assert set(Entry.objects.values_list("name", "status")) == {
        ("Walkley Repair Café", Status.PUBLISHED),
        ("Calderdale Food Network", Status.PUBLISHED),
    }

    page.get_by_role("link", name="See the directory").click()
    page.get_by_role("link", name="Walkley Repair Café").click()
    check_page(page)
    assert page.get_by_role("link", name=re.compile("open data")).count() == 1
