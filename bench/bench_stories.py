"""Stories at 100,000: the list and its filters, deep pages, the feeds and a story page.

The platform's target, on SQLite and on PostgreSQL: list pages and feeds
answer in at most 50 ms at the 95th percentile. The benchmark builds a
database of its own (dropped at the end) with 100,000 published stories
and a few thousand drafts, stories in review, hidden and archived ones:
told here in Markdown or linked from elsewhere (some from directory
entries' news feeds), 1 to 5 tags each from about 300 with a Zipf-like
spread, a place in 70 % of them, links to a few thousand directory entries
in a quarter of them. Rows (and the tag rows the story change hook keeps) are
bulk-inserted in the order they were written, not made through the
services (as bench_map does with its points); they are not indexed for
search or the map, which the pages measured here do not read.

Each case is timed through the selectors (the paginator's count and a page
of 20 with its joins and prefetch) and as a whole request through the test
client (request, view, template; no network), after a few warm-up runs.
Two floors measured in the same run give the ratios: for the selectors, the
simplest read of a page of stories (`Story.objects.filter(status=published)
.order_by("-published_at", "-pk")[:20]`, model instances, no joins, no
count); for requests, `GET /healthz` (one `SELECT 1` through the whole
middleware stack). Each selector case also reports its "bare rows": the
same filter and page read without the count, joins or prefetch.

Run it once with and once without DATABASE_URL. BENCH_STORIES_COUNT makes a
smaller run and BENCH_STORIES_SAMPLES sets the samples per case (recorded
figures: 100,000 and 60); BENCH_STORIES_KEEP=1 keeps the database and
reuses it next time (for trying changes; never for recorded figures).
"""

from __future__ import annotations

import bisect
import datetime
import json
import os
import platform
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate
from urllib.parse import urlencode

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import slugify

from bench.bench_search import (
    ACTIVITIES,
    AUDIENCES,
    DAYS,
    FIRST_NAMES,
    LANDMARKS,
    RARE,
    SURNAMES,
    VENUES,
)
from bench.database import own_database
from bench.timing import Timing, time_each

