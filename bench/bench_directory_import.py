"""Directory CSV import and export: 100,000 rows, against the obvious code, time and peak memory.

Generates 100,000 realistic rows across the North (places scattered around
each local authority's centre, repeated names, websites, charity and
company numbers, followers who get notices), then measures, each phase in
its own forked process (so its peak memory is its own):

- the dry run (`entry_import_check`), against a plain `csv.reader` pass over
  the same file (the floor) and against checking row by row the way
  `entry_create` does (check_entry_fields plus its per-row duplicate
  queries), measured on a sample and extrapolated;
- the import (`entry_import_write`), against `entry_create` once per row,
  measured on a sample and extrapolated;
- the import with each entry announced to followers (content_changed per
  entry instead of the bulk search sync), on a sample, extrapolated;
- the export of the 100,000 entries (the streamed view), against the
  obvious Django code (model instances, prefetch_related per chunk) for
  time, and against building every row in memory first for memory.

It runs in a database of its own (created and dropped here, like a test
database), on SQLite or on PostgreSQL when DATABASE_URL is set.
BENCH_IMPORT_ROWS changes the number of rows (for a quick try).
"""

from __future__ import annotations

import csv
import json
import os
import random
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.test.utils import setup_databases, teardown_databases

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
BASELINE_CREATE_SAMPLE = 300
BASELINE_CHECK_SAMPLE = 2000
ANNOUNCE_SAMPLE = 3000
SEED = 20261127
FOLLOWERS_PER_AREA = 2

GROUP_TYPES = [
    "Food Bank", "Community Centre", "Repair Café", "Tenants' Association", "Credit Union",
    "Youth Club", "Men's Shed", "Community Garden", "Residents' Group", "Foodbank Network",
    "Carers' Group", "Library Friends", "Allotment Society", "Mutual Aid", "Arts Collective",
    "Refugee Welcome", "Walking Group", "Toy Library", "Community Pantry", "Heritage Trust",
]  # fmt: skip
SENTENCES = [
    "We meet every week in the church hall and everyone is welcome.",
    "Run by volunteers since 2009, we support families across the area.",
    "Bring something broken and we will help you fix it, for free.",
    "We campaign for better housing and help tenants know their rights.",
    "Tea, cake and a friendly face on **Tuesday mornings**.",
    "A small charity working with older people who live alone.",
    "We grow food together and share it with neighbours who need it.",
    "Open to all ages; no need to book, just come along.",
]
TAGS = ["food", "housing", "older people", "young people", "repair", "environment", "arts",
        "health", "advice", "refugees", "walking", "money", "carers", "heritage"]  # fmt: skip


# --- Data --------------------------------------------------------------------------


def _point_in(area, rng: random.Random) -> tuple[float, float] | None:
    from bigsocnorth.places.selectors import area_for_point

    for _ in range(8):
        latitude = area.centre_latitude + rng.gauss(0, 0.025)
        longitude = area.centre_longitude + rng.gauss(0, 0.04)
        if area_for_point(latitude=latitude, longitude=longitude) is not None:
            return round(latitude, 5), round(longitude, 5)
    return None


