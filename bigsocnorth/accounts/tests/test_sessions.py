"""Expired sessions are cleared by the scheduler once a day; live ones stay."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from bigsocnorth.accounts.sessions import expired_sessions_clear
from bigsocnorth.core import scheduler


def _session(key: str, *, expires_in: timedelta) -> None:
    Session.objects.create(
        session_key=key, session_data="", expire_date=timezone.now() + expires_in
    )


def test_expired_sessions_go_once_a_day_and_live_ones_stay(db):
    _session("expired" * 4, expires_in=timedelta(days=-1))
    _session("live" * 8, expires_in=timedelta(days=10))

    expired_sessions_clear(today=date(2026, 12, 8))

    assert list(Session.objects.values_list("session_key", flat=True)) == ["live" * 8]

    # Later the same day (another scheduler, or the next tick) nothing runs again...
    _session("lapsed" * 5, expires_in=timedelta(seconds=-1))
    expired_sessions_clear(today=date(2026, 12, 8))
    assert Session.objects.filter(session_key="lapsed" * 5).exists()
    # ...until the next day.
    expired_sessions_clear(today=date(2026, 12, 9))
    assert not Session.objects.filter(session_key="lapsed" * 5).exists()


def test_the_scheduler_runs_it():
    assert "sessions_clear" in {job.name for job in scheduler.scheduled_jobs()}
