"""The CSV import for moderators: the dry run, the all-or-nothing import, and bad files."""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.entries import services
from bigsocnorth.directory.models import Category, Entry, EntryIdentifier, EntryKind, EntryPlace
from bigsocnorth.directory.opendata import csv_import, import_jobs
from bigsocnorth.directory.opendata.csv_export import COLUMNS
from bigsocnorth.directory.opendata.csv_import import (
    ImportHasErrors,
    entry_import_check,
    entry_import_write,
)
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import AuditLog, Status
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.search.models import SearchDocument

pytestmark = pytest.mark.django_db

IMPORT = "/directory/import/"
HEADER = ["name", "kind", "sector", "website", "public_contact", "identifiers", "places"]
GOOD_ROWS = [
    [
        "Walkley Repair Café",
        "project-or-initiative",
        "citizen_led",
        "https://walkleyrepair.example.org",
        "hello@walkleyrepair.example.org",
        "",
        "53.3925,-1.4960",
    ],
    [
        "Calderdale Food Network",
        "Network",  # a kind's name works as well as its short name
        "Voluntary",  # and a sector's label
        "https://food.example.org",
        "01422 000000",
        "GB-CHC-1123456",
        "",
    ],
]


@pytest.fixture(autouse=True)
def _imports_in_a_temporary_folder(settings, tmp_path):
    settings.DIRECTORY_IMPORT_DIR = tmp_path / "imports"


