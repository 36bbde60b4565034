"""Typed access to the environment, remembering every name read.

Every setting a deployer may change is read through these helpers, so the
test suite can compare the names read against docs/configuration.md.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

READ_NAMES: set[str] = set()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    READ_NAMES.add(name)
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    READ_NAMES.add(name)
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    READ_NAMES.add(name)
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    READ_NAMES.add(name)
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]
