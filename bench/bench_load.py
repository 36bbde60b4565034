"""Load and faults: 200 people browsing and writing, single-process default against scaled.

Two deployments in the same run, each in a temporary VAR_DIR of its own with
the demo data loaded:

- single: `manage.py serve --workers 1` (granian with one worker of four
  threads, the task worker and the scheduler beside it) on SQLite, with
  `make run`'s environment;
- scaled: `manage.py serve_scaled` (nginx, three app processes, a PostgreSQL
  cluster and a Redis of its own, two task workers, one scheduler).

Both are started at once (their preparing overlaps) and then loaded one at a
time: locust (bench/load/locustfile.py) runs USERS people for SECONDS against
each, three in five visitors reading pages, searching, looking at the map,
feeds and the API, two in five signed-in members who also tell stories,
follow things and flag other members' stories (about a fifth of all requests
are writes), each waiting one to three seconds between two things. The
single deployment is stopped before the scaled one is loaded; the scaled one
runs idle while the single one is loaded.

The members are made in each deployment's database beforehand, each with a
verified email and a session (no sign-in through the form: its per-address
throttle would refuse 200 sign-ins from one address, by design). Because all
the load comes from one address and each member writes every few seconds,
the per-member content and link limits are raised (CONTENT_PER_HOUR and the
others in LIMITS), and the members count as trusted (NEW_MEMBER_REVIEW_COUNT
0), so their stories are published at once and others can flag them.

During the scaled run, at a fifth, two fifths and three fifths of it (60,
120 and 180 s of 300), one app process, one task worker and then the Redis
server are killed outright (SIGKILL to their process group); the supervisor
starts each again. Every 5xx answer is logged with its time by the
locustfile, and counted overall and in the FAULT_WINDOW seconds after each
fault. Afterwards, for each deployment:

- every write the server acknowledged is looked up in its database
  ("acknowledged writes: N, lost: M");
- the task queue must drain (nothing RUNNING or due and READY within
  DRAIN_SECONDS), and the tasks that more than one worker took are counted
  (the killed worker's task, run again);
- the search index and the map (items and cluster counts) are compared with
  a full rebuild (`search_rebuild`, `map_rebuild`) on the same database.

Everything runs on this machine's loopback address; every phase has a time
limit, every process started is stopped in `finally`, and the temporary
directories are removed. Locust runs on the same cores as the servers, so the
absolute figures are pessimistic; the ratio scaled/single is what counts.

    .venv/bin/python -m bench load

Shorter runs for trying it out: BENCH_LOAD_USERS (200), BENCH_LOAD_SECONDS
(300; the faults move with it), BENCH_LOAD_TARGETS ("single,scaled").
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "load" / "locustfile.py"
STATIC_ROOT = ROOT / "var" / "static"
USERS = int(os.environ.get("BENCH_LOAD_USERS", "200"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "300"))
SPAWN_RATE = max(1, min(20, USERS // 10))
TARGETS = [t for t in os.environ.get("BENCH_LOAD_TARGETS", "single,scaled").split(",") if t]
MEMBERS = max(USERS, 1)  # one session per locust user at most; the members take them in turn
# Raised for the bench members: one address, every member writing every few seconds.
LIMITS = {
    "CONTENT_PER_HOUR": "100000",
    "CONTENT_PER_DAY": "100000",
    "LINK_SHARES_PER_HOUR": "100000",
    "LINK_FETCHES_PER_HOUR": "100000",
}
# The bench members are trusted: their stories are published at once, so others can
# see and flag them (a new member's first ones would wait for a moderator).
TRUSTED = {"NEW_MEMBER_REVIEW_COUNT": "0"}
# The faults, as (share of the run, process name in state.json).
FAULTS = [(0.2, "app-1"), (0.4, "worker-1"), (0.6, "redis-1")]
FAULT_WINDOW = 10.0  # seconds after a fault in which its 5xx are counted
WORKER_WAIT = 20.0  # seconds the worker's fault may wait for it to be running a task
DRAIN_SECONDS = 60

# Time limits of each phase, in seconds.
START_LIMIT = 900  # preparing the database (demo data) and starting
SHELL_LIMIT = 300  # one `manage.py shell -c`
STOP_LIMIT = 90
INDEX_LIMIT = 600  # snapshots and both rebuilds
MARKER = "BENCH-LOAD-RESULT "


class BenchError(Exception):
    """The bench cannot go on; the message says why."""


# --- What runs inside each deployment's `manage.py shell -c` ------------------------------

SETUP_CODE = r"""
import json, os, random
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils.module_loading import import_string
from bigsocnorth.accounts.models import User
from bigsocnorth.notifications.models import EmailFrequency, NotificationPreference
from bigsocnorth.places.models import LocalAuthority, Region
from bigsocnorth.search.models import SearchDocument

