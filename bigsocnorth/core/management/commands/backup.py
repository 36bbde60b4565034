"""`make backup`: a consistent copy of the database under var/backups/."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bigsocnorth.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Make a consistent backup of the database (see docs/operations.md to restore it)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=settings.VAR_DIR / "backups",
            help="Where to write the backup (default: var/backups).",
        )

    def handle(self, *args, directory: Path, **options):
        try:
            path = backup_create(directory=directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
