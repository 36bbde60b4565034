"""Gatherings at 100,000 with 1,000,000 answers: the list, the month calendar, area calendars.

The platform's targets, on SQLite and on PostgreSQL, with 100,000 gatherings
(20,000 of them to come) and 1,000,000 RSVPs: the upcoming list, a month
view and an area's iCalendar feed each at most 50 ms p95 of server time.

The benchmark builds a database of its own (dropped at the end): 20,000
members with profiles; 80,000 gatherings over the last four years and
20,000 over the next twelve months (more of them soon), in the 62 councils
(cities more often), one in fifty a weekly or fortnightly series, most
confirmed, some to be confirmed, a few cancelled or postponed, a few
hundred hidden or in review; in person, online or both, most with places
and access details. Each has 0 to 20 answers (10 on average): most going,
some who said no, a waiting list where places ran out, one in twenty a
guest without an account. One in twenty upcoming gatherings needs
something (a venue, tea and cakes, helpers). Rows are bulk-inserted; on
PostgreSQL `VACUUM ANALYZE` follows, as autovacuum would.

Every page is timed through Django's test client (middleware, view,
template, no network) and made afresh (PAGE_CACHE_SECONDS=0), and each kind
is measured a second way in the same run, the naive way a first version
would do it, swapped in for the shipped code:
- lists: every gathering to come with its places taken counted, then the
  page taken from that (instead of the page's ids first, then their cards);
- the month: every gathering of the month loaded as a full card and shown
  (instead of the month's times from the index, a few shown a day);
- iCalendars: every event written afresh on every request (instead of each
  gathering's event kept until the gathering changes). The first request
  after a change pays for writing that gathering again; the calendar's
  cost with nothing kept is the naive figure.
The ratio is naive / ours. Both ways must hold the same gatherings.

Run it once with and once without DATABASE_URL (a database named after it,
with _bench_events, is made and dropped). BENCH_EVENTS_COUNT makes a
smaller run (answers are ten times the gatherings, members a fifth),
BENCH_EVENTS_SAMPLES sets the samples per case (recorded: 100,000 and 50),
BENCH_EVENTS_KEEP=1 keeps the database for the next run.
"""

from __future__ import annotations

import datetime
import os
import random
import time
import uuid
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bench.database import describe_run, own_database
from bench.timing import Timing, time_each

