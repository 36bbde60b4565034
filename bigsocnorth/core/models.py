"""The core app's own rows: the task workers that are alive."""

from __future__ import annotations

from django.db import models


class TaskWorker(models.Model):
    """A task worker (`manage.py task_worker`) that says it is alive.

    The worker writes `seen_at` every few seconds while it runs and removes its
    row when it stops cleanly; a row gone stale means the worker died, and the
    tasks it was running are queued again (core/tasks_recovery.py).
    """

    # The id the worker records on each task it claims (DBTaskResult.worker_ids).
    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = "task worker"

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}, pid {self.pid})"
