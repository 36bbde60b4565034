"""Bring the database up to date in one process: migrate, cache table, demo data.

`make run` calls this before serving; one process instead of three keeps a
second `make run` quick.
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Migrate, create the cache table, (with --demo-data) load demo data on first run, "
        "and build the search index and map for content that has none yet."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-data",
            action="store_true",
            help="Load the demo data when the database has no accounts yet.",
        )

    def handle(self, *args, demo_data: bool, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        if demo_data:
            call_command("load_demo_data", first_run_only=True, stdout=self.stdout)
        # A database from before an index (search, the map) existed gets it built
        # once; afterwards every change keeps it exact, so this does nothing.
        call_command("indexes_fill_empty", stdout=self.stdout)