STORIES = int(os.environ.get("BENCH_STORIES_COUNT", "100000"))  # published
SAMPLES = int(os.environ.get("BENCH_STORIES_SAMPLES", "60"))  # per case
KEEP = os.environ.get("BENCH_STORIES_KEEP") == "1"
WARM_UP = 5
UNPUBLISHED = {"draft": 1500, "in_review": 1000, "hidden": 300, "archived": 200}
AUTHORS = max(50, STORIES // 8)
ENTRIES = max(50, STORIES // 25)
FEED_SOURCES = max(5, STORIES // 800)
LINKED_SHARE = 0.40  # of all stories; a third of those come from entries' news feeds
FROM_FEED_SHARE = 0.33
PLACE_SHARE = 0.70
ABOUT_SHARE = 0.25
ON_BEHALF_SHARE = 0.08  # of own stories
DEEP_PAGE = 500
PER_PAGE = 20
FEED_SIZE = 50
TARGET_MS = 50.0
CHUNK = 5_000
SEED = 20261128
START = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
END = datetime.datetime(2026, 11, 27, tzinfo=datetime.UTC)

# Tags people give their stories, the most used first: themes, then what
# groups do, then rarer pastimes. A story's tags are drawn with weight
# 1/rank, so "community" is on about a third of the stories and the last
# ones on a hundred or so.
THEMES = [
    "community", "volunteering", "young people", "food", "mental health", "older people",
    "funding", "cuts", "health", "wellbeing", "environment", "climate", "housing", "poverty",
    "families", "children", "arts", "music", "sport", "heritage", "education", "employment",
    "loneliness", "refugees", "disability", "carers", "transport", "libraries", "parks",
    "green spaces", "local news", "campaigning", "cost of living", "energy",
    "digital inclusion", "training", "skills", "social enterprise", "community business",
    "co-operatives", "faith", "festivals", "history", "women", "lgbtq+", "racial justice",
    "neurodiversity", "dementia", "addiction", "recovery", "homelessness", "domestic abuse",
    "debt", "welfare", "benefits", "advice", "legal aid", "public health", "nhs",
    "social care", "schools", "youth services", "play", "allotments", "gardening",
    "food waste", "recycling", "repair", "nature", "rivers", "flooding", "rural", "coast",
    "town centres", "high streets", "regeneration", "devolution", "local democracy",
    "council", "mutual aid", "pandemic", "partnerships", "networks", "anchor organisations",
    "hyperlocal", "storytelling", "photography", "film", "theatre", "dance", "books",
    "language", "migration",
]  # fmt: skip
TAG_VOCABULARY = list(dict.fromkeys([*THEMES, *ACTIVITIES, *RARE]))
TAG_COUNT_WEIGHTS = {1: 20, 2: 30, 3: 25, 4: 15, 5: 10}
RARE_TAG_RANK = 250
# Where stories happen: the cities more often than elsewhere.
AREA_WEIGHTS = {
    "Leeds": 6, "Manchester": 6, "Liverpool": 5, "Sheffield": 5, "Bradford": 4,
    "Newcastle upon Tyne": 4, "Kirklees": 3, "Wakefield": 3, "Wirral": 2, "Wigan": 2,
    "Sunderland": 2, "Kingston upon Hull, City of": 2, "York": 2, "Salford": 2, "Bolton": 2,
}  # fmt: skip
BUSY_AREA = "Leeds"
SOURCES = [
    ("Yorkshire Post", "yorkshirepost.co.uk"),
    ("Manchester Evening News", "manchestereveningnews.co.uk"),
    ("Liverpool Echo", "liverpoolecho.co.uk"), ("The Northern Echo", "thenorthernecho.co.uk"),
    ("Chronicle Live", "chroniclelive.co.uk"), ("BBC News", "bbc.co.uk"),
    ("The Guardian", "theguardian.com"), ("Hexham Courant", "hexham-courant.co.uk"),
    ("The Mill", "manchestermill.co.uk"), ("Telegraph & Argus", "thetelegraphandargus.co.uk"),
    ("Lancashire Telegraph", "lancashiretelegraph.co.uk"),
    ("Hull Daily Mail", "hulldailymail.co.uk"), ("Sheffield Tribune", "sheffieldtribune.co.uk"),
    ("Huddersfield Examiner", "examinerlive.co.uk"), ("Halifax Courier", "halifaxcourier.co.uk"),
    ("Cumbria Crack", "cumbriacrack.com"), ("a local blog", "blog.example.org"),
    ("YouTube", "youtube.com"), ("Bluesky", "bsky.app"), ("Mastodon", "mastodon.social"),
]  # fmt: skip
TITLES = [
    "How {town}'s {activity} kept the doors open", "Why we started a {activity} in {town}",
    "{years} years of the {town} {activity}", "What the cuts mean for {audience} in {town}",
    "A winter at the {activity}", "My first year volunteering at the {town} {activity}",
    "{town} {activity} finds funding for {audience}", "Saving the {landmark}: {town} steps in",
    "The {activity} that {first} built", "Tea, cake and {activity_b} in {town}",
    "When the grant ran out: the {town} {activity}", "{audience} and the {activity}",
]  # fmt: skip
SUMMARIES = [
    "How {audience} in {town} came together to run a {activity} with no money and a lot of tea.",
    "{first} {surname} tells how the {activity} in {town} started, and why it keeps going.",
    "The {town} {activity} lost its grant in {year}; this is what the volunteers did next.",
    "A {day} at {venue}: {audience}, a borrowed urn and a {activity}.",
    "Why {audience} in {authority} need a {activity}, in the words of the people who run it.",
]  # fmt: skip
SENTENCES = [
    "I first came to the {activity} in {year}, not knowing anyone.",
    "Every {day} we meet at {venue}, and there is always tea on.",
    "{first} started it with a few neighbours and a borrowed urn.",
    "Now we see about {number} {audience} a week.",
    "The council's grant ended in {year}, so we found other ways to keep going.",
    "Nobody gets paid; everyone brings something.",
    "If you are in {town}, come along: you do not need to book.",
    "What we have learned is that {audience} know what they need; our job is to listen.",
    "We share the hall with the {activity_b} on {day}s.",
    "The hardest part was the paperwork, and the best part was the people.",
    "Last winter the heating broke and {first} from the {activity_b} fixed it for nothing.",
    "We are part of a network of groups across {authority}.",
    "Some weeks it is just three of us; some weeks the queue goes round the {landmark}.",
    "We tried {activity_b} for a while, and it worked better than anyone expected.",
]  # fmt: skip
HEADINGS = ["How it started", "What happened next", "What we learned", "What's next", "Thanks"]


def _weighted_picker(rng: random.Random, weights: list[float]):
    """A function that returns an index drawn with these weights (fast for many draws)."""
    cumulative = list(accumulate(weights))
    total = cumulative[-1]
    return lambda: bisect.bisect_right(cumulative, rng.random() * total)


# --- The stories ---------------------------------------------------------------------


@dataclass
class Plan:
    """One story, before its text is written: what the measurements depend on."""

    number: int
    status: str
    kind: str
    written_at: datetime.datetime
    published_at: datetime.datetime | None
    author: int | None  # index into the authors
    tags: list[str]
    area: object | None  # a LocalAuthority
    about: list[int] = field(default_factory=list)  # indexes into the entries
    on_behalf_of: int | None = None
    feed: int | None = None  # index into the feed sources
    is_new_voice: bool = False


def _plans(rng: random.Random, authorities: list) -> list[Plan]:
    from bigsocnorth.moderation.models import Status
    from bigsocnorth.stories.models import StoryKind

    pick_tag = _weighted_picker(rng, [1 / rank for rank in range(1, len(TAG_VOCABULARY) + 1)])
    pick_area = _weighted_picker(rng, [AREA_WEIGHTS.get(a.name, 1) for a in authorities])
    tag_counts, tag_weights = list(TAG_COUNT_WEIGHTS), list(TAG_COUNT_WEIGHTS.values())
    span = (END - START).total_seconds()
    statuses = [Status.PUBLISHED] * STORIES
    for status, count in UNPUBLISHED.items():
        statuses += [status] * count
    plans = []
    for number, status in enumerate(statuses):
        # More stories in recent years, as a growing site has.
        written_at = START + datetime.timedelta(seconds=span * rng.random() ** 0.7)
        if status in ("draft", "in_review"):
            written_at = END - datetime.timedelta(seconds=rng.random() * span / 20)
        published_at = None
        if status not in ("draft", "in_review"):
            published_at = written_at + datetime.timedelta(minutes=rng.randint(0, 3 * 24 * 60))
        linked = rng.random() < LINKED_SHARE
        # Authors are Zipf-like too: a few people tell many stories, most tell one or two.
        author = int(AUTHORS * rng.random() ** 2.2)
        tags: list[str] = []
        wanted = rng.choices(tag_counts, weights=tag_weights)[0]
        while len(tags) < wanted:
            tag = TAG_VOCABULARY[pick_tag()]
            if tag not in tags:
                tags.append(tag)
        plan = Plan(
            number=number,
            status=status,
            kind=StoryKind.LINKED if linked else StoryKind.OWN,
            written_at=written_at,
            published_at=published_at,
            author=author,
            tags=tags,
            area=authorities[pick_area()] if rng.random() < PLACE_SHARE else None,
        )
        if rng.random() < ABOUT_SHARE:
            plan.about = sorted(
                {int(ENTRIES * rng.random() ** 2) for _ in range(rng.randint(1, 3))}
            )
        if linked and rng.random() < FROM_FEED_SHARE:
            plan.feed = int(FEED_SOURCES * rng.random() ** 1.5)
            plan.author = None  # stories from a feed have no person
        elif not linked and rng.random() < ON_BEHALF_SHARE:
            plan.on_behalf_of = int(ENTRIES * rng.random() ** 2)
        plans.append(plan)
    # Rows were written in this order, so the primary key follows time, as on a real site.
    plans.sort(key=lambda plan: plan.written_at)
    # A person's first published story told here is a new voice (stories.content, its change hook).
    told: set[int] = set()
    for plan in sorted(
        (p for p in plans if p.status == Status.PUBLISHED and p.kind == StoryKind.OWN),
        key=lambda p: p.published_at,
    ):
        if plan.author not in told:
            told.add(plan.author)
            plan.is_new_voice = True
    return plans


def _slots(rng: random.Random, town: str, authority: str) -> dict:
    return {
        "town": town,
        "authority": authority,
        "activity": rng.choice(ACTIVITIES),
        "activity_b": rng.choice(ACTIVITIES),
        "audience": rng.choice(AUDIENCES),
        "venue": rng.choice(VENUES),
        "day": rng.choice(DAYS),
        "year": rng.randint(2008, 2026),
        "years": rng.randint(2, 40),
        "number": rng.choice([12, 30, 45, 80, 150, 400]),
        "first": rng.choice(FIRST_NAMES),
        "surname": rng.choice(SURNAMES),
        "landmark": rng.choice(LANDMARKS),
    }


def _body(rng: random.Random, slots: dict) -> str:
    """Markdown as people write it: paragraphs, now and then a heading, a list, a link."""
    length = rng.random()
    paragraphs = rng.randint(12, 40) if length < 0.03 else rng.randint(2, 9)
    parts = []
    for number in range(paragraphs):
        if number and rng.random() < 0.2:
            parts.append(f"## {rng.choice(HEADINGS)}")
        sentences = [
            rng.choice(SENTENCES).format(**slots | {"activity_b": rng.choice(ACTIVITIES)})
            for _ in range(rng.randint(2, 6))
        ]
        if rng.random() < 0.15:
            sentences.append(
                f"Read more on [our page](https://example.org/{slugify(slots['activity'])})."
            )
        if rng.random() < 0.1:
            sentences[0] = f"**{sentences[0]}**"
        parts.append(" ".join(sentences))
        if rng.random() < 0.08:
            parts.append("\n".join(f"- {rng.choice(ACTIVITIES)}" for _ in range(3)))
    return "\n\n".join(parts)


def _story(rng: random.Random, plan: Plan, towns: dict, users, entries, feeds):
    from bigsocnorth.stories.models import PreviewState, Story, StoryKind

    authority = plan.area
    town = rng.choice(towns[authority.pk]) if authority else rng.choice(list(AREA_WEIGHTS))
    slots = _slots(rng, town, authority.name if authority else "the North")
    title = rng.choice(TITLES).format(**slots)
    story = Story(
        kind=plan.kind,
        title=title[: Story.TITLE_MAX],
        slug=f"{slugify(title)[:180]}-{plan.number}",
        summary=rng.choice(SUMMARIES).format(**slots) if rng.random() < 0.85 else "",
        tags=", ".join(plan.tags),
        status=plan.status,
        published_at=plan.published_at,
        author_id=users[plan.author].pk if plan.author is not None else None,
        is_new_voice=plan.is_new_voice,
        on_behalf_of_id=entries[plan.on_behalf_of].pk if plan.on_behalf_of is not None else None,
    )
    if authority:
        story.local_authority_id = authority.pk
        story.place_name = town
        story.latitude = authority.centre_latitude + rng.uniform(-0.05, 0.05)
        story.longitude = authority.centre_longitude + rng.uniform(-0.08, 0.08)
    if plan.kind == StoryKind.OWN:
        story.body = _body(rng, slots)
    else:
        source_name, domain = rng.choice(SOURCES)
        path = f"news/{plan.number}/{slugify(title)[:80]}"
        story.url = f"https://www.{domain}/{path}"
        story.canonical_url = f"{domain}/{path}"
        story.source_name = source_name
        story.source_published_at = plan.written_at - datetime.timedelta(days=rng.randint(0, 30))
        story.preview_state = PreviewState.READY
        if plan.feed is not None:
            feed = feeds[plan.feed]
            story.feed_id = feed.pk
            story.feed_item_id = f"{feed.url}#item-{plan.number}"
            story.source_name = feed.entry.name
    return story


def _people_and_entries(rng: random.Random, towns: dict, authorities: list):
    from django.contrib.auth.hashers import make_password

    from bigsocnorth.accounts.models import Profile, User
    from bigsocnorth.directory.models import Entry, EntryKind, Sector
    from bigsocnorth.moderation.models import Status
    from bigsocnorth.stories.models import FeedSource

    users = User.objects.bulk_create(
        [
            User(email=f"author{n}@example.org", password=make_password(None))
            for n in range(AUTHORS)
        ],
        batch_size=2000,
    )
    Profile.objects.bulk_create(
        [
            Profile(
                user=user,
                handle=f"author-{n}",
                display_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
            )
            for n, user in enumerate(users)
        ],
        batch_size=2000,
    )
    kinds = list(EntryKind.objects.all())
    entries = []
    for n in range(ENTRIES):
        authority = rng.choice(authorities)
        entries.append(
            Entry(
                name=f"{rng.choice(towns[authority.pk])} {rng.choice(ACTIVITIES).title()}",
                slug=f"entry-{n}",
                kind=rng.choice(kinds),
                sector=rng.choice(Sector.values),
                description="A group for the stories benchmark.",
                status=Status.PUBLISHED,
                published_at=START,
            )
        )
    entries = Entry.objects.bulk_create(entries, batch_size=2000)
    feeds = FeedSource.objects.bulk_create(
        [
            FeedSource(entry=entry, url=f"https://news.example.org/{entry.slug}/feed", enabled=True)
            for entry in entries[:FEED_SOURCES]
        ]
    )
    return users, entries, feeds


def _towns(authorities: list) -> dict:
    from bigsocnorth.places.selectors import place_list_for_local_authority

    return {
        authority.pk: [
            town.name for town in place_list_for_local_authority(local_authority=authority)
        ][:12]
        or [authority.name]
        for authority in authorities
    }


def _load(rng: random.Random) -> list[Plan]:
    from bigsocnorth.moderation.models import Status
    from bigsocnorth.places.models import LocalAuthority
    from bigsocnorth.stories.models import Story, StoryTag

    authorities = list(LocalAuthority.objects.select_related("region").defer("boundary"))
    towns = _towns(authorities)
    plans = _plans(rng, authorities)
    with transaction.atomic():
        users, entries, feeds = _people_and_entries(rng, towns, authorities)
        for start in range(0, len(plans), CHUNK):
            chunk = plans[start : start + CHUNK]
            stories = Story.objects.bulk_create(
                [_story(rng, plan, towns, users, entries, feeds) for plan in chunk],
                batch_size=1000,
            )
            # What the story change hook keeps: a row per tag of each published story.
            StoryTag.objects.bulk_create(
                [
                    StoryTag(story_id=story.pk, tag=tag)
                    for story, plan in zip(stories, chunk, strict=True)
                    if plan.status == Status.PUBLISHED
                    for tag in plan.tags
                ],
                batch_size=5000,
            )
            Story.about.through.objects.bulk_create(
                [
                    Story.about.through(story_id=story.pk, entry_id=entries[index].pk)
                    for story, plan in zip(stories, chunk, strict=True)
                    for index in plan.about
                ],
                batch_size=5000,
            )
    return plans


def _statistics() -> str:
    """What a running site's database would know about the tables after a bulk load."""
    if connection.vendor != "postgresql":
        # Nothing runs ANALYZE on a site's SQLite file, so the benchmark does not either.
        return "SQLite: no ANALYZE (as on a running site)"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Autovacuum does this soon after a bulk load; the benchmark does not wait for it.
        cursor.execute("VACUUM ANALYZE")
    return (
        f"PostgreSQL: VACUUM ANALYZE (autovacuum's work) in {time.perf_counter() - started:.1f} s"
    )


def _sizes() -> str:
    from bigsocnorth.stories.models import Story

    table = Story._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_total_relation_size(%s), pg_database_size(current_database())", [table]
            )
            story_bytes, database_bytes = cursor.fetchone()
            return (
                f"stories table with its indexes {story_bytes / 2**20:,.1f} MiB; "
                f"whole database {database_bytes / 2**20:,.1f} MiB"
            )
    path = connection.settings_dict["NAME"]
    return f"whole database {os.path.getsize(path) / 2**20:,.1f} MiB"


# --- What is measured -----------------------------------------------------------------


@dataclass(frozen=True)
class ListCase:
    """One list page: the selector's arguments, the page's query string, the expected count."""

    key: str
    label: str
    filters: dict
    query: dict
    expected: int
    page: int = 1


@dataclass(frozen=True)
class PageCase:
    """One whole request, and a check of what came back."""

    label: str
    urls: list[str]
    check: object  # (response) -> None; raises on a wrong answer


def _list_cases(plans: list[Plan]) -> list[ListCase]:
    from bigsocnorth.moderation.models import Status
    from bigsocnorth.stories.models import StoryKind

    published = [plan for plan in plans if plan.status == Status.PUBLISHED]
    tags = Counter(tag for plan in published for tag in plan.tags)
    common_tag = TAG_VOCABULARY[0]
    rare_tag = TAG_VOCABULARY[RARE_TAG_RANK - 1]
    areas = Counter(plan.area for plan in published if plan.area)
    busy = next(area for area in areas if area.name == BUSY_AREA)
    region = busy.region
    in_region = sum(count for area, count in areas.items() if area.region_id == region.pk)
    linked = sum(1 for plan in published if plan.kind == StoryKind.LINKED)
    total = len(published)
    deep = min(DEEP_PAGE, total // PER_PAGE)  # smaller runs have fewer pages
    return [
        ListCase("all", "newest first, page 1", {}, {}, total),
        ListCase("common tag", f"common tag “{common_tag}”", {"tag": common_tag},
                 {"tag": common_tag}, tags[common_tag]),
        ListCase("rare tag", f"rare tag “{rare_tag}”", {"tag": rare_tag}, {"tag": rare_tag},
                 tags[rare_tag]),
        ListCase("area", f"area {busy.name}", {"area": busy.slug}, {"area": busy.slug},
                 areas[busy]),
        ListCase("region", f"region {region.name}", {"area": region.slug},
                 {"area": region.slug}, in_region),
        ListCase("new voices", "new voices first", {"new_voices_first": True},
                 {"order": "new_voices"}, total),
        ListCase("linked", "kind=linked", {"kind": StoryKind.LINKED},
                 {"kind": StoryKind.LINKED}, linked),
        ListCase("deep", f"deep page {deep}", {}, {"page": deep}, total, page=deep),
    ]  # fmt: skip


def _selector_page(case: ListCase):
    from django.contrib.auth.models import AnonymousUser

    from bigsocnorth.stories import selectors

    page = selectors.story_list(user=AnonymousUser(), page=case.page, **case.filters)
    stories = list(page.object_list)
    for story in stories:
        list(story.about.all())  # prefetched: the card and the API read them
    return page.paginator.count, stories


def _bare_rows(case: ListCase):
    """The same filter and page with none of the page's extras: no count, no joins, no prefetch."""
    from bigsocnorth.moderation.models import Status
    from bigsocnorth.stories.models import Story
    from bigsocnorth.stories.selectors import stories_filter

    filters = {key: value for key, value in case.filters.items() if key != "new_voices_first"}
    order = ["-published_at", "-pk"]
    if case.filters.get("new_voices_first"):
        order = ["-is_new_voice", *order]
    stories = stories_filter(Story.objects.filter(status=Status.PUBLISHED), **filters)
    offset = (case.page - 1) * PER_PAGE
    return list(stories.order_by(*order)[offset : offset + PER_PAGE])


def _floor_rows(_item=None):
    from bigsocnorth.moderation.models import Status
    from bigsocnorth.stories.models import Story

    return list(
        Story.objects.filter(status=Status.PUBLISHED).order_by("-published_at", "-pk")[:PER_PAGE]
    )


def _check_list(case: ListCase) -> None:
    """The selector's answer is right: the count, and the page holds what the filter asks for."""
    from bigsocnorth.moderation.models import Status

    count, stories = _selector_page(case)
    if count != case.expected:
        raise SystemExit(f"{case.label}: counted {count:,}, the data has {case.expected:,}")
    if len(stories) != min(PER_PAGE, case.expected - (case.page - 1) * PER_PAGE):
        raise SystemExit(f"{case.label}: {len(stories)} stories on the page")
    if [story.pk for story in stories] != [story.pk for story in _bare_rows(case)]:
        raise SystemExit(f"{case.label}: the page differs from the bare read of the same rows")
    key = (
        (lambda s: (s.is_new_voice, s.published_at, s.pk))
        if case.filters.get("new_voices_first")
        else (lambda s: (s.published_at, s.pk))
    )
    if [key(story) for story in stories] != sorted((key(s) for s in stories), reverse=True):
        raise SystemExit(f"{case.label}: the page is not in order")
    for story in stories:
        tag = case.filters.get("tag")
        wrong = (
            story.status != Status.PUBLISHED
            or (tag and tag not in story.tag_list)
            or (case.filters.get("kind") and story.kind != case.filters["kind"])
            or (case.filters.get("new_voices_first") and not story.is_new_voice)
        )
        area = case.filters.get("area")
        if area and not wrong:
            authority = story.local_authority
            wrong = authority is None or area not in (authority.slug, authority.region.slug)
        if wrong:
            raise SystemExit(f"{case.label}: {story} does not belong on this page")


def _page_checker(label: str, text: str):
    def check(response) -> None:
        if response.status_code != 200 or text.encode() not in response.content:
            raise SystemExit(f"{label}: {response.status_code}, {text!r} not in the page")

    return check


def _feed_checker(label: str, expected_items: int):
    def check(response) -> None:
        if response.status_code != 200:
            raise SystemExit(f"{label}: answered {response.status_code}")
        if response["Content-Type"].startswith("application/feed+json"):
            items = len(json.loads(response.content)["items"])
        else:
            items = response.content.count(b"<entry>") + response.content.count(b"<item>")
        if items != expected_items:
            raise SystemExit(f"{label}: {items} items, expected {expected_items}")

    return check


def _page_cases(rng: random.Random, cases: list[ListCase], plans: list[Plan]) -> list[PageCase]:
    from bigsocnorth.directory.models import Entry
    from bigsocnorth.moderation.models import Status

    list_url = reverse("stories:story_list")
    pages = []
    for case in cases:
        url = f"{list_url}?{urlencode(case.query)}" if case.query else list_url
        pages.append(
            PageCase(f"GET /stories/ {case.label}", [url],
                     _page_checker(case.label, f"{case.expected} stories"))
        )  # fmt: skip
    common = next(case for case in cases if case.key == "common tag")
    area = next(case for case in cases if case.key == "area")
    # The entry most stories are about or told for: the busiest entry feed.
    about = Counter(i for plan in plans if plan.status == Status.PUBLISHED for i in plan.about)
    told = Counter(
        plan.on_behalf_of
        for plan in plans
        if plan.status == Status.PUBLISHED and plan.on_behalf_of is not None
    )
    busiest = (about + told).most_common(1)[0][0]
    entry = Entry.objects.get(slug=f"entry-{busiest}")
    entry_stories = sum(
        1
        for plan in plans
        if plan.status == Status.PUBLISHED
        and (busiest in plan.about or plan.on_behalf_of == busiest)
    )
    feeds = [
        ("GET /stories/feed.atom", reverse("stories:feed_all", kwargs={"format": "atom"}),
         common.expected),
        (f"GET tag feed (atom, “{common.filters['tag']}”)",
         reverse("stories:feed_tag", kwargs={"tag": common.filters["tag"], "format": "atom"}),
         common.expected),
        (f"GET area feed (json, {area.filters['area']})",
         reverse("stories:feed_area", kwargs={"area": area.filters["area"], "format": "json"}),
         area.expected),
        (f"GET entry feed (atom, {entry_stories:,} stories)",
         reverse("stories:feed_entry", kwargs={"slug": entry.slug, "format": "atom"}),
         entry_stories),
    ]  # fmt: skip
    for label, url, expected in feeds:
        pages.append(PageCase(label, [url], _feed_checker(label, min(FEED_SIZE, expected))))
    # Stories about three entries with a place: the fullest story pages.
    slugs = _stories_about_three(rng)
    pages.append(
        PageCase(
            "GET /stories/<slug>/ (3 entries, a place)",
            [reverse("stories:story_detail", kwargs={"slug": slug}) for slug in slugs],
            _page_checker("story page", "Groups in this story"),
        )
    )
    return pages


def _stories_about_three(rng: random.Random) -> list[str]:
    from django.db.models import Count

    from bigsocnorth.moderation.models import Status
    from bigsocnorth.stories.models import Story

    slugs = list(
        Story.objects.filter(status=Status.PUBLISHED, local_authority__isnull=False)
        .annotate(entries=Count("about"))
        .filter(entries=3)
        .order_by("pk")
        .values_list("slug", flat=True)
    )
    return rng.sample(slugs, min(SAMPLES, len(slugs)))


# --- Running it -----------------------------------------------------------------------


def _timed(label: str, call, items: list) -> Timing:
    for item in items[:WARM_UP]:  # caches warm, as on a running site
        call(item)
    return time_each(label, items, call)


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def _verdict(timing: Timing) -> str:
    return "meets" if timing.p95 <= TARGET_MS else "MISSES"


def _selector_phase(cases: list[ListCase]) -> list[tuple[str, Timing]]:
    samples = list(range(SAMPLES))
    before = _timed("floor", _floor_rows, samples)
    measured = []
    for case in cases:
        _check_list(case)
        ours = _timed(case.label, lambda _item, case=case: _selector_page(case), samples)
        bare = _timed(case.label, lambda _item, case=case: _bare_rows(case), samples)
        measured.append((case, ours, bare, _queries(lambda case=case: _selector_page(case))))
    after = _timed("floor", _floor_rows, samples)
    floor = Timing("floor: a page of 20 published stories", before.samples_ms + after.samples_ms)
    print(f"selectors: `selectors.story_list`, count and page, {SAMPLES} runs a case")
    print(floor.line())
    print(
        "case | stories | p50 | p95 | x floor p50 | x floor p95 | bare rows p50 | bare rows p95 "
        "| queries"
    )
    for case, ours, bare, queries in measured:
        print(
            f"{case.label} | {case.expected:,} | {ours.p50:.1f} ms | {ours.p95:.1f} ms | "
            f"{ours.p50 / floor.p50:.1f} | {ours.p95 / floor.p95:.1f} | {bare.p50:.1f} ms | "
            f"{bare.p95:.1f} ms | {queries}"
        )
    return [(f"selector: {case.label}", ours) for case, ours, _bare, _q in measured]


def _http_phase(pages: list[PageCase]) -> list[tuple[str, Timing]]:
    from django.test import Client

    client = Client()

    def healthz(_item) -> None:
        if client.get("/healthz").status_code != 200:
            raise SystemExit("/healthz did not answer 200")

    samples = list(range(SAMPLES))
    before = _timed("healthz", healthz, samples)
    measured = []
    for page in pages:
        for url in page.urls:
            page.check(client.get(url))
        urls = [page.urls[n % len(page.urls)] for n in range(SAMPLES)]
        timing = _timed(page.label, client.get, urls)
        queries = _queries(lambda url=urls[0]: client.get(url))
        size = len(client.get(urls[0]).content)
        measured.append((page, timing, queries, size))
    after = _timed("healthz", healthz, samples)
    floor = Timing("floor: GET /healthz", before.samples_ms + after.samples_ms)
    print(f"requests through the test client, {SAMPLES} a case")
    print(floor.line())
    print("request | p50 | p95 | x floor p50 | x floor p95 | queries | bytes | 50 ms target")
    for page, timing, queries, size in measured:
        print(
            f"{page.label} | {timing.p50:.1f} ms | {timing.p95:.1f} ms | "
            f"{timing.p50 / floor.p50:.1f} | {timing.p95 / floor.p95:.1f} | {queries} | "
            f"{size:,} | {_verdict(timing)}"
        )
    return [(page.label, timing) for page, timing, _q, _s in measured]


def _describe(plans: list[Plan]) -> str:
    from bigsocnorth.moderation.models import Status
    from bigsocnorth.stories.models import StoryKind

    published = [plan for plan in plans if plan.status == Status.PUBLISHED]
    statuses = Counter(plan.status for plan in plans)
    tags = Counter(tag for plan in published for tag in plan.tags)
    ranks = [tags[TAG_VOCABULARY[rank - 1]] for rank in (1, 10, 50, 100, RARE_TAG_RANK, 300)]
    return (
        f"{len(plans):,} stories: "
        + ", ".join(f"{count:,} {status}" for status, count in statuses.items())
        + f"; own {sum(p.kind == StoryKind.OWN for p in published):,}, "
        f"linked {sum(p.kind == StoryKind.LINKED for p in published):,} "
        f"({sum(p.feed is not None for p in published):,} from {FEED_SOURCES} news feeds); "
        f"{sum(p.is_new_voice for p in published):,} new voices by {AUTHORS:,} people; "
        f"{len(tags)} tags in use, stories with the tag ranked 1/10/50/100/{RARE_TAG_RANK}/300: "
        + "/".join(f"{count:,}" for count in ranks)
        + f"; {sum(p.area is not None for p in published):,} with a place; "
        f"{sum(bool(p.about) for p in published):,} about some of {ENTRIES:,} entries"
    )


def _run_measurements() -> None:
    from bigsocnorth.stories.models import Story

    rng = random.Random(SEED)
    print(f"load average at the start: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    started = time.perf_counter()
    if Story.objects.exists():
        from bigsocnorth.places.models import LocalAuthority

        authorities = list(LocalAuthority.objects.select_related("region").defer("boundary"))
        plans = _plans(rng, authorities)
        print(f"reusing the kept database: {Story.objects.count():,} stories")
    else:
        plans = _load(rng)
        print(f"generated and inserted in {time.perf_counter() - started:.1f} s")
    print(_describe(plans))
    print(_statistics())
    print(_sizes())

    rng = random.Random(SEED + 1)
    cases = _list_cases(plans)
    selector_timings = _selector_phase(cases)
    http_timings = _http_phase(_page_cases(rng, cases, plans))
    missed = [
        f"{label} (p95 {timing.p95:.1f} ms)"
        for label, timing in [*selector_timings, *http_timings]
        if timing.p95 > TARGET_MS and "/<slug>/" not in label
    ]
    print(
        f"p95 ≤ {TARGET_MS:.0f} ms for list pages and feeds on {connection.vendor}: "
        + ("met by every case" if not missed else "MISSED by " + "; ".join(missed))
    )
    print(f"load average at the end: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")


def run() -> None:
    with own_database("stories", keep=KEEP) as name:
        print(f"database: {connection.vendor}, {name}; {STORIES:,} published stories")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT version()"
                if connection.vendor == "postgresql"
                else "SELECT 'SQLite ' || sqlite_version()"
            )
            print(f"Python {platform.python_version()}, {cursor.fetchone()[0].split(' (')[0]}")
        _run_measurements()