store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
sessions = []
for number in range(int(os.environ["BENCH_LOAD_MEMBERS"])):
    email = f"bench-member-{number:03d}@load.example"
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, password=None)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True})
    session = store()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    sessions.append({"key": session.session_key, "user_id": user.pk})
    if number % 10 == 0:  # some want an email for each notification, not a digest
        NotificationPreference.objects.update_or_create(
            user=user, defaults={"email_frequency": EmailFrequency.IMMEDIATELY})

rng = random.Random(1)
def some(urls, count=15):
    urls = sorted(urls)
    return rng.sample(urls, min(count, len(urls)))

pages = {
    key: some(SearchDocument.objects.filter(type_key=key).values_list("url", flat=True))
    for key in ("story", "entry", "cut", "gathering", "topic", "aid")
}
areas = [f"/areas/{slug}/" for slug in LocalAuthority.objects.values_list("slug", flat=True)]
areas += [f"/areas/{slug}/" for slug in Region.objects.values_list("slug", flat=True)]
# With the areas the members' stories happen in (locustfile.PLACES): their followers
# are told of each new story there, some by email, which keeps the task workers busy.
told = LocalAuthority.objects.filter(slug__in=os.environ["BENCH_LOAD_AREAS"].split(","))
pages["area"] = sorted(set(some(areas)) | {f"/areas/{area.slug}/" for area in told})
print("BENCH-LOAD-RESULT " + json.dumps({"sessions": sessions, "pages": pages}))
"""

VERIFY_CODE = r"""
import json, os
from collections import Counter
from django.contrib.contenttypes.models import ContentType
from bigsocnorth.mapping.models import MapItem
from bigsocnorth.moderation.models import Flag
from bigsocnorth.notifications import registry
from bigsocnorth.notifications.models import Follow
from bigsocnorth.stories.models import Story

path = os.environ["BENCH_LOAD_WRITES"]
records = [json.loads(line) for line in open(path)] if os.path.exists(path) else []
kinds, lost = Counter(), []
story_ids = []
for record in records:
    kinds[record["kind"]] += 1
    if record["kind"] == "story":
        found = list(Story._default_manager.filter(
            slug=record["slug"], author_id=record["author_id"]).values_list("pk", flat=True))
        story_ids += found
    elif record["kind"] == "flag":
        found = Flag.objects.filter(
            flagger_id=record["flagger_id"], content_type_id=record["content_type_id"],
            object_id=record["object_id"]).exists()
    else:
        model = registry.followable_for_key(record["type"]).model
        found = Follow.objects.filter(
            user_id=record["user_id"], content_type=ContentType.objects.get_for_model(model),
            object_id=record["object_id"]).exists()
    if not found:
        lost.append(record)
on_map = MapItem.objects.filter(
    content_type=ContentType.objects.get_for_model(Story), object_id__in=story_ids
).values("object_id").distinct().count()
print("BENCH-LOAD-RESULT " + json.dumps({
    "acknowledged": len(records), "kinds": dict(kinds), "lost": len(lost),
    "lost_examples": lost[:5], "stories_on_map": on_map,
}))
"""

TASKS_CODE = r"""
import json, os
from collections import Counter
from django_tasks_db.models import DBTaskResult

statuses = Counter(DBTaskResult.objects.values_list("status", flat=True))
retried = [
    {"task": path.rsplit(".", 1)[-1], "status": status, "workers": workers}
    for path, status, workers in DBTaskResult.objects.values_list(
        "task_path", "status", "worker_ids")
    if len(workers or []) > 1
]
killed = [task for task in os.environ.get("BENCH_LOAD_KILLED_TASKS", "").split(",") if task]
killed = [
    {"task": path.rsplit(".", 1)[-1], "status": status, "workers": workers}
    for path, status, workers in DBTaskResult.objects.filter(pk__in=killed).values_list(
        "task_path", "status", "worker_ids")
]
print("BENCH-LOAD-RESULT " + json.dumps({
    "killed": killed,
    "statuses": dict(statuses),
    "running": statuses.get("RUNNING", 0),
    "due_ready": DBTaskResult.objects.ready().count(),
    "retried": len(retried),
    "retried_examples": retried[:5],
}))
"""

INDEX_CODE = r"""
import hashlib, io, json
from django.core.management import call_command
from bigsocnorth.mapping.models import MapAreaCell, MapCategorySet, MapCell, MapItem
from bigsocnorth.search.models import SearchDocument, SearchWord

