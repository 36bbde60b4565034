"""`make backup` writes a consistent copy that can be restored."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

User = get_user_model()


@pytest.mark.django_db(transaction=True)
def test_backup_holds_the_data_and_restores(tmp_path):
    User.objects.create(email="kept@example.org", password="!")
    out = StringIO()
    call_command("backup", directory=tmp_path, stdout=out)
    [backup] = list(tmp_path.iterdir())
    assert str(backup) in out.getvalue()

    if connection.vendor == "sqlite":
        assert backup.suffix == ".sqlite3"
        restored = sqlite3.connect(backup)
        emails = [row[0] for row in restored.execute("SELECT email FROM accounts_user")]
        restored.close()
    else:
        assert connection.vendor == "postgresql"
        assert backup.suffix == ".dump"
        # Restore into a scratch database and read the row back.
        db = connection.settings_dict
        scratch = f"{db['NAME']}_restore"
        args = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432)]
        args += ["-U", db["USER"] or "postgres"]
        psql = ["psql", *args, "-d", "postgres", "-q", "-c"]
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {scratch}"], check=True)
        subprocess.run([*psql, f"CREATE DATABASE {scratch}"], check=True)
        try:
            subprocess.run(
                ["pg_restore", *args, "--no-owner", "-d", scratch, str(backup)], check=True
            )
            result = subprocess.run(
                ["psql", *args, "-d", scratch, "-At", "-c", "SELECT email FROM accounts_user"],
                check=True,
                capture_output=True,
                text=True,
            )
            emails = result.stdout.split()
        finally:
            subprocess.run([*psql, f"DROP DATABASE IF EXISTS {scratch}"], check=True)
    assert "kept@example.org" in emails


@pytest.mark.django_db
def test_backup_explains_a_missing_pg_dump(monkeypatch, tmp_path):
    monkeypatch.setattr(connection, "vendor", "postgresql")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(CommandError, match="pg_dump was not found"):
        call_command("backup", directory=tmp_path)
    assert list(tmp_path.iterdir()) == []
