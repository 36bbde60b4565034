"""Send the daily and weekly digests when they are due; runs until stopped.

django.tasks has no scheduler: `manage.py serve` starts this beside the web
server and the task worker. Several of these (one per machine) may run at
once, and cron may run `send_digests` too: sending is idempotent per person
and period, so nobody gets a digest twice.
"""

from __future__ import annotations

import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from bigsocnorth.notifications.digests import scheduler_tick

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send notification digests when they are due, checking every minute, until stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=60.0, help="Seconds between checks (default 60)."
        )
        parser.add_argument(
            "--once", action="store_true", help="Check once, send what is due, and stop."
        )

    def handle(self, *args, interval, once, **options):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        previous = {
            signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            self._loop(interval=interval, once=once, stopping=lambda: stopping)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _loop(self, *, interval: float, once: bool, stopping) -> None:
        while not stopping():
            try:
                for result in scheduler_tick():
                    self.stdout.write(
                        f"{result.frequency.capitalize()} digests for "
                        f"{result.period.isoformat()}: {result.sent} sent."
                    )
            except Exception:
                # A database that is briefly away must not stop the platform
                # (serve stops everything when a child dies): try again later.
                logger.exception("Sending digests failed; trying again at the next check")
            if once:
                break
            # A long-running process: drop connections the database closed meanwhile.
            close_old_connections()
            deadline = time.monotonic() + interval
            while not stopping() and time.monotonic() < deadline:
                time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
