"""Threats and cuts at 100,000: dashboards from tallies against adding up rows, lists and feeds.

The platform's targets, on SQLite and on PostgreSQL, with 100,000 cuts and
400,000 timeline entries: the North's, a region's and a council's dashboard
each at most 50 ms p95 of server time, and the list pages and feeds at
most 50 ms p95. The benchmark builds a database of its own (dropped at the
end): cuts in every state, kind and sector across the 62 councils (cities
more often), money on four in five, a few thousand in review or hidden,
and one to seven timeline entries each. Rows are bulk-inserted, then the
tallies are built once from them (`tallies_rebuild`, as for a database
from before tallies), which is timed too; on PostgreSQL, `VACUUM ANALYZE`
follows, as autovacuum would.

Each dashboard is measured two ways in the same run: its figures read from
the tallies (`dashboard_figures`, what the pages use) and added up from the
cuts on every request (`dashboard_figures_counted`, the naive way), with
the ratio; then as whole pages through the test client, once as shipped and
once with the naive figures swapped in. The floor for requests is
`GET /healthz`. Pages are made afresh every time (PAGE_CACHE_SECONDS=0):
the figures are for the first visitor after a change, or anyone signed in.
Last, a new timeline entry (a state change) is written through the services
and every dashboard's figures are checked equal to a recount.

Run it once with and once without DATABASE_URL. BENCH_CUTS_COUNT makes a
smaller run, BENCH_CUTS_SAMPLES sets the samples per case (recorded: 100,000
and 60), BENCH_CUTS_KEEP=1 keeps the database for the next run.
"""

from __future__ import annotations

import datetime
import os
import random
import time
import uuid
from unittest import mock

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bench.database import describe_run, own_database
from bench.timing import Timing, time_each

CUTS = int(os.environ.get("BENCH_CUTS_COUNT", "100000"))
SAMPLES = int(os.environ.get("BENCH_CUTS_SAMPLES", "60"))
KEEP = os.environ.get("BENCH_CUTS_KEEP") == "1"
ENTRIES_PER_CUT = 4  # on average: 400,000 at 100,000 cuts
UNPUBLISHED = {"in_review": 2000, "hidden": 500}
TARGET_MS = 50.0
WARM_UP = 5
CHUNK = 5_000
SEED = 20261207
BUSY = {"Leeds": 6, "Manchester": 6, "Liverpool": 5, "Sheffield": 5, "Bradford": 4}


def _authorities():
    from bigsocnorth.places.models import LocalAuthority

    authorities = list(LocalAuthority.objects.select_related("region").defer("boundary"))
    weights = [BUSY.get(authority.name, 1) for authority in authorities]
    return authorities, weights


def _load(rng: random.Random) -> None:
    from bigsocnorth.cuts.choices import CutKind, CutState, Sector
    from bigsocnorth.cuts.models import Cut, TimelineEntry
    from bigsocnorth.moderation.models import Status

    authorities, weights = _authorities()
    states = list(CutState.values)
    kinds, sectors = list(CutKind.values), list(Sector.values)
    statuses = [Status.IN_REVIEW] * UNPUBLISHED["in_review"] + [Status.HIDDEN] * UNPUBLISHED[
        "hidden"
    ]
    total = CUTS + len(statuses)
    statuses += [Status.PUBLISHED] * CUTS
    rng.shuffle(statuses)
    start = datetime.date(2021, 4, 1)
    now = datetime.datetime.now(datetime.UTC)
    for first in range(0, total, CHUNK):
        cuts, entries = [], []
        for number in range(first, min(total, first + CHUNK)):
            authority = rng.choices(authorities, weights)[0]
            announced = start + datetime.timedelta(days=rng.randint(0, 2000))
            state = rng.choice(states)
            status = statuses[number]
            published = now - datetime.timedelta(days=rng.randint(0, 2000))
            cuts.append(
                Cut(
                    uuid=uuid.UUID(int=rng.getrandbits(128)),
                    slug=f"cut-{number}",
                    title=f"Cut number {number} in {authority.name}",
                    summary="A service the community relies on is threatened.",
                    affected_name=f"Service {number}",
                    kind=rng.choice(kinds),
                    sector=rng.choice(sectors),
                    state=state,
                    state_since=announced,
                    status=status,
                    published_at=published if status == Status.PUBLISHED else None,
                    first_published_at=published if status == Status.PUBLISHED else None,
                    local_authority=authority,
                    decided_by_authority=authority if rng.random() < 0.9 else None,
                    decided_by_name="" if rng.random() < 0.9 else "A national funder",
                    money_yearly=rng.randint(5, 900) * 100_000 if rng.random() < 0.8 else None,
                    money_one_off=rng.randint(5, 900) * 100_000 if rng.random() < 0.1 else None,
                    financial_year=announced.year if announced.month >= 4 else announced.year - 1,
                    posts_lost=rng.randint(0, 20),
                    people_affected=rng.randint(50, 20_000),
                    announced_on=announced,
                    decision_due_on=announced + datetime.timedelta(days=rng.randint(20, 200)),
                )
            )
        with transaction.atomic():
            made = Cut.objects.bulk_create(cuts)
            for cut in made:
                for step in range(rng.randint(1, 2 * ENTRIES_PER_CUT - 1)):
                    entries.append(
                        TimelineEntry(
                            cut=cut,
                            kind="reported" if step == 0 else "news",
                            state=cut.state if step == 0 else "",
                            happened_on=cut.announced_on + datetime.timedelta(days=step * 20),
                            text="What happened.",
                            status=Status.PUBLISHED,
                            published_at=cut.published_at or now,
                            first_published_at=cut.published_at or now,
                        )
                    )
            TimelineEntry.objects.bulk_create(entries, batch_size=2000)