def digest(*values):
    return hashlib.sha256(repr(values).encode()).hexdigest()[:16]

def snapshot():
    rows = {}
    for values in SearchDocument.objects.values_list(
        "content_type_id", "object_id", "type_key", "title", "body", "facets", "url",
        "published_at", "categories", "area_ids", "facet_tokens",
    ).iterator():
        rows[("search document", *values[:2])] = digest(*values[2:])
    for word, documents in SearchWord.objects.values_list("word", "documents").iterator():
        rows[("search word", word)] = documents
    sets = dict(MapCategorySet.objects.values_list("pk", "key"))
    for values in MapItem.objects.values_list(
        "content_type_id", "object_id", "place_key", "layer", "title", "url", "kind",
        "category", "category_set_id", "local_authority_id", "published_at", "latitude",
        "longitude", "mx", "my",
    ).iterator():
        *key, set_id, authority, published, latitude, longitude, mx, my = values
        rows[("map item", *key[:3])] = digest(
            *key[3:], sets[set_id], authority, published, round(latitude, 7),
            round(longitude, 7), mx, my)
    for model, extra in ((MapCell, ()), (MapAreaCell, ("local_authority_id",))):
        for values in model.objects.filter(count__gt=0).values_list(
            "zoom", "cx", "cy", "layer", "kind", "category_set_id", *extra, "count",
            "sum_latitude", "sum_longitude", "sum_item_id",
        ).iterator():
            key = list(values[:-4])
            key[5] = sets[key[5]]
            count, latitude, longitude, ids = values[-4:]
            rows[(model.__name__, *key)] = (count, round(latitude, 6), round(longitude, 6), ids)
    return rows

before = snapshot()
said = io.StringIO()
call_command("search_rebuild", stdout=said)
call_command("map_rebuild", stdout=said)
after = snapshot()
differences = {}
for key in before.keys() | after.keys():
    if before.get(key) != after.get(key):
        differences[key[0]] = differences.get(key[0], 0) + 1
print("BENCH-LOAD-RESULT " + json.dumps({
    "rows": len(before), "differences": sum(differences.values()), "by_kind": differences,
    "examples": [repr(key) for key in list(before.keys() ^ after.keys())[:5]],
    "commands": said.getvalue().strip().splitlines(),
}))
"""


# --- Processes ------------------------------------------------------------------------


def _free_port() -> int:
    from bigsocnorth.core.scaled import free_port

    return free_port()


def _stop(process: subprocess.Popen | None, *, limit: float = STOP_LIMIT) -> None:
    """Ctrl-C to a command that stops its own children; then the whole tree, by force."""
    if process is None:
        return
    try:
        tree = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        tree = []
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for child in tree:  # what it started and left behind
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()


def _shell(env: dict[str, str], code: str, *, limit: float = SHELL_LIMIT) -> dict:
    try:
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=limit,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"manage.py shell took longer than {limit:.0f} s.") from error
    for line in result.stdout.splitlines():
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER) :])
    raise BenchError(
        f"manage.py shell failed (exit code {result.returncode}):\n{result.stderr[-3000:]}"
    )


def _wait_for(check, *, limit: float, what: str, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + limit
    while not check():
        if process is not None and process.poll() is not None:
            raise BenchError(f"{what}: the process stopped (exit code {process.returncode}).")
        if time.monotonic() > deadline:
            raise BenchError(f"{what}: not within {limit:.0f} s.")
        time.sleep(0.5)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


@dataclass
class Target(ABC):
    name: str
    work: Path
    port: int = field(default_factory=_free_port)
    env: dict[str, str] = field(default_factory=dict)
    shell_env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen] = field(default_factory=list)
    server: subprocess.Popen | None = None
    log_file: object = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def var_dir(self) -> Path:
        return self.work / "var"

    @property
    def log(self) -> Path:
        return self.work / "server.log"

    def base_env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "VAR_DIR"}
        }
        env.update(
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SITE_URL=self.url,
            VAR_DIR=str(self.var_dir),
            STATIC_ROOT=str(STATIC_ROOT),
            SERVE_DEMO_FEEDS="true",
            REQUIRE_STAFF_TWO_FACTOR="false",
            **LIMITS,
        )
        return env

    @abstractmethod
    def begin(self) -> None:
        """Start the deployment's processes."""

    @abstractmethod
    def wait_ready(self) -> None:
        """Return once the deployment answers."""

    def stop(self) -> None:
        _stop(self.server)
        for process in self.processes:
            _stop(process, limit=10)
        if self.log_file:
            self.log_file.close()
            self.log_file = None


