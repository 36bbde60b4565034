"""The day-before reminders: who gets one, what it says, and that each time is reminded once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.core.scheduler import scheduled_jobs
from bigsocnorth.core.tests.test_concurrent_writes import _child_env
from bigsocnorth.events import links, services
from bigsocnorth.events.models import Gathering, Rsvp
from bigsocnorth.events.recurrence import LONDON
from bigsocnorth.events.reminders import gathering_reminders_send
from bigsocnorth.events.tests.conftest import gathering_values, next_week
from bigsocnorth.moderation import lifecycle
from bigsocnorth.notifications.services import notification_preference_update

pytestmark = pytest.mark.django_db


def _at(moment: datetime, hour: int, *, days: int = 0) -> datetime:
    """`hour` o'clock on the London clock, `days` after the London day of `moment`."""
    day = moment.astimezone(LONDON).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


def _day_before(gathering_start: datetime, hour: int = 10) -> datetime:
    return _at(gathering_start, hour, days=-1)


def _guest_going(gathering, *, name="Pat Guest", email="pat@example.org") -> Rsvp:
    guest = services.rsvp_guest(gathering=gathering, name=name, email=email)
    services.rsvp_confirm(token=links.confirm_token(guest))
    guest.refresh_from_db()
    return guest


def _remind(capture, *, now: datetime) -> list[str]:
    with capture(execute=True):
        return gathering_reminders_send(now=now)


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    def run(*, now: datetime) -> list:
        mail.outbox.clear()
        _remind(django_capture_on_commit_callbacks, now=now)
        return list(mail.outbox)

    return run


def test_the_job_is_registered_with_the_scheduler():
    jobs = {job.name: job.run for job in scheduled_jobs()}
    assert jobs["gathering_reminders"] is gathering_reminders_send


def test_a_member_and_a_confirmed_guest_going_each_get_one_email_the_day_before(
    organise, remind, moderator
):
    gathering = organise()
    member = UserFactory()
    services.rsvp_member(user=member, gathering=gathering)
    guest = _guest_going(gathering)

    sent = remind(now=_day_before(gathering.starts_at))

    by_address = {message.to[0]: message for message in sent}
    assert sorted(by_address) == sorted([member.email, "pat@example.org"])
    assert all(len(message.to) == 1 and not message.cc and not message.bcc for message in sent)
    page = gathering.get_absolute_url()
    starts = gathering.starts_at.astimezone(LONDON)
    for message in sent:
        assert message.subject == "Tomorrow: “Tea, cake and the future of the park”"
        assert f"{starts:%A} {starts.day} {starts:%B %Y}, 7:00pm (UK time)" in message.body
        assert "Burngreave Vestry Hall, Burngreave Road, Sheffield S3 9DH" in message.body
        assert page in message.body
    member_body = by_address[member.email].body
    assert f"Hello {member.profile.display_name}," in member_body
    assert f"{page}#answer-title" in member_body
    assert "/unsubscribe/" in member_body
    assert "/gatherings/rsvp/cancel/" not in member_body
    guest_body = by_address["pat@example.org"].body
    assert "Hello Pat Guest," in guest_body
    token = guest_body.split("/gatherings/rsvp/cancel/")[1].split("/")[0]
    assert links.rsvp_for_cancel_token(token).pk == guest.pk
    # The organiser is not going, so hears nothing, and never gets the guest's email.
    assert moderator.email not in by_address
    gathering.refresh_from_db()
    assert gathering.reminded_for == gathering.starts_at


def test_the_online_link_is_in_the_reminder_for_people_going(organise, remind):
    gathering = organise(
        in_person=False, online=True, online_url="https://meet.example.org/secret",
        venue_name="", venue_address="", place=None,
    )  # fmt: skip
    services.rsvp_member(user=UserFactory(), gathering=gathering)
    (message,) = remind(now=_day_before(gathering.starts_at))
    assert "Online: https://meet.example.org/secret" in message.body
    assert "Where:" not in message.body


