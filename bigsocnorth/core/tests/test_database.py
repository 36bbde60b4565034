"""SQLite's log is copied back by the scheduler, not by whichever request fills it."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bigsocnorth.core import scheduler
from bigsocnorth.core.database import WAL_AUTOCHECKPOINT_PAGES, wal_checkpoint


def _pragma(name: str):
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()


def test_the_scheduler_checkpoints_the_database():
    assert "database_checkpoint" in {job.name for job in scheduler.scheduled_jobs()}


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_requests_leave_the_log_to_the_scheduler():
    if connection.vendor != "sqlite":
        with CaptureQueriesContext(connection) as seen:
            assert wal_checkpoint() == []
        assert len(seen) == 0  # PostgreSQL checkpoints by itself
        return
    assert _pragma("journal_mode") == ("wal",)
    assert _pragma("wal_autocheckpoint") == (WAL_AUTOCHECKPOINT_PAGES,)
    wal_checkpoint()  # the tables the test run made, copied back
    ContentType.objects.create(app_label="checkpoint", model="E99999999")
    # Read the database file alone, ignoring the log: the new row is only in the log...
    assert not _in_file_alone("E99999999")
    assert wal_checkpoint() == []
    # ...until the scheduler's checkpoint copies it back.
    assert _in_file_alone("E99999999")


def _in_file_alone(code: str) -> bool:
    import sqlite3

    path = connection.settings_dict["NAME"]
    with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as alone:
        query = "SELECT 1 FROM django_content_type WHERE model = ?"
        found = alone.execute(query, [code]).fetchone()
    return found is not None