class SingleTarget(Target):
    """`make run`: granian with one worker, the task worker and the scheduler, on SQLite."""

    def begin(self) -> None:
        self.var_dir.mkdir(parents=True)
        # The demo's loader checks that a new member's first stories wait for review:
        # the members are trusted only once it has run.
        preparing = {**self.base_env(), "SERVE_MEDIA": "true"}
        self.env = self.shell_env = {**preparing, **TRUSTED}
        self.log_file = self.log.open("w")
        prepare = subprocess.Popen(
            [sys.executable, "manage.py", "prepare", "--demo-data"],
            cwd=ROOT,
            env=preparing,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(prepare)

    def wait_ready(self) -> None:
        try:
            code = self.processes[0].wait(timeout=START_LIMIT)
        except subprocess.TimeoutExpired as error:
            raise BenchError(f"single: preparing took longer than {START_LIMIT} s.") from error
        if code != 0:
            raise BenchError(f"single: preparing failed; see {self.log}:\n{self._tail()}")
        self.server = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "serve", "--workers", "1", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        _wait_for(
            lambda: _answers(f"{self.url}/healthz"),
            limit=180,
            what="single: the server answering /healthz",
            process=self.server,
        )

    def _tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


class ScaledTarget(Target):
    """`make run-scaled`: nginx, 3 app processes, PostgreSQL, Redis, 2 workers, a scheduler."""

    @property
    def state_file(self) -> Path:
        return self.var_dir / "scaled" / "state.json"

    def _serve(self, env: dict[str, str]) -> None:
        self.log_file = self.log.open("w")
        self.server = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "serve_scaled", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )

    def begin(self) -> None:
        self.var_dir.mkdir(parents=True)
        # The first start loads the demo (whose loader checks that a new member's first
        # stories wait for review); the second, on the same database and with the
        # members trusted, is the one loaded.
        preparing = self.base_env()
        self.env = {**preparing, **TRUSTED}
        self._serve(preparing)

    def wait_ready(self) -> None:
        for start in ("preparing", "serving"):
            _wait_for(
                lambda: "behind nginx" in self.log.read_text(errors="replace"),
                limit=START_LIMIT,
                what=f"scaled: serve_scaled starting ({start})",
                process=self.server,
            )
            if start == "preparing":
                _stop(self.server)
                self.log_file.close()
                if "Stopped." not in self.log.read_text(errors="replace"):
                    raise BenchError("scaled: serve_scaled did not stop cleanly after preparing.")
                self._serve(self.env)
        state = self.state_read()
        self.shell_env = {
            **self.env,
            "DATABASE_URL": state["database_url"],
            "REDIS_URL": state["redis_url"],
        }

    def state_read(self) -> dict:
        return json.loads(self.state_file.read_text())

    def process(self, name: str) -> dict:
        return next(p for p in self.state_read()["processes"] if p["name"] == name)

    def stop(self) -> None:
        pids = []
        with contextlib.suppress(OSError, ValueError):
            pids = [p["pid"] for p in self.state_read()["processes"] if p["pid"]]
        super().stop()
        for pid in pids:  # anything serve_scaled could not stop itself
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        data = self.var_dir / "scaled" / "postgres" / "data"
        if (data / "postmaster.pid").exists():  # its PostgreSQL, if still up
            for found in psutil.process_iter(["pid", "cmdline"]):
                if str(data) in " ".join(found.info["cmdline"] or []):
                    with contextlib.suppress(psutil.NoSuchProcess):
                        found.kill()


# --- The load -------------------------------------------------------------------------


