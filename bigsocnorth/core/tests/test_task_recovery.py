"""A task whose worker dies mid-run (kill -9, a lost machine) is run again by another worker.

Task workers (`manage.py task_worker`) record that they are alive; the
scheduler's `tasks_recovery` job puts the running tasks of a worker gone
silent back in the queue (core/tasks_recovery.py).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bigsocnorth.core import tasks_recovery
from bigsocnorth.core.models import TaskWorker
from bigsocnorth.core.pagecache import content_version
from bigsocnorth.core.scheduler import scheduled_jobs
from bigsocnorth.core.tasks_recovery import (
    WorkerHeartbeat,
    orphaned_tasks_requeue,
    tasks_recovery_run,
)
from bigsocnorth.core.tests.recovery_tasks import first_attempt_hangs, nothing
from bigsocnorth.core.tests.test_concurrent_writes import _child_env


def _wait_for(condition: Callable[[], object], *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return bool(condition())


def _worker_start(worker_id: str, log: Path) -> subprocess.Popen:
    """`manage.py task_worker`, as `manage.py serve` starts it, against the test database."""
    command = [
        sys.executable, "manage.py", "task_worker",
        "--queue-name", "*", "--no-reload", "--interval", "0.2",
        "--no-startup-delay", "--worker-id", worker_id,
    ]  # fmt: skip
    with log.open("w") as output:
        return subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=_child_env(),
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.kill()
        process.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_was_killed_is_run_again_by_another_worker(settings, tmp_path):
    settings.TASK_WORKER_LOST_SECONDS = 2
    marker = tmp_path / "first-attempt-started"
    enqueued = first_attempt_hangs.enqueue(str(marker))

    def status() -> str:
        return DBTaskResult.objects.get(pk=enqueued.id).status

    first = second = None
    try:
        first = _worker_start("first-worker", tmp_path / "first.log")
        assert _wait_for(
            lambda: marker.exists() and status() == TaskResultStatus.RUNNING, seconds=30
        ), (tmp_path / "first.log").read_text()
        assert TaskWorker.objects.filter(worker_id="first-worker", pid=first.pid).exists()

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        # The second worker is up before the task is queued again, and leaves a
        # running task alone.
        second = _worker_start("second-worker", tmp_path / "second.log")

        # The scheduler's job, as it runs every minute; the first worker's
        # last sign of life must first be older than the grace period.
        _wait_for(orphaned_tasks_requeue, seconds=15)
        _wait_for(lambda: status() == TaskResultStatus.SUCCESSFUL, seconds=30)

        # A worker stopped cleanly removes its row; the killed one's is left to go stale.
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=20) == 0
        assert set(TaskWorker.objects.values_list("worker_id", flat=True)) == {"first-worker"}
    finally:
        _stop(first)
        _stop(second)

    task = DBTaskResult.objects.get(pk=enqueued.id)
    assert task.status == TaskResultStatus.SUCCESSFUL, (
        f"the task is {task.status}\n" + (tmp_path / "second.log").read_text()
    )
    assert task.return_value == "second attempt"
    assert task.worker_ids == ["first-worker", "second-worker"]
    assert marker.read_text() == str(first.pid)  # the first attempt ran in the killed worker


def _running_task(*worker_ids: str, started: timedelta) -> DBTaskResult:
    """A task claimed by `worker_ids` in turn, the last of them `started` ago."""
    enqueued = nothing.enqueue()
    DBTaskResult.objects.filter(pk=enqueued.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - started,
        worker_ids=list(worker_ids),
    )
    return DBTaskResult.objects.get(pk=enqueued.id)


def _worker_seen(worker_id: str, ago: timedelta) -> None:
    seen_at = timezone.now() - ago
    TaskWorker.objects.create(
        worker_id=worker_id, host="worker-host", pid=4242, started_at=seen_at, seen_at=seen_at
    )


def test_the_scheduler_runs_the_recovery():
    assert "tasks_recovery" in {job.name for job in scheduled_jobs()}


@pytest.mark.django_db
def test_only_the_tasks_of_workers_gone_silent_are_queued_again(settings, caplog):
    settings.TASK_WORKER_LOST_SECONDS = 30
    _worker_seen("alive", ago=timedelta(seconds=4))
    _worker_seen("silent", ago=timedelta(seconds=45))
    busy = _running_task("alive", started=timedelta(minutes=20))
    orphaned = _running_task("earlier", "silent", started=timedelta(seconds=50))
    # Workers that never report (a plain db_worker): lost only after the grace period.
    just_started = _running_task("old-style", started=timedelta(seconds=10))
    long_gone = _running_task("old-style", started=timedelta(minutes=5))

    with caplog.at_level(logging.WARNING, logger="bigsocnorth.core.tasks_recovery"):
        lines = orphaned_tasks_requeue()

    def reread(task):
        return DBTaskResult.objects.get(pk=task.pk)

    assert reread(busy).status == TaskResultStatus.RUNNING
    assert reread(just_started).status == TaskResultStatus.RUNNING
    for task in (orphaned, long_gone):
        task = reread(task)
        assert task.status == TaskResultStatus.READY
        assert task.started_at is None
    assert reread(orphaned).worker_ids == ["earlier", "silent"]
    assert DBTaskResult.objects.ready().count() == 2  # workers take them again
    assert len(lines) == 2
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 2
    assert any(str(orphaned.pk) in w and "worker silent" in w for w in warnings)
    assert any(str(long_gone.pk) in w and "worker old-style" in w for w in warnings)

    assert orphaned_tasks_requeue() == []  # nothing left to do


@pytest.mark.django_db(transaction=True)
def test_two_recoveries_at_once_queue_a_task_again_only_once(monkeypatch, caplog):
    _worker_seen("silent", ago=timedelta(minutes=2))
    task = _running_task("silent", started=timedelta(minutes=3))

    # The first recovery stops between reading the running tasks and writing
    # them, while the second one runs.
    first_has_read, first_may_go_on = threading.Event(), threading.Event()
    decide = tasks_recovery._tasks_of_lost_workers

    def first_pauses(*args, **kwargs):
        if threading.current_thread().name == "first":
            first_has_read.set()
            first_may_go_on.wait(timeout=10)
        return decide(*args, **kwargs)

    monkeypatch.setattr(tasks_recovery, "_tasks_of_lost_workers", first_pauses)
    lines: dict[str, list[str]] = {}

    def recover(name: str) -> None:
        try:
            lines[name] = orphaned_tasks_requeue()
        finally:
            connection.close()

    first = threading.Thread(target=recover, args=("first",), name="first")
    second = threading.Thread(target=recover, args=("second",), name="second")
    with caplog.at_level(logging.WARNING, logger="bigsocnorth.core.tasks_recovery"):
        first.start()
        assert first_has_read.wait(timeout=10)
        second.start()
        # PostgreSQL: the second skips the locked row and finishes; SQLite: its
        # write transaction waits for the first's.
        second.join(timeout=1)
        first_may_go_on.set()
        first.join(timeout=20)
        second.join(timeout=20)

    assert sorted(lines) == ["first", "second"]
    assert len(lines["first"]) + len(lines["second"]) == 1
    assert len(caplog.records) == 1
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.READY


@pytest.mark.django_db(transaction=True)
def test_workers_not_seen_for_a_day_are_forgotten(settings):
    _worker_seen("yesterdays", ago=timedelta(days=1, minutes=1))
    _worker_seen("this-mornings", ago=timedelta(hours=3))
    settings.PAGE_CACHE_SECONDS = 300
    version = content_version()

    lines = tasks_recovery_run()

    assert set(TaskWorker.objects.values_list("worker_id", flat=True)) == {"this-mornings"}
    assert lines == ["Forgot 1 task worker(s) not seen for a day"]
    assert content_version() == version  # workers are on no page: kept pages stay


@pytest.mark.django_db(transaction=True)
def test_a_worker_says_it_is_alive_until_it_stops(settings):
    settings.PAGE_CACHE_SECONDS = 300
    version = content_version()
    heartbeat = WorkerHeartbeat("beating", interval=0.1)
    heartbeat.start()
    try:
        first_seen = TaskWorker.objects.get(worker_id="beating")
        assert first_seen.pid == os.getpid()
        assert _wait_for(
            lambda: TaskWorker.objects.get(worker_id="beating").seen_at > first_seen.seen_at,
            seconds=5,
        )
    finally:
        heartbeat.stop()
    assert not TaskWorker.objects.filter(worker_id="beating").exists()
    assert content_version() == version
