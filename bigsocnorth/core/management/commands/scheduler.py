"""Run the platform's scheduled jobs (core.scheduler) every minute, until stopped.

django.tasks has no scheduler: `manage.py serve` starts this beside the web
server and the task worker. Several of these (one per machine) may run at
once: each tick of a job is claimed in the shared cache, and every job claims
its own work, so nothing is done twice (core/scheduler.py).
"""

from __future__ import annotations

import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from bigsocnorth.core.scheduler import scheduler_tick


class Command(BaseCommand):
    help = "Run scheduled jobs (digests, news feeds) every minute until stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between ticks (default SCHEDULER_TICK_SECONDS, 60).",
        )
        parser.add_argument("--once", action="store_true", help="Tick once, and stop.")

    def handle(self, *args, interval, once, verbosity, **options):
        if interval is None:
            interval = settings.SCHEDULER_TICK_SECONDS
        if verbosity >= 2:
            # Which scheduler ran which job in which tick: see core/scheduler.py.
            logging.getLogger("bigsocnorth.core.scheduler").setLevel(logging.DEBUG)
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        previous = {
            signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            while not stopping:
                for line in scheduler_tick(claim=not once):
                    self.stdout.write(line)
                if once:
                    break
                # A long-running process: drop connections the database closed meanwhile.
                close_old_connections()
                deadline = time.monotonic() + interval
                while not stopping and time.monotonic() < deadline:
                    time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
