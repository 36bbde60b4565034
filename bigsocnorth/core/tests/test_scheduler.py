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


def test_a_tick_of_a_job_is_claimed_once_however_many_schedulers_run(jobs, settings):
    settings.SCHEDULER_TICK_SECONDS = 60
    job = scheduler.ScheduledJob(name="claimed", run=lambda: [])
    at = 1_800_000_030.0  # half way through a tick

    tick = int(at // 60)
    assert jobs.tick_claim(job, at=at) == (tick, True)
    assert jobs.tick_claim(job, at=at + 20) == (tick, False)  # the same tick, another scheduler
    assert jobs.tick_claim(job, at=at + 60) == (tick + 1, True)  # the next tick


def test_a_claiming_tick_skips_a_job_another_scheduler_ran(jobs, settings):
    settings.SCHEDULER_TICK_SECONDS = 3600  # both calls fall in one tick
    ran = []
    jobs.register_job("once", run=lambda: ran.append("once") or ["once ran"])

    assert jobs.scheduler_tick(claim=True) == ["once ran"]
    assert jobs.scheduler_tick(claim=True) == []  # a second scheduler, same tick
    assert ran == ["once"]
