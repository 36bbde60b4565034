"""Run the platform's scheduled jobs (core.scheduler) every minute, until stopped.

django.tasks has no scheduler: `manage.py serve` starts this beside the web
server and the task worker. Several of these (one per machine) may run at
once: every job claims its own work, so nothing is done twice.
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from bigsocnorth.core.scheduler import scheduler_tick


class Command(BaseCommand):
    help = "Run scheduled jobs (digests, news feeds) every minute until stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=60.0, help="Seconds between ticks (default 60)."
        )
        parser.add_argument("--once", action="store_true", help="Tick once, and stop.")

    def handle(self, *args, interval, once, **options):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        previous = {
            signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            while not stopping:
                for line in scheduler_tick():
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
