"""Task queues: the database backend on PostgreSQL against a Redis one, on this machine.

The platform queues its background work (emails, imports, feed fetches) with
django_tasks_db on PostgreSQL; django_tasks_redis keeps the queue in Redis
streams instead. Both run here side by side, with the same small task, the
same two worker processes each (`task_worker` for the database, what
`manage.py serve` starts; `run_redis_tasks --continuous` for Redis) and a
redis-server of the benchmark's own on a free loopback port, started with no
persistence (`--save '' --appendonly no`), as a cache Redis is run:

1. Enqueue, as a web request sees it: `task.enqueue()` inside
   `transaction.atomic()`, 2,000 times each, with the workers idle (into a
   queue they do not read); "with commit" times the whole transaction.
2. End to end, two workers: throughput draining a backlog of 2,000 small
   tasks (queued while the workers are paused with SIGSTOP), then latency
   (run minus enqueued) of 500 more sent steadily at 25 a second, within
   what either drains, so it is the time to notice and run a task
   (`task_worker` polls every second when it finds nothing, as `serve` runs
   it; a Redis worker blocks on the stream and is woken).
3. Durability: 200 tasks of 50 ms; once 50 have run, one worker is killed
   (kill -9) mid-task, and its task must be run by the other (the database:
   the scheduler's tasks_recovery job, TASK_WORKER_LOST_SECONDS=3 here;
   Redis: the worker's stale-message claim, REDIS_CLAIM_TIMEOUT=3 here,
   every second). For Redis, 200 more with the redis-server killed (kill -9)
   and started again once 50 have run. Tasks run vs lost are counted from
   what the tasks themselves wrote (a line per run in a file), so a task run
   twice shows too. PostgreSQL is not restarted (it is shared): a committed
   task row survives a restart by PostgreSQL's write-ahead log.

Needs DATABASE_URL pointing at PostgreSQL (a database named after it, with
_bench_tasks, is made and dropped) and /usr/bin/redis-server. Run by hand:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \
        .venv/bin/python -m bench bench_task_backends

It takes three to five minutes; everything stays on the loopback address.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection, transaction
from django.tasks import task
from django.test.utils import override_settings
from django_tasks_db.models import DBTaskResult

from bench.database import describe_run, own_database
from bench.timing import Timing

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = "/usr/bin/redis-server"
ENQUEUES = 2000
TASKS = 2000
STREAM_TASKS = 500
RATE = 25  # tasks a second, well within what either backend drains here
DURABILITY_TASKS = 200
DURABILITY_TASK_MS = 50
KILL_AFTER = 50
LOST_SECONDS = 3
# Workers read these queues; enqueue timings go to one no worker reads.
WORKED, HELD = "default", "held"


@task
def bench_record(path: str, number: int, sleep_ms: int = 0) -> None:
    """The benchmark's task: wait `sleep_ms`, then append "number time-done" to `path`."""
    if sleep_ms:
        time.sleep(sleep_ms / 1000)
    with open(path, "a") as file:  # one short append: whole lines, even from two processes
        file.write(f"{number} {time.time():.6f}\n")


# A worker started with the site's settings plus the Redis backend, changed
# before django.setup() (django_tasks_redis is not one of the site's apps).
WORKER = """
import json, os, sys
import django
from django.conf import settings

settings.TASKS = json.loads(os.environ["BENCH_TASKS"])
settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django_tasks_redis"]
settings.TASK_WORKER_LOST_SECONDS = int(os.environ["BENCH_LOST_SECONDS"])
django.setup()
from django.core.management import execute_from_command_line

execute_from_command_line(["manage.py", *sys.argv[1:]])
"""


