"""The scheduler runs every registered job at each tick, and one failing job stops none."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from bigsocnorth.core import scheduler


@pytest.fixture
def jobs(monkeypatch):
    # Only this test's jobs, and the real ones back afterwards.
    monkeypatch.setattr(scheduler, "_jobs", {})
    return scheduler


def test_every_job_runs_and_a_failing_one_is_logged(jobs, caplog):
    ran = []

    def broken():
        raise RuntimeError("database away")

    jobs.register_job("first", run=lambda: ran.append("first") or ["first ran"])
    jobs.register_job("broken", run=broken)
    jobs.register_job("last", run=lambda: ran.append("last") or [])

    assert jobs.scheduler_tick() == ["first ran"]
    assert ran == ["first", "last"]
    assert "The scheduled job 'broken' failed" in caplog.text


def test_the_command_ticks_once_and_prints_what_was_done(jobs, capsys):
    jobs.register_job("example", run=lambda: ["3 things done."])
    call_command("scheduler", "--once")
    assert capsys.readouterr().out == "3 things done.\n"


def test_the_platform_registers_its_jobs():
    names = {job.name for job in scheduler.scheduled_jobs()}
    assert {"digests", "news_feeds"} <= names
