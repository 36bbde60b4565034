"""Values built once per process from the database and kept until reset.

For read-mostly reference data (boundaries, the gazetteer) that changes only
with a migration: the first caller builds it under a lock, everyone after
reads it without a query. Tests and data changes call reset().
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class BuiltOnce[T]:
    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        value = self._value
        if value is not None:
            return value
        with self._lock:
            if self._value is None:
                self._value = self._build()
            return self._value

    def reset(self) -> None:
        with self._lock:
            self._value = None
