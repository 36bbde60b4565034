"""Expired sessions are removed once a day, so the sessions table holds live ones only.

Django leaves expired rows behind until `clearsessions` runs; the scheduler
runs it here instead, once a day however many schedulers there are (the day
is claimed in the shared cache).
"""

from __future__ import annotations

from datetime import date
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


def expired_sessions_clear(*, today: date | None = None) -> list[str]:
    today = today or timezone.localdate()
    if not cache.add(f"sessions:cleared:{today.isoformat()}", 1, timeout=2 * 24 * 3600):
        return []  # done today already (or the cache is away: try at the next tick)
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return []
