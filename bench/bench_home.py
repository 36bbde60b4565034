"""The home page with the demo data a hundred times over: the North, a region, an authority.

The demo is loaded into a database of the benchmark's own, then its groups
(with their places, areas and categories) and stories are copied 99 more
times, and the map's counts rebuilt, so the page reads about 33,000 groups
and 3,500 stories. Each case is requested through Django's test client
(server time, no network), against `/healthz` measured in the same run.
The budget is 50 ms p95.

    .venv/bin/python -m bench bench_home                     # SQLite
    DATABASE_URL=postgres://... .venv/bin/python -m bench bench_home
"""

from __future__ import annotations

import io
import os
import uuid

from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client

from bench.copies import story_copy
from bench.database import own_database
from bench.timing import Timing, time_each

COPIES = int(os.environ.get("BENCH_HOME_COPIES", "99"))
SAMPLES = int(os.environ.get("BENCH_HOME_SAMPLES", "60"))
BUDGET_MS = 50


def _copy_entries(copies: int) -> int:
    from bigsocnorth.directory.models import Entry, EntryPlace

    originals = list(Entry.objects.filter(merged_into__isnull=True))
    places = list(EntryPlace.objects.all())
    areas = list(Entry.areas.through.objects.values_list("entry_id", "localauthority_id"))
    categories = list(Entry.categories.through.objects.values_list("entry_id", "category_id"))
    made = 0
    for copy in range(1, copies + 1):
        with transaction.atomic():
            new = []
            for entry in originals:
                clone = Entry(**{
                    field.attname: getattr(entry, field.attname)
                    for field in Entry._meta.concrete_fields
                    if not field.primary_key
                })  # fmt: skip
                clone.slug = f"{entry.slug}-{copy}"
                clone.uuid = uuid.uuid4()
                clone.name = f"{entry.name} ({copy})"
                clone.logo = ""
                new.append(clone)
            Entry.objects.bulk_create(new, batch_size=500)
            if any(clone.pk is None for clone in new):
                keys = dict(
                    Entry.objects.filter(slug__endswith=f"-{copy}").values_list("slug", "pk")
                )
                for clone in new:
                    clone.pk = keys[clone.slug]
            by_original = {entry.pk: clone.pk for entry, clone in zip(originals, new, strict=True)}
            EntryPlace.objects.bulk_create(
                [
                    EntryPlace(
                        **{
                            field.attname: getattr(place, field.attname)
                            for field in EntryPlace._meta.concrete_fields
                            if not field.primary_key and field.attname != "entry_id"
                        },
                        entry_id=by_original[place.entry_id],
                    )
                    for place in places
                    if place.entry_id in by_original
                ],
                batch_size=500,
            )
            Entry.areas.through.objects.bulk_create(
                [
                    Entry.areas.through(entry_id=by_original[entry], localauthority_id=area)
                    for entry, area in areas
                    if entry in by_original
                ],
                batch_size=500,
            )
            Entry.categories.through.objects.bulk_create(
                [
                    Entry.categories.through(entry_id=by_original[entry], category_id=category)
                    for entry, category in categories
                    if entry in by_original
                ],
                batch_size=500,
            )
            made += len(new)
    return made


def _copy_stories(copies: int) -> int:
    from bigsocnorth.stories.models import Story

    originals = list(Story.objects.all())
    made = 0
    for copy in range(1, copies + 1):
        new = [story_copy(story, copy) for story in originals]
        Story.objects.bulk_create(new, batch_size=500)
        made += len(new)
    return made


def _time(client: Client, path: str, label: str) -> Timing:
    def get(_sample=None):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")

    get()  # warm: per-process drawings and caches
    return time_each(label, range(SAMPLES), get)


def run() -> None:
    from bigsocnorth.directory.models import Entry
    from bigsocnorth.stories.models import Story

    with own_database("home"):
        call_command("load_demo_data", stdout=io.StringIO())
        entries = _copy_entries(COPIES)
        stories = _copy_stories(COPIES)
        call_command("map_rebuild", stdout=io.StringIO())
        print(
            f"database: {connection.vendor}; {Entry.objects.count():,} entries "
            f"({entries:,} copied), {Story.objects.count():,} stories ({stories:,} copied)"
        )
        client = Client()
        floor = _time(client, "/healthz", "floor: GET /healthz")
        print(floor.line())
        print("case | p50 | p95 | x floor p50 | x floor p95 | budget")
        for label, path in (
            ("the whole North", "/"),
            ("a region (Yorkshire and The Humber)", "/?area=yorkshire-and-the-humber"),
            ("an authority (Leeds)", "/?area=leeds"),
        ):
            timing = _time(client, path, label)
            print(
                f"GET {path} ({label}) | {timing.p50:.1f} ms | {timing.p95:.1f} ms | "
                f"{timing.p50 / floor.p50:.1f} | {timing.p95 / floor.p95:.1f} | "
                f"{'meets' if timing.p95 <= BUDGET_MS else 'MISSES'} {BUDGET_MS} ms p95"
            )
