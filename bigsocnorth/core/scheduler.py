"""Work that is due on a clock: django.tasks has no scheduler, so this is one.

Apps register a job from their AppConfig.ready():

    register_job("digests", run=send_due_digests)

`manage.py scheduler` (started by `manage.py serve`) calls every job once a
tick (SCHEDULER_TICK_SECONDS, a minute). A job only decides what is due and
does it, or enqueues it for the task worker. Several schedulers may run at
once (one per machine, or `make run-scaled` with more): each tick of a job is
claimed in the shared cache, so only one of them runs it, and each job also
claims its own work in the database, so even a cache that forgot a claim
(Redis restarted) never does anything twice. A job that fails is logged and
tried again at the next tick; it never stops the others.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

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


def tick_claim(job: ScheduledJob, *, at: float | None = None) -> tuple[int, bool]:
    """Claim this tick of `job` for this process: the tick's number, and whether
    this process has it (False when another scheduler claimed it first).

    A tick is a window of SCHEDULER_TICK_SECONDS; the claim is one atomic
    `add` in the shared cache, which names the claimer for whoever looks.
    """
    window = settings.SCHEDULER_TICK_SECONDS
    tick = int((time.time() if at is None else at) // window)
    claimer = f"{socket.gethostname()}:{os.getpid()}"
    claimed = cache.add(f"scheduler:{job.name}:{tick}", claimer, timeout=window * 2)
    if claimed is None:
        # Redis is away (settings: IGNORE_EXCEPTIONS makes the answer None, not
        # False): run the job anyway, as it claims its own work in the database.
        logger.warning("The scheduled job %r could not be claimed in the cache", job.name)
        return tick, True
    return tick, bool(claimed)


def scheduler_tick(*, claim: bool = False) -> list[str]:
    """Run every job once; a failing job is logged and the rest still run.

    With `claim`, a job another scheduler already ran in this tick is skipped.
    """
    lines: list[str] = []
    for job in scheduled_jobs():
        if claim:
            tick, mine = tick_claim(job)
            if not mine:
                logger.debug("The scheduled job %r ran elsewhere in tick %d", job.name, tick)
                continue
            logger.debug("The scheduled job %r runs here in tick %d", job.name, tick)
        try:
            lines.extend(job.run())
        except Exception:
            # A database that is briefly away must not stop the platform
            # (serve stops everything when a child dies): try again later.
            logger.exception("The scheduled job %r failed; trying again at the next tick", job.name)
    return lines
