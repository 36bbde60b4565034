"""A member adds their group; a moderator approves it; people flag it.

Runs at 1280 and 360 px with axe on every page.
"""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.models import Entry
from bigsocnorth.moderation.models import Status
from tests.browser.conftest import check_page, visit

# The live server sees only committed data (conftest.py reloads the reference data).
pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, base_url, email, password):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/profile/$"))


def _log_out(page):
    page.get_by_role("button", name="Log out").click()


@override_settings(FLAG_HIDE_THRESHOLD=2)
def test_member_adds_an_entry_moderator_approves_it_flags_hide_it(
    page, live_server, member, moderator, password
):
    base_url = live_server.url
    _log_in(page, base_url, member.email, password)

    visit(page, f"{base_url}/directory/new/")
    page.get_by_label("Name").fill("Walkley Repair Café")
    page.get_by_label("What kind of group is it?").select_option(label="Project or initiative")
    page.get_by_label("Sector").select_option(label="Citizen-led")
    page.get_by_label("Description").fill("We fix things on **Saturday mornings**.")
    page.get_by_label("Latitude").fill("53.3925")
    page.get_by_label("Longitude").fill("-1.4960")
    page.get_by_role("button", name="Add the entry").click()
    page.get_by_text("Your entry is waiting for review").wait_for()
    check_page(page)
    entry = Entry.objects.get(name="Walkley Repair Café")
    assert entry.status == Status.IN_REVIEW
    assert entry.local_authority.name == "Sheffield"
    _log_out(page)

    # Not public yet.
    visit(page, f"{base_url}/directory/")
    assert page.get_by_role("link", name="Walkley Repair Café").count() == 0

    _log_in(page, base_url, moderator.email, password)
    visit(page, f"{base_url}/moderation/")
    item = page.locator("li, article").filter(has_text="Walkley Repair Café").last
    item.get_by_role("button", name="Approve").click()
    page.wait_for_url(re.compile(r"/moderation/"))
    check_page(page)
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED
    _log_out(page)

    visit(page, f"{base_url}/directory/")
    page.get_by_role("link", name="Walkley Repair Café").click()
    check_page(page)
    assert page.locator("h1").inner_text() == "Walkley Repair Café"

    # Two different people flag it; at the threshold it is hidden.
    for _ in range(2):
        flagger = UserFactory(password=password)
        _log_in(page, base_url, flagger.email, password)
        page.goto(f"{base_url}{entry.get_absolute_url()}")
        page.get_by_role("link", name="Flag this").click()
        check_page(page)
        page.get_by_label("Promoting an agenda or advert").check()
        page.get_by_role("button", name="Send to the moderators").click()
        page.wait_for_load_state("load")
        _log_out(page)

    entry.refresh_from_db()
    assert entry.status == Status.HIDDEN
    response = page.goto(f"{base_url}{entry.get_absolute_url()}")
    assert response.status == 404
