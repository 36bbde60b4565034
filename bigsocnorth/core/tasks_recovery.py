"""Tasks whose worker died are run again: worker heartbeats, and the job that requeues.

django_tasks_db marks a task RUNNING when a worker claims it and never looks
at it again, so a worker killed mid-task (kill -9, an out-of-memory kill, a
lost machine) would leave it RUNNING for ever. Here:

- each `manage.py task_worker` keeps a `TaskWorker` row and writes its
  `seen_at` every few seconds from a thread of its own (`WorkerHeartbeat`),
  removing the row when it stops cleanly;
- the scheduler's `tasks_recovery` job (`tasks_recovery_run`) puts the RUNNING
  tasks of a worker not seen for TASK_WORKER_LOST_SECONDS back in the queue,
  where the next free worker takes them.

Tasks therefore run at least once, not exactly once: a task may run twice when
its worker dies after doing the work but before recording it, or when a live
worker goes unheard for longer than the grace period (a database away that
long). Every task must be safe to run twice. The platform's are: a repeated
email is the worst case, and that rare person gets the email twice.

Times are the machines' clocks (a worker's `seen_at`, the scheduler's now), so
keep them synchronised (NTP); the grace period covers a few seconds of drift.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bigsocnorth.core.models import TaskWorker

logger = logging.getLogger(__name__)

# How often a worker says it is alive, at most; a third of the grace period when
# that is shorter, so a live worker may miss two beats before it looks lost.
HEARTBEAT_SECONDS = 5.0
# A worker not seen for this long is forgotten (its row is only history by then).
FORGET_WORKERS_AFTER = timedelta(days=1)


def heartbeat_interval() -> float:
    return min(HEARTBEAT_SECONDS, settings.TASK_WORKER_LOST_SECONDS / 3)


class WorkerHeartbeat:
    """Keeps a worker's `TaskWorker` row fresh from a background thread.

    `start()` writes the row before returning, so it exists before the worker
    claims a task; `stop()` ends the thread, which removes the row and closes
    its own database connection.
    """

    def __init__(self, worker_id: str, *, interval: float | None = None):
        self.worker_id = worker_id
        self.interval = heartbeat_interval() if interval is None else interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._beat_until_stopped, name=f"heartbeat-{worker_id}", daemon=True
        )

    def start(self) -> None:
        _worker_row_write(self.worker_id)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _beat_until_stopped(self) -> None:
        try:
            while not self._stopping.wait(self.interval):
                self._beat()
            _rows_delete(TaskWorker.objects.filter(worker_id=self.worker_id))
        except Exception:
            # The row then goes stale and the worker's tasks are requeued after
            # the grace period, which is right for a worker that cannot write.
            logger.exception("Task worker %s could not remove its heartbeat row", self.worker_id)
        finally:
            connection.close()  # this thread's own connection

    def _beat(self) -> None:
        try:
            seen = TaskWorker.objects.filter(worker_id=self.worker_id).update(
                seen_at=timezone.now()
            )
            if not seen:
                # Forgotten while silent for a day (a suspended machine): say so again.
                _worker_row_write(self.worker_id)
        except Exception:
            # The database is away or locked: keep the worker running and try
            # again at the next beat, on a fresh connection.
            logger.warning(
                "Task worker %s could not record that it is alive", self.worker_id, exc_info=True
            )
            connection.close()


# A worker's row is on no page, so it is written without the model signals, which
# would renew the content version and drop every kept page (core/pagecache.py).


def _worker_row_write(worker_id: str) -> None:
    """Create or replace this process's row: just started, just seen."""
    now = timezone.now()
    TaskWorker.objects.bulk_create(
        [
            TaskWorker(
                worker_id=worker_id,
                host=socket.gethostname()[:255],
                pid=os.getpid(),
                started_at=now,
                seen_at=now,
            )
        ],
        update_conflicts=True,
        unique_fields=["worker_id"],
        update_fields=["host", "pid", "started_at", "seen_at"],
    )


def _rows_delete(rows: QuerySet[TaskWorker]) -> int:
    """Delete `rows` in one statement, sending no signals (nothing refers to them)."""
    return rows._raw_delete(rows.db)


def _tasks_of_lost_workers(
    tasks: list[DBTaskResult], *, cutoff: datetime
) -> list[tuple[DBTaskResult, str]]:
    """The running tasks whose worker was last seen before `cutoff`, each with that worker.

    A worker with no row at all (a plain `db_worker`, or one forgotten after a
    day) counts as lost only once its task started before `cutoff`.
    """
    last_worker = {task.pk: (task.worker_ids or [""])[-1] for task in tasks}
    seen_at = dict(
        TaskWorker.objects.filter(worker_id__in=set(last_worker.values())).values_list(
            "worker_id", "seen_at"
        )
    )
    lost = []
    for task in tasks:
        worker_id = last_worker[task.pk]
        last_sign_of_life = seen_at.get(worker_id, task.started_at)
        if last_sign_of_life is None or last_sign_of_life < cutoff:
            lost.append((task, worker_id))
    return lost


def orphaned_tasks_requeue(now: datetime | None = None) -> list[str]:
    """Queue again the RUNNING tasks of workers not seen for TASK_WORKER_LOST_SECONDS.

    The task goes back to READY with no start time, keeping its worker ids (the
    next worker adds its own), and keeps its place by priority and run_after.
    One transaction, with the running rows locked (SKIP LOCKED), so two
    schedulers never requeue one task twice; where there are no row locks
    (SQLite, whose write transactions queue instead), the update checks that
    the task is still the same run.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.TASK_WORKER_LOST_SECONDS)
    lines = []
    with transaction.atomic():
        running = DBTaskResult.objects.running()
        if connection.features.has_select_for_update_skip_locked:
            running = running.select_for_update(skip_locked=True)
        tasks = list(running.only("id", "task_path", "worker_ids", "started_at"))
        for task, worker_id in _tasks_of_lost_workers(tasks, cutoff=cutoff):
            requeued = DBTaskResult.objects.filter(
                pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
            ).update(status=TaskResultStatus.READY, started_at=None)
            if not requeued:
                continue
            logger.warning(
                "Task %s (%s) was running on worker %s, not seen for over %s s: queued again",
                task.pk,
                task.task_path,
                worker_id or "(unknown)",
                settings.TASK_WORKER_LOST_SECONDS,
            )
            lines.append(
                f"Queued again task {task.pk} ({task.task_path}) of lost worker {worker_id}"
            )
    return lines


def lost_workers_forget(now: datetime | None = None) -> list[str]:
    """Remove the rows of workers not seen for a day."""
    now = now or timezone.now()
    forgotten = _rows_delete(TaskWorker.objects.filter(seen_at__lt=now - FORGET_WORKERS_AFTER))
    return [f"Forgot {forgotten} task worker(s) not seen for a day"] if forgotten else []


def tasks_recovery_run() -> list[str]:
    """The scheduled job: requeue the tasks of lost workers, then forget old workers."""
    now = timezone.now()
    return orphaned_tasks_requeue(now) + lost_workers_forget(now)
