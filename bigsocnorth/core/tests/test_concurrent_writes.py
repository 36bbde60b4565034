"""Two processes writing at the same moment both succeed: no "database is locked".

SQLite's default DEFERRED transactions fail with SQLITE_BUSY when two
connections that have read try to upgrade to writers at once; IMMEDIATE
transactions plus the busy timeout make them queue instead. The same test
runs against PostgreSQL when the suite runs there.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

User = get_user_model()

WRITES_PER_PROCESS = 150

WRITER = textwrap.dedent(
    """
    import sys
    import django

    django.setup()
    from django.db import transaction
    from django.contrib.auth import get_user_model

    User = get_user_model()

    tag = sys.argv[1]
    count = int(sys.argv[2])
    sys.stdout.write("ready\\n")
    sys.stdout.flush()
    sys.stdin.readline()  # wait for the go signal so both start together
    for n in range(count):
        with transaction.atomic():
            # Read, then write, in one transaction: the pattern that deadlocks
            # under DEFERRED transactions.
            User.objects.filter(email__startswith=tag).count()
            User.objects.create(email=f"{tag}-{n}@example.org", password="!")
    print("done")
    """
)


def _child_env() -> dict[str, str]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings")
    test_db = connection.settings_dict
    if connection.vendor == "sqlite":
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(test_db["NAME"])
    else:
        user = quote(test_db["USER"] or "")
        password = f":{quote(test_db['PASSWORD'])}" if test_db["PASSWORD"] else ""
        host = test_db["HOST"] or "127.0.0.1"
        port = test_db["PORT"] or "5432"
        env["DATABASE_URL"] = f"postgres://{user}{password}@{host}:{port}/{test_db['NAME']}"
    return env


@pytest.mark.django_db(transaction=True)
def test_two_processes_writing_at_once_never_hit_a_locked_database():
    env = _child_env()
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, tag, str(WRITES_PER_PROCESS)],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("writer-a", "writer-b")
    ]
    for process in processes:
        assert process.stdout.readline().strip() == "ready"
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    outputs = [process.communicate(timeout=180) for process in processes]

    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert "database is locked" not in stderr
        assert process.returncode == 0, stderr
        assert stdout.strip() == "done"
    assert User.objects.filter(email__startswith="writer-a").count() == WRITES_PER_PROCESS
    assert User.objects.filter(email__startswith="writer-b").count() == WRITES_PER_PROCESS
