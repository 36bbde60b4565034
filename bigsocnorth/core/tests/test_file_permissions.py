"""What the platform writes to disk is not for other people on the same machine.

The database, its backups and uploaded files hold members' private details
(email addresses, contact details, what they have not published yet). Each
test starts from the common umask 022, under which files are world-readable
unless the platform itself says otherwise.
"""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

COMMON_UMASK = 0o022


@pytest.fixture
def common_umask():
    """Run the test as under a usual login shell (umask 022), whatever the runner's."""
    before = os.umask(COMMON_UMASK)
    yield
    os.umask(before)


def png_bytes() -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(data, "PNG")
    return data.getvalue()


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_readable_by_its_owner_only(tmp_path, common_umask):
    call_command("backup", directory=tmp_path / "backups", stdout=open(os.devnull, "w"))  # noqa: SIM115

    [backup] = list((tmp_path / "backups").iterdir())
    assert mode_of(backup) == 0o600
    assert mode_of(tmp_path / "backups") & 0o077 == 0


def test_an_uploaded_image_is_not_readable_by_others(common_umask):
    name = default_storage.save("stories/2026/picture.png", ContentFile(png_bytes()))

    stored = Path(default_storage.path(name))
    assert mode_of(stored) == 0o640
    assert mode_of(stored.parent) == 0o750
    assert mode_of(stored.parent.parent) == 0o750


def test_a_new_sqlite_database_made_by_manage_py_is_not_readable_by_others(tmp_path):
    var_dir = tmp_path / "var"
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "SQLITE_PATH", "MEDIA_ROOT", "DIRECTORY_IMPORT_DIR")
    }
    environment.update({"VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "config.settings"})

    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=environment,
        check=True,
        timeout=120,
        capture_output=True,
        preexec_fn=lambda: os.umask(COMMON_UMASK),
    )

    database = var_dir / "bigsocnorth.sqlite3"
    assert database.exists()
    made = [database, *var_dir.glob("bigsocnorth.sqlite3-*"), var_dir / "secret_key"]
    for path in made:
        assert mode_of(path) & 0o007 == 0, f"{path.name} is {oct(mode_of(path))}"
        assert mode_of(path) & 0o020 == 0, f"{path.name} is {oct(mode_of(path))}"
    assert mode_of(var_dir) & 0o007 == 0
