"""The directory journey: a member adds their group (and is warned about a near-copy),
a moderator approves it from the queue, it shows in search and on its area page,
people flag it and it is hidden at the threshold.

Runs at 1280 and 360 px with axe on every page.
"""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.models import Entry
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status
from bigsocnorth.places.models import LocalAuthority
from tests.browser.conftest import check_page, choose_place_by_keyboard, log_in, log_out, visit

# The live server sees only committed data (conftest.py reloads the reference data).
pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(FLAG_HIDE_THRESHOLD=2)
def test_member_adds_an_entry_moderator_approves_it_it_is_found_then_flags_hide_it(
    page, live_server, member, moderator, password
):
    base_url = live_server.url
    sheffield = LocalAuthority.objects.get(name="Sheffield")
    existing = EntryFactory(name="Walkley Repair Cafe", located_in=sheffield)

    log_in(page, base_url, member.email, password)
    visit(page, f"{base_url}/directory/new/")
    page.get_by_label("Name of the group").fill("Walkley Repair Café Crew")
    page.get_by_label("What kind of group is it?").select_option(label="Project or initiative")
    # Leaving the name field asks the server for likely duplicates (htmx).
    page.get_by_label("What kind of group is it?").focus()
    warning = page.locator("#duplicates")
    warning.get_by_text("Is it one of these?").wait_for()
    assert warning.get_by_role("link", name=existing.name).count() == 1
    page.get_by_label("Sector").select_option(label="Citizen-led")
    page.get_by_label("Description").fill("We fix things on **Saturday mornings** in Walkley.")
    # Place 1 by name, with the keyboard; a whole area is not offered (that is "Areas served").
    first = page.get_by_role("combobox", name=re.compile("Name of the place"))
    choose_place_by_keyboard(page, first, "Sheff", "Sheffield")
    page.locator("#id_places-0-place_status").get_by_text("The pin is in Sheffield.").wait_for()
    # Place 2 by a click on its small map, after "Add another place" kept place 1.
    page.get_by_role("button", name="Add another place").click()
    page.locator("#id_places-1-place").wait_for()
    assert page.locator("#id_places-0-place_status").inner_text() == "The pin is in Sheffield."
    second_map = page.locator("#id_places-1-place_picker").get_by_role(
        "region", name=re.compile("Map for choosing the place")
    )
    second_map.scroll_into_view_if_needed()
    second_map.click()
    status = page.locator("#id_places-1-place_status")
    status.get_by_text(re.compile(r"^The pin is in ")).wait_for()
    second_area = status.inner_text().removeprefix("The pin is in ").rstrip(".")
    check_page(page, "directory-new-places")
    page.get_by_role("button", name="Add the entry").click()
    # Sent anyway: the server checks again, and asks the person to confirm.
    page.get_by_role("button", name="None of these: add my group").wait_for()
    check_page(page, "directory-new-duplicates")
    assert not Entry.objects.filter(name="Walkley Repair Café Crew").exists()
    page.get_by_role("button", name="None of these: add my group").click()
    page.get_by_text("Your entry is waiting for review").wait_for()
    check_page(page)
    entry = Entry.objects.get(name="Walkley Repair Café Crew")
    assert entry.status == Status.IN_REVIEW
    assert [place.local_authority.name for place in entry.places.all()] == [
        "Sheffield", second_area,
    ]  # fmt: skip
    assert entry.places.all()[0].name == "Sheffield"
    visit(page, f"{base_url}/moderation/yours/")
    assert page.get_by_text("In review").count() >= 1
    log_out(page)

    # Not public yet: not in the directory, search or the area page.
    visit(page, f"{base_url}/search/?q=Walkley")
    assert page.get_by_role("link", name="Walkley Repair Café Crew").count() == 0
    visit(page, f"{base_url}/areas/sheffield/")
    assert page.get_by_role("link", name="Walkley Repair Café Crew").count() == 0

    log_in(page, base_url, moderator.email, password)
    visit(page, f"{base_url}/moderation/")
    item = page.locator("li, article").filter(has_text="Walkley Repair Café Crew").last
    item.get_by_role("button", name="Approve").click()
    page.wait_for_url(re.compile(r"/moderation/"))
    check_page(page)
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED
    log_out(page)

    visit(page, f"{base_url}/search/?q=repair+walkley")
    results = page.locator("main")
    assert results.get_by_role("link", name=re.compile("Walkley Repair Café Crew")).count() == 1
    assert results.locator("mark").count() >= 1  # the matches are highlighted
    visit(page, f"{base_url}/areas/sheffield/")
    page.get_by_role("link", name="Walkley Repair Café Crew").click()
    check_page(page)
    assert page.locator("h1").inner_text() == "Walkley Repair Café Crew"

    # Two different people flag it; at the threshold it is hidden everywhere.
    for _ in range(2):
        flagger = UserFactory(password=password)
        log_in(page, base_url, flagger.email, password)
        page.goto(f"{base_url}{entry.get_absolute_url()}")
        page.get_by_role("link", name="Flag this").click()
        check_page(page)
        page.get_by_label("Promoting an agenda or advert").check()
        page.get_by_role("button", name="Send to the moderators").click()
        page.wait_for_load_state("load")
        log_out(page)

    entry.refresh_from_db()
    assert entry.status == Status.HIDDEN
    response = page.goto(f"{base_url}{entry.get_absolute_url()}")
    assert response.status == 404
    visit(page, f"{base_url}/search/?q=Walkley")
    assert page.get_by_role("link", name=re.compile("Walkley Repair Café Crew")).count() == 0
    visit(page, f"{base_url}/areas/sheffield/")
    assert page.get_by_role("link", name="Walkley Repair Café Crew").count() == 0


def test_without_javascript_a_place_is_chosen_from_the_places_its_name_may_mean(
    page_without_javascript, live_server, member, password
):
    page = page_without_javascript
    base_url = live_server.url
    log_in(page, base_url, member.email, password)
    visit(page, f"{base_url}/directory/new/", "directory-new")
    page.get_by_label("Name of the group").fill("Todmorden Soup Run")
    page.get_by_label("What kind of group is it?").select_option(label="Project or initiative")
    page.get_by_label("Sector").select_option(label="Citizen-led")
    page.get_by_label("Description").fill("Hot soup on Friday nights.")
    page.get_by_label("Name of the place").fill("Todmorden")
    page.get_by_role("button", name="Add the entry").click()

    # Back with the places the name may mean, and everything typed kept.
    choices = page.get_by_role("group", name="Did you mean:")
    choices.wait_for()
    check_page(page, "directory-new-place-choices")
    assert page.title().startswith("Error:")
    assert not Entry.objects.exists()
    assert page.get_by_label("Description").input_value() == "Hot soup on Friday nights."
    choices.get_by_label(re.compile("^Todmorden in Calderdale")).check()
    page.get_by_role("button", name="Add the entry").click()
    page.get_by_text("Your entry is waiting for review").wait_for()
    check_page(page, "directory-entry-in-review")
    place = Entry.objects.get(name="Todmorden Soup Run").places.get()
    assert (place.name, place.local_authority.name) == ("Todmorden", "Calderdale")
