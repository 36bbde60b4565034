"""The directory's CSV export: published entries only, the list's filters, streamed, safe cells."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from bigsocnorth.directory.editors.services import entry_merge
from bigsocnorth.directory.entries import services
from bigsocnorth.directory.models import Category, EntryKind
from bigsocnorth.directory.opendata import csv_export
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status
from bigsocnorth.places.models import LocalAuthority

pytestmark = pytest.mark.django_db

EXPORT = "/directory/export.csv"


def _rows(response) -> list[dict[str, str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames) == csv_export.COLUMNS
    return list(reader)


def test_the_export_is_a_streamed_utf8_download_without_a_byte_order_mark(client):
    EntryFactory(name="Ünïcode Group")
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="bigsocnorth-directory-'
    )
    body = b"".join(response.streaming_content)
    assert body.startswith(b"id,name,kind,")
    assert "Ünïcode Group".encode() in body


def test_only_published_entries_that_were_not_merged_away(client, member, moderator):
    EntryFactory(name="Published")
    EntryFactory(name="Waiting", status=Status.IN_REVIEW, author=member)
    EntryFactory(name="Hidden", status=Status.HIDDEN)
    source, target = EntryFactory(name="Old name"), EntryFactory(name="Kept")
    entry_merge(actor=moderator, source=source, target=target)
    client.force_login(moderator)  # even for a moderator: the export is open data
    assert [row["name"] for row in _rows(client.get(EXPORT))] == ["Kept", "Published"]


def test_every_column_holds_what_anyone_may_see(client, moderator):
    categories = list(Category.objects.order_by("pk")[:2])
    served = list(LocalAuthority.objects.filter(name__in=["Barnsley", "Rotherham"]))
    entry = services.entry_create(
        author=moderator,
        name="Sheffield Tenants Together",
        kind=EntryKind.objects.get(slug="network"),
        sector="citizen_led",
        categories=categories,
        tags="housing, tenants",
        description="We **support** tenants.\nTwo lines.",
        website="https://tenants.example.org",
        feed_url="https://tenants.example.org/feed.xml",
        social_links=["https://mastodon.example/@tenants", "https://social.example/t"],
        public_contact="0114 496 0000",
        private_contact="secret-phone 07700 900123",
        identifiers="GB-CHC-1123456\nGB-COH-09876543",
        places=[
            {"name": "Office; upstairs", "latitude": 53.38114, "longitude": -1.47013},
            {"name": "", "latitude": 53.8008, "longitude": -1.5491},
        ],
        areas_served=served,
        approximate_location=True,
    )
    (row,) = _rows(client.get(EXPORT))
    assert row == {
        "id": str(entry.uuid),
        "name": "Sheffield Tenants Together",
        "kind": "network",
        "sector": "citizen_led",
        "categories": "; ".join(c.slug for c in categories),
        "tags": "housing, tenants",
        "description": "We **support** tenants.\nTwo lines.",
        "website": "https://tenants.example.org",
        "feed_url": "https://tenants.example.org/feed.xml",
        "social_links": "https://mastodon.example/@tenants; https://social.example/t",
        "public_contact": "0114 496 0000",
        "identifiers": "GB-CHC-1123456; GB-COH-09876543",
        "places": "53.38,-1.47; 53.8,-1.545",
        "place_names": "Office, upstairs; ",
        "approximate_location": "true",
        "areas": "Sheffield; Leeds; " + "; ".join(a.name for a in entry.areas_served.all()),
        "areas_served": "; ".join(a.name for a in entry.areas_served.all()),
        "url": f"http://testserver/directory/{entry.slug}/",
        "published_at": entry.published_at.isoformat(),
    }
    assert "secret" not in str(row)
    assert "53.38114" not in str(row)


def test_the_export_has_the_directory_lists_filters(client):
    sheffield = LocalAuthority.objects.get(name="Sheffield")
    leeds = LocalAuthority.objects.get(name="Leeds")
    category = Category.objects.order_by("pk").first()
    network = EntryKind.objects.get(slug="network")
    EntryFactory(name="In Sheffield", located_in=sheffield)
    EntryFactory(name="In Leeds", located_in=leeds, kind=network).categories.add(category)
    EntryFactory(name="Online")

    def names(**query) -> list[str]:
        return [row["name"] for row in _rows(client.get(EXPORT, query))]

    assert names(area=sheffield.slug) == ["In Sheffield"]
    assert names(area=sheffield.region.slug) == ["In Leeds", "In Sheffield"]
    assert names(kind="network") == ["In Leeds"]
    assert names(category=category.slug) == ["In Leeds"]
    assert names(area="nowhere") == []
    assert names() == ["In Leeds", "In Sheffield", "Online"]


def test_cells_a_spreadsheet_would_run_are_made_harmless(client):
    EntryFactory(
        name='=HYPERLINK("http://evil.example","Click")',
        description="+44 114 496 0000",
        tags="@sum",
    )
    (row,) = _rows(client.get(EXPORT))
    assert row["name"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row["description"] == "'+44 114 496 0000"
    assert row["tags"] == "'@sum"


def test_the_export_is_read_in_chunks_with_a_few_queries_each(client, monkeypatch, area):
    monkeypatch.setattr(csv_export, "CHUNK_SIZE", 4)
    category = Category.objects.order_by("pk").first()

    def queries_for_export() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            rows = _rows(client.get(EXPORT))
        return len(rows), len(queries)

    for number in range(4):
        entry = EntryFactory(name=f"Group {number:02d}", located_in=area)
        entry.categories.add(category)
        entry.identifiers.create(scheme="GB-CHC", value=f"11{number:05d}")
    rows, one_chunk = queries_for_export()
    assert rows == 4
    for number in range(4, 12):
        EntryFactory(name=f"Group {number:02d}", located_in=area).categories.add(category)
    rows, three_chunks = queries_for_export()
    assert rows == 12
    # Each further chunk costs the same few queries, not one per entry.
    per_chunk = (three_chunks - one_chunk) / 2
    assert per_chunk <= 5
    assert [row["name"] for row in _rows(client.get(EXPORT))] == [
        f"Group {n:02d}" for n in range(12)
    ]


def test_the_directory_list_links_to_the_export_with_its_filters(client):
    page = client.get("/directory/", {"kind": "network"}).content.decode()
    assert f'href="{EXPORT}?kind=network"' in page
