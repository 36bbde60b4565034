"""Work that is due on a clock: django.tasks has no scheduler, so this is one.

Apps register a job from their AppConfig.ready():

    register_job("digests", run=send_due_digests)

`manage.py scheduler` (started by `manage.py serve`) calls every job once a
minute. A job only decides what is due and does it, or enqueues it for the
task worker; it must be safe to run from several schedulers at once (one per
machine), so each job claims its work in the database. A job that fails is
logged and tried again at the next tick; it never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    # Does what is due now; returns lines worth printing (what was sent or queued).
    run: Callable[[], list[str]]


_jobs: dict[str, ScheduledJob] = {}


def register_job(name: str, *, run: Callable[[], list[str]]) -> None:
    """Run `run()` at every tick of the scheduler. Registering a name again replaces it."""
    _jobs[name] = ScheduledJob(name=name, run=run)


def scheduled_jobs() -> list[ScheduledJob]:
    return list(_jobs.values())


def scheduler_tick() -> list[str]:
    """Run every job once; a failing job is logged and the rest still run."""
    lines: list[str] = []
    for job in scheduled_jobs():
        try:
            lines.extend(job.run())
        except Exception:
            # A database that is briefly away must not stop the platform
            # (serve stops everything when a child dies): try again later.
            logger.exception("The scheduled job %r failed; trying again at the next tick", job.name)
    return lines