def _tasks_setting(redis_port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": [*settings.TASK_QUEUES, HELD],
        },
        "redis": {
            "BACKEND": "django_tasks_redis.RedisTaskBackend",
            "QUEUES": [*settings.TASK_QUEUES, HELD],
            "OPTIONS": {
                "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                "REDIS_CLAIM_TIMEOUT": LOST_SECONDS,
                "REDIS_BLOCK_TIMEOUT": 1000,
            },
        },
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of the benchmark's own, with no persistence, that can be killed."""

    def __init__(self, directory: Path):
        self.port = _free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class Worker:
    """One worker process, its output in a file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], logs: Path):
        self.name = name
        self.log = logs / f"{name}.log"
        with self.log.open("w") as output:
            self.process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-c", WORKER, *command],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def wait_until_started(self, line: str) -> None:
        deadline = time.monotonic() + 90
        while line not in self.log.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The worker {self.name} did not start:\n{self.log.read_text()}")
            time.sleep(0.1)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


def _worker_env(redis_port: int) -> dict[str, str]:
    """The bench database, production mode (no query log), the two backends."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=(
            f"postgres://{quote(db['USER'] or '')}{password}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or '5432'}/{db['NAME']}"
        ),
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="http://127.0.0.1:8000",
        BENCH_TASKS=json.dumps(_tasks_setting(redis_port)),
        BENCH_LOST_SECONDS=str(LOST_SECONDS),
    )
    return env


def _database_worker(name: str, env: dict[str, str], logs: Path) -> Worker:
    return Worker(
        name,
        ["task_worker", "--queue-name", WORKED, "--no-reload", "--interval", "1",
         "--worker-id", name],
        env,
        logs,
    )  # fmt: skip


def _redis_worker(name: str, env: dict[str, str], logs: Path) -> Worker:
    return Worker(
        name,
        ["run_redis_tasks", "--backend", "redis", "--queue", WORKED, "--continuous",
         "--interval", "0.5", "--claim-interval", "1"],
        env,
        logs,
    )  # fmt: skip


STARTED = {"database": "Starting worker", "redis": "Starting Redis task worker"}
ALIAS = {"database": "default", "redis": "redis"}


def _runs(path: Path) -> list[tuple[int, float]]:
    if not path.exists():
        return []
    runs = []
    for line in path.read_text().splitlines():
        number, done = line.split()
        runs.append((int(number), float(done)))
    return runs