def write_rows(path: Path, rows: int) -> int:
    """A realistic import file of `rows` rows; returns its size in bytes."""
    from bigsocnorth.directory.models import Category, EntryKind, Sector
    from bigsocnorth.directory.opendata.csv_export import COLUMNS
    from bigsocnorth.places.models import LocalAuthority

    rng = random.Random(SEED)
    areas = list(LocalAuthority.objects.defer("boundary").order_by("pk"))
    kinds = list(EntryKind.objects.values_list("slug", flat=True))
    categories = list(Category.objects.values_list("slug", flat=True))
    columns = [c for c in COLUMNS if c not in ("id", "areas", "url", "published_at")]
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(columns)
        for number in range(rows):
            area = rng.choice(areas)
            name = f"{area.name} {rng.choice(GROUP_TYPES)}"
            if rng.random() < 0.5:
                name += f" {rng.choice(['North', 'South', 'East', 'West', 'Central'])}"
            places, names, served = [], [], []
            shape = rng.random()
            if shape < 0.8:
                for _ in range(2 if shape < 0.1 else 1):
                    point = _point_in(area, rng)
                    if point:
                        places.append(f"{point[0]},{point[1]}")
                        names.append(rng.choice(["", "Church hall", "Library", "The Hub"]))
            else:
                served = [a.name for a in rng.sample(areas, rng.randint(1, 3))]
            identifiers = []
            if rng.random() < 0.3:
                identifiers.append(f"GB-CHC-{1000000 + number}")
            if rng.random() < 0.1:
                identifiers.append(f"GB-COH-{number:08d}")
            site = f"https://group{number}.example.org" if rng.random() < 0.8 else ""
            writer.writerow(
                {
                    "name": name,
                    "kind": rng.choice(kinds),
                    "sector": rng.choice(Sector.values),
                    "categories": "; ".join(rng.sample(categories, rng.randint(0, 2))),
                    "tags": ", ".join(rng.sample(TAGS, rng.randint(0, 3))),
                    "description": " ".join(rng.sample(SENTENCES, rng.randint(1, 3))),
                    "website": site,
                    "feed_url": f"{site}/feed.xml" if site and rng.random() < 0.2 else "",
                    "social_links": f"https://social.example/@g{number}"
                    if rng.random() < 0.2
                    else "",
                    "public_contact": f"hello@group{number}.example.org"
                    if rng.random() < 0.6
                    else f"0114 496 {number % 10000:04d}",
                    "identifiers": "; ".join(identifiers),
                    "places": "; ".join(places),
                    "place_names": "; ".join(names) if any(names) else "",
                    "approximate_location": "true" if rng.random() < 0.1 else "false",
                    "areas_served": "; ".join(served),
                }.get(column, "")
                for column in columns
            )
    return path.stat().st_size


# --- Measuring in a child process ----------------------------------------------------


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def measure(label: str, call: Callable[[], object]) -> dict:
    """Run `call` in a forked child: wall time, and its peak memory above its start."""
    connections.close_all()  # the child opens its own connection
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        try:
            start_kib = _status_kib("VmRSS")
            started = time.perf_counter()
            extra = call()
            seconds = time.perf_counter() - started
            peak_kib = _status_kib("VmHWM")
            result = {"seconds": seconds, "peak_mib": (peak_kib - start_kib) / 1024}
            result["extra"] = extra if isinstance(extra, dict) else {}
        except BaseException as error:  # reported by the parent
            result = {"error": repr(error)}
        with os.fdopen(write_end, "w") as out:
            out.write(json.dumps(result, default=str))
        connections.close_all()
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as incoming:
        result = json.loads(incoming.read() or '{"error": "no result"}')
    os.waitpid(pid, 0)
    if "error" in result:
        raise SystemExit(f"{label} failed: {result['error']}")
    result["label"] = label
    return result


def line(result: dict, *, scale: float = 1.0) -> str:
    note = f"  (sample, x{scale:.0f})" if scale != 1 else ""
    return (
        f"{result['label']:<58} {result['seconds'] * scale:9.2f} s   "
        f"peak +{result['peak_mib']:7.1f} MiB{note}"
    )


# --- Phases -----------------------------------------------------------------------------


def _moderator():
    from bigsocnorth.accounts.models import Role
    from bigsocnorth.accounts.tests.factories import UserFactory

    return UserFactory(role=Role.MODERATOR, email="bench-moderator@example.org")


