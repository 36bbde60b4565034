"""Every main page and API list, in-process and under wrk, against /healthz and a hello-world.

The yardstick the pages are held to. Two measurements, both with DEBUG off,
a long random secret and static files collected with the manifest storage
(as production has them), and both next to two floors measured in the same
run: `GET /healthz` (one `SELECT 1` through the whole middleware stack) and
a hello-world view that only the benchmark has (bench/hello_urls.py, mounted
with the site's URLs by bench/hello_settings.py, so it passes through the
same middleware).

1. In-process: each page and API list is requested through Django's WSGI
   handler (as a server calls it: request signals, middleware, view,
   template; no network), after a few warm-up requests, SAMPLES times or
   for at most SECONDS a page (at least MIN_SAMPLES). It reports p50, p95
   and the SQL queries one request makes, and p50 as a multiple of the
   floors'. The floors are timed before and after the pages, and their
   samples pooled, so a machine that gets busier halfway shows in both.
   Two scales: the demo data (what `manage.py prepare --demo-data` loads),
   and about COUNT entries and COUNT stories, the demo's copied over and
   over (as bench_home does) with their places, areas, categories, tags
   and links, and the search index and the map rebuilt from them. The
   copies keep their authors and areas: at that scale an area holds some
   300 times the demo's groups and a demo person has told thousands of
   stories, so the area and profile pages there are the crowded case.
2. Under load: the server `make run` starts (granian, WSGI, 2 workers of 4
   threads; see core/management/commands/serve.py) on the demo database,
   driven by wrk (8 connections, 2 threads, LOAD_SECONDS a page, after a
   second of warm-up). It reports requests a second and the p50 and p99
   latency, and the requests a second as a share of the hello-world's on
   the same server. wrk runs on the same cores as the server, so the
   figures are pessimistic; the shares are what compare across machines.

Where the platform keeps whole pages for visitors (core/pagecache.py), a
page asked for again is a kept copy, and the figures say little about what
making it costs: so each table is made twice, with the page cache on as
deployed, and off (PAGE_CACHE_SECONDS=0) for what a page costs when nobody
asked for it since the last change, as most of 100,000 entries' pages are.
Under load, the second pass runs LOAD_SECONDS / 2 a page.

The targets are printed next to the figures and never asserted: an HTML
page p50 ≤ 5 ms and p95 ≤ 10 ms at demo scale and p95 ≤ 15 ms at COUNT;
a page of 50 HSDS organizations p95 ≤ 10 ms; /healthz p50 ≤ 0.3 ms; under
load, every page at least 10 % of the hello-world's requests a second and
/healthz at least 50 %. The other API lists have no target of their own yet.

`run()` starts a process of its own with the production environment and a
temporary VAR_DIR (collectstatic goes there), which does the measuring, so
the settings are production's whatever the calling shell has. Databases
are the benchmark's own (bench/database.py): the demo one is dropped at
the end; the large one is kept (next to the configured database, or as
`<name>_bench_pages_100k` on PostgreSQL, with its images in
VAR_DIR/bench-pages_100k-media) and reused by the next run, since building
it takes minutes; delete both after a change to the demo data, the models
or what the indexes derive, so they are built again. Run it with and without
DATABASE_URL.

    .venv/bin/python -m bench bench_pages                          # everything, ~10 min
    BENCH_PAGES_PARTS=demo,load .venv/bin/python -m bench bench_pages  # skip the large scale

BENCH_PAGES_PARTS picks among demo (in-process, demo data), load (wrk) and
large (in-process, COUNT); BENCH_PAGES_COUNT, BENCH_PAGES_SAMPLES,
BENCH_PAGES_SECONDS and BENCH_PAGES_LOAD_SECONDS change the sizes.
wrk is Debian's `wrk` package (`apt-get install -y wrk`); without it the
part under load is skipped with a note.
"""

# Runs our own server, wrk and git with fixed arguments; nothing comes from outside.
# ruff: noqa: S603, S607

from __future__ import annotations

import functools
import io
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.copies import story_copy
from bench.timing import Timing

