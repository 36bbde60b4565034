"""Calendar links where people look: the gatherings sections of area, directory entry and
profile pages link to the matching iCalendar file, which a calendar app can subscribe to."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.events import sections

pytestmark = pytest.mark.django_db

LINK_TEXT = "Add these gatherings to your calendar (.ics)"


def _calendar_links(html: str) -> list[str]:
    """The addresses of the links that say they lead to an iCalendar file."""
    return re.findall(r'<a href="([^"]+)" type="text/calendar">', html)


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _subscribable(client, url: str) -> str:
    """The calendar behind a link: found, and an iCalendar file."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR")
    return body


# --- Area pages -----------------------------------------------------------------------------


def test_an_area_page_links_the_areas_calendar_under_its_gatherings(client, organise, area):
    organise(title="Tea in the park")
    calendar_url = reverse("events:area_ics", kwargs={"slug": area.slug})

    page = _page(client, area.get_absolute_url())

    assert calendar_url in _calendar_links(page)
    assert LINK_TEXT in page
    assert "Tea in the park" in _subscribable(client, calendar_url)


def test_an_area_with_no_gatherings_yet_still_offers_its_calendar(client, area):
    calendar_url = reverse("events:area_ics", kwargs={"slug": area.slug})

    page = _page(client, area.get_absolute_url())

    assert "Organise one" in page
    assert calendar_url in _calendar_links(page)
    assert f"Add gatherings in {area.name} to your calendar as they are planned (.ics)" in page
    assert "BEGIN:VEVENT" not in _subscribable(client, calendar_url)


def test_a_region_page_links_the_whole_regions_calendar(client, organise, area):
    organise(title="Tea in the park")
    region = area.region
    calendar_url = reverse("events:area_ics", kwargs={"slug": region.slug})

    page = _page(client, region.get_absolute_url())

    assert calendar_url in _calendar_links(page)
    assert "Tea in the park" in _subscribable(client, calendar_url)


# --- Directory entry pages ------------------------------------------------------------------


def test_an_entry_page_links_the_calendar_of_what_the_group_organises(
    client, organise, moderator, area
):
    entry = EntryFactory(name="Burngreave Tenants", author=moderator, located_in=area)
    organise(title="Tenants' meeting", entries=[entry])
    calendar_url = reverse("events:entry_ics", kwargs={"slug": entry.slug})

    page = _page(client, entry.get_absolute_url())

    assert _calendar_links(page) == [calendar_url]
    assert LINK_TEXT in page
    assert "Tenants' meeting" in _subscribable(client, calendar_url)


def test_an_entry_that_organises_nothing_has_no_gatherings_section(client):
    entry = EntryFactory()

    page = _page(client, entry.get_absolute_url())

    assert _calendar_links(page) == []


# --- Profile pages --------------------------------------------------------------------------


def test_a_profile_page_links_the_calendar_of_what_they_organise(client, organise, moderator):
    organise(title="Litter pick")
    handle = moderator.profile.handle
    calendar_url = reverse("events:organiser_ics", kwargs={"handle": handle})

    page = _page(client, reverse("accounts:profile_detail", args=[handle]))

    assert _calendar_links(page) == [calendar_url]
    assert LINK_TEXT in page
    assert "Litter pick" in _subscribable(client, calendar_url)


def test_someone_who_organises_nothing_has_no_calendar_link(client):
    person = UserFactory()

    page = _page(client, reverse("accounts:profile_detail", args=[person.profile.handle]))

    assert _calendar_links(page) == []


def test_the_profile_section_of_a_person_without_a_profile_has_no_calendar_link(
    organise, moderator
):
    """The section is built for a user; one with no profile has no organiser calendar."""
    organise(title="Litter pick")
    moderator.profile.delete()
    moderator.refresh_from_db()

    section = sections.profile_gatherings_section(obj=moderator, user=None)

    assert section.context["gatherings"]
    assert section.context["calendar_url"] == ""


# --- What the pages cost --------------------------------------------------------------------


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "signed-in"])
def test_area_and_profile_pages_cost_the_same_for_more_gatherings(
    client, organise, area, moderator, member, signed_in
):
    if signed_in:
        client.force_login(member)
    urls = [
        area.get_absolute_url(),
        reverse("accounts:profile_detail", args=[moderator.profile.handle]),
    ]
    organise(title="The first gathering")
    for url in urls:
        _count_queries(client, url)  # what a process loads once is loaded
    few = {url: _count_queries(client, url) for url in urls}
    for number in range(4):
        organise(title=f"Another gathering {number}")

    assert {url: _count_queries(client, url) for url in urls} == few


def test_a_filtered_list_links_the_matching_calendar(client, organise, area, moderator):
    gathering = organise()
    entry = EntryFactory(located_in=area)
    gathering.entries.add(entry)
    handle = moderator.profile.handle
    expected = {
        f"?area={area.slug}": reverse("events:area_ics", kwargs={"slug": area.slug}),
        f"?organiser={handle}": reverse("events:organiser_ics", kwargs={"handle": handle}),
        f"?entry={entry.pk}": reverse("events:entry_ics", kwargs={"slug": entry.slug}),
    }
    for query, calendar_url in expected.items():
        links = _calendar_links(_page(client, reverse("events:gathering_list") + query))
        assert links[0] == calendar_url, query
        assert gathering.get_absolute_url() in _subscribable(client, calendar_url)
    everything = reverse("events:all_ics")
    unfiltered = _calendar_links(_page(client, reverse("events:gathering_list")))
    assert unfiltered == [everything]
    unknown = reverse("events:gathering_list") + "?area=atlantis&organiser=nobody&entry=999999"
    assert _calendar_links(_page(client, unknown)) == [everything]
