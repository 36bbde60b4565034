"""Tasks for core/tests/test_task_recovery.py: one that hangs on its first attempt."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.tasks import task


@task
def first_attempt_hangs(marker: str) -> str:
    """Hang for 30 s the first time (leaving `marker` behind), return at once the next time.

    The marker says the first attempt started, so a test knows when to kill
    its worker; the second attempt, by another worker, finds it and returns.
    """
    path = Path(marker)
    if not path.exists():
        path.write_text(str(os.getpid()))
        time.sleep(30)
        return "first attempt"
    return "second attempt"


@task
def nothing() -> None:
    """A task that does nothing, to have rows to mark as running."""