ROOT = Path(__file__).resolve().parent.parent
PARTS = os.environ.get("BENCH_PAGES_PARTS", "demo,load,large").split(",")
COUNT = int(os.environ.get("BENCH_PAGES_COUNT", "100000"))  # entries, and stories, at scale
SAMPLES = int(os.environ.get("BENCH_PAGES_SAMPLES", "200"))  # in-process, a page at most
SECONDS = float(os.environ.get("BENCH_PAGES_SECONDS", "3"))  # in-process, a page at most
MIN_SAMPLES = 20  # even for a page slower than SECONDS / 20
WARM_UP = 5
LOAD_SECONDS = int(os.environ.get("BENCH_PAGES_LOAD_SECONDS", "10"))
CONNECTIONS, THREADS = 8, 2
WRK = "/usr/bin/wrk"
HELLO = "/bench/hello"
HEALTHZ = "/healthz"
MAX_PER_PAGE = 50  # the HSDS page size the target is set for
PATH_WIDTH = 46  # longer paths are cut in the tables and given whole below them
MAP_SIZE = (960, 640)  # px: the map on a laptop screen, for its first viewport

# The targets, in ms.
PAGE_P50, PAGE_P95, PAGE_P95_LARGE = 5.0, 10.0, 15.0
HSDS_P95 = 10.0
HEALTHZ_P50 = 0.3
LOAD_SHARE_PAGE, LOAD_SHARE_HEALTHZ = 0.10, 0.50


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # with its query string
    kind: str  # "html", "api", "hsds" or "floor": which target holds it


# --- The parent process: the production environment ----------------------------------


def _production_env(var_dir: str) -> dict[str, str]:
    from django.conf import settings

    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench.hello_settings",
        VAR_DIR=var_dir,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="testserver,127.0.0.1",
        SITE_URL="http://127.0.0.1",
        # Plain HTTP on loopback: no redirect to https, no HSTS.
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        BEHIND_TLS_PROXY="false",
    )
    # The kept large database and its uploaded images go next to the configured
    # database and in its VAR_DIR, not in the temporary one, so the next run finds them.
    env["BENCH_PAGES_KEPT_DIR"] = str(settings.VAR_DIR)
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        env["SQLITE_PATH"] = str(settings.DATABASES["default"]["NAME"])
    return env


def run() -> None:
    parts = list(PARTS)
    if "load" in parts and not Path(WRK).exists():
        print(f"{WRK} is missing, so the part under load is skipped: `apt-get install -y wrk`.")
        parts.remove("load")
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as var_dir:
        env = _production_env(var_dir)
        env["BENCH_PAGES_PARTS"] = ",".join(parts)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bench.bench_pages"], cwd=ROOT, env=env, check=True)
    print(f"bench_pages ({', '.join(parts)}) took {time.perf_counter() - started:.0f} s in all")


# --- Which pages: found in the data, never hard-coded slugs --------------------------


def _pages() -> list[Page]:
    from django.contrib.auth.models import AnonymousUser

    from bigsocnorth.accounts.models import Profile
    from bigsocnorth.accounts.selectors import profile_get_public
    from bigsocnorth.directory.models import Entry
    from bigsocnorth.events.selectors import upcoming_gatherings
    from bigsocnorth.places.models import LocalAuthority
    from bigsocnorth.stories.models import Story

    entry = Entry.objects.public().filter(merged_into__isnull=True).order_by("pk").first()
    story = Story.objects.public().order_by("pk").first()
    area = entry.areas.order_by("pk").first() or LocalAuthority.objects.order_by("pk").first()
    anyone = AnonymousUser()
    # The first story's author if their profile is public (it lists what they told).
    handles = [
        *Profile.objects.filter(user_id=story.author_id).values_list("handle", flat=True),
        *Profile.objects.order_by("pk").values_list("handle", flat=True),
    ]
    profile = next(
        (found for h in handles if (found := profile_get_public(handle=h, viewer=anyone))), None
    )
    pages = [
        Page("home", "/", "html"),
        Page("directory", "/directory/", "html"),
        Page("entry", entry.get_absolute_url(), "html"),
        Page("stories", "/stories/", "html"),
        Page("story", story.get_absolute_url(), "html"),
        Page("map", "/map/", "html"),
        Page("search", "/search/?q=food", "html"),
        Page("areas", "/areas/", "html"),
        Page("area (authority)", area.get_absolute_url(), "html"),
        Page("area (region)", area.region.get_absolute_url(), "html"),
    ]
    if profile is not None:
        pages.append(Page("profile", profile.get_absolute_url(), "html"))
    gathering = upcoming_gatherings().order_by("starts_at").first()
    if gathering is not None:
        pages.append(Page("gathering", gathering.get_absolute_url(), "html"))
    pages += [
        Page("gatherings", "/gatherings/", "html"),
        Page("gatherings calendar", "/gatherings/calendar/", "html"),
        *_help_pages(),
        Page("design", "/design/", "html"),
        Page("api map", _map_api_path(), "api"),
        Page("api hsds", f"/api/v1/hsds/organizations?per_page={MAX_PER_PAGE}", "hsds"),
        Page("api entries", "/api/v1/directory/entries", "api"),
        Page("api stories", "/api/v1/stories", "api"),
        Page("api areas", "/api/v1/areas", "api"),
        Page("api search", "/api/v1/search?q=food", "api"),
    ]
    return pages


