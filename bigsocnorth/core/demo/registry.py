"""Demo data sets, registered by the apps that own them and loaded in order.

Core knows no domain app: each app's `content.py` registers its own demo
loader, and `manage.py load_demo_data` runs whatever is registered.

    register_demo("stories", load=load_stories, order=30)

`load()` runs in a transaction of its own and returns a DemoResult: lines
that say what was loaded, and any accounts people can log in with (their
passwords are printed last, once).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


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
