"""Send the daily or weekly notification digests that are due. Safe to run from cron.

Running it twice, or on two machines at once, never sends anyone two
digests for one day or week (see notifications/digests.py).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from bigsocnorth.notifications.digests import digest_run
from bigsocnorth.notifications.models import EmailFrequency


class Command(BaseCommand):
    help = "Send the daily or weekly notification digests for the period due now."

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            required=True,
            choices=[EmailFrequency.DAILY.value, EmailFrequency.WEEKLY.value],
        )

    def handle(self, *args, frequency, **options):
        result = digest_run(frequency=frequency)
        self.stdout.write(
            f"{result.frequency.capitalize()} digests for the period from "
            f"{result.period.isoformat()}: {result.sent} sent."
        )