def _help_pages() -> list[Page]:
    """Needs and offers: the list, the needs near the first open need's council, that need's
    page (with the posts that fit it) and the open data."""
    from bigsocnorth.mutual_aid.models import Post, PostKind, PostState

    pages = [Page("help", "/help/", "html")]
    need = (
        Post.objects.public()
        .filter(kind=PostKind.NEED, state=PostState.OPEN)
        .select_related("local_authority")
        .order_by("pk")
        .first()
    )
    if need is not None:
        pages += [
            Page("help near", f"/help/near/?area={need.local_authority.slug}", "html"),
            Page("help post", need.get_absolute_url(), "html"),
        ]
    return [*pages, Page("help data", "/help/data/", "html")]


def _map_api_path() -> str:
    """What the map page asks the API for first: its viewport, from the page's own config."""
    import json

    status, body = _request("/map/")
    config = re.search(rb'<script id="map-config" type="application/json">(.*?)</script>', body)
    if status != 200 or config is None:
        raise RuntimeError("/map/ has no map-config to take the viewport from.")
    view = json.loads(config.group(1))
    west, south, east, north = view["bbox"]
    zoom = view["zoom"]
    if zoom is None:  # map.js fits the box: the zoom Leaflet picks for a map of MAP_SIZE
        width, height = MAP_SIZE

        def mercator_y(latitude: float) -> float:  # 0 at the top of the world, 1 at the bottom
            return (1 - math.asinh(math.tan(math.radians(latitude))) / math.pi) / 2

        fits_x = width / (256 * (east - west) / 360)
        fits_y = height / (256 * (mercator_y(south) - mercator_y(north)))
        zoom = math.floor(math.log2(min(fits_x, fits_y)))
    return f"/api/v1/map?bbox={west:g},{south:g},{east:g},{north:g}&zoom={zoom}"


# --- In-process: through the WSGI handler ---------------------------------------------


@functools.cache
def _handler():
    """One handler for the process, as a WSGI server has (its middleware is built once)."""
    from django.core.handlers.wsgi import WSGIHandler

    return WSGIHandler()


def _request(path: str) -> tuple[int, bytes]:
    """GET path as a WSGI server would hand it over; (status, body)."""
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "HTTP_ACCEPT": "text/html,application/json", "HTTP_ACCEPT_ENCODING": "gzip, br",
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }  # fmt: skip
    status = []
    result = _handler()(environ, lambda line, headers, exc_info=None: status.append(line))
    try:
        body = b"".join(result)
    finally:
        result.close()  # request_finished: connections are closed or kept as configured
    return int(status[0].split()[0]), body


def _time(page: Page) -> Timing:
    status, _body = _request(page.path)
    if status != 200:
        raise RuntimeError(f"{page.path} answered {status}")
    for _ in range(WARM_UP):
        _request(page.path)
    samples: list[float] = []
    deadline = time.perf_counter() + SECONDS
    while len(samples) < SAMPLES and (len(samples) < MIN_SAMPLES or time.perf_counter() < deadline):
        start = time.perf_counter()
        _request(page.path)
        samples.append((time.perf_counter() - start) * 1000)
    return Timing(page.name, samples)


