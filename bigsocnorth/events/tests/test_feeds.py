"""Atom and JSON Feed of gatherings to come, and the links to every open format."""

from __future__ import annotations

import json

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bigsocnorth.events import services
from bigsocnorth.moderation.services import content_hide

pytestmark = pytest.mark.django_db


def test_the_atom_feed_lists_public_gatherings_to_come(client, organise, member, moderator):
    shown = organise(title="Shown")
    organise(author=member, title="In review")
    hidden = organise(title="Hidden")
    content_hide(actor=moderator, content=hidden, reason="Spam")
    cancelled = organise(title="Called off")
    services.gathering_cancel(actor=moderator, gathering=cancelled)
    response = client.get(reverse("events:feed_atom"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    titles = [entry.title for entry in feed.entries]
    assert len(titles) == 2
    assert titles[0].startswith("Shown (") and titles[1].startswith("Cancelled: Called off")
    assert feed.entries[0].link.endswith(shown.get_absolute_url())
    assert feed.entries[0].id == f"urn:uuid:{shown.uuid}"
    assert "Burngreave Vestry Hall" in feed.entries[0].summary


def test_the_json_feed_has_the_same_items(client, organise):
    organise(title="Shown")
    response = client.get(reverse("events:feed_json"))
    data = json.loads(response.content)
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert [item["title"][:5] for item in data["items"]] == ["Shown"]
    assert data["feed_url"].endswith(reverse("events:feed_json"))


def test_a_feed_costs_the_same_queries_however_many(client, organise):
    organise(title="One")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("events:feed_atom"))
    for number in range(5):
        organise(title=f"More {number}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("events:feed_atom"))
    assert len(feedparser.parse(response.content).entries) == 6
    assert len(many) == len(few)


def test_the_pages_link_to_the_feeds_and_calendars(client, organise, member):
    gathering = organise()
    text = client.get(reverse("events:gathering_list")).content.decode()
    assert 'rel="alternate" type="application/atom+xml"' in text
    assert reverse("events:all_ics") in text
    assert reverse("events:going_calendar") not in text  # visitors have no going calendar
    text = client.get(reverse("events:gathering_detail", args=[gathering.slug])).content.decode()
    assert reverse("events:gathering_ics", args=[gathering.slug]) in text
    assert reverse("events:feed_atom") in text
    client.force_login(member)
    text = client.get(reverse("events:gathering_list")).content.decode()
    assert reverse("events:going_calendar") in text