def _timed(label: str, call, items) -> Timing:
    for item in list(items)[:WARM_UP]:
        call(item)
    return time_each(label, items, call)


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def _areas():
    from bigsocnorth.places.models import LocalAuthority, Region

    leeds = LocalAuthority.objects.defer("boundary").get(name="Leeds")
    small = LocalAuthority.objects.defer("boundary").get(name="Hartlepool")
    return [
        ("the North", None),
        (
            "a region (Yorkshire and the Humber)",
            Region.objects.get(slug="yorkshire-and-the-humber"),
        ),
        ("a busy council (Leeds)", leeds),
        ("a small council (Hartlepool)", small),
    ]


def _figures_phase() -> None:
    from bigsocnorth.cuts.dashboards import dashboard_figures, dashboard_figures_counted

    samples = list(range(SAMPLES))
    print(f"dashboard figures, {SAMPLES} runs a case: tallies against adding up the cuts")
    print("area | tallies p50 | tallies p95 | counted p50 | counted p95 | ratio p50 | ratio p95")
    for label, area in _areas():
        if (
            dashboard_figures(area).as_comparable()
            != dashboard_figures_counted(area).as_comparable()
        ):
            raise SystemExit(f"the tallies of {label} differ from a recount")
        ours = _timed(label, lambda _i, area=area: dashboard_figures(area), samples)
        naive = _timed(label, lambda _i, area=area: dashboard_figures_counted(area), samples)
        print(
            f"{label} | {ours.p50:.2f} ms | {ours.p95:.2f} ms | {naive.p50:.1f} ms | "
            f"{naive.p95:.1f} ms | {naive.p50 / ours.p50:.0f} | {naive.p95 / ours.p95:.0f}"
        )


def _pages() -> list[tuple[str, str]]:
    return [
        ("dashboard: the North", "/cuts/dashboards/"),
        ("dashboard: a region", "/cuts/dashboards/region/yorkshire-and-the-humber/"),
        ("dashboard: Leeds", "/cuts/dashboards/council/leeds/"),
        ("dashboard: Hartlepool", "/cuts/dashboards/council/hartlepool/"),
        ("list: newest", "/cuts/"),
        ("list: Leeds, open", "/cuts/?area=leeds&state=open"),
        ("list: libraries, £100k or more", "/cuts/?sector=libraries&money=100000"),
        ("list: £500k or more", "/cuts/?money=500000"),
        ("list: decided by Leeds", "/cuts/?body=leeds"),
        ("list: page 500", "/cuts/?page=500"),
        ("decisions due soon", "/cuts/due/"),
        ("feed: the North (Atom)", "/cuts/feed.atom"),
        ("feed: Leeds (JSON Feed)", "/cuts/feed.json?area=leeds"),
        ("API: a page of 50", "/api/v1/cuts"),
        ("API: Leeds, open", "/api/v1/cuts?area=leeds&state=open"),
    ]


