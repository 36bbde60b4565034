"""Show the demo's login accounts and passwords again (they scroll away on the first run)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from bigsocnorth.core.demo.registry import demo_logins_read

RULE = "=" * 72


class Command(BaseCommand):
    help = "Show the demo login accounts and their passwords, for development."

    def handle(self, *args, **options):
        logins = demo_logins_read()
        if not logins:
            self.stdout.write(
                "This database has no demo logins: `make run` loads the demo on a new database."
            )
            return
        self.stdout.write(RULE)
        self.stdout.write(self.style.SUCCESS("Log in as:"))
        for login in logins:
            # Said plainly when someone changed a demo password since it was loaded.
            user = get_user_model().objects.filter(email=login.email).first()
            works = user is not None and user.check_password(login.password)
            note = "" if works else "  (changed since the demo was loaded)"
            self.stdout.write(
                f"  {login.role:<10} {login.email:<24} password: {login.password}{note}"
            )
        self.stdout.write(RULE)