def _queries(path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _request(path)
    return len(captured.captured_queries)


def _verdict(target: str, met: bool) -> str:
    return f"{target}: {'met' if met else 'MISSED'}"


def _target(page: Page, timing: Timing, *, large: bool) -> str:
    if page.kind == "html" and large:
        return _verdict(f"p95 ≤ {PAGE_P95_LARGE:g}", timing.p95 <= PAGE_P95_LARGE)
    if page.kind == "html":
        met = timing.p50 <= PAGE_P50 and timing.p95 <= PAGE_P95
        return _verdict(f"p50 ≤ {PAGE_P50:g}, p95 ≤ {PAGE_P95:g}", met)
    if page.kind == "hsds":
        return _verdict(f"p95 ≤ {HSDS_P95:g}", timing.p95 <= HSDS_P95)
    if page.path == HEALTHZ:
        return _verdict(f"p50 ≤ {HEALTHZ_P50:g}", timing.p50 <= HEALTHZ_P50)
    return ""


def _page_cache_modes() -> list[tuple[str, int | None]]:
    """(what it is, PAGE_CACHE_SECONDS or None to leave it): the page cache as
    deployed, and switched off, for what making a page costs (where there is one)."""
    from django.conf import settings

    if not hasattr(settings, "PAGE_CACHE_SECONDS"):
        return [("no page cache at this commit", None)]
    return [
        ("page cache on, as deployed: a page asked for again", None),
        ("page cache off (PAGE_CACHE_SECONDS=0): what making a page costs", 0),
    ]


def _in_process(title: str, *, large: bool, page_cache_seconds: int | None) -> None:
    from django.test import override_settings

    if page_cache_seconds is None:
        _in_process_table(title, large=large)
    else:
        with override_settings(PAGE_CACHE_SECONDS=page_cache_seconds):
            _in_process_table(title, large=large)


def _in_process_table(title: str, *, large: bool) -> None:
    pages = _pages()
    floors = [Page("healthz", HEALTHZ, "floor"), Page("hello-world", HELLO, "floor")]
    before = [_time(floor) for floor in floors]
    measured = [(page, _time(page), _queries(page.path)) for page in pages]
    after = [_time(floor) for floor in floors]
    healthz, hello = (
        Timing(first.label, first.samples_ms + second.samples_ms)
        for first, second in zip(before, after, strict=True)
    )
    rows = [
        (floors[0], healthz, _queries(HEALTHZ)),
        (floors[1], hello, _queries(HELLO)),
        *measured,
    ]
    print(f"\nin-process, {title}: server time through the WSGI handler, ms")
    print(
        f"{_first_cells('page', 'path')} | {'n':>4} | {'queries':>7} | {'p50':>7} | {'p95':>7} | "
        f"{'p50/healthz':>11} | {'p50/hello':>9} | target"
    )
    for page, timing, queries in rows:
        print(
            f"{_first_cells(page.name, page.path)} | {len(timing.samples_ms):>4} | "
            f"{queries:>7} | {timing.p50:>7.2f} | {timing.p95:>7.2f} | "
            f"{timing.p50 / healthz.p50:>11.1f} | {timing.p50 / hello.p50:>9.1f} | "
            f"{_target(page, timing, large=large)}"
        )
    _long_paths(pages)


def _first_cells(name: str, path: str) -> str:
    path = path if len(path) <= PATH_WIDTH else path[: PATH_WIDTH - 1] + "…"
    return f"{name:<17} | {path:<{PATH_WIDTH}}"


def _long_paths(pages: list[Page]) -> None:
    for page in pages:
        if len(page.path) > PATH_WIDTH:
            print(f"  {page.name}: {page.path}")


# --- Under load: the server `make run` starts, and wrk ---------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_env(name: str) -> dict[str, str]:
    """The environment that points a server at the benchmark's database `name`."""
    url = os.environ.get("DATABASE_URL")
    if url:
        parts = urlsplit(url)
        return {"DATABASE_URL": urlunsplit(parts._replace(path="/" + name))}
    return {"SQLITE_PATH": name}


def _wait_until_up(port: int) -> None:
    import http.client

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", HEALTHZ)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("The server did not start within 90 s.")


@dataclass(frozen=True)
class Load:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx answers and socket errors


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _wrk(port: int, path: str, seconds: int) -> Load:
    output = subprocess.run(
        [
            WRK, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
            # A slow page's latency counted, not dropped as a timeout (2 s by default).
            "--timeout", "30s", f"http://127.0.0.1:{port}{path}",
        ],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip

    def latency(percent: int) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.M)
        if found is None:
            raise RuntimeError(f"wrk on {path} gave no {percent}th percentile:\n{output}")
        return float(found.group(1)) * _UNITS[found.group(2)]

    errors = sum(
        int(n)
        for n in re.findall(
            r"(?:Non-2xx or 3xx responses:|connect|read|write|timeout) (\d+)", output
        )
    )
    rate = float(re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M).group(1))
    return Load(rate, latency(50), latency(99), errors)


