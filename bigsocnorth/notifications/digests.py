"""Daily and weekly digest emails, and the schedule that sends them.

django.tasks has no scheduler, so the schedule is plain data: a period
(a London date) is due from DIGEST_HOUR on that day, every day for daily
digests and on DIGEST_WEEKDAY for weekly ones. `digest_run` sends the
digests of the period due now; `manage.py send_digests` calls it (from cron,
or by hand) and `manage.py scheduler` calls it once per period (it is
started by `manage.py serve`; see core.scheduler).

Sending is idempotent per person and period: each digest is written as a
DigestDelivery row, unique for (person, frequency, period), in the same
transaction that locks and marks the notifications and queues the email.
Running twice, or in two processes at once, can never send one person two
digests for one period, nor one notification in two emails.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from bigsocnorth.notifications.emails import LONDON, digest_email, frequency_condition
from bigsocnorth.notifications.models import (
    DIGEST_FREQUENCIES,
    DigestDelivery,
    DigestRun,
    EmailFrequency,
    Notification,
)

logger = logging.getLogger(__name__)

# A digest never brings up anything older than a week and a day: the weekly
# window plus slack for a late run. Older unread notices stay on the site.
DIGEST_LOOKBACK = timedelta(days=8)
# The newest this many are written out; the email says how many more there are.
DIGEST_ITEMS_SHOWN = 50
# Bookkeeping older than this cannot affect a period still being sent.
BOOKKEEPING_KEPT = timedelta(days=60)


def _check_frequency(frequency: str) -> None:
    if frequency not in DIGEST_FREQUENCIES:
        raise ValueError(f"Digests are daily or weekly, not {frequency!r}.")


def digest_period(*, frequency: str, now: datetime) -> date:
    """The London date on which the latest period due at `now` starts.

    Daily: today once DIGEST_HOUR has come, else yesterday. Weekly: the
    latest DIGEST_WEEKDAY whose DIGEST_HOUR has come.
    """
    _check_frequency(frequency)
    local = timezone.localtime(now, LONDON)
    today = local.date()
    before_hour = local.hour < settings.DIGEST_HOUR
    if frequency == EmailFrequency.DAILY:
        return today - timedelta(days=1) if before_hour else today
    start = today - timedelta(days=(today.weekday() - settings.DIGEST_WEEKDAY) % 7)
    if start == today and before_hour:
        start -= timedelta(days=7)
    return start


def digest_due_at(*, period: date) -> datetime:
    return datetime.combine(period, time(hour=settings.DIGEST_HOUR), tzinfo=LONDON)


def _pending_notifications(*, now: datetime):
    return Notification.objects.filter(
        emailed_at__isnull=True,
        read_at__isnull=True,
        created_at__gt=now - DIGEST_LOOKBACK,
        created_at__lte=now,
    )


def digest_recipient_ids(*, frequency: str, period: date, now: datetime) -> list[int]:
    """People due a digest: on this frequency, with something to tell, not yet sent one."""
    _check_frequency(frequency)
    sent = DigestDelivery.objects.filter(user=OuterRef("pk"), frequency=frequency, period=period)
    pending = _pending_notifications(now=now).filter(recipient=OuterRef("pk"))
    return list(
        get_user_model()
        .objects.filter(frequency_condition(frequency), is_active=True)
        .filter(Exists(pending))
        .exclude(Exists(sent))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def digest_send_one(*, user_id: int, frequency: str, period: date, now: datetime) -> bool:
    """Send one person their digest for `period`; False if there was none to send.

    One transaction: re-check the person, lock their unsent notifications,
    record the delivery (the unique row another sender would collide with),
    mark the notifications emailed and queue the email.
    """
    try:
        with transaction.atomic():
            user = (
                get_user_model()
                .objects.filter(frequency_condition(frequency), pk=user_id, is_active=True)
                .first()
            )
            if user is None:
                return False
            notifications = list(
                _pending_notifications(now=now)
                .select_for_update()
                .filter(recipient_id=user_id)
                .order_by("-created_at", "-pk")
            )
            if not notifications:
                return False
            DigestDelivery.objects.create(
                user_id=user_id,
                frequency=frequency,
                period=period,
                sent_at=now,
                notification_count=len(notifications),
            )
            Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=now)
            message = digest_email(
                user=user,
                frequency=frequency,
                notifications=notifications,
                shown_max=DIGEST_ITEMS_SHOWN,
            )
            mailers["default"].send_messages([message])
    except IntegrityError:
        # Another sender recorded this person's digest for the period first.
        return False
    return True


@dataclass
class DigestRunResult:
    frequency: str
    period: date
    sent: int


def digest_run(*, frequency: str, now: datetime | None = None) -> DigestRunResult:
    """Send the digests of the period due at `now` to everyone who has not had theirs.

    Safe to call any number of times and from several processes at once.
    Records the run, so the scheduler knows the period is done.
    """
    _check_frequency(frequency)
    now = now or timezone.now()
    period = digest_period(frequency=frequency, now=now)
    try:
        with transaction.atomic():
            run, _created = DigestRun.objects.get_or_create(
                frequency=frequency, period=period, defaults={"started_at": now}
            )
    except IntegrityError:
        # Two runs started at the same instant; the other one made the row.
        run = DigestRun.objects.get(frequency=frequency, period=period)
    sent = 0
    for user_id in digest_recipient_ids(frequency=frequency, period=period, now=now):
        if digest_send_one(user_id=user_id, frequency=frequency, period=period, now=now):
            sent += 1
    DigestRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), digests_sent=F("digests_sent") + sent
    )
    _bookkeeping_prune(now=now)
    logger.info("%s digests for %s: %d sent", frequency.capitalize(), period, sent)
    return DigestRunResult(frequency=frequency, period=period, sent=sent)


def _bookkeeping_prune(*, now: datetime) -> None:
    cutoff = now - BOOKKEEPING_KEPT
    DigestDelivery.objects.filter(sent_at__lt=cutoff).delete()
    DigestRun.objects.filter(started_at__lt=cutoff).delete()


def digest_runs_due(*, now: datetime) -> list[str]:
    """The frequencies whose current period has no finished run yet."""
    due = []
    for frequency in DIGEST_FREQUENCIES:
        period = digest_period(frequency=frequency, now=now)
        finished = DigestRun.objects.filter(
            frequency=frequency, period=period, finished_at__isnull=False
        ).exists()
        if not finished:
            due.append(frequency)
    return due


def scheduler_tick(*, now: datetime | None = None) -> list[DigestRunResult]:
    """What the scheduler does each minute: run every digest whose period is due."""
    now = now or timezone.now()
    return [digest_run(frequency=frequency, now=now) for frequency in digest_runs_due(now=now)]


def scheduled_digests() -> list[str]:
    """The scheduler's job (registered in apps.py): send what is due, say what was sent."""
    return [
        f"{result.frequency.capitalize()} digests for {result.period.isoformat()}: "
        f"{result.sent} sent."
        for result in scheduler_tick()
    ]