def _http_phase() -> list[tuple[str, Timing]]:
    from django.test import Client

    from bigsocnorth.cuts import dashboard_views, dashboards

    client = Client()
    samples = list(range(SAMPLES))

    def get(url):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response

    floor_before = _timed("healthz", lambda _i: get("/healthz"), samples)
    measured = []
    for label, url in _pages():
        timing = _timed(label, lambda _i, url=url: get(url), samples)
        measured.append((label, url, timing, _queries(lambda url=url: get(url))))
    naive = []
    with mock.patch.object(
        dashboard_views, "dashboard_figures", dashboards.dashboard_figures_counted
    ):
        for label, url in _pages()[:4]:
            naive.append((label, _timed(label, lambda _i, url=url: get(url), samples)))
    floor_after = _timed("healthz", lambda _i: get("/healthz"), samples)
    floor = Timing("floor: GET /healthz", floor_before.samples_ms + floor_after.samples_ms)
    print(f"requests through the test client, made afresh, {SAMPLES} a case")
    print(floor.line())
    print("request | p50 | p95 | x floor p50 | queries | 50 ms target")
    for label, _url, timing, queries in measured:
        verdict = "meets" if timing.p95 <= TARGET_MS else "MISSES"
        print(
            f"{label} | {timing.p50:.1f} ms | {timing.p95:.1f} ms | "
            f"{timing.p50 / floor.p50:.1f} | {queries} | {verdict}"
        )
    print("dashboard pages with the figures added up on every request (the naive way)")
    print("page | naive p50 | naive p95 | naive/ours p50 | naive/ours p95")
    ours = {label: timing for label, _url, timing, _q in measured}
    for label, timing in naive:
        print(
            f"{label} | {timing.p50:.1f} ms | {timing.p95:.1f} ms | "
            f"{timing.p50 / ours[label].p50:.1f} | {timing.p95 / ours[label].p95:.1f}"
        )
    return [(label, timing) for label, _url, timing, _q in measured]


def _exactness_check() -> None:
    from bigsocnorth.accounts.models import Role, User
    from bigsocnorth.cuts import services
    from bigsocnorth.cuts.choices import CutState
    from bigsocnorth.cuts.dashboards import dashboard_figures, dashboard_figures_counted
    from bigsocnorth.cuts.models import Cut

    moderator = User.objects.create_user(email="bench-moderator@example.org", role=Role.MODERATOR)
    cut = Cut.objects.public().exclude(state=CutState.WITHDRAWN).order_by("pk").first()
    started = time.perf_counter()
    services.timeline_entry_add(
        author=moderator,
        cut=cut,
        kind="state",
        state=CutState.WITHDRAWN,
        happened_on=datetime.date.today(),
        text="Withdrawn after the consultation.",
    )
    took = (time.perf_counter() - started) * 1000
    for label, area in _areas():
        if (
            dashboard_figures(area).as_comparable()
            != dashboard_figures_counted(area).as_comparable()
        ):
            raise SystemExit(f"after a new timeline entry, {label} differs from a recount")
    print(
        f"a new timeline entry (a state change) took {took:.1f} ms with its fan-out; every "
        "dashboard's figures still equal a recount"
    )


def run() -> None:
    from bigsocnorth.cuts.models import Cut, Tally, TimelineEntry
    from bigsocnorth.cuts.tallies import tallies_rebuild

    settings.PAGE_CACHE_SECONDS = 0
    with own_database("cuts", keep=KEEP) as name:
        describe_run(name)
        if not Cut.objects.exists():
            started = time.perf_counter()
            _load(random.Random(SEED))
            print(f"inserted in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            tallies_rebuild()
            print(f"tallies built from every public cut in {time.perf_counter() - started:.1f} s")
            if connection.vendor == "postgresql":
                # As autovacuum would soon after a load this size.
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
        print(
            f"{Cut.objects.count():,} cuts ({Cut.objects.public().count():,} public), "
            f"{TimelineEntry.objects.count():,} timeline entries, "
            f"{Tally.objects.count():,} tally rows"
        )
        _figures_phase()
        timings = _http_phase()
        missed = [f"{label} (p95 {t.p95:.1f} ms)" for label, t in timings if t.p95 > TARGET_MS]
        print(
            f"p95 ≤ {TARGET_MS:.0f} ms on {connection.vendor}: "
            + ("met by every case" if not missed else "MISSED by " + "; ".join(missed))
        )
        _exactness_check()
        print(f"load average at the end: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
