"""The month calendar: every time of every public gathering on its London day, the day's
full list, the filters, and addresses that are not a month."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bigsocnorth.events import services
from bigsocnorth.events.models import Gathering
from bigsocnorth.events.month import SHOWN_PER_DAY, month_calendar
from bigsocnorth.events.recurrence import LONDON
from bigsocnorth.events.selectors import GatheringFilters
from bigsocnorth.moderation.models import Status

pytestmark = pytest.mark.django_db


def _in_a_month(day: int = 10, hour: int = 19, minute: int = 0) -> datetime:
    """A time on `day` of next month, London clock: always to come, always in one month."""
    today = timezone.localdate()
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return datetime(first.year, first.month, day, hour, minute, tzinfo=LONDON)


def _month_url(moment: datetime, day: int | None = None) -> str:
    if day is None:
        return reverse("events:gathering_month", args=[moment.year, moment.month])
    return reverse("events:gathering_day", args=[moment.year, moment.month, day])


def _at(moment: datetime, **overrides) -> dict:
    return {"starts_at": moment, "ends_at": moment + timedelta(hours=2), **overrides}


def _days(page) -> dict[date, list[str]]:
    return {
        day.date: [occurrence.gathering.title for occurrence in day.shown]
        for week in page.weeks
        for day in week
        if day.total
    }


def test_a_gathering_is_on_its_london_day_with_its_time(client, organise):
    moment = _in_a_month(day=12, hour=18, minute=30)
    gathering = organise(title="Allotment society social", **_at(moment))
    response = client.get(_month_url(moment))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Allotment society social" in text
    assert gathering.get_absolute_url() in text
    assert "6:30 p.m." in text
    page = month_calendar(filters=GatheringFilters(), first=moment.date())
    assert _days(page) == {moment.date(): ["Allotment society social"]}


def test_just_after_midnight_in_summer_time_is_on_the_london_day(organise):
    # 00:30 on the 1st in London is still the last day of the month before in UTC (summer),
    # or the same instant (winter): either way the calendar puts it on the 1st.
    moment = _in_a_month(day=1, hour=0, minute=30)
    organise(title="Night shelter handover", **_at(moment))
    page = month_calendar(filters=GatheringFilters(), first=moment.date())
    assert _days(page) == {moment.date(): ["Night shelter handover"]}


def test_a_weekly_series_is_on_each_of_its_days(organise):
    moment = _in_a_month(day=2)
    organise(title="Knit and natter", recurrence="FREQ=WEEKLY;COUNT=3", **_at(moment))
    page = month_calendar(filters=GatheringFilters(), first=moment.date())
    expected = [moment.date() + timedelta(weeks=week) for week in range(3)]
    assert sorted(_days(page)) == expected
    assert all(titles == ["Knit and natter"] for titles in _days(page).values())


def test_a_busy_day_shows_a_few_and_its_own_list_shows_all(client, organise):
    moment = _in_a_month(day=20, hour=9)
    for number in range(SHOWN_PER_DAY + 2):
        organise(title=f"Drop-in number {number}", **_at(moment + timedelta(hours=number)))
    response = client.get(_month_url(moment))
    text = response.content.decode()
    assert "and 2 more" in text
    assert "Drop-in number 4" not in text
    day = client.get(_month_url(moment, day=20))
    assert day.status_code == 200
    day_text = day.content.decode()
    for number in range(SHOWN_PER_DAY + 2):
        assert f"Drop-in number {number}" in day_text
    assert 'name="robots" content="noindex"' in day_text


def test_cancelled_gatherings_are_marked_and_hidden_ones_are_not_shown(client, organise, moderator):
    moment = _in_a_month(day=8)
    cancelled = organise(title="Cancelled quiz night", **_at(moment))
    services.gathering_cancel(actor=moderator, gathering=cancelled)
    hidden = organise(title="Withdrawn coffee morning", **_at(moment + timedelta(hours=1)))
    Gathering.objects.filter(pk=hidden.pk).update(status=Status.HIDDEN)
    text = client.get(_month_url(moment)).content.decode()
    assert "Cancelled quiz night" in text
    assert "(cancelled)" in text
    assert "Withdrawn coffee morning" not in text


def test_filters_carry_through_the_calendar(client, organise):
    moment = _in_a_month(day=14)
    organise(title="Online trustees clinic", in_person=False, online=True,
             online_url="https://meet.example.org/trustees", place=None, venue_name="",
             venue_address="", **_at(moment))  # fmt: skip
    organise(title="Hall tidy-up", **_at(moment + timedelta(hours=1)))
    response = client.get(_month_url(moment) + "?mode=online")
    text = response.content.decode()
    assert "Online trustees clinic" in text
    assert "Hall tidy-up" not in text
    # The months either side keep the filter.
    assert "?mode=online" in text.split('rel="next"')[0].rsplit("<a", 1)[-1]


def test_the_list_links_to_the_calendar_and_back(client):
    text = client.get(reverse("events:gathering_list") + "?mode=online").content.decode()
    assert reverse("events:gathering_month") + "?mode=online" in text
    assert (
        reverse("events:gathering_list")
        in client.get(reverse("events:gathering_month")).content.decode()
    )


@pytest.mark.parametrize(
    "path",
    [
        "/gatherings/calendar/2026/13/",
        "/gatherings/calendar/2026/0/",
        "/gatherings/calendar/2026/11/31/",
        "/gatherings/calendar/1/1/",
        "/gatherings/calendar/9999/1/",
        "/gatherings/calendar/99999999999999999999/1/",
    ],
)
def test_addresses_that_are_not_a_month_the_calendar_shows_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_a_month_with_nothing_says_so(client):
    response = client.get(reverse("events:gathering_month"))
    assert response.status_code == 200
    assert "No gatherings this month yet." in response.content.decode()


def test_hostile_filter_values_are_ignored_safely(client):
    response = client.get(
        reverse("events:gathering_month") + "?area=<script>alert(1)</script>&mode=x&entry=abc"
    )
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_calendar_costs_the_same_queries_for_more_gatherings(
    client, organise, member, password, signed_in
):
    if signed_in:
        client.login(email=member.email, password=password)
    moment = _in_a_month(day=3)
    paths = [_month_url(moment), _month_url(moment, day=3), _month_url(moment) + "?mode=in_person"]

    def add(count):
        for number in range(count):
            organise(
                title=f"Gathering {Gathering.objects.count()}",
                **_at(moment + timedelta(days=number % 20, hours=number % 3)),
            )
        organise(title="Series", recurrence="FREQ=WEEKLY;COUNT=4", **_at(moment))

    add(2)
    for path in paths:
        _count(client, path)  # what a process loads once is loaded
    few = {path: _count(client, path) for path in paths}
    add(12)
    many = {path: _count(client, path) for path in paths}
    assert few == many


@pytest.mark.parametrize("hour,minute", [(0, 5), (9, 30), (11, 59), (12, 0), (13, 15), (23, 45)])
def test_the_calendar_writes_times_as_the_date_filter_does(hour, minute):
    from django.template.defaultfilters import date as date_filter

    from bigsocnorth.events.month import _Words

    moment = datetime(2027, 3, 28, hour, minute, tzinfo=LONDON)
    assert _Words(moment.date()).clock(moment) == date_filter(moment, "g:i a")