def _under_load(database: str, title: str, *, page_cache_seconds: int | None) -> None:
    pages = [Page("healthz", HEALTHZ, "floor"), *_pages()]
    env = dict(os.environ, **_database_env(database))
    seconds = LOAD_SECONDS
    if page_cache_seconds is not None:
        env["PAGE_CACHE_SECONDS"] = str(page_cache_seconds)
        seconds = max(1, LOAD_SECONDS // 2)  # half as long, to keep the whole run near 10 min
    port = _free_port()
    # As serve.py starts it for `make run`, quieter.
    command = [
        sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
        "--port", str(port), "--workers", "2", "--blocking-threads", "4", "--no-ws",
        "--log-level", "warning", "config.wsgi:application",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        _wait_until_up(port)
        for page in [Page("hello-world", HELLO, "floor"), *pages]:
            _wrk(port, page.path, 1)  # warm: both workers import, compile and cache
        first = _wrk(port, HELLO, seconds)
        measured = [(page, _wrk(port, page.path, seconds)) for page in pages]
        last = _wrk(port, HELLO, seconds)
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # granian and the workers it forked
        server.wait(timeout=30)
    hello = Load(
        (first.requests_per_s + last.requests_per_s) / 2,
        (first.p50_ms + last.p50_ms) / 2,
        (first.p99_ms + last.p99_ms) / 2,
        first.errors + last.errors,
    )
    print(
        f"\nunder load, demo data, {title}: granian (2 workers, 4 threads each) and wrk "
        f"({CONNECTIONS} connections, {THREADS} threads, {seconds} s a page) on one machine"
    )
    print(
        f"{_first_cells('page', 'path')} | {'req/s':>7} | {'p50 ms':>7} | {'p99 ms':>7} | "
        f"{'req/s / hello':>13} | {'p99/hello':>9} | errors | target"
    )
    hello_row = (Page("hello-world", HELLO, "floor"), hello)
    for page, load in [hello_row, *measured]:
        share = load.requests_per_s / hello.requests_per_s
        if page.path == HELLO:
            target = ""
        else:
            wanted = LOAD_SHARE_HEALTHZ if page.path == HEALTHZ else LOAD_SHARE_PAGE
            target = _verdict(f"≥ {wanted:.0%} of hello", share >= wanted)
        print(
            f"{_first_cells(page.name, page.path)} | {load.requests_per_s:>7.0f} | "
            f"{load.p50_ms:>7.2f} | {load.p99_ms:>7.2f} | {share:>13.1%} | "
            f"{load.p99_ms / hello.p99_ms:>9.1f} | {load.errors:>6} | {target}"
        )
    _long_paths(pages)
    print(
        f"hello-world at the start and the end: {first.requests_per_s:.0f} and "
        f"{last.requests_per_s:.0f} req/s (their mean is the reference)"
    )


# --- The large scale: the demo, copied ------------------------------------------------


def _copy_stories(copies: int) -> int:
    """The demo's stories `copies` times over, with their tag rows and what they are about."""
    from django.db import transaction

    from bigsocnorth.stories.models import Story, StoryTag

    originals = list(Story.objects.all())
    tags = list(StoryTag.objects.values_list("story_id", "tag"))
    about = list(Story.about.through.objects.values_list("story_id", "entry_id"))
    made = 0
    batch = max(1, 5000 // max(1, len(originals)))  # copies a transaction
    for first in range(1, copies + 1, batch):
        with transaction.atomic():
            pairs = []
            for copy in range(first, min(copies, first + batch - 1) + 1):
                pairs += [(story.pk, story_copy(story, copy)) for story in originals]
            Story.objects.bulk_create([clone for _, clone in pairs], batch_size=500)
            clones_of: dict[int, list[int]] = {}
            for original, clone in pairs:
                clones_of.setdefault(original, []).append(clone.pk)
            StoryTag.objects.bulk_create(
                [StoryTag(story_id=c, tag=tag) for s, tag in tags for c in clones_of.get(s, [])],
                batch_size=1000,
            )
            Story.about.through.objects.bulk_create(
                [
                    Story.about.through(story_id=c, entry_id=entry)
                    for s, entry in about
                    for c in clones_of.get(s, [])
                ],
                batch_size=1000,
            )
            made += len(pairs)
    return made


def _build_large() -> str:
    from django.core.management import call_command
    from django.db import transaction

    from bench.bench_home import _copy_entries
    from bigsocnorth.directory.models import Entry
    from bigsocnorth.moderation import registry
    from bigsocnorth.stories.models import Story

    started = time.perf_counter()
    # One transaction: an interrupted build leaves an empty database, never half of one.
    with transaction.atomic():
        call_command("load_demo_data", stdout=io.StringIO())
        entries = _copy_entries(max(0, round(COUNT / Entry.objects.public().count()) - 1))
        stories = _copy_stories(max(0, round(COUNT / Story.objects.public().count()) - 1))
        copied = time.perf_counter() - started
        for index in registry.indexes():  # the search index and the map, from everything
            if index.rebuild is not None:
                index.rebuild()
    return (
        f"built in {time.perf_counter() - started:.0f} s ({entries:,} entries and "
        f"{stories:,} stories copied in {copied:.0f} s, then the indexes rebuilt)"
    )


# --- The measuring process ------------------------------------------------------------


def _about_this_run() -> str:
    import django
    from django.db import connection

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()"
            if connection.vendor == "postgresql"
            else "SELECT 'SQLite ' || sqlite_version()"
        )
        database = cursor.fetchone()[0].split(" (")[0]
    return (
        f"commit {commit}{' with uncommitted changes' if changed else ''}; Python "
        f"{sys.version.split()[0]}, Django {django.get_version()}, {database}; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}"
    )


def _content() -> str:
    from bigsocnorth.directory.models import Entry
    from bigsocnorth.stories.models import Story

    return (
        f"{Entry.objects.public().count():,} published entries, "
        f"{Story.objects.public().count():,} published stories"
    )


def _measure() -> None:
    from django.conf import settings
    from django.core.management import call_command

    from bench.database import own_database

    if settings.DEBUG or not settings.ROOT_URLCONF.startswith("bench."):
        raise SystemExit("bench_pages measures in a process run() starts, in production mode.")
    started = time.perf_counter()
    call_command("collectstatic", "--noinput", verbosity=0)
    print(f"static files collected (manifest storage) in {time.perf_counter() - started:.0f} s")
    if {"demo", "load"} & set(PARTS):
        with own_database("pages_demo") as name:
            print(_about_this_run())
            started = time.perf_counter()
            call_command("load_demo_data", stdout=io.StringIO())
            call_command("indexes_fill_empty", stdout=io.StringIO())
            print(f"demo data: {_content()}, loaded in {time.perf_counter() - started:.0f} s")
            for mode, seconds in _page_cache_modes() if "demo" in PARTS else []:
                _in_process(f"demo data, {mode}", large=False, page_cache_seconds=seconds)
            for mode, seconds in _page_cache_modes() if "load" in PARTS else []:
                _under_load(name, mode, page_cache_seconds=seconds)
    if "large" in PARTS:
        from django.test import override_settings

        from bigsocnorth.stories.models import Story

        # Kept: built once (minutes), reused by every later run of the same size,
        # with the demo's images, which its pages read.
        suffix = f"pages_{COUNT // 1000}k"
        media = Path(os.environ["BENCH_PAGES_KEPT_DIR"]) / f"bench-{suffix}-media"
        with own_database(suffix, keep=True) as name, override_settings(MEDIA_ROOT=media):
            print(f"\nlarge scale: database {name}, images in {media}")
            print(_about_this_run())
            if Story.objects.count() < COUNT / 2:
                shutil.rmtree(media, ignore_errors=True)
                print(_build_large())
            else:
                print("reusing the kept database and images (delete both to build them again)")
            print(f"large scale: {_content()}")
            for mode, seconds in _page_cache_modes():
                title = f"~{COUNT:,} entries and stories, {mode}"
                _in_process(title, large=True, page_cache_seconds=seconds)
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    import django

    django.setup()
    _measure()