def _followers() -> None:
    """People following each area and category, so imports send notices as in real life."""
    from bigsocnorth.accounts.tests.factories import UserFactory
    from bigsocnorth.directory.models import Category
    from bigsocnorth.notifications.services import follow_create
    from bigsocnorth.places.models import LocalAuthority

    for area in LocalAuthority.objects.defer("boundary"):
        for _ in range(FOLLOWERS_PER_AREA):
            follow_create(user=UserFactory(), target=area)
    for category in Category.objects.all():
        follow_create(user=UserFactory(), target=category)


def _plain_parse(path: Path) -> dict:
    with path.open(encoding="utf-8", newline="") as file:
        return {"rows": sum(1 for _ in csv.reader(file)) - 1}


def _dry_run(path: Path) -> dict:
    from bigsocnorth.directory.opendata.csv_import import entry_import_check

    report = entry_import_check(path=path)
    return {"rows": report.rows, "errors": report.with_errors, "file_error": report.file_error}


def _rows_as_values(path: Path, limit: int) -> list[dict]:
    """The first `limit` rows as entry_create's keyword arguments (looked up one by one)."""
    from bigsocnorth.directory.models import Category, EntryKind
    from bigsocnorth.places.models import LocalAuthority

    values = []
    with path.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            if len(values) == limit:
                break
            places = []
            if row["places"]:
                names = row["place_names"].split("; ") if row["place_names"] else []
                for position, cell in enumerate(row["places"].split("; ")):
                    latitude, longitude = (float(part) for part in cell.split(","))
                    name = names[position] if position < len(names) else ""
                    places.append({"name": name, "latitude": latitude, "longitude": longitude})
            values.append(
                {
                    "name": row["name"],
                    "kind": EntryKind.objects.get(slug=row["kind"]),
                    "sector": row["sector"],
                    "categories": list(
                        Category.objects.filter(slug__in=row["categories"].split("; "))
                    ),
                    "tags": row["tags"],
                    "description": row["description"],
                    "website": row["website"],
                    "feed_url": row["feed_url"],
                    "social_links": [row["social_links"]] if row["social_links"] else [],
                    "public_contact": row["public_contact"],
                    "identifiers": row["identifiers"].split("; ") if row["identifiers"] else [],
                    "places": places,
                    "areas_served": list(
                        LocalAuthority.objects.defer("boundary").filter(
                            name__in=row["areas_served"].split("; ")
                        )
                    ),
                    "approximate_location": row["approximate_location"] == "true",
                }
            )
    return values


def _check_one_by_one(path: Path, sample: int) -> dict:
    """Baseline dry run: each row looked up and checked on its own, as entry_create does."""
    from django.core.exceptions import ValidationError

    from bigsocnorth.accounts.models import User
    from bigsocnorth.directory.entries.duplicates import entry_likely_duplicates
    from bigsocnorth.directory.entries.services import check_entry_fields

    moderator = User.objects.get(email="bench-moderator@example.org")
    checked = 0
    for values in _rows_as_values(path, sample):
        try:
            fields = check_entry_fields(**values)
        except ValidationError:
            continue
        entry_likely_duplicates(
            user=moderator,
            name=fields.name,
            website=fields.website,
            identifiers=fields.identifiers,
            points=[(p.latitude, p.longitude) for p in fields.places],
        )
        checked += 1
    return {"rows": checked}


def _import(path: Path) -> dict:
    from bigsocnorth.accounts.models import User
    from bigsocnorth.directory.opendata.csv_import import entry_import_write

    moderator = User.objects.get(email="bench-moderator@example.org")
    result = entry_import_write(path=path, actor=moderator, file_name=path.name)
    return {"created": result.created, "left_out": result.left_out_duplicates}


def _create_one_by_one(path: Path, sample: int) -> dict:
    """Baseline import: entry_create for each row, each committed on its own as from the form."""
    from bigsocnorth.accounts.models import User
    from bigsocnorth.directory.entries.services import entry_create

    moderator = User.objects.get(email="bench-moderator@example.org")
    rows = _rows_as_values(path, sample)
    created = 0
    for values in rows:
        entry_create(author=moderator, not_a_duplicate=True, **values)
        created += 1
    return {"created": created}


