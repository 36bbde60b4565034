"""The gathering pages as people use them: lists and filters, one gathering, organising,
answering with or without an account, and the organisers' list of who is coming."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.events import links, services
from bigsocnorth.events.models import Gathering, GatheringState, Rsvp, RsvpState
from bigsocnorth.events.tests.conftest import SHEFFIELD_POINT, next_week

pytestmark = pytest.mark.django_db


def _form(**overrides) -> dict:
    day = next_week().date()
    data = {
        "title": "Litter pick in Page Hall",
        "description": "Gloves and bags provided. *Tea after.*",
        "state": "confirmed",
        "date": day.isoformat(),
        "start_time": "10:00",
        "end_time": "12:30",
        "in_person": "on",
        "venue_name": "Page Hall Park gates",
        "place": "Page Hall",
        "place_latitude": str(SHEFFIELD_POINT[0]),
        "place_longitude": str(SHEFFIELD_POINT[1]),
        "place_chosen": "Page Hall",
        "capacity": "25",
        "plus_ones_allowed": "1",
        "step_free": "yes",
        "hearing_loop": "no",
    }
    data.update(overrides)
    return data


def _guest_answer(client, gathering, *, name="Jo Visitor", email="jo@example.org", **extra):
    return client.post(
        reverse("events:rsvp", args=[gathering.slug]), {"name": name, "email": email, **extra}
    )


# --- Lists --------------------------------------------------------------------------------


def test_the_list_shows_public_gatherings_to_come_with_the_weekday(client, organise, member):
    shown = organise()
    organise(author=member, title="Waiting for review")
    page = client.get(reverse("events:gathering_list"))
    text = page.content.decode()
    assert page.status_code == 200
    assert shown.title in text and "Waiting for review" not in text
    weekday = timezone.localtime(shown.starts_at).strftime("%A")
    assert weekday in text
    assert "30 places left" in text


def test_step_free_only_and_online_filters(client, organise):
    step_free = organise(title="Step-free coffee morning")
    organise(title="Upstairs meeting", step_free=False)
    organise(title="Unknown access", step_free=None)
    online = organise(
        title="Zoom catch-up", in_person=False, online=True, place=None,
        online_url="https://meet.example.org/abc", step_free=None,
    )  # fmt: skip
    text = client.get(reverse("events:gathering_list"), {"access": "step_free"}).content.decode()
    assert step_free.title in text
    assert "Upstairs meeting" not in text and "Unknown access" not in text
    text = client.get(reverse("events:gathering_list"), {"mode": "online"}).content.decode()
    assert online.title in text and step_free.title not in text
    text = client.get(reverse("events:gathering_list"), {"area": "leeds"}).content.decode()
    assert step_free.title not in text


def test_past_gatherings_have_their_own_list(client, organise):
    gathering = organise()
    Gathering.objects.filter(pk=gathering.pk).update(
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3, hours=-2),
        last_ends_at=timezone.now() - timedelta(days=3, hours=-2),
    )
    assert gathering.title not in client.get(reverse("events:gathering_list")).content.decode()
    assert gathering.title in client.get(reverse("events:gathering_past")).content.decode()


def _count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_lists_and_sections_cost_the_same_queries_for_more_gatherings(
    client, organise, area, member, password, signed_in
):
    from bigsocnorth.directory.tests.factories import EntryFactory

    if signed_in:
        client.login(email=member.email, password=password)
    entry = EntryFactory(located_in=area)

    def add(count):
        for number in range(count):
            gathering = organise(title=f"Gathering {Gathering.objects.count()} {number}")
            gathering.entries.add(entry)
            services.rsvp_member(user=UserFactory(), gathering=gathering)

    paths = [
        reverse("events:gathering_list"),
        reverse("events:gathering_list") + "?access=step_free&mode=in_person&area=sheffield",
        "/",
        f"/areas/{area.slug}/",
    ]
    add(3)
    for path in paths:
        _count_queries(client, path)  # what a process loads once is loaded
    few = {path: _count_queries(client, path) for path in paths}
    add(9)
    many = {path: _count_queries(client, path) for path in paths}
    assert few == many


def test_the_attendee_page_costs_the_same_queries_for_more_people(client, organise, moderator,
                                                                  password):  # fmt: skip
    gathering = organise(capacity=None)
    client.login(email=moderator.email, password=password)
    path = reverse("events:attendees", args=[gathering.slug])

    def add(count):
        for _ in range(count):
            services.rsvp_member(user=UserFactory(), gathering=gathering, answers={"dietary": "x"})
            guest = services.rsvp_guest(
                gathering=gathering, name="Guest", email=f"g{Rsvp.objects.count()}@example.org"
            )
            services.rsvp_confirm(token=links.confirm_token(guest))

    add(2)
    _count_queries(client, path)
    few = _count_queries(client, path)
    add(8)
    assert _count_queries(client, path) == few
    detail = gathering.get_absolute_url()
    few = _count_queries(client, detail)
    add(5)
    assert _count_queries(client, detail) == few


# --- One gathering ---------------------------------------------------------------------------


def test_a_gathering_page_shows_when_where_access_and_places(client, organise):
    gathering = organise(recurrence="FREQ=WEEKLY;COUNT=3")
    page = client.get(gathering.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert timezone.localtime(gathering.starts_at).strftime("%A") in text
    assert "Burngreave Vestry Hall" in text and "Sheffield" in text
    assert "Step-free access: yes" in text and "Hearing loop: no" in text
    assert "BSL interpretation: not known" in text and "Bus 47 stops outside" in text
    assert "30 places left of 30" in text
    assert "Every week, 3 times" in text
    assert "<strong>the park</strong>" in text  # its Markdown, rendered


def test_a_gathering_in_review_is_hidden_from_others(client, organise, member, password):
    gathering = organise(author=member, title="Still in review")
    assert client.get(gathering.get_absolute_url()).status_code == 404
    client.login(email=member.email, password=password)
    assert client.get(gathering.get_absolute_url()).status_code == 200


def test_the_online_link_is_shown_only_to_people_going_when_the_organiser_wishes(
    client, organise, member, password
):
    gathering = organise(online=True, online_url="https://meet.example.org/secret-room")
    assert "secret-room" not in client.get(gathering.get_absolute_url()).content.decode()
    client.login(email=member.email, password=password)
    assert "secret-room" not in client.get(gathering.get_absolute_url()).content.decode()
    services.rsvp_member(user=member, gathering=gathering)
    assert "secret-room" in client.get(gathering.get_absolute_url()).content.decode()
    open_link = organise(
        title="Open link", online=True, online_url="https://meet.example.org/open-room",
        online_url_going_only=False,
    )  # fmt: skip
    client.logout()
    assert "open-room" in client.get(open_link.get_absolute_url()).content.decode()


# --- Organising ------------------------------------------------------------------------------


def test_a_member_organises_a_gathering_with_the_place_picker(client, moderator, password, area):
    client.login(email=moderator.email, password=password)
    assert client.get(reverse("events:gathering_create")).status_code == 200
    response = client.post(
        reverse("events:gathering_create"), _form(repeats="weekly", repeat_count="4")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    gathering = Gathering.objects.get()
    assert gathering.local_authority == area and gathering.step_free is True
    assert gathering.hearing_loop is False and gathering.quiet_room is None
    assert gathering.capacity == 25 and gathering.plus_ones_allowed == 1
    assert timezone.localtime(gathering.starts_at).hour == 10
    assert (
        gathering.recurrence.startswith("FREQ=WEEKLY;BYDAY=") and "COUNT=4" in gathering.recurrence
    )
    assert response["Location"] == gathering.get_absolute_url()


def test_visitors_are_asked_to_sign_in_to_organise(client):
    response = client.get(reverse("events:gathering_create"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"title": ""}, "Give the gathering a title"),
        ({"end_time": "09:00"}, "The end is before the start"),
        ({"date": "2001-01-01"}, "already passed"),
        ({"date": "31/02/2027"}, "Enter a valid date"),
        ({"capacity": "0"}, "from 1 to 10,000"),
        ({"capacity": "1000000"}, "from 1 to 10,000"),
        ({"online": "on", "online_url": "http://10.0.0.1/"}, "private network"),
        ({"in_person": "", "online": ""}, "in person, online, or both"),
        ({"repeats": "weekly"}, "when it stops"),
        ({"repeats": "weekly", "repeat_count": "99"}, "less than or equal to 52"),
        ({"title": "x" * 500}, "at most 160"),
    ],
)
def test_the_form_answers_bad_input_plainly_and_saves_nothing(
    client, moderator, password, overrides, says
):
    client.login(email=moderator.email, password=password)
    response = client.post(reverse("events:gathering_create"), _form(**overrides))
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not Gathering.objects.exists()


def test_only_organisers_see_the_tools_and_change_the_state(
    client, organise, member, moderator, password
):
    gathering = organise()
    client.login(email=member.email, password=password)
    assert "For the organisers" not in client.get(gathering.get_absolute_url()).content.decode()
    assert client.get(reverse("events:gathering_edit", args=[gathering.slug])).status_code == 403
    response = client.post(reverse("events:gathering_state", args=[gathering.slug, "cancel"]))
    assert response.status_code == 403
    client.login(email=moderator.email, password=password)
    response = client.post(
        reverse("events:gathering_state", args=[gathering.slug, "cancel"]), {"note": "Rain."}
    )
    assert response.status_code == 302
    gathering.refresh_from_db()
    assert gathering.state == GatheringState.CANCELLED and gathering.state_note == "Rain."


def test_an_organiser_postpones_with_a_new_date(client, organise, moderator, password):
    gathering = organise()
    client.login(email=moderator.email, password=password)
    path = reverse("events:gathering_postpone", args=[gathering.slug])
    assert client.get(path).status_code == 200
    new_day = (gathering.starts_at + timedelta(days=21)).date()
    response = client.post(
        path, {"date": new_day.isoformat(), "start_time": "18:00", "end_time": "20:00"}
    )
    assert response.status_code == 302
    gathering.refresh_from_db()
    assert gathering.state == GatheringState.POSTPONED
    assert timezone.localtime(gathering.starts_at).date() == new_day
    response = client.post(path, {"date": "2001-01-01", "start_time": "18:00", "end_time": "20:00"})
    assert response.status_code == 400 and "already passed" in response.content.decode()


def test_an_organiser_edits_and_people_going_hear_of_a_new_time(
    client, organise, moderator, member, password
):
    gathering = organise()
    services.rsvp_member(user=member, gathering=gathering)
    client.login(email=moderator.email, password=password)
    path = reverse("events:gathering_edit", args=[gathering.slug])
    page = client.get(path)
    assert page.status_code == 200 and "Burngreave Vestry Hall" in page.content.decode()
    response = client.post(path, _form(title="A new title", start_time="11:00", state=""))
    assert response.status_code == 302
    gathering.refresh_from_db()
    assert gathering.title == "A new title"
    assert member.notifications.filter(kind="events.changed").exists()


# --- Answering -------------------------------------------------------------------------------


def test_a_member_answers_in_one_click_and_cancels(client, organise, member, password):
    gathering = organise()
    client.login(email=member.email, password=password)
    response = client.post(reverse("events:rsvp", args=[gathering.slug]), {"plus_ones": "1"})
    assert response.status_code == 302
    rsvp = Rsvp.objects.get(user=member)
    assert rsvp.state == RsvpState.GOING and rsvp.plus_ones == 1
    text = client.get(gathering.get_absolute_url()).content.decode()
    assert "You are going, with 1 guest." in text and "28 places left" in text
    response = client.post(reverse("events:rsvp", args=[gathering.slug]), {})
    assert response.status_code == 400 and "already answered" in response.content.decode()
    client.post(reverse("events:rsvp_cancel", args=[gathering.slug]))
    rsvp.refresh_from_db()
    assert rsvp.state == RsvpState.CANCELLED


def test_a_visitor_answers_confirms_by_email_and_cancels_from_the_link(
    client, organise, django_capture_on_commit_callbacks
):
    gathering = organise()
    with django_capture_on_commit_callbacks(execute=True):
        response = _guest_answer(client, gathering, plus_ones="2", dietary="No nuts")
    assert response.status_code == 302
    assert response["Location"] == reverse("events:rsvp_sent", args=[gathering.slug])
    assert client.get(response["Location"]).status_code == 200
    rsvp = Rsvp.objects.get()
    assert rsvp.state == RsvpState.PENDING
    (message,) = mail.outbox
    link = next(word for word in message.body.split() if "/rsvp/confirm/" in word)
    path = link.split("8000", 1)[-1]
    page = client.get(path)
    assert page.status_code == 200 and "Yes, I am coming" in page.content.decode()
    rsvp.refresh_from_db()
    assert rsvp.state == RsvpState.PENDING  # opening the link is not enough: a mail scanner may
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(path).status_code == 200
    rsvp.refresh_from_db()
    assert rsvp.state == RsvpState.GOING and rsvp.answers == {"dietary": "No nuts"}
    assert client.post(path).status_code == 404  # used once
    confirmed_mail = mail.outbox[-1]
    cancel = next(word for word in confirmed_mail.body.split() if "/rsvp/cancel/" in word)
    cancel_path = cancel.split("8000", 1)[-1]
    assert client.get(cancel_path).status_code == 200
    assert client.post(cancel_path).status_code == 200
    rsvp.refresh_from_db()
    assert rsvp.state == RsvpState.CANCELLED
    assert client.get(cancel_path).status_code == 404


def test_a_broken_or_forged_link_says_so(client):
    for path in ("/gatherings/rsvp/confirm/nonsense/", "/gatherings/rsvp/cancel/x.y.z/"):
        response = client.get(path)
        assert (
            response.status_code == 404 and "This link does not work" in response.content.decode()
        )


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"name": "", "email": "jo@example.org"}, "Give your name"),
        ({"name": "Jo", "email": "nope"}, "like name@example.org"),
        ({"name": "Jo", "email": "jo@example.org", "plus_ones": "9"}, "Select a valid choice"),
        ({"name": "J" * 200, "email": "jo@example.org"}, "at most 100 characters"),
    ],
)
def test_a_visitors_bad_answer_is_refused_plainly(client, organise, data, says):
    gathering = organise()
    response = client.post(reverse("events:rsvp", args=[gathering.slug]), data)
    assert response.status_code == 400 and says in response.content.decode()
    assert not Rsvp.objects.exists()


def test_a_robot_filling_the_hidden_field_is_refused(client, organise):
    gathering = organise()
    response = _guest_answer(client, gathering, website="http://spam.example")
    assert response.status_code == 403 and not Rsvp.objects.exists()


def test_answering_again_with_an_address_already_going_looks_the_same(
    client, organise, django_capture_on_commit_callbacks
):
    gathering = organise()
    guest = services.rsvp_guest(gathering=gathering, name="Jo", email="jo@example.org")
    services.rsvp_confirm(token=links.confirm_token(guest))
    with django_capture_on_commit_callbacks(execute=True):
        response = _guest_answer(client, gathering, name="Someone else")
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert response["Location"] == reverse("events:rsvp_sent", args=[gathering.slug])
    assert Rsvp.objects.count() == 1 and "already has an answer" in mail.outbox[-1].body


def test_no_answers_once_cancelled(client, organise, moderator):
    gathering = organise()
    services.gathering_cancel(actor=moderator, gathering=gathering)
    text = client.get(gathering.get_absolute_url()).content.decode()
    assert "takes no answers" in text and "I am coming" not in text
    response = _guest_answer(client, gathering)
    assert response.status_code == 400 and "cancelled" in response.content.decode()


# --- Who is coming ---------------------------------------------------------------------------


def _full_house(gathering):
    member = UserFactory()
    services.rsvp_member(
        user=member, gathering=gathering, answers={"dietary": "Halal", "access": "Wheelchair"}
    )
    guest = services.rsvp_guest(
        gathering=gathering, name="Jo Visitor", email="jo.secret@example.org",
        answers={"dietary": "=cmd|' /C calc'!A0"},
    )  # fmt: skip
    services.rsvp_confirm(token=links.confirm_token(guest))
    services.rsvp_guest(gathering=gathering, name="Not Confirmed", email="nc@example.org")
    return member


def test_organisers_see_who_is_coming_and_their_answers_never_guests_addresses(
    client, organise, moderator, password
):
    gathering = organise()
    _full_house(gathering)
    client.login(email=moderator.email, password=password)
    page = client.get(reverse("events:attendees", args=[gathering.slug]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Jo Visitor" in text and "Halal" in text and "Wheelchair" in text
    assert "jo.secret@example.org" not in text and "Not Confirmed" not in text
    assert "1 guest has not confirmed" in text
    csv = b"".join(client.get(reverse("events:attendees_csv", args=[gathering.slug]))
                   .streaming_content).decode()  # fmt: skip
    assert "Jo Visitor" in csv and "Halal" in csv
    assert "jo.secret@example.org" not in csv and "@" not in csv
    assert "'=cmd" in csv  # a formula is kept as text


def test_nobody_else_sees_the_list_or_the_answers(client, organise, member, password):
    gathering = organise()
    going = _full_house(gathering)
    for path in (
        reverse("events:attendees", args=[gathering.slug]),
        reverse("events:attendees_csv", args=[gathering.slug]),
    ):
        assert client.get(path).status_code == 302  # visitors: sign in first
    client.login(email=member.email, password=password)
    for path in (
        reverse("events:attendees", args=[gathering.slug]),
        reverse("events:attendees_csv", args=[gathering.slug]),
    ):
        assert client.get(path).status_code == 403
    client.force_login(going)  # someone going sees their own answer's state, not others'
    text = client.get(gathering.get_absolute_url()).content.decode()
    assert "Jo Visitor" not in text and "Halal" not in text and "jo.secret" not in text


def test_the_list_merges_series_and_one_offs_in_order_page_by_page(organise):
    from bigsocnorth.events import selectors

    soon = next_week(days=1)
    running = organise(title="Running series", recurrence="FREQ=WEEKLY;COUNT=10", starts_at=soon)
    # Started three weeks ago and still running: first by its first time.
    shift = timedelta(days=21)
    Gathering.objects.filter(pk=running.pk).update(
        starts_at=running.starts_at - shift, ends_at=running.ends_at - shift
    )
    series = organise(title="Later series", recurrence="FREQ=WEEKLY;COUNT=4",
                      starts_at=next_week(days=3))  # fmt: skip
    one_offs = [organise(title=f"One-off {d}", starts_at=next_week(days=d)) for d in (2, 4, 9)]
    over = organise(title="Over", starts_at=next_week(days=5))
    Gathering.objects.filter(pk=over.pk).update(
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=2),
        last_ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=2),
    )
    expected = ["Running series", "One-off 2", "Later series", "One-off 4", "One-off 9"]
    titles = []
    for number in (1, 2, 3):
        page = selectors.gathering_list(filters=selectors.GatheringFilters(), page=number,
                                        per_page=2)  # fmt: skip
        assert page.paginator.count == 5 and page.paginator.num_pages == 3
        titles += [gathering.title for gathering in page.object_list]
    assert titles == expected
    past = selectors.gathering_list(filters=selectors.GatheringFilters(), past=True)
    assert [gathering.title for gathering in past.object_list] == ["Over"]
    # Beyond the last page: the last page.
    last = selectors.gathering_list(filters=selectors.GatheringFilters(), page=99, per_page=2)
    assert last.number == 3 and [g.title for g in last.object_list] == ["One-off 9"]
    assert {series.pk, *(g.pk for g in one_offs)} <= {g.pk for g in Gathering.objects.all()}


def test_a_long_list_is_counted_only_a_hundred_pages_ahead(client, organise):
    from bigsocnorth.events import selectors

    for number in range(41):
        organise(title=f"Gathering {number}", starts_at=next_week(days=number % 30 + 1))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(selectors, "LOOK_AHEAD_PAGES", 1)  # counts two pages of 20
        text = client.get(reverse("events:gathering_list")).content.decode()
        second = client.get(reverse("events:gathering_list") + "?page=2").content.decode()
    assert "More than 40 gatherings" in text and "Page 1 of 2+" in text
    assert 'rel="next"' in text
    # From page 2 it counts to page 3: all 41 are found, and the count is exact again.
    assert "41 gatherings" in second and "Page 2 of 3<" in second


def test_a_kept_card_follows_changes_and_answers(client, organise, moderator, area):
    from bigsocnorth.events.tests.conftest import gathering_values

    gathering = organise(title="Seed swap", capacity=10, plus_ones_allowed=0)
    url = reverse("events:gathering_list")
    assert "10 places left" in client.get(url).content.decode()
    services.rsvp_member(user=UserFactory(), gathering=gathering)
    assert "9 places left" in client.get(url).content.decode()
    services.gathering_edit(
        actor=moderator, gathering=gathering,
        values=gathering_values(area, title="Seed and plant swap", capacity=10),
    )  # fmt: skip
    text = client.get(url).content.decode()
    assert "Seed and plant swap" in text and "9 places left" in text