GATHERINGS = int(os.environ.get("BENCH_EVENTS_COUNT", "100000"))
UPCOMING = GATHERINGS // 5
MEMBERS = max(500, GATHERINGS // 5)
ANSWERS_MAX = 20  # per gathering: 10 on average
SAMPLES = int(os.environ.get("BENCH_EVENTS_SAMPLES", "50"))
KEEP = os.environ.get("BENCH_EVENTS_KEEP") == "1"
SERIES_SHARE = 0.02
NEEDS_SHARE = 0.05
GUEST_SHARE = 0.05
UNPUBLISHED = {"in_review": GATHERINGS * 3 // 1000, "hidden": GATHERINGS // 500}  # 300 and 200
TARGET_MS = 50.0
NAIVE_BUDGET_MS = 10_000.0  # the naive way gets fewer samples when each takes long
NAIVE_MIN_SAMPLES = 3
WARM_UP = 3
CHUNK = 5_000
SEED = 20261207
LONDON = ZoneInfo("Europe/London")
BUSY = {"Leeds": 6, "Manchester": 6, "Liverpool": 5, "Sheffield": 5, "Bradford": 4}
KINDS = [
    "Coffee morning", "Repair café", "Litter pick", "Funding surgery", "Volunteers' social",
    "Trustees' clinic", "Open meeting", "Skills swap", "Community lunch", "Walk and talk",
]  # fmt: skip
DESCRIPTION = (
    "Come along and meet **people doing community work** nearby. We will talk about what is "
    "going well, what is hard, and how we can help each other.\n\n"
    "- tea and biscuits\n- a quiet corner\n- no need to book if you just want to drop in\n\n"
    "Questions? Ask the organisers through the site."
)


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(tzinfo=datetime.UTC)


def _members():
    from django.contrib.auth.hashers import make_password

    from bigsocnorth.accounts.models import Profile, User

    unusable = make_password(None)
    users = User.objects.bulk_create(
        [User(email=f"member{n}@example.org", password=unusable) for n in range(MEMBERS)],
        batch_size=2000,
    )
    Profile.objects.bulk_create(
        [
            Profile(user=user, handle=f"member-{n}", display_name=f"Member {n}")
            for n, user in enumerate(users)
        ],
        batch_size=2000,
    )
    return [user.pk for user in users]


def _authorities():
    from bigsocnorth.places.models import LocalAuthority

    authorities = list(LocalAuthority.objects.select_related("region").defer("boundary"))
    weights = [BUSY.get(authority.name, 1) for authority in authorities]
    return authorities, weights


def _start(rng: random.Random, number: int, now: datetime.datetime) -> datetime.datetime:
    """Past ones evenly over four years; upcoming ones over a year, more of them soon."""
    if number < GATHERINGS - UPCOMING:
        days = -rng.uniform(1, 4 * 365)
    else:
        days = 365 * rng.random() ** 1.5 + 0.05
    day = (now + datetime.timedelta(days=days)).date()
    hour = rng.choice([9, 10, 10, 11, 13, 14, 17, 18, 18, 19, 19, 19])
    return datetime.datetime(day.year, day.month, day.day, hour, rng.choice([0, 30]), tzinfo=LONDON)


def _gathering(rng, number, now, authority, author_id, status):
    from bigsocnorth.events import recurrence
    from bigsocnorth.events.models import Gathering
    from bigsocnorth.moderation.models import Status

    starts_at = _start(rng, number, now)
    ends_at = starts_at + datetime.timedelta(hours=rng.choice([1, 1.5, 2, 2, 3]))
    rule = ""
    if rng.random() < SERIES_SHARE:
        rule = f"FREQ=WEEKLY;INTERVAL={rng.choice([1, 2])};COUNT={rng.randint(4, 12)}"
    last_ends_at = recurrence.last_end(recurrence=rule, starts_at=starts_at, ends_at=ends_at)
    state = rng.choices(
        ["confirmed", "tentative", "cancelled", "postponed"], [85, 10, 4, 1]
    )[0]  # fmt: skip
    mode = rng.random()
    in_person, online = mode < 0.9, mode >= 0.75
    capacity = rng.choice([None, None, 12, 20, 30, 40, 60, 100])
    published = status == Status.PUBLISHED
    created = min(starts_at - datetime.timedelta(days=rng.uniform(3, 60)), now)
    access = lambda: rng.choice([True, True, None, False])  # noqa: E731
    return Gathering(
        uuid=uuid.UUID(int=rng.getrandbits(128)),
        slug=f"gathering-{number}",
        title=f"{rng.choice(KINDS)} in {authority.name} ({number})",
        description=DESCRIPTION,
        tags=rng.choice(["", "volunteering", "funding, advice", "environment", "food"]),
        author_id=author_id,
        status=status,
        published_at=created if published else None,
        first_published_at=created if published else None,
        starts_at=starts_at,
        ends_at=ends_at,
        recurrence=rule,
        last_ends_at=last_ends_at,
        state=state,
        postponed_from=starts_at - datetime.timedelta(days=14) if state == "postponed" else None,
        in_person=in_person,
        venue_name="Community centre" if in_person else "",
        venue_address=f"{number} High Street, {authority.name}" if in_person else "",
        place_name=authority.name if in_person else "",
        latitude=authority.centre_latitude + rng.uniform(-0.02, 0.02) if in_person else None,
        longitude=authority.centre_longitude + rng.uniform(-0.02, 0.02) if in_person else None,
        local_authority=authority,
        online=online,
        online_url="https://meet.example.org/room" if online else "",
        capacity=capacity,
        plus_ones_allowed=rng.choice([0, 0, 1, 2]),
        step_free=access(),
        accessible_toilet=access(),
        hearing_loop=access(),
        seating=access(),
        public_transport="Buses stop outside" if in_person else "",
    )


def _answers(rng, gathering, member_ids, start_number):
    from bigsocnorth.events.models import Rsvp, RsvpState

    rows = []
    taken = 0
    for offset, user_id in enumerate(rng.sample(member_ids, rng.randint(0, ANSWERS_MAX))):
        joined = gathering.first_published_at or gathering.starts_at
        joined = joined + datetime.timedelta(minutes=offset * 17)
        guest = rng.random() < GUEST_SHARE
        plus_ones = rng.choice([0, 0, 0, 1]) if gathering.plus_ones_allowed else 0
        if rng.random() < 0.1:
            state = RsvpState.CANCELLED
        elif gathering.capacity is not None and taken + 1 + plus_ones > gathering.capacity:
            state = RsvpState.WAITING
        else:
            state = RsvpState.GOING
            taken += 1 + plus_ones
        number = start_number + offset
        rows.append(
            Rsvp(
                gathering=gathering,
                user_id=None if guest else user_id,
                guest_name=f"Guest {number}" if guest else "",
                guest_email=f"guest{number}@example.org" if guest else "",
                email_confirmed_at=joined if guest else None,
                state=state,
                plus_ones=plus_ones,
                answers={"dietary": "vegetarian"} if offset % 7 == 0 else {},
                joined_at=joined,
            )
        )
    return rows


def _load(rng: random.Random, now: datetime.datetime) -> None:
    from bigsocnorth.events.models import Gathering, GatheringNeed, Rsvp
    from bigsocnorth.moderation.models import Status

    member_ids = _members()
    # A few members organise far more than the rest (weight 1/rank).
    organisers = member_ids[: max(50, MEMBERS // 10)]
    organiser_weights = [1 / (rank + 1) for rank in range(len(organisers))]
    authorities, weights = _authorities()
    statuses = [Status.IN_REVIEW] * UNPUBLISHED["in_review"] + [Status.HIDDEN] * UNPUBLISHED[
        "hidden"
    ]
    statuses += [Status.PUBLISHED] * (GATHERINGS - len(statuses))
    rng.shuffle(statuses)
    answer_number = 0
    for first in range(0, GATHERINGS, CHUNK):
        gatherings = [
            _gathering(
                rng,
                number,
                now,
                rng.choices(authorities, weights)[0],
                rng.choices(organisers, organiser_weights)[0],
                statuses[number],
            )
            for number in range(first, min(GATHERINGS, first + CHUNK))
        ]
        with transaction.atomic():
            made = Gathering.objects.bulk_create(gatherings)
            answers, needs = [], []
            for gathering in made:
                found = _answers(rng, gathering, member_ids, answer_number)
                answer_number += len(found)
                answers += found
                if gathering.last_ends_at > now and rng.random() < NEEDS_SHARE:
                    needs.append(GatheringNeed(gathering=gathering, kind="venue", wanted=1))
                    needs.append(GatheringNeed(gathering=gathering, kind="refreshments", wanted=2))
            Rsvp.objects.bulk_create(answers, batch_size=2000)
            GatheringNeed.objects.bulk_create(needs, batch_size=2000)


def _timed(label: str, call, items) -> Timing:
    for item in list(items)[:WARM_UP]:
        call(item)
    return time_each(label, items, call)


def _timed_naive(label: str, call) -> Timing:
    """As many samples as the budget allows (at least a few): the naive way can be slow."""
    started = time.perf_counter()
    call(None)
    took = (time.perf_counter() - started) * 1000
    count = max(NAIVE_MIN_SAMPLES, min(SAMPLES, int(NAIVE_BUDGET_MS / max(took, 0.001))))
    return time_each(label, range(count), call)


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def _months(now: datetime.datetime):
    today = now.astimezone(LONDON).date()
    this = today.replace(day=1)
    following = (this + datetime.timedelta(days=32)).replace(day=1)
    earlier = (this - datetime.timedelta(days=180)).replace(day=1)
    busy_day = today + datetime.timedelta(days=3)
    return this, following, earlier, busy_day


def _pages(now) -> list[tuple[str, str, str]]:
    """(kind, label, address): the kind says which naive way stands against it."""
    _this, following, earlier, day = _months(now)
    month = f"/gatherings/calendar/{following.year}/{following.month}/"
    return [
        ("list", "upcoming: first page", "/gatherings/"),
        ("list", "upcoming: Leeds", "/gatherings/?area=leeds"),
        ("list", "upcoming: a region", "/gatherings/?area=yorkshire-and-the-humber"),
        ("list", "upcoming: in person, step-free", "/gatherings/?mode=in_person&access=step_free"),
        ("list", "upcoming: needing help", "/gatherings/?needs_help=on"),
        ("list", "upcoming: page 100", "/gatherings/?page=100"),
        ("list", "past: first page", "/gatherings/past/"),
        ("month", "month: this month", "/gatherings/calendar/"),
        ("month", "month: next month", month),
        ("month", "month: next month, Leeds", month + "?area=leeds"),
        ("month", "month: next month, online", month + "?mode=online"),
        ("month", "month: six months ago", f"/gatherings/calendar/{earlier.year}/{earlier.month}/"),
        ("month", "month: a busy day", f"/gatherings/calendar/{day.year}/{day.month}/{day.day}/"),
        ("ics", "iCalendar: Leeds", "/gatherings/calendars/area/leeds.ics"),
        ("ics", "iCalendar: Hartlepool", "/gatherings/calendars/area/hartlepool.ics"),
        ("ics", "iCalendar: a region", "/gatherings/calendars/area/yorkshire-and-the-humber.ics"),
        ("ics", "iCalendar: everything", "/gatherings/calendar.ics"),
    ]  # fmt: skip


def _naive_list(*, filters, past=False, page=1, per_page=20, now=None):
    """A first version: every gathering of the list with its places counted, then a page."""
    from django.core.paginator import Paginator

    from bigsocnorth.events import selectors

    base = selectors.past_gatherings(now=now) if past else selectors.upcoming_gatherings(now=now)
    ids = selectors.gatherings_filter(base, filters).values("pk")
    cards = selectors.gathering_cards().filter(pk__in=ids).order_by(*base.query.order_by)
    return Paginator(cards, per_page).get_page(page)


def _naive_month_load(ids):
    from bigsocnorth.events.selectors import gathering_cards

    return gathering_cards().in_bulk(ids)


def _naive_patches(kind: str):
    """The naive way of a kind of page, as patches over the shipped code."""
    from bigsocnorth.events import calendar, month, selectors

    if kind == "list":
        return [mock.patch.object(selectors, "gathering_list", _naive_list)]
    if kind == "month":
        return [
            mock.patch.object(month, "SHOWN_PER_DAY", 10**6),
            mock.patch.object(month, "_load", _naive_month_load),
        ]
    return [mock.patch.object(calendar, "KEEP_EVENTS", False)]


def _same_content(kind: str, ours: bytes, naive: bytes) -> bool:
    """Both ways hold the same gatherings: the same links to them (lists, month), events (ics)."""
    import re

    if kind == "ics":
        pattern = rb"UID:[^\r\n]+"
        return sorted(re.findall(pattern, ours)) == sorted(re.findall(pattern, naive))
    links = set(re.findall(rb'href="(/gatherings/gathering-\d+/)"', ours))
    naive_links = set(re.findall(rb'href="(/gatherings/gathering-\d+/)"', naive))
    # The naive month shows every gathering of a day; ours a few and "and N more".
    return links <= naive_links if kind == "month" else links == naive_links


def _http_phase(now) -> list[tuple[str, Timing]]:
    from contextlib import ExitStack

    from django.test import Client

    client = Client()
    samples = list(range(SAMPLES))

    def get(url):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response

    floor_before = _timed("healthz", lambda _i: get("/healthz"), samples)
    measured = []
    for kind, label, url in _pages(now):
        timing = _timed(label, lambda _i, url=url: get(url), samples)
        body = get(url).content
        queries = _queries(lambda url=url: get(url))
        with ExitStack() as stack:
            for patch in _naive_patches(kind):
                stack.enter_context(patch)
            naive_body = get(url).content
            naive = _timed_naive(label, lambda _i, url=url: get(url))
        if not _same_content(kind, body, naive_body):
            raise SystemExit(f"{label}: the naive way shows other gatherings")
        measured.append((label, timing, queries, naive, len(body)))
    floor_after = _timed("healthz", lambda _i: get("/healthz"), samples)
    floor = Timing("floor: GET /healthz", floor_before.samples_ms + floor_after.samples_ms)
    print(f"requests through the test client, made afresh, {SAMPLES} a case")
    print(floor.line())
    print(
        "request | p50 | p95 | queries | KB | 50 ms target | naive p50 | naive p95 | "
        "naive/ours p50 | naive/ours p95"
    )
    for label, timing, queries, naive, size in measured:
        verdict = "meets" if timing.p95 <= TARGET_MS else "MISSES"
        print(
            f"{label} | {timing.p50:.1f} ms | {timing.p95:.1f} ms | {queries} | "
            f"{size / 1024:.0f} | {verdict} | {naive.p50:.1f} ms | {naive.p95:.1f} ms | "
            f"{naive.p50 / timing.p50:.1f} | {naive.p95 / timing.p95:.1f}"
        )
    return [(label, timing) for label, timing, _q, _n, _s in measured]


def _after_a_change(now) -> None:
    """The first request for a calendar after one of its gatherings changed."""
    from django.test import Client

    from bigsocnorth.events.models import Gathering

    client = Client()
    url = "/gatherings/calendars/area/leeds.ics"
    samples = []
    gatherings = list(
        Gathering.objects.public()
        .filter(local_authority__slug="leeds", last_ends_at__gt=now)
        .order_by("starts_at")[:SAMPLES]
    )
    client.get(url)
    for gathering in gatherings:
        gathering.title = gathering.title + "!"
        gathering.save()
        started = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    print(Timing("iCalendar: Leeds, after one change", samples).line())


def run() -> None:
    from bigsocnorth.events.models import Gathering, GatheringNeed, Rsvp

    settings.PAGE_CACHE_SECONDS = 0
    now = datetime.datetime.now(datetime.UTC)
    with own_database("events", keep=KEEP) as name:
        describe_run(name)
        if not Gathering.objects.exists():
            started = time.perf_counter()
            _load(random.Random(SEED), now)
            print(f"inserted in {time.perf_counter() - started:.1f} s")
            if connection.vendor == "postgresql":
                # As autovacuum would soon after a load this size.
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
        upcoming = Gathering.objects.public().filter(last_ends_at__gt=now).count()
        print(
            f"{Gathering.objects.count():,} gatherings ({upcoming:,} public and to come, "
            f"{Gathering.objects.exclude(recurrence='').count():,} series), "
            f"{Rsvp.objects.count():,} RSVPs, {GatheringNeed.objects.count():,} needs"
        )
        timings = _http_phase(now)
        missed = [f"{label} (p95 {t.p95:.1f} ms)" for label, t in timings if t.p95 > TARGET_MS]
        print(
            f"p95 ≤ {TARGET_MS:.0f} ms on {connection.vendor}: "
            + ("met by every case" if not missed else "MISSED by " + "; ".join(missed))
        )
        _after_a_change(now)
        print(f"load average at the end: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
