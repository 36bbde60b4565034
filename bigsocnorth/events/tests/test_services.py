"""Writing gatherings and answers through the services: every bad input gets a plain message
and leaves nothing half-saved; changes reach everyone going."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.core.markdown import render_markdown
from bigsocnorth.events import links, services
from bigsocnorth.events.models import Gathering, GatheringState, Rsvp, RsvpState
from bigsocnorth.events.notices import Kind
from bigsocnorth.events.tests.conftest import gathering_values, next_week
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.notifications.models import Notification
from bigsocnorth.notifications.services import follow_create

pytestmark = pytest.mark.django_db


def _problems(error: ValidationError, field: str) -> str:
    return " ".join(error.value.message_dict.get(field, []))


# --- Creating and editing ------------------------------------------------------------------


def test_a_moderator_publishes_at_once_and_a_new_member_goes_to_review(organise, member):
    published = organise()
    assert is_public(published)
    assert published.slug == "tea-cake-and-the-future-of-the-park"
    assert published.last_ends_at == published.ends_at
    waiting = organise(author=member, title="A first gathering")
    assert not is_public(waiting)


def test_followers_of_the_area_hear_of_a_new_gathering_once(organise, area, member):
    follow_create(user=member, target=area)
    gathering = organise()
    (notice,) = Notification.objects.filter(recipient=member)
    assert notice.kind == Kind.NEW and gathering.title in notice.message
    assert "Sheffield" in notice.message


@pytest.mark.parametrize(
    ("overrides", "field", "says"),
    [
        ({"title": ""}, "title", "Give the gathering a title"),
        ({"title": "x" * 161}, "title", "at most 160 characters"),
        ({"description": ""}, "description", "Say what the gathering is"),
        ({"description": "x" * 10_001}, "description", "at most 10,000"),
        ({"ends_at": None}, "ends_at", "Give the day and time it ends"),
        ({"ends_at": "tomorrow"}, "ends_at", "Give the day and time it ends"),
        ({"capacity": 0}, "capacity", "from 1 to 10,000"),
        ({"capacity": 1_000_000}, "capacity", "from 1 to 10,000"),
        ({"capacity": "lots"}, "capacity", "from 1 to 10,000"),
        ({"capacity": -3}, "capacity", "from 1 to 10,000"),
        ({"plus_ones_allowed": 6}, "plus_ones_allowed", "from 0 to 5"),
        ({"in_person": False, "online": False}, "in_person", "in person, online, or both"),
        ({"place": None}, "place", "Say where"),
        ({"venue_name": ""}, "venue_name", "venue wanted"),
        ({"online": True, "online_url": ""}, "online_url", "Give the link"),
        ({"online": True, "online_url": "ftp://files.example.org/x"}, "online_url", "http"),
        ({"online": True, "online_url": "javascript:alert(1)"}, "online_url", "http"),
        ({"online": True, "online_url": "http://192.168.1.10/meet"}, "online_url", "private"),
        ({"online": True, "online_url": "http://127.0.0.1:8000/"}, "online_url", "this server"),
        ({"online": True, "online_url": "http://meet.internal/x"}, "online_url", "local network"),
        ({"online": True, "online_url": "https://" + "a" * 2_000 + ".org"}, "online_url", "long"),
        ({"recurrence": "FREQ=DAILY;COUNT=5"}, "recurrence", "at most once a week"),
        ({"recurrence": "FREQ=WEEKLY;COUNT=60"}, "recurrence", "at most 52"),
        ({"recurrence": "FREQ=WEEKLY"}, "recurrence", "when it stops"),
        ({"tags": ",".join(f"t{n}" for n in range(20))}, "tags", "at most 10 tags"),
        ({"public_transport": "x" * 301}, "public_transport", "at most 300"),
    ],
)
def test_bad_input_is_refused_plainly_and_nothing_is_saved(area, moderator, overrides, field, says):
    with pytest.raises(ValidationError) as error:
        services.gathering_create(author=moderator, values=gathering_values(area, **overrides))
    assert says in _problems(error, field), error.value.message_dict
    assert not Gathering.objects.exists()


def test_the_end_before_the_start_and_a_time_in_the_past_are_refused(area, moderator):
    start = next_week()
    with pytest.raises(ValidationError) as error:
        services.gathering_create(
            author=moderator,
            values=gathering_values(area, starts_at=start, ends_at=start - timedelta(hours=1)),
        )
    assert "The end is before the start" in _problems(error, "ends_at")
    past = timezone.now() - timedelta(days=2)
    with pytest.raises(ValidationError) as error:
        services.gathering_create(
            author=moderator,
            values=gathering_values(area, starts_at=past, ends_at=past + timedelta(hours=1)),
        )
    assert "already passed" in _problems(error, "starts_at")
    assert not Gathering.objects.exists()


def test_hostile_text_is_kept_as_text_and_never_runs(organise):
    hostile = '<script>alert("x")</script> [click](javascript:alert(1)) <img src=x onerror=y>'
    gathering = organise(title='<b onmouseover="x">Hi</b>', description=hostile)
    gathering.refresh_from_db()
    assert gathering.description == hostile
    html = render_markdown(gathering.description)
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html


def test_control_characters_are_dropped(organise):
    gathering = organise(title="Tea\x00 and\x07 cake")
    assert gathering.title == "Tea and cake"


def test_an_online_gathering_needs_no_place_and_a_venue_wanted_needs_no_venue(organise, area):
    online = organise(
        title="Online meet-up", in_person=False, online=True, place=None,
        online_url="https://meet.example.org/abc",
    )  # fmt: skip
    assert online.local_authority is None and online.venue_name == ""
    from bigsocnorth.places.services import PlaceValue

    wanted = organise(
        title="Somewhere in Sheffield", venue_wanted=True, venue_name="",
        place=PlaceValue(name="", local_authority=area),
    )  # fmt: skip
    assert wanted.venue_wanted and wanted.local_authority == area and wanted.latitude is None


def test_a_weekly_series_is_upcoming_until_its_last_time_ends(organise):
    start = next_week()
    gathering = organise(starts_at=start, recurrence="FREQ=WEEKLY;COUNT=4")
    assert gathering.recurrence.startswith("FREQ=WEEKLY")
    assert gathering.last_ends_at == gathering.ends_at + timedelta(weeks=3)


def test_only_organisers_and_moderators_edit(organise, member):
    gathering = organise()
    with pytest.raises(PermissionDenied):
        services.gathering_edit(
            actor=member, gathering=gathering, values=gathering_values(gathering.local_authority)
        )


def test_the_capacity_cannot_go_below_the_places_taken_and_raising_it_moves_people_up(
    organise, moderator, area
):
    gathering = organise(capacity=2, plus_ones_allowed=0)
    first, second, third = UserFactory.create_batch(3)
    for person in (first, second, third):
        services.rsvp_member(user=person, gathering=gathering)
    with pytest.raises(ValidationError) as error:
        services.gathering_edit(
            actor=moderator, gathering=gathering,
            values=gathering_values(area, starts_at=gathering.starts_at, capacity=1,
                                    plus_ones_allowed=0),
        )  # fmt: skip
    assert "2 places are already taken" in _problems(error, "capacity")
    services.gathering_edit(
        actor=moderator, gathering=gathering,
        values=gathering_values(area, starts_at=gathering.starts_at, capacity=3,
                                plus_ones_allowed=0),
    )  # fmt: skip
    assert Rsvp.objects.get(user=third).state == RsvpState.GOING
    assert Notification.objects.filter(recipient=third, kind=Kind.PROMOTED).exists()


# --- Its state -------------------------------------------------------------------------------


def _someone_going(gathering) -> tuple:
    person = UserFactory()
    services.rsvp_member(user=person, gathering=gathering)
    guest = services.rsvp_guest(gathering=gathering, name="Pat Guest", email="pat@example.org")
    services.rsvp_confirm(token=links.confirm_token(guest))
    return person, guest


def test_postponing_moves_the_date_and_tells_everyone_going(
    organise, moderator, django_capture_on_commit_callbacks
):
    gathering = organise()
    person, _guest = _someone_going(gathering)
    mail.outbox.clear()
    new_start = gathering.starts_at + timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        services.gathering_postpone(
            actor=moderator, gathering=gathering, starts_at=new_start,
            ends_at=new_start + timedelta(hours=2), note="The hall flooded.",
        )  # fmt: skip
    gathering.refresh_from_db()
    assert gathering.state == GatheringState.POSTPONED
    assert gathering.starts_at == new_start and gathering.postponed_from is not None
    notice = Notification.objects.get(recipient=person, kind=Kind.CHANGED)
    assert "postponed" in notice.message
    (message,) = mail.outbox
    assert message.to == ["pat@example.org"] and "postponed" in message.body
    assert "/gatherings/rsvp/cancel/" in message.body


def test_postponing_needs_a_later_time(organise, moderator):
    gathering = organise()
    with pytest.raises(ValidationError) as error:
        services.gathering_postpone(
            actor=moderator, gathering=gathering, starts_at=gathering.starts_at - timedelta(days=1),
            ends_at=gathering.starts_at,
        )  # fmt: skip
    assert "later time" in _problems(error, "starts_at")


def test_cancelling_tells_everyone_and_stops_answers(organise, moderator):
    gathering = organise()
    person, _guest = _someone_going(gathering)
    services.gathering_cancel(actor=moderator, gathering=gathering, note="Sorry!")
    assert "cancelled" in Notification.objects.get(recipient=person, kind=Kind.CHANGED).message
    with pytest.raises(ValidationError) as error:
        services.rsvp_member(user=UserFactory(), gathering=gathering)
    assert "cancelled" in _problems(error, "__all__")
    with pytest.raises(ValidationError):
        services.gathering_cancel(actor=moderator, gathering=gathering)


def test_a_tentative_gathering_is_confirmed(organise, moderator):
    gathering = organise(state=GatheringState.TENTATIVE)
    person = UserFactory()
    services.rsvp_member(user=person, gathering=gathering)
    services.gathering_confirm(actor=moderator, gathering=gathering)
    assert gathering.state == GatheringState.CONFIRMED
    assert "confirmed" in Notification.objects.get(recipient=person, kind=Kind.CHANGED).message
    with pytest.raises(ValidationError):
        services.gathering_confirm(actor=moderator, gathering=gathering)


def test_a_stranger_cannot_change_its_state(organise, member):
    gathering = organise()
    with pytest.raises(PermissionDenied):
        services.gathering_cancel(actor=member, gathering=gathering)


# --- Answers ---------------------------------------------------------------------------------


def test_a_member_answers_once(organise, member):
    gathering = organise()
    rsvp = services.rsvp_member(
        user=member, gathering=gathering, plus_ones=2,
        answers={"dietary": "Vegan", "access": "", "other": "ignored"},
    )  # fmt: skip
    assert rsvp.state == RsvpState.GOING and rsvp.places == 3
    assert rsvp.answers == {"dietary": "Vegan"}
    assert services.places_taken(gathering) == 3
    with pytest.raises(ValidationError) as error:
        services.rsvp_member(user=member, gathering=gathering)
    assert "already answered" in _problems(error, "__all__")


@pytest.mark.parametrize("plus_ones", [3, -1, "many", 99])
def test_plus_ones_are_bounded(organise, member, plus_ones):
    gathering = organise(plus_ones_allowed=2)
    with pytest.raises(ValidationError) as error:
        services.rsvp_member(user=member, gathering=gathering, plus_ones=plus_ones)
    assert "from 0 to 2" in _problems(error, "plus_ones")
    assert not Rsvp.objects.exists()


def test_answers_are_bounded(organise, member):
    gathering = organise()
    with pytest.raises(ValidationError) as error:
        services.rsvp_member(user=member, gathering=gathering, answers={"dietary": "x" * 501})
    assert "at most 500" in _problems(error, "dietary")


def test_no_answers_to_a_gathering_in_review_or_over(organise, member, moderator):
    waiting = organise(author=UserFactory(), title="Not yet public")
    with pytest.raises(ValidationError) as error:
        services.rsvp_member(user=member, gathering=waiting)
    assert "not open for answers" in _problems(error, "__all__")
    over = organise(title="Long ago")
    with pytest.raises(ValidationError) as error:
        services.rsvp_member(
            user=member, gathering=over, now=over.last_ends_at + timedelta(minutes=1)
        )
    assert "already happened" in _problems(error, "__all__")


def test_a_guest_counts_only_once_their_email_is_confirmed(
    organise, django_capture_on_commit_callbacks
):
    gathering = organise(capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        rsvp = services.rsvp_guest(
            gathering=gathering, name="Alex", email="Alex@Example.org", plus_ones=1
        )
    assert rsvp.state == RsvpState.PENDING and rsvp.guest_email == "alex@example.org"
    assert services.places_taken(gathering) == 0
    (message,) = mail.outbox
    assert message.to == ["alex@example.org"]
    token = message.body.split("/gatherings/rsvp/confirm/")[1].split("/")[0]
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.rsvp_confirm(token=token)
    assert confirmed.state == RsvpState.GOING and services.places_taken(gathering) == 2
    # The link works once.
    assert services.rsvp_confirm(token=token) is None
    assert services.rsvp_confirm(token=token[:-3] + "abc") is None


@pytest.mark.parametrize(
    ("name", "email", "field"),
    [("", "a@example.org", "name"), ("A" * 101, "a@example.org", "name"),
     ("Alex", "not-an-email", "email"), ("Alex", "", "email"),
     ("Alex", "a@" + "b" * 260 + ".org", "email")],
)  # fmt: skip
def test_a_guest_gives_a_name_and_a_real_email(organise, name, email, field):
    gathering = organise()
    with pytest.raises(ValidationError) as error:
        services.rsvp_guest(gathering=gathering, name=name, email=email)
    assert _problems(error, field)
    assert not Rsvp.objects.exists()


def test_the_same_guest_address_twice_is_told_by_email_not_on_the_page(
    organise, django_capture_on_commit_callbacks
):
    gathering = organise()
    first = services.rsvp_guest(gathering=gathering, name="Alex", email="alex@example.org")
    services.rsvp_confirm(token=links.confirm_token(first))
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.AlreadyAnswered),
    ):
        services.rsvp_guest(gathering=gathering, name="Someone", email="alex@example.org")
    (message,) = mail.outbox
    assert message.to == ["alex@example.org"] and "already has an answer" in message.body
    assert Rsvp.objects.count() == 1


def test_a_guest_cancels_from_the_link_and_the_first_waiting_moves_up(organise):
    gathering = organise(capacity=1, plus_ones_allowed=0)
    guest = services.rsvp_guest(gathering=gathering, name="Alex", email="alex@example.org")
    services.rsvp_confirm(token=links.confirm_token(guest))
    waiting = services.rsvp_member(user=UserFactory(), gathering=gathering)
    assert waiting.state == RsvpState.WAITING
    guest.refresh_from_db()
    assert services.rsvp_cancel_by_token(token=links.cancel_token(guest)) is not None
    assert services.rsvp_cancel_by_token(token=links.cancel_token(guest)) is None
    waiting.refresh_from_db()
    assert waiting.state == RsvpState.GOING
    assert Notification.objects.filter(recipient=waiting.user, kind=Kind.PROMOTED).exists()


def test_the_waiting_list_is_first_come_and_nobody_is_overtaken(organise):
    gathering = organise(capacity=3, plus_ones_allowed=2)
    first, big, small, late = UserFactory.create_batch(4)
    going = services.rsvp_member(user=first, gathering=gathering, plus_ones=2)
    assert going.state == RsvpState.GOING
    big_party = services.rsvp_member(user=big, gathering=gathering, plus_ones=2)
    # Someone after a waiting party waits too, even if one place would fit them.
    small_party = services.rsvp_member(user=small, gathering=gathering)
    assert big_party.state == small_party.state == RsvpState.WAITING
    services.rsvp_cancel(rsvp=going, user=first)
    big_party.refresh_from_db()
    small_party.refresh_from_db()
    assert big_party.state == RsvpState.GOING and small_party.state == RsvpState.WAITING
    services.rsvp_cancel(rsvp=big_party, user=big)
    small_party.refresh_from_db()
    assert small_party.state == RsvpState.GOING
    assert services.rsvp_member(user=late, gathering=gathering).state == RsvpState.GOING


def test_a_member_cancels_only_their_own_and_may_answer_again(organise, member):
    gathering = organise()
    rsvp = services.rsvp_member(user=member, gathering=gathering)
    with pytest.raises(PermissionDenied):
        services.rsvp_cancel(rsvp=rsvp, user=UserFactory())
    assert services.rsvp_cancel(rsvp=rsvp, user=member)
    assert not services.rsvp_cancel(rsvp=rsvp, user=member)
    again = services.rsvp_member(user=member, gathering=gathering)
    assert again.pk == rsvp.pk and again.state == RsvpState.GOING
