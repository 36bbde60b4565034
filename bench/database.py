"""A database of the benchmark's own, so its rows never land in the one you work with."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection


@contextmanager
def own_database(suffix: str, *, keep: bool = False) -> Iterator[str]:
    """Create (migrate) a database next to the configured one, as a test database is,
    and drop it afterwards unless `keep`. Yields its name.

    DEBUG is off inside, as in production: with it on, Django would keep the
    text of every query the benchmark makes.
    """
    settings_dict = connection.settings_dict
    original_name = settings_dict["NAME"]
    if connection.vendor == "sqlite":
        name = str(original_name).replace(".sqlite3", "") + f"-bench-{suffix}.sqlite3"
    else:
        name = f"{original_name}_bench_{suffix}"
    settings_dict.setdefault("TEST", {})["NAME"] = name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=keep)
    debug, settings.DEBUG = settings.DEBUG, False
    try:
        yield name
    finally:
        settings.DEBUG = debug
        if not keep:
            connection.creation.destroy_test_db(original_name, verbosity=0)


def describe_run(name: str) -> None:
    """Print which database and Python a run measures, and how busy the machine is."""
    import os
    import platform

    with connection.cursor() as cursor:
        cursor.execute(
            "select sqlite_version()" if connection.vendor == "sqlite" else "select version()"
        )
        version = cursor.fetchone()[0].split(" (")[0]
    print(f"database: {connection.vendor} {version}, {name}; Python {platform.python_version()}")
    print(f"load average at the start: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
