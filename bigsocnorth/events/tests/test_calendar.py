"""Gatherings as iCalendar: what each file carries, how a calendar app repeats a series,
who sees what, and the private "going" calendar's address."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
import recurring_ical_events
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bigsocnorth.accounts.models import ApiToken
from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.events import calendar, recurrence, services
from bigsocnorth.events.feed_views import GOING_ANCHOR_NAME
from bigsocnorth.events.recurrence import LONDON
from bigsocnorth.events.tests.conftest import gathering_values
from bigsocnorth.moderation.services import content_hide

pytestmark = pytest.mark.django_db


def _clock_change_after(day: date) -> date:
    """The first day on or after `day` on which the London clock changes."""
    for step in range(400):
        today = day + timedelta(days=step)
        noon = datetime(today.year, today.month, today.day, 12, tzinfo=LONDON)
        if noon.utcoffset() != (noon - timedelta(days=1)).utcoffset():
            return today
    raise AssertionError("no clock change within a year")


def _change() -> date:
    # Far enough ahead that the monthly series below starts in the future.
    return _clock_change_after(timezone.now().astimezone(LONDON).date() + timedelta(days=45))


def _parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def _events(cal: icalendar.Calendar) -> list:
    return list(cal.walk("VEVENT"))


def _get(client, name: str, **kwargs):
    return client.get(reverse(f"events:{name}", kwargs=kwargs or None))


def test_one_gathering_parses_with_what_a_calendar_needs(client, organise):
    gathering = organise()
    cal = _parse(_get(client, "gathering_ics", slug=gathering.slug))
    (event,) = _events(cal)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(event["UID"]) == f"{gathering.uuid}@{calendar._domain()}"
    assert "DTSTAMP" in event
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["DTEND"].params["TZID"] == "Europe/London"
    assert event.decoded("DTSTART") == gathering.starts_at
    assert event.decoded("DTEND") == gathering.ends_at
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == gathering.title
    assert str(event["URL"]).endswith(gathering.get_absolute_url())
    assert str(event["LOCATION"]) == "Burngreave Vestry Hall, Burngreave Road, Sheffield S3 9DH"
    assert event["GEO"].latitude == pytest.approx(gathering.latitude)
    description = str(event["DESCRIPTION"])
    assert "**" not in description and "the park" in description  # plain text, not Markdown
    assert "RRULE" not in event


def test_the_uid_is_stable_and_the_title_is_escaped_by_the_library(client, organise):
    gathering = organise(title="Tea; cake, and\nmore: BEGIN:VEVENT")
    first = _parse(_get(client, "gathering_ics", slug=gathering.slug))
    again = _parse(_get(client, "all_ics"))
    (one,), (two,) = _events(first), _events(again)
    assert one["UID"] == two["UID"]
    assert len(_events(again)) == 1  # the title planted no second event
    assert "BEGIN:VEVENT" in str(one["SUMMARY"])


def test_a_weekly_series_repeats_at_the_same_london_hour_across_the_clock_change(client, organise):
    change = _change()
    first_day = change - timedelta(days=12)
    start = datetime(first_day.year, first_day.month, first_day.day, 19, 0, tzinfo=LONDON)
    gathering = organise(starts_at=start, ends_at=start + timedelta(hours=2),
                         recurrence="FREQ=WEEKLY;COUNT=4")  # fmt: skip
    cal = _parse(_get(client, "gathering_ics", slug=gathering.slug))
    (event,) = _events(cal)
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=4"
    times = recurring_ical_events.of(cal).between(
        start - timedelta(days=1), start + timedelta(days=60)
    )
    starts = [t.decoded("DTSTART") for t in times]
    assert [t.astimezone(LONDON).hour for t in starts] == [19, 19, 19, 19]
    assert [t.astimezone(LONDON).date() for t in starts] == [
        first_day + timedelta(weeks=n) for n in range(4)
    ]
    # The UTC hour moved with the clock: the wall clock stayed put.
    assert len({t.utcoffset() for t in starts}) == 2
    # The same times as the site's own expansion.
    assert starts == recurrence.occurrences(recurrence.rule_parse(gathering.recurrence),
                                            starts_at=gathering.starts_at)  # fmt: skip


def test_a_monthly_nth_weekday_series_repeats_on_the_london_clock(client, organise):
    change = _change()
    first = date(change.year, change.month, 1)
    second_tuesday = first + timedelta(days=(1 - first.weekday()) % 7 + 7)
    start = datetime(second_tuesday.year, second_tuesday.month, second_tuesday.day, 10, 0,
                     tzinfo=LONDON)  # fmt: skip
    gathering = organise(starts_at=start, ends_at=start + timedelta(hours=2),
                         recurrence="FREQ=MONTHLY;BYDAY=2TU;COUNT=3")  # fmt: skip
    cal = _parse(_get(client, "gathering_ics", slug=gathering.slug))
    times = recurring_ical_events.of(cal).between(
        start - timedelta(days=1), start + timedelta(days=100)
    )
    starts = [t.decoded("DTSTART").astimezone(LONDON) for t in times]
    assert len(starts) == 3
    assert all(t.hour == 10 and t.weekday() == 1 and 8 <= t.day <= 14 for t in starts)
    assert len({t.utcoffset() for t in starts}) == 2
    assert [t.decoded("DTEND") - t.decoded("DTSTART") for t in times] == [timedelta(hours=2)] * 3


def test_a_series_until_a_date_gives_until_in_utc(client, organise):
    start = datetime.combine(timezone.now().astimezone(LONDON).date() + timedelta(days=7),
                             datetime.min.time().replace(hour=18), tzinfo=LONDON)  # fmt: skip
    until = (start + timedelta(weeks=3)).date()
    gathering = organise(starts_at=start, ends_at=start + timedelta(hours=1),
                         recurrence=f"FREQ=WEEKLY;INTERVAL=1;UNTIL={until:%Y%m%d}")  # fmt: skip
    cal = _parse(_get(client, "gathering_ics", slug=gathering.slug))
    (event,) = _events(cal)
    assert event["RRULE"]["UNTIL"][0].tzinfo is not None
    times = recurring_ical_events.of(cal).between(
        start - timedelta(days=1), start + timedelta(days=60)
    )
    assert len(times) == 4


def test_status_follows_the_organisers_state(client, organise, moderator):
    organise(title="Tentative", state="tentative")
    cancelled = organise(title="Cancelled")
    services.gathering_cancel(actor=moderator, gathering=cancelled, note="The hall is closed.")
    postponed = organise(title="Postponed")
    later = postponed.starts_at + timedelta(days=14)
    services.gathering_postpone(actor=moderator, gathering=postponed, starts_at=later,
                                ends_at=later + timedelta(hours=2), note="")  # fmt: skip
    cal = _parse(_get(client, "all_ics"))
    status = {str(e["SUMMARY"]): str(e["STATUS"]) for e in _events(cal)}
    assert status == {"Tentative": "TENTATIVE", "Cancelled": "CANCELLED", "Postponed": "TENTATIVE"}
    by_title = {str(e["SUMMARY"]): e for e in _events(cal)}
    assert "The hall is closed." in str(by_title["Cancelled"]["DESCRIPTION"])
    assert by_title["Postponed"].decoded("DTSTART") == later
    assert "Postponed: it was to be on" in str(by_title["Postponed"]["DESCRIPTION"])


def test_hidden_and_in_review_gatherings_are_in_no_calendar(
    client, organise, member, moderator, area
):
    shown = organise(title="Shown")
    in_review = organise(author=member, title="In review")
    hidden = organise(title="Hidden")
    content_hide(actor=moderator, content=hidden, reason="Spam")
    services.rsvp_member(user=member, gathering=shown)
    paths = [
        reverse("events:all_ics"),
        reverse("events:area_ics", kwargs={"slug": area.slug}),
        reverse("events:area_ics", kwargs={"slug": area.region.slug}),
        reverse("events:organiser_ics", kwargs={"handle": moderator.profile.handle}),
        reverse("events:organiser_ics", kwargs={"handle": member.profile.handle}),
    ]
    for path in paths:
        titles = {str(e["SUMMARY"]) for e in _events(_parse(client.get(path)))}
        assert "In review" not in titles and "Hidden" not in titles, path
    for gathering in (in_review, hidden):
        assert _get(client, "gathering_ics", slug=gathering.slug).status_code == 404


def test_an_area_calendar_and_an_organiser_calendar_hold_theirs_only(client, organise, member):
    from bigsocnorth.places.models import LocalAuthority

    mine = organise(title="Sheffield one")
    leeds = LocalAuthority.objects.get(slug="leeds")
    cal = _parse(_get(client, "area_ics", slug="leeds"))
    assert _events(cal) == []
    assert leeds.name in str(cal["X-WR-CALNAME"])
    cal = _parse(_get(client, "area_ics", slug=mine.local_authority.slug))
    assert [str(e["SUMMARY"]) for e in _events(cal)] == ["Sheffield one"]
    assert _get(client, "organiser_ics", handle=member.profile.handle).status_code == 200
    assert _events(_parse(_get(client, "organiser_ics", handle=member.profile.handle))) == []
    assert _get(client, "area_ics", slug="nowhere-at-all").status_code == 404
    assert _get(client, "organiser_ics", handle="nobody-here").status_code == 404
    assert _get(client, "entry_ics", slug="no-such-group").status_code == 404


def test_a_groups_calendar_holds_what_it_organises(client, organise):
    from bigsocnorth.directory.tests.factories import EntryFactory

    entry = EntryFactory()
    gathering = organise(title="With the group")
    gathering.entries.add(entry)
    organise(title="Without the group")
    response = _get(client, "entry_ics", slug=entry.slug)
    assert [str(e["SUMMARY"]) for e in _events(_parse(response))] == ["With the group"]
    assert str(_parse(response)["X-WR-CALNAME"]).endswith(entry.name)


def test_public_calendars_never_carry_the_online_link(client, organise):
    hidden = organise(title="Link for those going", online=True,
                      online_url="https://meet.example.org/secret-room")  # fmt: skip
    shown = organise(title="Open link", online=True, online_url_going_only=False,
                     online_url="https://meet.example.org/open-room")  # fmt: skip
    for path in (reverse("events:all_ics"), reverse("events:gathering_ics", args=[hidden.slug]),
                 reverse("events:gathering_ics", args=[shown.slug])):  # fmt: skip
        body = client.get(path).content.decode()
        assert "secret-room" not in body and "open-room" not in body


def test_a_calendar_costs_the_same_queries_however_many_it_holds(client, organise):
    organise(title="One")
    path = reverse("events:all_ics")
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    for number in range(6):
        organise(title=f"More {number}", recurrence="FREQ=WEEKLY;COUNT=3")
    with CaptureQueriesContext(connection) as many:
        assert len(_events(_parse(client.get(path)))) == 7
    assert len(many) == len(few)


# --- The private "going" calendar ----------------------------------------------------------


def _going_address(client, user) -> str:
    client.force_login(user)
    assert client.post(reverse("events:going_calendar")).status_code == 302
    page = client.get(reverse("events:going_calendar"))
    address = page.context["address"]
    assert address.endswith(".ics")
    client.logout()
    return urlsplit(address).path


def test_the_going_calendar_holds_only_my_gatherings_and_the_links_i_may_see(
    client, organise, member
):
    going = organise(title="I am going", online=True,
                     online_url="https://meet.example.org/my-room")  # fmt: skip
    organise(title="I am not going", online=True, online_url="https://meet.example.org/other")
    someone = UserFactory()
    theirs = organise(title="Someone else's")
    services.rsvp_member(user=someone, gathering=theirs)
    services.rsvp_member(user=member, gathering=going)
    path = _going_address(client, member)
    response = client.get(path)  # no session: calendar apps do not sign in
    cal = _parse(response)
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]
    (event,) = _events(cal)
    assert str(event["SUMMARY"]) == "I am going"
    assert "https://meet.example.org/my-room" in str(event["DESCRIPTION"])
    assert b"other" not in response.content and b"Someone else" not in response.content


def test_waiting_people_get_the_link_only_when_it_is_shown_to_everyone(client, organise, member):
    full = organise(title="Full", capacity=1, online=True,
                    online_url="https://meet.example.org/full-room")  # fmt: skip
    services.rsvp_member(user=UserFactory(), gathering=full)
    services.rsvp_member(user=member, gathering=full)  # on the waiting list
    (event,) = _events(_parse(client.get(_going_address(client, member))))
    assert str(event["SUMMARY"]) == "Waiting list: Full"
    assert "full-room" not in str(event["DESCRIPTION"])


def test_forged_garbled_and_revoked_going_addresses_are_refused(client, organise, member):
    services.rsvp_member(user=member, gathering=organise())
    path = _going_address(client, member)
    assert client.get(path).status_code == 200
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    anchor = ApiToken.objects.get(user=member, name=GOING_ANCHOR_NAME, revoked_at__isnull=True)
    other = UserFactory()
    forged = [
        token[:-3] + "abc",  # a bad signature
        "nonsense",
        calendar.signing.dumps([other.pk, anchor.pk, anchor.key_hash[:16]],
                               salt=calendar.GOING_SALT),  # another member, this anchor
        calendar.signing.dumps([member.pk, anchor.pk, "0" * 16], salt=calendar.GOING_SALT),
        calendar.signing.dumps({"u": member.pk}, salt=calendar.GOING_SALT),
        calendar.signing.dumps([member.pk, anchor.pk, anchor.key_hash[:16]], salt="other"),
    ]  # fmt: skip
    for bad in forged:
        assert client.get(reverse("events:going_ics", args=[bad])).status_code == 404, bad
    # A new address: the old one stops working at once.
    new_path = _going_address(client, member)
    assert new_path != path
    assert client.get(path).status_code == 404
    assert client.get(new_path).status_code == 200
    # Revoking the token on the profile stops it too.
    ApiToken.objects.filter(user=member).update(revoked_at=timezone.now())
    assert client.get(new_path).status_code == 404


def test_the_going_calendar_page_needs_an_account_and_a_post_to_make_an_address(client, member):
    page = client.get(reverse("events:going_calendar"))
    assert page.status_code == 302 and "login" in page["Location"]
    client.force_login(member)
    page = client.get(reverse("events:going_calendar"))
    assert page.status_code == 200 and page.context["address"] == ""
    assert not ApiToken.objects.filter(user=member).exists()  # GET made nothing
    assert client.put(reverse("events:going_calendar")).status_code == 405


def test_the_going_calendar_costs_the_same_queries_however_many(client, organise, member):
    services.rsvp_member(user=member, gathering=organise(title="First"))
    path = _going_address(client, member)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    for number in range(5):
        services.rsvp_member(user=member, gathering=organise(title=f"More {number}"))
    with CaptureQueriesContext(connection) as many:
        assert len(_events(_parse(client.get(path)))) == 6
    assert len(many) == len(few)


def test_no_address_when_the_member_has_all_the_tokens_allowed(client, member):
    from bigsocnorth.accounts import services as account_services
    from bigsocnorth.accounts.services import API_TOKENS_ACTIVE_MAX

    for number in range(API_TOKENS_ACTIVE_MAX):
        account_services.api_token_create(user=member, name=f"Token {number}")
    client.force_login(member)
    response = client.post(reverse("events:going_calendar"), follow=True)
    assert "Revoke one you no longer use first" in response.content.decode()
    assert response.context["address"] == ""
    assert not ApiToken.objects.filter(user=member, name=GOING_ANCHOR_NAME).exists()


def test_a_kept_event_is_written_again_once_its_gathering_changes(client, organise, moderator):
    gathering = organise(title="Repair cafe")
    url = reverse("events:gathering_ics", args=[gathering.slug])
    assert b"SUMMARY:Repair cafe\r\n" in client.get(url).content
    services.gathering_edit(
        actor=moderator, gathering=gathering,
        values=gathering_values(gathering.local_authority, title="Repair cafe and tea"),
    )  # fmt: skip
    body = client.get(url).content
    assert b"SUMMARY:Repair cafe and tea\r\n" in body
    assert body.count(b"BEGIN:VEVENT") == 1


def test_a_members_own_event_is_never_kept_for_everyone(organise):
    gathering = organise(online=True, online_url="https://meet.example.org/secret-room")
    private = calendar.calendar_bytes(
        [gathering], name="mine", links={gathering.pk: gathering.online_url}
    )
    assert b"secret-room" in private
    public = calendar.calendar_bytes([gathering], name="everyone")
    assert b"secret-room" not in public
    event = icalendar.Calendar.from_ical(public).walk("VEVENT")[0]
    assert event["UID"] == calendar.gathering_uid(gathering)