def test_nobody_waiting_pending_or_cancelled_is_reminded(organise, remind):
    gathering = organise(capacity=1, plus_ones_allowed=0)
    going, waiting, cancelled = UserFactory(), UserFactory(), UserFactory()
    services.rsvp_member(user=going, gathering=gathering)
    services.rsvp_member(user=waiting, gathering=gathering)
    services.rsvp_guest(gathering=gathering, name="Unconfirmed", email="pending@example.org")
    gone = services.rsvp_member(user=cancelled, gathering=gathering)
    services.rsvp_cancel(rsvp=gone, user=cancelled)

    sent = remind(now=_day_before(gathering.starts_at))

    assert [message.to for message in sent] == [[going.email]]


def test_a_member_who_wants_no_emails_or_is_blocked_is_not_reminded(organise, remind):
    gathering = organise()
    quiet, blocked, keen = UserFactory(), UserFactory(), UserFactory()
    for person in (quiet, blocked, keen):
        services.rsvp_member(user=person, gathering=gathering)
    notification_preference_update(user=quiet, email_frequency="never")
    notification_preference_update(user=keen, email_frequency="weekly")
    blocked.is_active = False
    blocked.save(update_fields=["is_active"])

    sent = remind(now=_day_before(gathering.starts_at))

    assert [message.to for message in sent] == [[keen.email]]


def test_a_cancelled_gathering_is_not_reminded(organise, remind, moderator):
    gathering = organise()
    services.rsvp_member(user=UserFactory(), gathering=gathering)
    services.gathering_cancel(actor=moderator, gathering=gathering)
    assert remind(now=_day_before(gathering.starts_at)) == []
    gathering.refresh_from_db()
    assert gathering.reminded_for is None


def test_a_hidden_gathering_is_not_reminded(organise, remind):
    gathering = organise()
    services.rsvp_member(user=UserFactory(), gathering=gathering)
    _guest_going(gathering)
    lifecycle.hide(gathering, reason="Spam")
    assert remind(now=_day_before(gathering.starts_at)) == []


def test_running_the_job_again_sends_nothing_more(organise, remind):
    gathering = organise()
    services.rsvp_member(user=UserFactory(), gathering=gathering)
    day_before = _day_before(gathering.starts_at)
    assert len(remind(now=day_before)) == 1
    assert remind(now=day_before) == []
    assert remind(now=day_before + timedelta(hours=5)) == []


def test_it_waits_for_the_day_before_and_the_morning(organise, remind):
    gathering = organise()
    services.rsvp_member(user=UserFactory(), gathering=gathering)
    assert remind(now=_at(gathering.starts_at, 10, days=-3)) == []
    assert remind(now=_at(gathering.starts_at, 10, days=-2)) == []
    assert remind(now=_day_before(gathering.starts_at, hour=8)) == []
    # On the day itself it is too late for a reminder.
    assert remind(now=_at(gathering.starts_at, 10)) == []
    gathering.refresh_from_db()
    assert gathering.reminded_for is None
    assert len(remind(now=_day_before(gathering.starts_at, hour=9))) == 1


def test_a_weekly_series_is_reminded_once_for_each_time(organise, remind):
    gathering = organise(recurrence="FREQ=WEEKLY;COUNT=3")
    person = UserFactory()
    services.rsvp_member(user=person, gathering=gathering)
    first = gathering.starts_at

    for week in range(3):
        day_before = _day_before(first, hour=10) + timedelta(days=7 * week)
        (message,) = remind(now=day_before)
        time_then = _at(first, 19, days=7 * week)
        assert f"{time_then:%A} {time_then.day} {time_then:%B %Y}, 7:00pm" in message.body
        assert remind(now=day_before + timedelta(hours=3)) == []
        gathering.refresh_from_db()
        assert gathering.reminded_for == time_then
    # No fourth time.
    assert remind(now=_day_before(first) + timedelta(days=21)) == []


def test_a_postponed_gathering_is_reminded_for_its_new_time_only(organise, remind, moderator):
    gathering = organise()
    person = UserFactory()
    services.rsvp_member(user=person, gathering=gathering)
    old_start = gathering.starts_at
    assert len(remind(now=_day_before(old_start))) == 1

    new_start = old_start + timedelta(days=2)
    services.gathering_postpone(
        actor=moderator, gathering=gathering, starts_at=new_start,
        ends_at=new_start + timedelta(hours=2),
    )  # fmt: skip
    # The old day before sends nothing more; the new one reminds of the new time.
    assert remind(now=_day_before(old_start, hour=11)) == []
    (message,) = remind(now=_day_before(new_start))
    new_local = new_start.astimezone(LONDON)
    assert f"{new_local:%A} {new_local.day} {new_local:%B %Y}, 7:00pm" in message.body
    assert "postponed" in message.body
    gathering.refresh_from_db()
    assert gathering.reminded_for == new_start


