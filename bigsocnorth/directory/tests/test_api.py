import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bigsocnorth.directory.entries import services
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status

pytestmark = pytest.mark.django_db

LIST = "/api/v1/directory/entries"


def test_api_lists_only_published_entries(client, member):
    EntryFactory(name="Visible")
    EntryFactory(name="Waiting", status=Status.IN_REVIEW, author=member)
    body = client.get(LIST).json()
    assert body["count"] == 1
    assert body["page"] == 1
    assert body["pages"] == 1
    assert [item["name"] for item in body["items"]] == ["Visible"]


def test_api_shows_your_own_waiting_entries_when_signed_in(client, member):
    EntryFactory(name="Waiting", status=Status.IN_REVIEW, author=member)
    client.force_login(member)
    assert client.get(LIST).json()["count"] == 1


def test_api_detail_of_unpublished_entry_is_404(client):
    entry = EntryFactory(status=Status.HIDDEN)
    response = client.get(f"{LIST}/{entry.slug}")
    assert response.status_code == 404
    assert "message" in response.json()


def test_api_detail_rounds_approximate_location_and_never_shows_the_private_contact(
    client, area, entry_values, moderator
):
    entry_values.update(
        places=[{"name": "Home", "latitude": 53.38114, "longitude": -1.47013}],
        approximate_location=True,
        private_contact="secret-phone 07700 900123",
        identifiers="GB-CHC-1123456",
    )
    entry = services.entry_create(author=moderator, **entry_values)
    body = client.get(f"{LIST}/{entry.slug}").json()
    assert body["places"] == [
        {
            "name": "Home",
            "latitude": 53.38,
            "longitude": -1.47,
            "area": {"slug": area.slug, "name": area.name, "code": area.code},
        }
    ]
    assert body["approximate_location"] is True
    assert body["identifiers"] == ["GB-CHC-1123456"]
    assert body["id"] == str(entry.uuid)
    assert "secret-phone" not in json.dumps(body)
    assert "53.38114" not in json.dumps(body)


def test_api_filters_by_area(client, area):
    EntryFactory(name="Here", located_in=area)
    EntryFactory(name="Online")
    body = client.get(LIST, {"area": area.slug}).json()
    assert [item["name"] for item in body["items"]] == ["Here"]


def test_api_list_query_count_does_not_grow_with_entries(client, area, category):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    EntryFactory(located_in=area).categories.add(category)
    few = count()
    for _ in range(10):
        EntryFactory(located_in=area).categories.add(category)
    assert count() == few
    assert few <= 6