def _export(how: str) -> dict:
    from django.db.models import Prefetch
    from django.test import RequestFactory

    from bigsocnorth.core.csv import csv_rows
    from bigsocnorth.directory.models import EntryPlace
    from bigsocnorth.directory.opendata import csv_export
    from bigsocnorth.directory.opendata import views as data_views

    request = RequestFactory().get("/directory/export.csv")
    if how == "ours":
        size = sum(len(part) for part in data_views.entry_export_csv(request).streaming_content)
        return {"bytes": size}
    entries = csv_export.entry_export_queryset()
    if how == "in_memory":
        # The same rows, all built before the first byte is written.
        rows = list(csv_export.entry_export_rows(entries, base_url="http://testserver"))
        return {"bytes": sum(len(text.encode()) for text in csv_rows(csv_export.COLUMNS, rows))}
    # "prefetch": the obvious Django code, model instances with prefetch_related per chunk.
    entries = entries.prefetch_related(None).prefetch_related(
        "categories",
        "identifiers",
        "areas_served",
        Prefetch("places", queryset=EntryPlace.objects.select_related("local_authority")),
    )
    rows = (_instance_row(entry) for entry in entries.iterator(chunk_size=1000))
    return {"bytes": sum(len(text.encode()) for text in csv_rows(csv_export.COLUMNS, rows))}


def _instance_row(entry) -> list:
    places = list(entry.places.all())
    return [
        str(entry.uuid), entry.name, entry.kind.slug, entry.sector,
        "; ".join(c.slug for c in entry.categories.all()), entry.tags, entry.description,
        entry.website, entry.feed_url, "; ".join(entry.social_links), entry.public_contact,
        "; ".join(i.org_id for i in entry.identifiers.all()),
        "; ".join(f"{p.public_latitude},{p.public_longitude}" for p in places),
        "; ".join(p.name for p in places), entry.approximate_location,
        "; ".join(a.name for a in entry.area_list),
        "; ".join(a.name for a in entry.areas_served.all()),
        "http://testserver" + entry.get_absolute_url(), entry.published_at,
    ]  # fmt: skip


def _import_announcing_each(path: Path, sample: int) -> dict:
    """The import with content_changed per entry (notices one by one) instead of the
    bulk search sync: what the import would cost if each entry were announced."""
    from bigsocnorth.accounts.models import User
    from bigsocnorth.directory.opendata import csv_import
    from bigsocnorth.moderation.changes import content_changed

    head = path.with_name(f"head-{sample}.csv")
    with path.open(encoding="utf-8") as source, head.open("w", encoding="utf-8") as target:
        for number, text in enumerate(source):
            if number > sample:
                break
            target.write(text)
    csv_import.contents_added_in_bulk = lambda entries: [
        content_changed(entry, previous_status=None) for entry in entries
    ]
    moderator = User.objects.get(email="bench-moderator@example.org")
    result = csv_import.entry_import_write(path=head, actor=moderator, include_duplicates=True)
    return {"created": result.created}


# --- Run ---------------------------------------------------------------------------------


def _bench_database() -> tuple:
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        name = str(Path(settings.VAR_DIR) / "bench-directory-import.sqlite3")
    else:
        name = f"bench_directory_import_{os.getpid()}"
    database.setdefault("TEST", {})["NAME"] = name
    return setup_databases(verbosity=0, interactive=False, aliases={"default"})


