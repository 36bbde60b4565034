"""Real pages kept for visitors, and forgotten the moment content changes (core/pagecache.py).

Here rather than in core, which knows no other app. These tests commit
(transaction=True), as the site does.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.services import content_hide

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def kept(settings):
    settings.PAGE_CACHE_SECONDS = 300
    return settings


def test_the_directory_is_kept_then_shows_an_edit_and_a_hidden_entry_at_once(client, moderator):
    entry = EntryFactory(name="Calder Valley Food Share")
    assert "Calder Valley Food Share" in client.get("/directory/").content.decode()
    with CaptureQueriesContext(connection) as queries:
        kept_page = client.get("/directory/")
    assert "Calder Valley Food Share" in kept_page.content.decode()
    assert len(queries) == 0  # no query at all: the page was kept

    entry.name = "Calder Valley Food Hub"
    entry.save()  # any committed write
    assert "Calder Valley Food Hub" in client.get("/directory/").content.decode()
    page = client.get(entry.get_absolute_url())
    assert page.status_code == 200 and "Calder Valley Food Hub" in page.content.decode()

    content_hide(actor=moderator, content=entry, reason="A test of hiding.")
    assert "Calder Valley Food Hub" not in client.get("/directory/").content.decode()
    assert client.get(entry.get_absolute_url()).status_code == 404


def test_signing_in_shows_your_own_page_at_once(client, member, password):
    EntryFactory(name="Hull Tenants Together")
    client.get("/directory/")
    client.login(email=member.email, password=password)
    html = client.get("/directory/").content.decode()
    assert "Log out" in html and "Hull Tenants Together" in html


def test_open_data_is_kept_for_everyone_until_an_entry_changes(client):
    entry = EntryFactory(name="Tyneside Repair Cafe")
    first = client.get("/api/v1/hsds/organizations").json()
    assert [org["name"] for org in first["contents"]] == ["Tyneside Repair Cafe"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/api/v1/hsds/organizations")
    assert again.json() == first and len(queries) == 0

    entry.name = "Tyneside Repair Café"
    entry.save()
    renamed = client.get("/api/v1/hsds/organizations").json()
    assert [org["name"] for org in renamed["contents"]] == ["Tyneside Repair Café"]


def test_api_lists_are_kept_for_anonymous_callers_and_follow_changes(client):
    entry = EntryFactory(name="Whitby Lifeboat Friends")
    names = [item["name"] for item in client.get("/api/v1/directory/entries").json()["items"]]
    assert "Whitby Lifeboat Friends" in names
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/directory/entries")
    assert len(queries) == 0
    entry.name = "Whitby Lifeboat Supporters"
    entry.save()
    names = [item["name"] for item in client.get("/api/v1/directory/entries").json()["items"]]
    assert "Whitby Lifeboat Supporters" in names