@pytest.fixture
def worker(settings):
    """Tasks run as soon as they are queued, as the worker would run them."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }


def _csv_text(rows: list[list[str]], header: list[str] = HEADER) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _file(tmp_path: Path, content: str | bytes, name: str = "entries.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def _counts() -> dict[str, int]:
    return {
        "entries": Entry.objects.count(),
        "places": EntryPlace.objects.count(),
        "identifiers": EntryIdentifier.objects.count(),
        "categories": Entry.categories.through.objects.count(),
        "areas": Entry.areas.through.objects.count(),
        "editors": Entry.editors.through.objects.count(),
        "audit": AuditLog.objects.count(),
        "search": SearchDocument.objects.count(),
    }


def _problems(report) -> list[tuple[int, str]]:
    return [(problem.row, problem.column) for problem in report.problems]


# --- The dry run ---------------------------------------------------------------------


def test_a_dry_run_reports_and_writes_nothing(tmp_path):
    before = _counts()
    report = entry_import_check(path=_file(tmp_path, _csv_text(GOOD_ROWS)))
    assert (report.rows, report.fine, report.with_errors) == (2, 2, 0)
    assert not report.has_errors
    assert report.to_add(include_duplicates=False) == 2
    assert _counts() == before


def test_a_dry_run_reports_each_bad_cell_by_row_and_column(tmp_path):
    rows = [
        GOOD_ROWS[0],
        ["", "network", "voluntary", "", "", "", ""],  # no name
        ["Bad kind", "club", "voluntary", "", "", "", ""],
        ["Bad sector", "network", "charity", "", "", "", ""],
        ["Bad website", "network", "voluntary", "tenants.example", "", "", ""],
        ["Bad contact", "network", "voluntary", "", "call us", "", ""],
        ["Bad identifier", "network", "voluntary", "", "", "GB-CHC-12", ""],
        ["Unknown scheme", "network", "voluntary", "", "", "XX-ABC-1", ""],
        ["In Edinburgh", "network", "voluntary", "", "", "", "55.9533,-3.1883"],
        ["Not a place", "network", "voluntary", "", "", "", "Sheffield"],
        ["Two problems", "club", "voluntary", "ftp://x", "", "", ""],
    ]
    report = entry_import_check(path=_file(tmp_path, _csv_text(rows)))
    assert (report.rows, report.fine, report.with_errors) == (11, 1, 10)
    assert _problems(report) == [
        (3, "name"),
        (4, "kind"),
        (5, "sector"),
        (6, "website"),
        (7, "public_contact"),
        (8, "identifiers"),
        (9, "identifiers"),
        (10, "places"),
        (11, "places"),
        (12, "kind"),
        (12, "website"),
    ]
    messages = {(p.row, p.column): p.message for p in report.problems}
    assert "There is no kind “club”" in messages[(4, "kind")]
    assert "outside the North of England" in messages[(10, "places")]
    assert "GB-CHC" in messages[(8, "identifiers")]


def test_more_checks_on_the_optional_columns(tmp_path):
    header = [
        "id",
        "name",
        "kind",
        "sector",
        "categories",
        "areas_served",
        "approximate_location",
        "places",
        "place_names",
    ]
    good_id = "0b5c2d6e-1f7a-4a59-9f0e-5d7c2b1a9e34"
    rows = [
        ["not-a-uuid", "A", "network", "voluntary", "", "", "", "", ""],
        [good_id, "B", "network", "voluntary", "no-such-category", "", "", "", ""],
        [good_id, "C", "network", "voluntary", "", "Atlantis", "", "", ""],
        ["", "D", "network", "voluntary", "", "", "maybe", "", ""],
        ["", "E", "network", "voluntary", "", "", "", "53.39,-1.49", "One; Two"],
    ]
    report = entry_import_check(path=_file(tmp_path, _csv_text(rows, header)))
    assert _problems(report) == [
        (2, "id"),
        (3, "categories"),
        (4, "areas_served"),
        (4, "id"),  # the same id as row 3
        (5, "approximate_location"),
        (6, "place_names"),
    ]


def test_rows_with_too_many_or_too_few_cells_are_errors(tmp_path):
    text = (
        "name,kind,sector\r\n"
        "Fine,network,voluntary\r\n"
        "Too few,network\r\n"
        "Too many,network,voluntary,extra\r\n"
        "Trailing empty cells,network,voluntary,,\r\n"
    )
    report = entry_import_check(path=_file(tmp_path, text))
    assert _problems(report) == [(3, ""), (4, "")]
    assert "has 2 cells, but the first row names 3 columns" in report.problems[0].message
    assert report.fine == 2


def test_spreadsheet_habits_are_forgiven(tmp_path):
    """A byte order mark, semicolons, column names in words, blank rows, empty columns."""
    text = (
        "Name;Kind;Sector;Public Contact;;\r\n"
        "Semicolon Group;network;citizen-led;0114 496 0000;;\r\n"
        ";;;;;\r\n"
        "\r\n"
        "Another;organisation;public;;;\r\n"
    )
    report = entry_import_check(path=_file(tmp_path, codecs.BOM_UTF8 + text.encode()))
    assert (report.rows, report.with_errors, report.file_error) == (2, 0, "")


def test_the_query_count_does_not_grow_with_the_rows(tmp_path):
    def queries(count: int) -> int:
        rows = [
            [f"Group {n}", "network", "voluntary", f"https://g{n}.example.org", "", "", ""]
            for n in range(count)
        ]
        path = _file(tmp_path, _csv_text(rows), name=f"{count}.csv")
        with CaptureQueriesContext(connection) as captured:
            assert entry_import_check(path=path).fine == count
        return len(captured)

    assert queries(3) == queries(300)


# --- Whole-file problems ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "The file is empty"),
        (codecs.BOM_UTF8 + b"\r\n \r\n", "The file is empty"),
        ("name,kind,sector\r\nCafé,network,voluntary\r\n".encode("cp1252"), "line 2"),
        ("name,kind,sector\r\nCafé,network,voluntary\r\n".encode("latin-1"), "Windows-1252"),
        ("name,kind,sector\r\nA,network,voluntary\r\n".encode("utf-16"), "UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        (b"PK\x03\x04\x14\x00\x06\x00", "spreadsheet file"),
        (b"name,kind,sector\r\nCaf\xc3", "cut short"),
        (b"name,kind\r\nA,network\r\n", "no sector column"),
        (b"name,kind,sector,colour\r\nA,network,voluntary,red\r\n", "colour"),
        (b"name,kind,sector,Name\r\nA,network,voluntary,B\r\n", "appear twice"),
        (b"name,,kind,sector\r\nA,,network,voluntary\r\n", "Column 2 has no name"),
        (b'name,kind,sector\r\nA,network,voluntary\r\n"B"x,network,voluntary\r\n', "Row 3"),
        (b'name,kind,sector\r\nA,network,voluntary\r\n"B,network,voluntary\r\n', "quotes"),
    ],
)
def test_files_that_cannot_be_read_say_why_and_nothing_is_checked(tmp_path, content, expected):
    report = entry_import_check(path=_file(tmp_path, content))
    assert expected in report.file_error
    assert report.has_errors


def test_a_file_with_more_rows_than_allowed_is_refused_before_any_row_is_checked(
    tmp_path, settings, monkeypatch
):
    settings.DIRECTORY_IMPORT_MAX_ROWS = 50
    rows = [[f"Group {n}", "network", "voluntary", "", "", "", ""] for n in range(50)]
    blank = [["", "", "", "", "", "", ""]] * 5  # blank rows do not count
    report = entry_import_check(path=_file(tmp_path, _csv_text([*rows, *blank])))
    assert (report.file_error, report.fine) == ("", 50)

    def must_not_run(**values):
        raise AssertionError("a row was checked")

    monkeypatch.setattr(csv_import, "check_entry_fields", must_not_run)
    report = entry_import_check(path=_file(tmp_path, _csv_text([*rows, rows[0]])))
    assert "more than 50 rows" in report.file_error


def test_a_file_larger_than_the_limit_is_refused(tmp_path, settings):
    settings.DIRECTORY_IMPORT_MAX_MB = 1
    big = _csv_text([["x" * 1000, "network", "voluntary", "", "", "", ""]] * 1100)
    report = entry_import_check(path=_file(tmp_path, big))
    assert "the most the import takes is 1 MB" in report.file_error


# --- Duplicates -------------------------------------------------------------------------


def test_likely_duplicates_and_entries_already_there_are_reported(tmp_path):
    existing = EntryFactory(name="Food Network", website="https://food.example.org")
    existing.website_key = "food.example.org"
    existing.save()
    EntryFactory(name="Charity").identifiers.create(scheme="GB-CHC", value="1123456")
    header = ["id", "name", "kind", "sector", "website", "identifiers"]
    rows = [
        ["", "Same website", "network", "voluntary", "https://www.food.example.org/", ""],
        ["", "Same number", "network", "voluntary", "", "gb-chc 1123456"],
        [str(existing.uuid), "Same id", "network", "voluntary", "", ""],
        ["", "New", "network", "voluntary", "https://new.example.org", "GB-CHC-1000001"],
        ["", "Same as row 5", "network", "voluntary", "https://new.example.org", ""],
    ]
    report = entry_import_check(path=_file(tmp_path, _csv_text(rows, header)))
    assert (report.likely_duplicates, report.already_there, report.with_errors) == (3, 1, 0)
    by_row = {match.row: match for match in report.duplicates}
    assert by_row[2].other_name == "Food Network"
    assert by_row[3].reasons == ["the same registration number (GB-CHC-1123456)"]
    assert by_row[6].other_row == 5
    assert report.existing[0].row == 4
    assert report.to_add(include_duplicates=False) == 1
    assert report.to_add(include_duplicates=True) == 4


def test_the_import_leaves_out_duplicates_unless_asked(tmp_path, moderator):
    EntryFactory(name="Food", website="https://food.example.org", website_key="food.example.org")
    path = _file(tmp_path, _csv_text(GOOD_ROWS))
    result = entry_import_write(path=path, actor=moderator)
    assert (result.created, result.left_out_duplicates) == (1, 1)
    assert not Entry.objects.filter(name="Calderdale Food Network").exists()
    result = entry_import_write(path=path, actor=moderator, include_duplicates=True)
    # The café is now in the directory too, and added again only because it was asked for.
    assert result.created == 2
    assert Entry.objects.filter(name="Calderdale Food Network").count() == 1


# --- The import ------------------------------------------------------------------------


def test_the_import_writes_published_entries_with_everything(tmp_path, moderator):
    sheffield = LocalAuthority.objects.get(name="Sheffield")
    served = LocalAuthority.objects.get(name="Calderdale")
    category = Category.objects.order_by("pk").first()
    EntryFactory(name="Taken", slug="walkley-repair-cafe")  # the slug is taken
    header = [*HEADER, "categories", "areas_served", "approximate_location", "place_names"]
    rows = [
        [*GOOD_ROWS[0], category.name, "", "true", "Library"],
        [*GOOD_ROWS[1], "", f"{served.code}; Kirklees", "", ""],
        [*GOOD_ROWS[0][:3], "https://second.example.org", "", "", "53.39,-1.49", "", "", "", ""],
    ]
    before = _counts()
    result = entry_import_write(
        path=_file(tmp_path, _csv_text(rows, header)), actor=moderator, file_name="list.csv"
    )
    assert result.created == 3
    cafe, food, second = (
        Entry.objects.get(slug="walkley-repair-cafe-2"),
        Entry.objects.get(name="Calderdale Food Network"),
        Entry.objects.get(slug="walkley-repair-cafe-3"),
    )
    for entry in (cafe, food, second):
        assert entry.status == Status.PUBLISHED
        assert entry.published_at is not None
        assert entry.author == moderator
        assert list(entry.editors.all()) == [moderator]
    assert cafe.approximate_location is True
    (place,) = cafe.places.all()
    assert (place.name, place.latitude, place.longitude) == ("Library", 53.3925, -1.496)
    assert (place.public_latitude, place.public_longitude) == (53.39, -1.5)
    assert place.local_authority == sheffield
    assert list(cafe.categories.all()) == [category]
    assert list(cafe.areas.all()) == [sheffield]
    assert [i.org_id for i in food.identifiers.all()] == ["GB-CHC-1123456"]
    assert food.public_contact == "01422 000000"
    assert food.kind.slug == "network" and food.sector == "voluntary"
    assert sorted(a.name for a in food.areas_served.all()) == ["Calderdale", "Kirklees"]
    assert sorted(a.name for a in food.areas.all()) == ["Calderdale", "Kirklees"]
    assert food.name_key == "calderdale food network"
    assert food.website_key == "food.example.org"
    after = _counts()
    assert after["entries"] - before["entries"] == 3
    assert after["audit"] - before["audit"] == 1
    assert after["search"] - before["search"] == 3  # indexed in bulk
    audit = AuditLog.objects.latest("pk")
    assert (audit.actor, audit.action, audit.object_id) == (moderator, "import", None)
    assert audit.details["created"] == 3
    assert "list.csv" in audit.object_repr


def test_web_addresses_are_unique_whatever_is_taken(tmp_path, moderator, monkeypatch):
    monkeypatch.setattr(csv_import._Slugs, "WINDOW", 2)
    for slug in ("food-bank", "food-bank-2", "food-bank-4", "food-bank-5", "new"):
        EntryFactory(slug=slug)
    rows = [[name, "network", "voluntary", "", "", "", ""] for name in ["Food Bank"] * 4]
    rows += [["Food Bank 3", "network", "voluntary", "", "", "", ""]]
    rows += [["New", "network", "voluntary", "", "", "", ""]]  # a page's address, not an entry's
    entry_import_write(path=_file(tmp_path, _csv_text(rows)), actor=moderator)
    imported = Entry.objects.filter(author=moderator).order_by("pk")
    assert [entry.slug for entry in imported] == [
        "food-bank-3",
        "food-bank-6",
        "food-bank-7",
        "food-bank-8",
        "food-bank-3-2",
        "new-2",
    ]


def test_imported_entries_are_not_announced_one_by_one(tmp_path, moderator, member):
    """A decision (see moderation.changes.contents_added_in_bulk): no notice per imported entry."""
    from bigsocnorth.notifications.models import Notification
    from bigsocnorth.notifications.services import follow_create

    follow_create(user=member, target=LocalAuthority.objects.get(name="Sheffield"))
    entry_import_write(path=_file(tmp_path, _csv_text(GOOD_ROWS[:1])), actor=moderator)
    assert Entry.objects.count() == 1
    assert not Notification.objects.exists()


def test_the_import_refuses_a_file_with_errors_and_writes_nothing(tmp_path, moderator):
    rows = [*GOOD_ROWS, ["Bad", "club", "voluntary", "", "", "", ""]]
    before = _counts()
    with pytest.raises(ImportHasErrors) as raised:
        entry_import_write(path=_file(tmp_path, _csv_text(rows)), actor=moderator)
    assert _problems(raised.value.report) == [(4, "kind")]
    assert _counts() == before


def test_an_error_after_some_batches_were_written_leaves_nothing_written(
    tmp_path, moderator, monkeypatch
):
    monkeypatch.setattr(csv_import, "BATCH_SIZE", 2)
    rows = [
        [f"Group {n}", "network", "voluntary", f"https://g{n}.example.org", "", "", "53.39,-1.49"]
        for n in range(7)
    ]
    calls = []

    def failing_sync(entries):
        calls.append(len(entries))
        if len(calls) == 3:
            raise RuntimeError("the search index broke")

    monkeypatch.setattr(csv_import, "contents_added_in_bulk", failing_sync)
    before = _counts()
    with pytest.raises(RuntimeError):
        entry_import_write(path=_file(tmp_path, _csv_text(rows)), actor=moderator)
    assert calls == [2, 2, 2]  # two batches were written before the failure
    assert _counts() == before


def test_only_moderators_can_import(tmp_path, member):
    with pytest.raises(PermissionDenied):
        entry_import_write(path=_file(tmp_path, _csv_text(GOOD_ROWS)), actor=member)
    assert Entry.objects.count() == 0


def test_html_and_formulas_in_cells_are_stored_as_text(tmp_path, moderator, client):
    rows = [
        ["<script>alert(1)</script>", "network", "voluntary", "", "", "", ""],
        ['=HYPERLINK("http://evil.example")', "network", "voluntary", "", "", "", ""],
        ["'=1+1", "network", "voluntary", "", "", "", ""],  # as the export guards it
    ]
    entry_import_write(path=_file(tmp_path, _csv_text(rows)), actor=moderator)
    names = set(Entry.objects.values_list("name", flat=True))
    assert names == {"<script>alert(1)</script>", '=HYPERLINK("http://evil.example")', "=1+1"}
    page = client.get("/directory/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_export_imports_again_as_the_same_entries(tmp_path, moderator, client):
    """Export, empty the directory, import the export: the same export comes out.

    Ids are kept; the web addresses are made from the names again, as here.
    """
    services.entry_create(
        author=moderator,
        name="Sheffield Tenants Together",
        kind=EntryKind.objects.get(slug="network"),
        sector="citizen_led",
        categories=list(Category.objects.order_by("pk")[:2]),
        tags="housing, tenants",
        description="- We **support** tenants.\n- On two lines, with “quotes”, and commas.",
        website="https://tenants.example.org",
        feed_url="https://tenants.example.org/feed.xml",
        social_links=["https://mastodon.example/@tenants"],
        public_contact="hello@tenants.example.org",
        identifiers="GB-CHC-1123456\nGB-COH-09876543",
        places=[
            {"name": "Office", "latitude": 53.38114, "longitude": -1.47013},
            {"name": "", "latitude": 53.8008, "longitude": -1.5491},
        ],
        areas_served=list(LocalAuthority.objects.filter(name__in=["Barnsley", "Rotherham"])),
        approximate_location=True,
    )
    services.entry_create(
        author=moderator,
        name="Online Only",
        kind=EntryKind.objects.get(slug="organisation"),
        sector="voluntary",
        public_contact="0114 496 0000",
    )
    services.entry_create(
        author=moderator,
        name="=SUM(A1)",
        kind=EntryKind.objects.get(slug="organisation"),
        sector="public",
        description="+44 formula-looking",
    )

    def export() -> list[dict]:
        text = b"".join(client.get("/directory/export.csv").streaming_content).decode()
        return [
            {key: value for key, value in row.items() if key != "published_at"}
            for row in csv.DictReader(io.StringIO(text, newline=""))
        ], text

    first, text = export()
    Entry.objects.all().delete()
    result = entry_import_write(path=_file(tmp_path, text), actor=moderator)
    assert result.created == 3
    second, _text = export()
    assert second == first


# --- Pages -------------------------------------------------------------------------------


def _upload(client, content: str | bytes, name: str = "entries.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content, "text/csv")})


def test_anonymous_visitors_are_sent_to_log_in(client):
    for response in (client.get(IMPORT), _upload(client, _csv_text(GOOD_ROWS))):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert not Path(settings.DIRECTORY_IMPORT_DIR).exists()


def test_members_may_not_import(client, member):
    client.force_login(member)
    assert client.get(IMPORT).status_code == 403
    assert _upload(client, _csv_text(GOOD_ROWS)).status_code == 403
    assert not Path(settings.DIRECTORY_IMPORT_DIR).exists()


def test_the_import_page_documents_the_columns_with_an_example(client, moderator):
    client.force_login(moderator)
    page = client.get(IMPORT).content.decode()
    for column in (*COLUMNS, "private_contact"):
        assert f"<code>{column}</code>" in page
    assert "Walkley Repair Café,project-or-initiative" in page
    assert 'enctype="multipart/form-data"' in page


def test_a_moderator_checks_then_imports_a_file(client, moderator, worker):
    client.force_login(moderator)
    response = _upload(client, _csv_text(GOOD_ROWS))
    assert response.status_code == 302
    detail = response["Location"]
    assert re.fullmatch(r"/directory/import/[0-9a-f-]{36}/", detail)
    assert Entry.objects.count() == 0  # the dry run wrote nothing
    page = client.get(detail).content.decode()
    assert "2 rows are fine" in page
    assert "This adds 2 new entries" in page
    stored = list(Path(settings.DIRECTORY_IMPORT_DIR).glob("*/upload.csv"))
    assert len(stored) == 1
    assert not str(stored[0]).startswith(str(settings.MEDIA_ROOT))

    response = client.post(f"{detail}run/")
    assert response.status_code == 302
    assert Entry.objects.filter(status=Status.PUBLISHED, author=moderator).count() == 2
    page = client.get(detail).content.decode()
    assert "2 entries were added to the directory and published" in page
    assert not list(Path(settings.DIRECTORY_IMPORT_DIR).glob("*/upload.csv"))
    # A second click imports nothing more.
    client.post(f"{detail}run/")
    assert Entry.objects.count() == 2
    assert AuditLog.objects.filter(action="import").count() == 1


def test_errors_are_shown_by_row_and_the_import_is_refused(client, moderator, worker):
    client.force_login(moderator)
    rows = [*GOOD_ROWS, ["<b>Bold</b>", "club", "voluntary", "", "", "", ""]]
    detail = _upload(client, _csv_text(rows))["Location"]
    page = client.get(detail).content.decode()
    assert "1 row has errors" in page
    assert "<td>4</td><td><code>kind</code></td>" in page
    assert "There is no kind “club”" in page
    assert "Nothing can be imported while any row has an error" in page
    assert "Import the entries" not in page
    assert "<b>Bold</b>" not in page
    response = client.post(f"{detail}run/", follow=True)
    assert "cannot be imported" in response.content.decode()
    assert Entry.objects.count() == 0


def test_a_broken_file_says_why_on_its_page(client, moderator, worker):
    client.force_login(moderator)
    detail = _upload(client, "name,kind,sector\r\nCafé,x,y\r\n".encode("cp1252"))["Location"]
    page = client.get(detail).content.decode()
    assert "The file cannot be imported" in page
    assert "not UTF-8" in page


def test_an_oversized_upload_is_refused_as_it_arrives(client, moderator, settings, worker):
    settings.DIRECTORY_IMPORT_MAX_MB = 1
    client.force_login(moderator)
    response = _upload(client, b"name,kind,sector\r\n" + b"x" * 1_200_000)
    assert response.status_code == 413
    assert "larger than 1 MB" in response.content.decode()
    assert not list(Path(settings.DIRECTORY_IMPORT_DIR).glob("*/upload.csv"))


def test_without_a_worker_the_page_says_it_is_checking(client, moderator):
    # The default backend queues the task in the database; no worker runs here.
    client.force_login(moderator)
    detail = _upload(client, _csv_text(GOOD_ROWS))["Location"]
    page = client.get(detail).content.decode()
    assert "Checking every row of the file" in page
    assert f'href="{detail}"' in page  # a plain link reloads it without JavaScript
    assert 'hx-trigger="load delay:2s"' in page
    fragment = client.get(detail, headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="import-status"')
    assert "HX-Request" in fragment["Vary"]


def test_other_moderators_cannot_see_an_import(client, moderator, worker):
    client.force_login(moderator)
    detail = _upload(client, _csv_text(GOOD_ROWS))["Location"]
    other = UserFactory(role=moderator.role)
    client.force_login(other)
    assert client.get(detail).status_code == 404
    assert client.post(f"{detail}run/").status_code == 404
    assert Entry.objects.count() == 0
    assert client.get("/directory/import/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_recent_imports_are_listed_for_their_owner(client, moderator, worker):
    client.force_login(moderator)
    _upload(client, _csv_text(GOOD_ROWS), name="my-groups.csv")
    assert "my-groups.csv" in client.get(IMPORT).content.decode()
    assert len(import_jobs.entry_import_job_list(user=moderator)) == 1


def test_the_upload_is_protected_against_cross_site_requests(moderator, worker):
    # The view sets its upload limit before CSRF protection reads the body,
    # so it checks the token itself: without one, nothing is received.
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    response = _upload(client, _csv_text(GOOD_ROWS))
    assert response.status_code == 403
    assert not Path(settings.DIRECTORY_IMPORT_DIR).exists()
    page = client.get(IMPORT).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response = client.post(
        IMPORT,
        {
            "csrfmiddlewaretoken": token,
            "file": SimpleUploadedFile("e.csv", _csv_text(GOOD_ROWS).encode(), "text/csv"),
        },
    )
    assert response.status_code == 302
