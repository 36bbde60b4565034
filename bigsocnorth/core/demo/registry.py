"""Demo data sets, registered by the apps that own them and loaded in order.

Core knows no domain app: each app's `content.py` registers its own demo
loader, and `manage.py load_demo_data` runs whatever is registered.

    register_demo("stories", load=load_stories, order=30)

`load()` runs in a transaction of its own and returns a DemoResult: lines
that say what was loaded, and any accounts people can log in with (their
passwords are printed last, once).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    password: str


@dataclass(frozen=True)
class DemoResult:
    summary: list[str] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)


@dataclass(frozen=True)
class DemoSet:
    key: str
    load: Callable[[], DemoResult]
    order: int


_sets: dict[str, DemoSet] = {}


def register_demo(key: str, *, load: Callable[[], DemoResult], order: int = 100) -> None:
    """Add (or replace) a demo data set; lower `order` loads first (people before content)."""
    _sets[key] = DemoSet(key=key, load=load, order=order)


def demo_sets() -> list[DemoSet]:
    return sorted(_sets.values(), key=lambda demo: demo.order)


def _logins_path() -> Path:
    return Path(settings.VAR_DIR) / "demo-logins.json"


def demo_logins_save(logins: list[DemoLogin]) -> None:
    """Keep the demo's passwords for `manage.py demo_logins`, readable by this user only."""
    path = _logins_path()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump([asdict(login) for login in logins], file)
    path.chmod(0o600)


def demo_logins_read() -> list[DemoLogin]:
    """The demo's logins as loaded, or none when this database has no demo data."""
    try:
        rows = json.loads(_logins_path().read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return []
    return [DemoLogin(**row) for row in rows]
