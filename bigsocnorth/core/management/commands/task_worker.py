"""django_tasks_db's `db_worker`, which also says it is alive, so its tasks outlive it.

Takes the same arguments as `db_worker`. While it runs, a background thread
keeps its `TaskWorker` row fresh; a clean stop (SIGTERM, Ctrl-C) removes it.
If the process dies instead (kill -9), the row goes stale and the scheduler's
`tasks_recovery` job queues the task it was running again
(core/tasks_recovery.py).
"""

from __future__ import annotations

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from bigsocnorth.core.tasks_recovery import WorkerHeartbeat


class Command(db_worker.Command):
    help = "Run a database background worker that records it is alive (drop-in for db_worker)."

    def handle(self, *args, worker_id: str, reload: bool, batch: bool, **options) -> None:
        # With --reload, this process only restarts a child (the same command),
        # which runs the tasks and keeps the heartbeat. db_worker turns reload
        # off with --batch.
        if reload and not batch and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            return super().handle(*args, worker_id=worker_id, reload=reload, batch=batch, **options)
        heartbeat = WorkerHeartbeat(worker_id)
        heartbeat.start()
        try:
            return super().handle(*args, worker_id=worker_id, reload=reload, batch=batch, **options)
        finally:
            # Reached on a clean stop: db_worker ends with SystemExit from its
            # signal handler, or returns after --batch or --max-tasks.
            heartbeat.stop()
