"""Load invented demo content so a newcomer sees a living platform on first run.

Each app registers its own demo data set (`core.demo.registry`, from its
`content.py`); this runs them in order, each in a transaction of its own, and
prints what each loaded. The login accounts get random passwords, printed
last, in a box, and kept (readable by this user only) in VAR_DIR so that
`manage.py demo_logins` shows them again. Never run this on a real
deployment (it refuses when people already have accounts, with
--first-run-only).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from bigsocnorth.core.demo.registry import DemoLogin, demo_logins_save, demo_sets

RULE = "=" * 72


class Command(BaseCommand):
    help = "Load every app's demo data (people, directory, stories, …) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--first-run-only",
            action="store_true",
            help="Do nothing when the database already has any account.",
        )

    def handle(self, *args, first_run_only: bool, **options):
        if first_run_only and get_user_model().objects.exists():
            return
        logins: list[DemoLogin] = []
        for demo in demo_sets():
            with transaction.atomic():
                result = demo.load()
            for line in result.summary:
                self.stdout.write(line)
            logins += result.logins
        if logins:
            demo_logins_save(logins)
            self._logins(logins)

    def _logins(self, logins: list[DemoLogin]) -> None:
        """Last, in a box, so they are not scrolled away by what follows."""
        self.stdout.write(RULE)
        self.stdout.write(self.style.SUCCESS("Log in as:"))
        for login in logins:
            self.stdout.write(f"  {login.role:<10} {login.email:<24} password: {login.password}")
        self.stdout.write(
            "They are for development only. `manage.py demo_logins` shows them again."
        )
        self.stdout.write(RULE)