MAP_VIEWS = [
    (-3.64, 52.95, 0.15, 55.81, 6),  # the whole North
    (-2.6, 53.3, -1.0, 54.1, 8),  # the Pennines
    (-1.75, 53.72, -1.35, 53.88, 11),  # Leeds
    (-1.7, 54.9, -1.5, 55.02, 12),  # Tyneside
    (-2.3, 53.44, -2.18, 53.51, 13),  # Manchester
    (-1.56, 53.79, -1.53, 53.81, 15),  # Leeds centre
]
# The local authorities of the places the members' stories happen in (locustfile.PLACES).
STORY_AREAS = "leeds,calderdale,gateshead,westmorland-and-furness,barnsley,wigan,darlington,york"
SEARCHES = [
    "community energy",
    "food bank",
    "youth club",
    "library",
    "volunteers",
    "befriending",
    "credit union",
    "swimming pool",
    "refugee welcome",
    "mutual aid",
    "warm space",
    "Hebden Bridge",
]
FEEDS = [
    "/stories/feed.rss",
    "/stories/feed.atom",
    "/stories/feed.json",
    "/cuts/feed.atom",
    "/forum/feed.atom",
    "/gatherings/feed.atom",
    "/gatherings/calendar.ics",
]
API_LISTS = [
    "/api/v1/stories",
    "/api/v1/cuts",
    "/api/v1/events",
    "/api/v1/directory/entries",
    "/api/v1/needs-and-offers",
    "/api/v1/forum/topics",
    "/api/v1/areas",
    "/api/v1/search?q=community",
]
FIXED_PAGES = [
    "/",
    "/areas/",
    "/directory/",
    "/stories/",
    "/cuts/",
    "/cuts/dashboards/",
    "/forum/",
    "/gatherings/",
    "/help/",
    "/map/",
    "/api/v1/areas/outlines",
    "/map/export.geojson",
]


def _plan(target: Target, work: Path) -> Path:
    """Members and their sessions in the target's database, and the pages to visit."""
    made = _shell(
        {**target.shell_env, "BENCH_LOAD_MEMBERS": str(MEMBERS), "BENCH_LOAD_AREAS": STORY_AREAS},
        SETUP_CODE,
    )
    pages = made["pages"]
    for key, urls in pages.items():
        if not urls:
            raise BenchError(f"{target.name}: the demo data has no {key} to visit.")
    plan = {
        "sessions": made["sessions"],
        "pages": pages,
        "searches": SEARCHES,
        "map_views": [f"/api/v1/map?bbox={w},{s},{e},{n}&zoom={z}" for w, s, e, n, z in MAP_VIEWS],
        "feeds": FEEDS,
        "api": API_LISTS,
        "follow_pages": [{"url": url, "name": "/directory/[slug]/"} for url in pages["entry"]]
        + [{"url": url, "name": "/areas/[slug]/"} for url in pages["area"]],
        "writes": str(work / "writes.jsonl"),
        "errors": str(work / "errors.jsonl"),
    }
    path = work / "plan.json"
    path.write_text(json.dumps(plan))
    _preflight(target, plan)
    return path


def _preflight(target: Target, plan: dict) -> None:
    """Every address the load uses answers 200 once, before the load starts."""
    paths = list(FIXED_PAGES) + plan["map_views"] + plan["feeds"] + plan["api"]
    paths += [f"/search/?q={q.replace(' ', '+')}" for q in plan["searches"]]
    for urls in plan["pages"].values():
        paths += urls
    member = plan["sessions"][0]["key"]
    signed_in = ["/stories/new/", "/notifications/", "/notifications/following/"]
    wrong = []
    with httpx.Client(base_url=target.url, timeout=60) as client:
        for path in paths:
            status = client.get(path).status_code
            if status != 200:
                wrong.append(f"{path}: {status}")
        for path in signed_in:
            status = client.get(path, cookies={"sessionid": member}).status_code
            if status != 200:
                wrong.append(f"{path} (signed in): {status}")
    if wrong:
        raise BenchError(f"{target.name}: these do not answer 200:\n  " + "\n  ".join(wrong))
    print(f"  {target.name}: all {len(paths) + len(signed_in)} addresses answer 200")


@dataclass
class Fault:
    name: str
    at: float  # seconds into the run
    killed_at: float = 0.0  # wall clock
    pid: int = 0
    restarted_after: float | None = None  # seconds until the supervisor started it again
    answering_after: float | None = None  # app only: until its port answered again
    server_errors: int = 0
    running: list[str] = field(default_factory=list)  # worker only: its tasks when killed


def _tasks_running(database_url: str, worker_id: str) -> list[str]:
    """The tasks a worker is running now, as "id path", read straight from the queue."""
    import psycopg

    try:
        with psycopg.connect(database_url, connect_timeout=2) as connection:
            rows = connection.execute(
                "SELECT id::text, task_path FROM django_tasks_database_dbtaskresult "
                "WHERE status = 'RUNNING' AND worker_ids @> %s::jsonb",
                [json.dumps([worker_id])],
            ).fetchall()
    except psycopg.Error as error:
        print(f"  (could not read the task queue: {error})")
        return []
    return [f"{task_id} {path}" for task_id, path in rows]