def run() -> None:
    engine = connection.vendor
    print(f"database: {engine}; rows: {ROWS:,}; creating the benchmark database…", flush=True)
    old_config = _bench_database()
    # As in production: with DEBUG on, Django keeps the text of the last 9,000
    # queries (bulk inserts included) in memory, which would count as the
    # import's own memory.
    debug, settings.DEBUG = settings.DEBUG, False
    workdir = Path(settings.VAR_DIR) / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"directory-import-{ROWS}.csv"
    try:
        size = write_rows(path, ROWS)
        print(f"file: {size / 1_048_576:.1f} MB ({size / ROWS:.0f} bytes a row)")
        settings.DIRECTORY_IMPORT_MAX_MB = max(
            settings.DIRECTORY_IMPORT_MAX_MB, size // 1_048_576 + 1
        )
        settings.DIRECTORY_IMPORT_MAX_ROWS = max(settings.DIRECTORY_IMPORT_MAX_ROWS, ROWS)
        _moderator()
        _followers()
        results = {}

        results["parse"] = measure("plain csv.reader pass (floor)", lambda: _plain_parse(path))
        results["dry"] = measure("dry run: entry_import_check", lambda: _dry_run(path))
        check_sample = min(BASELINE_CHECK_SAMPLE, ROWS)
        results["dry_base"] = measure(
            f"baseline dry run: row by row, {check_sample:,} rows",
            lambda: _check_one_by_one(path, check_sample),
        )
        results["import"] = measure("import: entry_import_write", lambda: _import(path))
        results["export"] = measure("export: the streamed view", lambda: _export("ours"))
        results["export_base"] = measure(
            "baseline export: model instances, prefetch_related per chunk",
            lambda: _export("prefetch"),
        )
        results["export_memory"] = measure(
            "baseline export: all rows in memory first", lambda: _export("in_memory")
        )
        # Last, as it adds entries (the database is dropped afterwards).
        create_sample = min(BASELINE_CREATE_SAMPLE, ROWS)
        results["import_base"] = measure(
            f"baseline import: entry_create per row, {create_sample:,} rows",
            lambda: _create_one_by_one(path, create_sample),
        )
        announce_sample = min(ANNOUNCE_SAMPLE, ROWS)
        results["import_announcing"] = measure(
            f"import announcing each entry (content_changed), {announce_sample:,} rows",
            lambda: _import_announcing_each(path, announce_sample),
        )

        check_scale = ROWS / check_sample
        create_scale = ROWS / create_sample
        print(line(results["parse"]))
        print(line(results["dry"]), results["dry"]["extra"])
        print(line(results["dry_base"], scale=check_scale))
        print(line(results["import"]), results["import"]["extra"])
        print(line(results["import_base"], scale=create_scale))
        print(line(results["import_announcing"], scale=ROWS / announce_sample))
        print(line(results["export"]), results["export"]["extra"])
        print(line(results["export_base"]))
        print(line(results["export_memory"]))
        dry, dry_base = results["dry"]["seconds"], results["dry_base"]["seconds"] * check_scale
        imp, imp_base = results["import"]["seconds"], results["import_base"]["seconds"]
        imp_base *= create_scale
        exp, exp_base = results["export"], results["export_base"]
        exp_memory = results["export_memory"]
        announcing = results["import_announcing"]["seconds"] * ROWS / announce_sample
        print(
            f"ratios (above 1: ours is better): dry run time baseline/ours "
            f"{dry_base / dry:.1f}; dry run time ours/plain parse "
            f"{dry / results['parse']['seconds']:.1f} (the cost of checking); import time "
            f"baseline/ours {imp_base / imp:.1f}; import announcing each entry/ours "
            f"{announcing / imp:.1f}; export time prefetch baseline/ours "
            f"{exp_base['seconds'] / exp['seconds']:.1f}; export peak memory in-memory "
            f"baseline/ours {exp_memory['peak_mib'] / max(exp['peak_mib'], 0.1):.1f}"
        )
        print(
            f"per row: dry run {dry / ROWS * 1e6:.0f} µs, import {imp / ROWS * 1e6:.0f} µs, "
            f"export {exp['seconds'] / ROWS * 1e6:.0f} µs"
        )
    finally:
        settings.DEBUG = debug
        connections.close_all()
        teardown_databases(old_config, verbosity=0)
        path.unlink(missing_ok=True)
