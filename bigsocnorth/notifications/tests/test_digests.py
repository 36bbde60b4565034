"""Daily and weekly digests: the right people, the right notifications, never twice."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.core.tests.test_concurrent_writes import _child_env
from bigsocnorth.notifications import digests, services
from bigsocnorth.notifications.models import (
    DigestDelivery,
    DigestRun,
    EmailFrequency,
    Notification,
)

pytestmark = pytest.mark.django_db

# Wednesday 1 July 2026, 09:00 in London (08:00 UTC, British Summer Time).
WEDNESDAY_9AM = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def _notification(user, *, at: datetime, message: str = "Something new") -> Notification:
    return Notification.objects.create(
        recipient=user, kind="test.hello", message=message, url="/directory/", created_at=at
    )


def _prefer(user, frequency: str) -> None:
    services.notification_preference_update(user=user, email_frequency=frequency)


# --- The schedule -------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # London 09:00 on Wednesday 1 July: today's period has started.
        (datetime(2026, 7, 1, 8, 0, tzinfo=UTC), date(2026, 7, 1)),
        # London 07:59: still yesterday's.
        (datetime(2026, 7, 1, 6, 59, tzinfo=UTC), date(2026, 6, 30)),
        # 23:30 UTC on 1 July is 00:30 on 2 July in London: before 08:00, so 1 July.
        (datetime(2026, 7, 1, 23, 30, tzinfo=UTC), date(2026, 7, 1)),
        # Winter: 08:00 UTC is 08:00 in London.
        (datetime(2026, 12, 2, 8, 0, tzinfo=UTC), date(2026, 12, 2)),
    ],
)
def test_the_daily_period_starts_at_the_digest_hour_in_london(now, expected):
    assert digests.digest_period(frequency=EmailFrequency.DAILY, now=now) == expected


def test_the_weekly_period_starts_on_the_digest_weekday(settings):
    weekly = EmailFrequency.WEEKLY
    # Wednesday: back to Monday 29 June.
    assert digests.digest_period(frequency=weekly, now=WEDNESDAY_9AM) == date(2026, 6, 29)
    # Monday 6 July 07:00 London: the new week's digest is not due yet.
    monday_early = datetime(2026, 7, 6, 6, 0, tzinfo=UTC)
    assert digests.digest_period(frequency=weekly, now=monday_early) == date(2026, 6, 29)
    assert digests.digest_period(frequency=weekly, now=monday_early + timedelta(hours=2)) == date(
        2026, 7, 6
    )
    settings.DIGEST_WEEKDAY = 4  # Friday
    assert digests.digest_period(frequency=weekly, now=WEDNESDAY_9AM) == date(2026, 6, 26)


def test_only_daily_and_weekly_are_digests():
    with pytest.raises(ValueError):
        digests.digest_period(frequency=EmailFrequency.IMMEDIATELY, now=WEDNESDAY_9AM)


# --- Sending ------------------------------------------------------------------


def test_a_daily_digest_gathers_each_persons_unsent_notifications(people, settings):
    settings.SITE_URL = "https://bigsocnorth.example.org"
    daily_default, weekly, straight_away, never = people
    _prefer(weekly, EmailFrequency.WEEKLY)
    _prefer(straight_away, EmailFrequency.IMMEDIATELY)
    _prefer(never, EmailFrequency.NEVER)
    yesterday = WEDNESDAY_9AM - timedelta(hours=20)  # 13:00 London on 30 June
    for person in people:
        _notification(person, at=yesterday, message=f"News for {person.pk}")
    _notification(daily_default, at=yesterday + timedelta(hours=1), message="More news")
    read = _notification(daily_default, at=yesterday, message="Already seen")
    read.read_at = yesterday
    read.save()
    old = _notification(daily_default, at=WEDNESDAY_9AM - timedelta(days=9), message="Old news")

    result = digests.digest_run(frequency=EmailFrequency.DAILY, now=WEDNESDAY_9AM)

    assert result.sent == 1
    assert result.period == date(2026, 7, 1)
    (message,) = mail.outbox
    assert message.to == [daily_default.email]
    assert message.subject.endswith("Your daily digest: 2 notifications")
    body = message.body
    assert body.index("More news") < body.index(f"News for {daily_default.pk}")  # newest first
    assert "30 June 2026, 14:00" in body and "30 June 2026, 13:00" in body  # London time
    assert "Already seen" not in body and "Old news" not in body
    assert "https://bigsocnorth.example.org/notifications/settings/" in body
    assert "https://bigsocnorth.example.org/unsubscribe/" in body
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<https://bigsocnorth.example.org/unsubscribe/"
    )
    assert (
        Notification.objects.filter(recipient=daily_default, emailed_at=WEDNESDAY_9AM).count() == 2
    )
    old.refresh_from_db()
    assert old.emailed_at is None
    assert not Notification.objects.filter(recipient__in=people[1:], emailed_at__isnull=False)
    delivery = DigestDelivery.objects.get()
    assert (delivery.user, delivery.period, delivery.notification_count) == (
        daily_default,
        date(2026, 7, 1),
        2,
    )
    run = DigestRun.objects.get()
    assert run.finished_at is not None and run.digests_sent == 1


def test_a_weekly_digest_goes_to_weekly_people_only(people):
    weekly, daily = people[:2]
    _prefer(weekly, EmailFrequency.WEEKLY)
    for person in (weekly, daily):
        _notification(person, at=WEDNESDAY_9AM - timedelta(days=2))

    result = digests.digest_run(frequency=EmailFrequency.WEEKLY, now=WEDNESDAY_9AM)

    assert result.sent == 1
    assert [m.to for m in mail.outbox] == [[weekly.email]]
    assert "Your weekly digest: 1 notification" in mail.outbox[0].subject


def test_blocked_people_get_no_digest(member):
    _notification(member, at=WEDNESDAY_9AM - timedelta(hours=1))
    member.is_active = False
    member.save()

    assert digests.digest_run(frequency=EmailFrequency.DAILY, now=WEDNESDAY_9AM).sent == 0
    assert mail.outbox == []


def test_a_long_digest_lists_the_newest_and_says_how_many_more(member, monkeypatch):
    monkeypatch.setattr(digests, "DIGEST_ITEMS_SHOWN", 3)
    for minute in range(5):
        _notification(
            member, at=WEDNESDAY_9AM - timedelta(minutes=minute + 1), message=f"N{minute}"
        )

    digests.digest_run(frequency=EmailFrequency.DAILY, now=WEDNESDAY_9AM)

    body = mail.outbox[0].body
    # Whole list lines: a random unsubscribe token can contain "N3" too.
    listed = [line for line in body.splitlines() if line.startswith("* ")]
    assert listed == ["* N0", "* N1", "* N2"]
    assert "And 2 more." in body
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_running_twice_never_sends_a_digest_twice(member, people):
    for person in [member, *people]:
        _notification(person, at=WEDNESDAY_9AM - timedelta(hours=1))

    first = digests.digest_run(frequency=EmailFrequency.DAILY, now=WEDNESDAY_9AM)
    # Something new after the first run, the same day: it waits for tomorrow.
    _notification(member, at=WEDNESDAY_9AM + timedelta(hours=1), message="Later")
    second = digests.digest_run(
        frequency=EmailFrequency.DAILY, now=WEDNESDAY_9AM + timedelta(hours=2)
    )

    assert (first.sent, second.sent) == (5, 0)
    assert len(mail.outbox) == 5
    assert DigestRun.objects.get().digests_sent == 5

    tomorrow = digests.digest_run(
        frequency=EmailFrequency.DAILY, now=WEDNESDAY_9AM + timedelta(days=1)
    )
    assert tomorrow.sent == 1
    assert "Later" in mail.outbox[-1].body


def test_sending_one_digest_is_idempotent_per_person_and_period(member):
    _notification(member, at=WEDNESDAY_9AM - timedelta(hours=1))
    period = date(2026, 7, 1)

    assert digests.digest_send_one(
        user_id=member.pk, frequency=EmailFrequency.DAILY, period=period, now=WEDNESDAY_9AM
    )
    _notification(member, at=WEDNESDAY_9AM)
    # Even with something new to send, the period's delivery row stops a second digest.
    assert not digests.digest_send_one(
        user_id=member.pk, frequency=EmailFrequency.DAILY, period=period, now=WEDNESDAY_9AM
    )
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 1


def test_digest_emails_go_through_the_task_worker(member, worker):
    _notification(member, at=WEDNESDAY_9AM - timedelta(hours=1))

    digests.digest_run(frequency=EmailFrequency.DAILY, now=WEDNESDAY_9AM)

    assert len(mail.outbox) == 1  # queued by the digest, delivered by deliver_email


def test_old_bookkeeping_is_pruned(member):
    DigestDelivery.objects.create(
        user=member,
        frequency="daily",
        period=date(2026, 1, 1),
        sent_at=WEDNESDAY_9AM - timedelta(days=90),
    )
    DigestRun.objects.create(
        frequency="daily", period=date(2026, 1, 1), started_at=WEDNESDAY_9AM - timedelta(days=90)
    )

    digests.digest_run(frequency=EmailFrequency.DAILY, now=WEDNESDAY_9AM)

    assert not DigestDelivery.objects.exists()
    assert list(DigestRun.objects.values_list("period", flat=True)) == [date(2026, 7, 1)]


# --- The scheduler and the command ----------------------------------------------


def test_the_scheduler_runs_each_period_once(member):
    _notification(member, at=WEDNESDAY_9AM - timedelta(hours=1))

    first = digests.scheduler_tick(now=WEDNESDAY_9AM)
    assert sorted(r.frequency for r in first) == ["daily", "weekly"]
    assert [r.sent for r in first if r.frequency == "daily"] == [1]
    assert digests.scheduler_tick(now=WEDNESDAY_9AM + timedelta(minutes=1)) == []
    # The next morning only the daily digest is due again.
    next_morning = digests.scheduler_tick(now=WEDNESDAY_9AM + timedelta(days=1))
    assert [r.frequency for r in next_morning] == ["daily"]


def test_send_digests_command(member, capsys, monkeypatch):
    _notification(member, at=datetime.now(UTC) - timedelta(minutes=5))

    call_command("send_digests", "--frequency", "daily")
    call_command("send_digests", "--frequency", "daily")

    output = capsys.readouterr().out
    assert "Daily digests for the period from" in output
    assert "1 sent." in output and "0 sent." in output
    assert len(mail.outbox) == 1


def test_send_digests_needs_a_frequency():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("send_digests", "--frequency", "hourly")


def test_the_scheduler_command_checks_once_and_stops(member, capsys):
    _notification(member, at=datetime.now(UTC) - timedelta(minutes=5))

    call_command("scheduler", "--once")

    assert "Daily digests for" in capsys.readouterr().out
    assert len(mail.outbox) == 1


# --- Two senders at once --------------------------------------------------------

SENDER = textwrap.dedent(
    """
    import sys
    from datetime import datetime

    import django

    django.setup()
    from bigsocnorth.notifications.digests import digest_run

    now = datetime.fromisoformat(sys.argv[1])
    sys.stdout.write("ready\\n")
    sys.stdout.flush()
    sys.stdin.readline()  # both start together
    print(digest_run(frequency="daily", now=now).sent)
    """
)


@pytest.mark.django_db(transaction=True)
def test_two_processes_sending_at_once_send_each_digest_once():
    from django_tasks_db.models import DBTaskResult

    people = UserFactory.create_batch(12)
    for person in people:
        for hours in (1, 2):
            _notification(person, at=WEDNESDAY_9AM - timedelta(hours=hours))
    env = _child_env()
    senders = [
        subprocess.Popen(
            [sys.executable, "-c", SENDER, WEDNESDAY_9AM.isoformat()],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for sender in senders:
        assert sender.stdout.readline().strip() == "ready"
    for sender in senders:
        sender.stdin.write("go\n")
        sender.stdin.flush()
    outputs = [sender.communicate(timeout=180) for sender in senders]

    for sender, (_stdout, stderr) in zip(senders, outputs, strict=True):
        assert sender.returncode == 0, stderr
    sent = [int(stdout.strip().splitlines()[-1]) for stdout, _ in outputs]
    assert sum(sent) == len(people)
    # Each digest is queued for the mail worker exactly once...
    queued = DBTaskResult.objects.filter(task_path="bigsocnorth.core.mail.deliver_email")
    assert queued.count() == len(people)
    recipients = sorted(task.args_kwargs["args"][0]["to"][0] for task in queued)
    assert recipients == sorted(person.email for person in people)
    # ...each person has one delivery, and each notification was emailed once.
    assert DigestDelivery.objects.count() == len(people)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