def _faults_inject(target: ScaledTarget, started: float, faults: list[Fault], stop) -> None:
    for fault in faults:
        while time.time() < started + fault.at:
            if stop.wait(0.2):
                return
        if fault.name.startswith("worker"):
            # Killed in the middle of a task if one comes within WORKER_WAIT seconds: the
            # case the recovery is for (a task left RUNNING by a worker that is gone).
            database_url = target.state_read()["database_url"]
            worker_id = f"{socket.gethostname()}-{fault.name}"  # as serve_scaled names it
            waiting_until = time.monotonic() + WORKER_WAIT
            while time.monotonic() < waiting_until and not stop.is_set():
                fault.running = _tasks_running(database_url, worker_id)
                if fault.running:
                    break
                time.sleep(0.02)
        before = target.process(fault.name)
        fault.pid = before["pid"]
        fault.killed_at = time.time()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(before["pid"], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not stop.is_set():
            after = target.process(fault.name)
            if after["restarts"] > before["restarts"] and after["pid"] != before["pid"]:
                fault.restarted_after = time.time() - fault.killed_at
                break
            time.sleep(0.1)
        if fault.name.startswith("app") and fault.restarted_after is not None:
            health = f"http://127.0.0.1:{before['port']}/healthz"
            while time.monotonic() < deadline and not stop.is_set():
                if _answers(health):
                    fault.answering_after = time.time() - fault.killed_at
                    break
                time.sleep(0.2)


@dataclass
class Result:
    name: str
    requests: int = 0
    failures: int = 0
    rps: float = 0.0
    p50: float = 0.0
    p99: float = 0.0
    posts: int = 0
    server_errors: int = 0
    no_answer: int = 0
    slowest: list[tuple[str, int, float, float]] = field(default_factory=list)
    failure_kinds: list[tuple[str, int]] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    writes: dict = field(default_factory=dict)
    tasks: dict = field(default_factory=dict)
    index: dict = field(default_factory=dict)
    load_started: float = 0.0


def _load(target: Target, plan: Path, work: Path, faults: list[Fault]) -> Result:
    prefix = work / "locust"
    env = {**os.environ, "BENCH_LOAD_PLAN": str(plan)}
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f", str(LOCUSTFILE),
        "--headless",
        "-u", str(USERS),
        "-r", str(SPAWN_RATE),
        "-t", f"{SECONDS}s",
        "--host", target.url,
        "--csv", str(prefix),
        "--only-summary",
        "--stop-timeout", "5",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    result = Result(target.name)
    print(f"  {target.name}: {USERS} people for {SECONDS} s (locust: {' '.join(command[3:])})")
    stop = threading.Event()
    with (work / "locust.log").open("w") as log:
        locust = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        result.load_started = time.time()
        injector = None
        if faults and isinstance(target, ScaledTarget):
            injector = threading.Thread(
                target=_faults_inject,
                args=(target, result.load_started, faults, stop),
                daemon=True,
            )
            injector.start()
        try:
            locust.wait(timeout=SECONDS + 120)
        except subprocess.TimeoutExpired:
            locust.kill()
            locust.wait()
            raise BenchError(f"{target.name}: locust did not finish in time.") from None
        finally:
            stop.set()
            if locust.poll() is None:
                locust.kill()
                locust.wait()
            if injector:
                injector.join(timeout=70)
    stats = prefix.with_name("locust_stats.csv")
    if not stats.exists():
        said = (work / "locust.log").read_text(errors="replace")[-3000:]
        raise BenchError(f"{target.name}: locust wrote no figures:\n{said}")
    with stats.open() as rows_file:
        rows = list(csv.DictReader(rows_file))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    result.requests = int(total["Request Count"])
    result.failures = int(total["Failure Count"])
    result.rps = float(total["Requests/s"])
    result.p50 = float(total["50%"])
    result.p99 = float(total["99%"])
    endpoints = [row for row in rows if row["Name"] != "Aggregated"]
    result.posts = sum(int(row["Request Count"]) for row in endpoints if row["Type"] == "POST")
    result.slowest = sorted(
        (
            (row["Name"], int(row["Request Count"]), float(row["50%"]), float(row["99%"]))
            for row in endpoints
        ),
        key=lambda item: -item[3],
    )[:5]
    failures = prefix.with_name("locust_failures.csv")
    if failures.exists():
        with failures.open() as rows_file:
            kinds = [
                (f"{row['Method']} {row['Name']}: {row['Error'][:120]}", int(row["Occurrences"]))
                for row in csv.DictReader(rows_file)
            ]
        result.failure_kinds = sorted(kinds, key=lambda item: -item[1])[:6]
    errors_path = work / "errors.jsonl"
    if errors_path.exists():
        result.errors = [json.loads(line) for line in errors_path.read_text().splitlines()]
    result.server_errors = sum(1 for error in result.errors if error["status"] >= 500)
    result.no_answer = sum(1 for error in result.errors if error["status"] == 0)
    for fault in faults:
        fault.server_errors = sum(
            1
            for error in result.errors
            if error["status"] >= 500 and 0 <= error["t"] - fault.killed_at <= FAULT_WINDOW
        )
    result.faults = faults
    return result


def _checks(target: Target, result: Result, work: Path) -> None:
    """Acknowledged writes in the database, the task queue drained, the indexes exact."""
    env = {**target.shell_env, "BENCH_LOAD_WRITES": str(work / "writes.jsonl")}
    result.writes = _shell(env, VERIFY_CODE)
    killed = [task.split()[0] for fault in result.faults for task in fault.running]
    env = {**target.shell_env, "BENCH_LOAD_KILLED_TASKS": ",".join(killed)}
    deadline = time.monotonic() + DRAIN_SECONDS
    while True:
        result.tasks = _shell(env, TASKS_CODE)
        drained = result.tasks["running"] == 0 and result.tasks["due_ready"] == 0
        if drained or time.monotonic() > deadline:
            break
        time.sleep(3)
    result.tasks["drained"] = drained
    # The scheduler's word on each task it took back from a lost worker (tasks_recovery).
    said = target.log.read_text(errors="replace").splitlines() if target.log.exists() else []
    result.tasks["requeued"] = [line[-200:] for line in said if ": queued again" in line]
    result.index = _shell(target.shell_env, INDEX_CODE, limit=INDEX_LIMIT)


# --- The report -----------------------------------------------------------------------


def _report(results: dict[str, Result]) -> None:
    print()
    print(f"== Results ({time.strftime('%H:%M:%S', time.gmtime())} UTC)")
    print(f"{USERS} people ({SPAWN_RATE}/s starting) for {SECONDS} s against each deployment")
    print(f"raised for the bench members: {', '.join(f'{k}={v}' for k, v in LIMITS.items())}")
    print("bench members trusted: NEW_MEMBER_REVIEW_COUNT=0 (their stories publish at once)")
    print()
    header = (
        f"{'target':<8} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>8} "
        f"{'failures':>9} {'5xx':>5} {'no answer':>9} {'writes %':>8} {'acked':>6} {'lost':>5}"
    )
    print(header)
    print("-" * len(header))
    for result in results.values():
        share = 100 * result.posts / result.requests if result.requests else 0
        print(
            f"{result.name:<8} {result.requests:>9} {result.rps:>7.1f} {result.p50:>7.0f} "
            f"{result.p99:>8.0f} {result.failures:>9} {result.server_errors:>5} "
            f"{result.no_answer:>9} {share:>8.1f} {result.writes.get('acknowledged', 0):>6} "
            f"{result.writes.get('lost', 0):>5}"
        )
    if "single" in results and "scaled" in results:
        single, scaled = results["single"], results["scaled"]
        print(
            f"ratio scaled/single: req/s {scaled.rps / max(single.rps, 0.001):.2f}x, "
            f"p99 {scaled.p99 / max(single.p99, 0.001):.2f}x (below 1: scaled is faster)"
        )
    for result in results.values():
        print()
        print(f"-- {result.name}")
        writes = result.writes
        print(
            f"acknowledged writes: {writes.get('acknowledged', 0)}, lost: {writes.get('lost', 0)}"
            f"  ({', '.join(f'{k} {v}' for k, v in sorted(writes.get('kinds', {}).items()))};"
            f" stories on the map: {writes.get('stories_on_map', 0)})"
        )
        for example in writes.get("lost_examples", []):
            print(f"  lost: {example}")
        tasks = result.tasks
        print(
            f"tasks: {tasks.get('statuses')}; left RUNNING {tasks.get('running')}, "
            f"due READY {tasks.get('due_ready')} "
            f"({'drained' if tasks.get('drained') else f'NOT drained within {DRAIN_SECONDS} s'}); "
            f"taken by more than one worker: {tasks.get('retried')}"
        )
        for example in tasks.get("retried_examples", []):
            print(f"  retried: {example}")
        for task in tasks.get("killed", []):
            print(f"  the task running on the killed worker, now: {task}")
        requeued = tasks.get("requeued", [])
        print(f"tasks queued again by the scheduler after a lost worker: {len(requeued)}")
        for line in requeued[:5]:
            print(f"  {line}")
        index = result.index
        print(
            f"indexes against a full rebuild: {index.get('rows')} rows, "
            f"{index.get('differences')} differences"
            + (f" {index.get('by_kind')}" if index.get("differences") else " (exactly equal)")
        )
        for line in index.get("commands", []):
            print(f"  {line}")
        for example in index.get("examples", []) if index.get("differences") else []:
            print(f"  only on one side: {example}")
        print("slowest (p99):")
        for name, count, p50, p99 in result.slowest:
            print(f"  {name:<44} n={count:<6} p50={p50:>6.0f} ms  p99={p99:>6.0f} ms")
        if result.failure_kinds:
            print("failures:")
            for kind, count in result.failure_kinds:
                print(f"  {count:>5}  {kind}")
        if result.faults:
            print(f"faults (5xx counted in the {FAULT_WINDOW:.0f} s after each):")
            for fault in result.faults:
                restarted = (
                    f"restarted after {fault.restarted_after:.1f} s"
                    if fault.restarted_after is not None
                    else "NOT restarted"
                )
                answering = (
                    f", answering after {fault.answering_after:.1f} s"
                    if fault.answering_after is not None
                    else ""
                )
                at = fault.killed_at - result.load_started if fault.killed_at else None
                when = (
                    f"{at:6.1f} s ({time.strftime('%H:%M:%S', time.gmtime(fault.killed_at))} UTC)"
                    if at is not None
                    else "not done"
                )
                print(
                    f"  {when}  kill -9 {fault.name} (pid {fault.pid}): {restarted}{answering}; "
                    f"5xx: {fault.server_errors}"
                )
                if fault.name.startswith("worker"):
                    running = ", ".join(fault.running) or f"none within {WORKER_WAIT:.0f} s"
                    print(f"    running when killed: {running}")
            in_windows = sum(fault.server_errors for fault in result.faults)
            print(
                f"5xx outside the fault windows: {result.server_errors - in_windows} "
                "(expected 0; inside them only the requests in flight on the killed app "
                "process, which nginx answers 502)"
            )
        if result.errors:
            print("5xx and unanswered, first few:")
            for error in result.errors[:8]:
                at = error["t"] - result.load_started
                print(
                    f"  {at:6.1f} s  {error['status'] or 'no answer'}  {error['method']} "
                    f"{error['name']} {error['error'][:100]}"
                )


# --- Running it -----------------------------------------------------------------------


def run() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    if not (STATIC_ROOT / "staticfiles.json").exists():
        raise BenchError(f"{STATIC_ROOT} has no collected static files: run `make setup` first.")
    random.seed(1)
    print(f"  {time.strftime('%H:%M:%S', time.gmtime())} UTC: starting {', '.join(TARGETS)}")
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    targets: dict[str, Target] = {}
    try:
        for name in TARGETS:
            kind = {"single": SingleTarget, "scaled": ScaledTarget}[name]
            targets[name] = kind(name=name, work=work / name)
            targets[name].work.mkdir()
        started = time.monotonic()
        for target in targets.values():
            target.begin()
        for target in targets.values():
            target.wait_ready()
        print(f"  started: {', '.join(targets)} in {time.monotonic() - started:.0f} s")
        results = {}
        for name, target in targets.items():
            plan = _plan(target, target.work)
            faults = (
                [Fault(process, at=share * SECONDS) for share, process in FAULTS]
                if name == "scaled"
                else []
            )
            result = _load(target, plan, target.work, faults)
            _checks(target, result, target.work)
            results[name] = result
            target.stop()  # the next one runs alone
        _report(results)
    except BaseException:
        for target in targets.values():  # what the servers said, before it is removed
            if target.log.exists():
                said = target.log.read_text(errors="replace")[-4000:]
                print(f"-- the last of {target.name}'s log:\n{said}")
        raise
    finally:
        for target in targets.values():
            target.stop()
        shutil.rmtree(work, ignore_errors=True)