def test_a_gathering_postponed_before_its_reminder_is_not_reminded_for_the_old_time(
    organise, remind, moderator
):
    gathering = organise()
    services.rsvp_member(user=UserFactory(), gathering=gathering)
    old_start = gathering.starts_at
    new_start = old_start + timedelta(days=7)
    services.gathering_postpone(
        actor=moderator, gathering=gathering, starts_at=new_start,
        ends_at=new_start + timedelta(hours=2),
    )  # fmt: skip
    assert remind(now=_day_before(old_start)) == []
    assert len(remind(now=_day_before(new_start))) == 1


def _gatherings_with_people(organise, *, count: int, members: int, guests: int) -> datetime:
    start = next_week(19)
    for number in range(count):
        gathering = organise(title=f"Gathering {number}", starts_at=start, capacity=None)
        for _ in range(members):
            services.rsvp_member(user=UserFactory(), gathering=gathering)
        for guest in range(guests):
            _guest_going(gathering, name="Guest", email=f"g{number}-{guest}@example.org")
    # One repeating one too, so the expansion is part of the count.
    series = organise(title="Weekly", starts_at=start, recurrence="FREQ=WEEKLY;COUNT=4")
    services.rsvp_member(user=UserFactory(), gathering=series)
    return start


def _queries_for(organise, django_capture_on_commit_callbacks, **sizes) -> tuple[int, int]:
    start = _gatherings_with_people(organise, **sizes)
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as queries:
        _remind(django_capture_on_commit_callbacks, now=_day_before(start))
    return len(queries), len(mail.outbox)


def test_the_query_count_does_not_grow_with_gatherings_or_people(
    organise, django_capture_on_commit_callbacks
):
    small, small_sent = _queries_for(
        organise, django_capture_on_commit_callbacks, count=1, members=1, guests=1
    )
    Gathering.objects.all().delete()
    large, large_sent = _queries_for(
        organise, django_capture_on_commit_callbacks, count=4, members=3, guests=2
    )
    assert (small_sent, large_sent) == (3, 21)
    assert large == small
    assert large <= 6  # lock and read, mark, people (and savepoints in the test)


# --- Several schedulers at once ----------------------------------------------------------------

SCHEDULER = textwrap.dedent(
    """
    import sys
    import time
    from datetime import datetime

    import django

    django.setup()
    from django.db import transaction

    from bigsocnorth.events import reminders

    def send_later(*, address, subject, body):
        # What the real one does, minus the mail: count it only if the claim commits.
        transaction.on_commit(lambda: print(address, flush=True))

    def slow_time_within(gathering, **window):
        # Between reading and marking: where a second scheduler would slip in.
        time.sleep(0.05)
        return real_time_within(gathering, **window)

    reminders._send_later = send_later
    real_time_within, reminders.time_within = reminders.time_within, slow_time_within
    reminders.BATCH = 1  # one gathering a tick: the schedulers meet at every one
    now = datetime.fromisoformat(sys.argv[1])
    sys.stdout.write("ready\\n")
    sys.stdout.flush()
    sys.stdin.readline()  # wait for the go signal so all start together
    for _tick in range(8):
        reminders.gathering_reminders_send(now=now)
    """
)


@pytest.mark.django_db(transaction=True)
def test_schedulers_running_at_once_remind_each_person_once(area, moderator):
    start = next_week(19)
    expected = []
    for number in range(6):
        gathering = services.gathering_create(
            author=moderator, values=gathering_values(area, title=f"G{number}", starts_at=start)
        )
        for person in UserFactory.create_batch(2):
            services.rsvp_member(user=person, gathering=gathering)
            expected.append(person.email)
    env = _child_env()
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SCHEDULER, _day_before(start).isoformat()],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)  # two machines' schedulers
    ]
    for process in processes:
        assert process.stdout.readline().strip() == "ready", process.stderr.read()
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    outputs = [process.communicate(timeout=120) for process in processes]

    sent = []
    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
        sent += stdout.split()
    assert sorted(sent) == sorted(expected)
    assert not Gathering.objects.filter(reminded_for__isnull=True).exists()
