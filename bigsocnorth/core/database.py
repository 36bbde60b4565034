"""Upkeep of the database that no request should pay for.

On SQLite, a commit that finds the write-ahead log over
`wal_autocheckpoint` pages copies it back into the database file there and
then: with SQLite's default (1,000 pages, 4 MB) that lands in a request
every few hundred posts and takes it over its budget. The project raises
that threshold (config/settings.py) and the scheduler checkpoints once a
minute instead, so requests only append to the log. The threshold stays as
a backstop when no scheduler runs.
"""

from __future__ import annotations

from django.db import connection

WAL_AUTOCHECKPOINT_PAGES = 20_000  # about 80 MB of log before a commit copies it back


def wal_checkpoint() -> list[str]:
    """Copy the write-ahead log back into the database without waiting for readers."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        # PASSIVE: copies what it can now; never blocks readers or writers.
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        cursor.fetchone()
    return []