def _wait(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- 1. Enqueue -------------------------------------------------------------


def _enqueue_timings(backend: str, scratch: Path) -> tuple[Timing, Timing]:
    held = bench_record.using(backend=ALIAS[backend], queue_name=HELD)
    path = str(scratch / f"held-{backend}")
    inside, whole = [], []
    for number in range(-50, ENQUEUES):  # the first 50 warm connections up, not kept
        start = time.perf_counter()
        with transaction.atomic():
            before = time.perf_counter()
            held.enqueue(path, number)
            after = time.perf_counter()
        end = time.perf_counter()
        if number >= 0:
            inside.append((after - before) * 1000)
            whole.append((end - start) * 1000)
    return Timing(f"{backend}: enqueue()", inside), Timing(f"{backend}: with commit", whole)


def _commit_timing() -> Timing:
    """One row inserted and committed, 200 times: the disk's flush, which bounds a worker."""
    with connection.cursor() as cursor:
        cursor.execute("create table bench_commit (n integer)")
    samples = []
    for number in range(200):
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("insert into bench_commit values (%s)", [number])
        samples.append((time.perf_counter() - start) * 1000)
    with connection.cursor() as cursor:
        cursor.execute("drop table bench_commit")
    return Timing("PostgreSQL: insert and commit one row", samples)


# --- 2. End to end ------------------------------------------------------------


@dataclass
class EndToEnd:
    throughput: float
    latencies_ms: list[float]


def _end_to_end(backend: str, workers: list[Worker], scratch: Path) -> EndToEnd:
    """Throughput: a backlog of TASKS, queued while the workers are paused (SIGSTOP),
    drained once they carry on. Latency: STREAM_TASKS more, one every 1/RATE s, each
    timed from before its enqueue to its run (an idle worker waits its interval)."""
    worked = bench_record.using(backend=ALIAS[backend], queue_name=WORKED)
    backlog = scratch / f"backlog-{backend}"
    for worker in workers:
        worker.process.send_signal(signal.SIGSTOP)
    try:
        for number in range(TASKS):
            worked.enqueue(str(backlog), number)
    finally:
        for worker in workers:
            worker.process.send_signal(signal.SIGCONT)
    resumed = time.time()
    if not _wait(lambda: len(_runs(backlog)) >= TASKS, 180):
        raise RuntimeError(f"{backend}: only {len(_runs(backlog))} of {TASKS} tasks ran")
    throughput = TASKS / (max(done for _, done in _runs(backlog)) - resumed)

    stream = scratch / f"stream-{backend}"
    enqueued = {}
    start = time.monotonic()
    for number in range(STREAM_TASKS):
        time.sleep(max(0.0, start + number / RATE - time.monotonic()))
        enqueued[number] = time.time()
        worked.enqueue(str(stream), number)
    _wait(lambda: len(_runs(stream)) >= STREAM_TASKS, 60)
    latencies = [(done - enqueued[number]) * 1000 for number, done in _runs(stream)]
    return EndToEnd(throughput, latencies)


# --- 3. Durability ------------------------------------------------------------


@dataclass
class Durability:
    case: str
    run: int
    lost: int
    twice: int
    seconds: float  # from the kill to the last task run


def _durability(
    case: str,
    backend: str,
    scratch: Path,
    kill: Callable[[], None],
    *,
    while_waiting: Callable[[], object] | None = None,
) -> Durability:
    worked = bench_record.using(backend=ALIAS[backend], queue_name=WORKED)
    path = scratch / f"durability-{case.replace(' ', '-')}"
    for number in range(DURABILITY_TASKS):
        worked.enqueue(str(path), number, DURABILITY_TASK_MS)
    _wait(lambda: len(_runs(path)) >= KILL_AFTER, 60)
    killed_at = time.time()
    kill()
    # Done when every task ran, or nothing more has run for 4 grace periods.
    last_count, quiet_since = -1, time.monotonic()
    while len({n for n, _ in _runs(path)}) < DURABILITY_TASKS:
        count = len(_runs(path))
        if count != last_count:
            last_count, quiet_since = count, time.monotonic()
        elif time.monotonic() - quiet_since > 4 * LOST_SECONDS + 2:
            break
        if while_waiting is not None:
            while_waiting()
        time.sleep(0.2)
    runs = _runs(path)
    counts = Counter(number for number, _ in runs)
    return Durability(
        case=case,
        run=len(counts),
        lost=DURABILITY_TASKS - len(counts),
        twice=sum(1 for times in counts.values() if times > 1),
        seconds=max(done for _, done in runs) - killed_at,
    )


# --- The run --------------------------------------------------------------------


@contextmanager
def _workers(env: dict[str, str], logs: Path) -> Iterator[dict[str, Worker]]:
    started: dict[str, Worker] = {}
    try:
        for name in ("database-a", "database-b"):
            started[name] = _database_worker(name, env, logs)
        for name in ("redis-a", "redis-b"):
            started[name] = _redis_worker(name, env, logs)
        for name, worker in started.items():
            worker.wait_until_started(STARTED[name.split("-")[0]])
        yield started
    finally:
        for worker in started.values():
            worker.kill()


def _requeue_orphans() -> None:
    from bigsocnorth.core.tasks_recovery import orphaned_tasks_requeue

    orphaned_tasks_requeue()


def run() -> None:
    if connection.vendor != "postgresql":
        print("Skipped: set DATABASE_URL to a PostgreSQL database (postgres://…).")
        return
    if not Path(REDIS_SERVER).exists():
        print(f"Skipped: {REDIS_SERVER} is not installed.")
        return
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        name = stack.enter_context(own_database("tasks"))
        describe_run(name)
        redis_server = RedisServer(scratch)
        stack.callback(redis_server.kill)
        redis_server.start()
        stack.enter_context(override_settings(TASKS=_tasks_setting(redis_server.port)))
        stack.enter_context(override_settings(TASK_WORKER_LOST_SECONDS=LOST_SECONDS))
        env = _worker_env(redis_server.port)
        workers = stack.enter_context(_workers(env, scratch))

        commit = _commit_timing()
        print(f"{commit.line()}  (what each task's two commits cost)")
        enqueue = {backend: _enqueue_timings(backend, scratch) for backend in ALIAS}
        for backend in ALIAS:
            for timing in enqueue[backend]:
                print(f"{timing.line()}  p99={_percentile(timing.samples_ms, 0.99):8.4f} ms")
        DBTaskResult.objects.filter(queue_name=HELD).delete()
        end_to_end = {
            backend: _end_to_end(
                backend, [workers[f"{backend}-a"], workers[f"{backend}-b"]], scratch
            )
            for backend in ALIAS
        }

        durability = [
            _durability(
                "database: kill -9 a worker",
                "database",
                scratch,
                workers["database-a"].kill,
                while_waiting=_requeue_orphans,
            ),
            _durability("redis: kill -9 a worker", "redis", scratch, workers["redis-a"].kill),
        ]

        def redis_restart() -> None:
            redis_server.kill()
            redis_server.start()

        durability.append(_durability("redis: kill -9 the server", "redis", scratch, redis_restart))
        # Do the Redis workers carry on after the restart? Ten more tasks.
        after = scratch / "after-restart"
        for number in range(10):
            bench_record.using(backend="redis", queue_name=WORKED).enqueue(str(after), number)
        _wait(lambda: len(_runs(after)) >= 10, 15)
        redis_after_restart = len(_runs(after))

        _report(commit, enqueue, end_to_end, durability, redis_after_restart)


def _report(commit, enqueue, end_to_end, durability, redis_after_restart) -> None:
    print()
    print(f"{'':<24}{'database (PostgreSQL)':>24}{'Redis':>16}{'ratio db/redis':>16}")

    def row(label: str, database: float, redis: float, unit: str) -> None:
        ratio = database / redis if redis else float("nan")
        print(f"{label:<24}{database:>20.3f} {unit:<3}{redis:>12.3f} {unit:<3}{ratio:>16.2f}")

    for index, label in ((0, "enqueue()"), (1, "with commit")):
        db, rd = enqueue["database"][index], enqueue["redis"][index]
        row(f"{label} p50", db.p50, rd.p50, "ms")
        row(
            f"{label} p99",
            _percentile(db.samples_ms, 0.99),
            _percentile(rd.samples_ms, 0.99),
            "ms",
        )
    db, rd = end_to_end["database"], end_to_end["redis"]
    row("throughput (backlog)", db.throughput, rd.throughput, "t/s")
    for share in (0.5, 0.99):
        row(
            f"latency p{round(share * 100)} ({RATE}/s)",
            _percentile(db.latencies_ms, share),
            _percentile(rd.latencies_ms, share),
            "ms",
        )
    print()
    for result in durability:
        print(
            f"{result.case:<30} run {result.run:>3} of {DURABILITY_TASKS}, lost {result.lost:>3}, "
            f"run twice {result.twice}, last run {result.seconds:5.1f} s after the kill"
        )
    print(f"redis: tasks run after the server restart: {redis_after_restart} of 10")
    print()
    lost_database = sum(r.lost for r in durability if r.case.startswith("database"))
    lost_redis = sum(r.lost for r in durability if r.case.startswith("redis"))
    print("Recommendation:")
    database = end_to_end["database"]
    if lost_database == 0 and lost_redis > 0:
        print(
            "  keep the database backend on PostgreSQL. Redis (run as a cache, with no\n"
            f"  persistence) lost {lost_redis} tasks when its server restarted; the database\n"
            "  lost none, commits a task with the change that caused it (a Redis task is\n"
            "  sent before the transaction commits, or is lost if the process dies between\n"
            "  the commit and an on_commit enqueue), and needs no second store to back up.\n"
            f"  Its cost is speed: {database.throughput:.0f} tasks a second here (bound by\n"
            f"  the disk's commit, {commit.p50:.1f} ms p50, two per task) and up to a second\n"
            "  (the worker's polling interval) before an idle worker notices a task: ample\n"
            "  for the platform's emails, imports and feeds."
        )
    else:
        print(
            "  compare the figures above: neither backend lost tasks in this run, so the\n"
            "  choice rests on throughput, latency and running one store fewer."
        )
