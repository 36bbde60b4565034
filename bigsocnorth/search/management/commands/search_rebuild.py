"""Re-derive the search index from the content, for operators.

The index is kept exact in every write's transaction, so this is for after
restoring a backup made without it, registering a new content type, or
changing what a type indexes.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from bigsocnorth.search import registry
from bigsocnorth.search.backends import search_backend
from bigsocnorth.search.services import search_index_rebuild


class Command(BaseCommand):
    help = "Re-index every published thing of each searchable type, and remove stale documents."

    def add_arguments(self, parser):
        keys = ", ".join(searchable.key for searchable in registry.searchable_types())
        parser.add_argument(
            "--type",
            action="append",
            dest="types",
            metavar="KEY",
            help=f"Only this type (repeatable). Types: {keys}.",
        )

    def handle(self, *args, types=None, **options):
        missing = search_backend().missing_index_objects()
        if missing:
            raise CommandError(
                "The full-text index is incomplete (missing: "
                f"{', '.join(missing)}). Run `manage.py migrate search zero` and then "
                "`manage.py migrate` to create it again, then run this command."
            )
        started = time.perf_counter()
        try:
            counts = search_index_rebuild(keys=types)
        except LookupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {counts.indexed:,} and removed {counts.removed:,} documents "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )
