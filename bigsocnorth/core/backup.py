"""Consistent backups of the database: SQLite's online backup, or pg_dump."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection
from django.utils import timezone


class BackupError(Exception):
    """The backup could not be made; the message says why and what to do."""


def backup_create(*, directory: Path) -> Path:
    """Write a backup of the default database into `directory` and return its path.

    SQLite uses the online backup API, which copies a consistent snapshot
    even while the site and the worker keep writing. PostgreSQL uses pg_dump
    in its custom format (one consistent snapshot, restored with pg_restore).
    """
    # A backup holds everything, members' private details too: for its owner only.
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    if connection.vendor == "sqlite":
        return _backup_sqlite(target=directory / f"bigsocnorth-{stamp}.sqlite3")
    if connection.vendor == "postgresql":
        return _backup_postgresql(target=directory / f"bigsocnorth-{stamp}.dump")
    raise BackupError(f"No backup method for the {connection.vendor} database.")


def _private_file(path: Path) -> Path:
    """Create `path` empty, readable and writable by its owner only, before anything is
    written into it (a chmod afterwards would leave a moment when others could read it).
    SQLite and pg_dump write into the file as it is, and keep its mode."""
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    path.chmod(0o600)  # in case the umask took more away
    return path


def _backup_sqlite(*, target: Path) -> Path:
    source_path = connection.settings_dict["NAME"]
    partial = _private_file(target.with_suffix(".partial"))
    source = sqlite3.connect(source_path, timeout=30)
    try:
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination, pages=1024)
            result = destination.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            destination.close()
    finally:
        source.close()
    if result != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"The backup failed its integrity check: {result}")
    partial.rename(target)
    return target


def _backup_postgresql(*, target: Path) -> Path:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "pg_dump was not found. Install the PostgreSQL client tools "
            "(on Debian: apt-get install postgresql-client) and try again."
        )
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    partial = _private_file(target.with_suffix(".partial"))
    command = [
        pg_dump,
        "--format=custom",
        "--no-owner",
        f"--file={partial}",
        f"--host={db.get('HOST') or '127.0.0.1'}",
        f"--port={db.get('PORT') or 5432}",
        f"--username={db.get('USER') or 'postgres'}",
        db["NAME"],
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    partial.rename(target)
    return target
