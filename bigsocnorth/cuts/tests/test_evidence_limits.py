"""Evidence links count as shared links: limited per member and per address, and the
previews fetched for them are limited per member. No internet: a local test server."""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.core.tests.local_server import LOCAL_NETWORK, local_http_server
from bigsocnorth.cuts import services
from bigsocnorth.cuts.choices import EntryKind
from bigsocnorth.cuts.link_tasks import evidence_preview_fill
from bigsocnorth.cuts.models import Cut, Evidence, TimelineEntry
from bigsocnorth.cuts.tests.conftest import SHEFFIELD_POINT, report_values
from bigsocnorth.moderation import limits

pytestmark = pytest.mark.django_db

MESSAGE = "You have shared a lot of links in a short time. Please wait a few minutes and try again."


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LINK_SHARES_PER_HOUR = 3
    settings.LINK_FETCHES_PER_HOUR = 30


@pytest.fixture
def on_the_site():
    """The services counted as when a person uses them through the site (a web request)."""
    with limits.counting():
        yield


def links(count: int, start: int = 0) -> list[str]:
    return [f"https://news.sheffield.example/story-{number}" for number in range(start, count)]


def test_a_members_evidence_links_past_the_hours_limit_are_refused_and_nothing_saved(
    area, member, on_the_site
):
    services.cut_report(author=member, values=report_values(area), links=links(2))

    with pytest.raises(ValidationError, match=MESSAGE) as refused:
        services.cut_report(
            author=member, values=report_values(area, title="Pool to close"), links=links(4, 2)
        )

    assert "links" in refused.value.message_dict
    assert Cut.objects.count() == 1
    assert Evidence.objects.count() == 2


def test_timeline_updates_count_their_links_too(area, member, moderator, on_the_site):
    cut = services.cut_report(author=moderator, values=report_values(area), links=links(5))
    services.cut_report(author=member, values=report_values(area, title="Pool"), links=links(3))

    with pytest.raises(ValidationError, match=MESSAGE):
        services.timeline_entry_add(
            author=member,
            cut=cut,
            kind=EntryKind.NEWS,
            happened_on=timezone.localdate(),
            text="The council meets about it on Thursday.",
            links=links(1),
        )

    assert not TimelineEntry.objects.filter(author=member).exists()


def test_reports_from_one_address_are_limited_whoever_sends_them(area):
    def report_from(address: str, title: str, person=None):
        client = Client(REMOTE_ADDR=address)
        if person is not None:
            client.force_login(person)
        data = {
            "title": title,
            "summary": "A letter to parents says the club closes at Easter.",
            "kind": "closure",
            "sector": "youth",
            "state": "proposed",
            "place": "Page Hall",
            "place_latitude": str(SHEFFIELD_POINT[0]),
            "place_longitude": str(SHEFFIELD_POINT[1]),
            "place_chosen": "Page Hall",
            "link_1": f"https://news.sheffield.example/{title}",
            "link_2": f"https://council.sheffield.example/{title}",
        }
        return client.post(reverse("cuts:cut_report"), data)

    assert report_from("203.0.113.9", "first", UserFactory()).status_code == 302
    refused = report_from("203.0.113.9", "second", UserFactory())
    visitor_refused = report_from("203.0.113.9", "third")

    assert refused.status_code == 429
    assert MESSAGE in refused.content.decode()
    assert visitor_refused.status_code == 429
    assert report_from("192.0.2.40", "elsewhere", UserFactory()).status_code == 302
    assert sorted(Cut.objects.values_list("title", flat=True)) == ["elsewhere", "first"]


def test_moderators_add_evidence_without_limit(area, moderator, on_the_site):
    for number in range(3):
        services.cut_report(
            author=moderator, values=report_values(area, title=f"Cut {number}"), links=links(5)
        )

    assert Evidence.objects.count() == 15


class _Minutes(BaseHTTPRequestHandler):
    requested: list[str] = []
    lock = threading.Lock()

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        with self.lock:
            self.requested.append(self.path)
        body = b"<!doctype html><html><head><title>Cabinet minutes</title></head></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_previews_past_the_members_fetches_for_the_hour_are_skipped(settings, area, member, caplog):
    settings.LINK_SHARES_PER_HOUR = 100
    settings.LINK_FETCHES_PER_HOUR = 2
    settings.FETCH_ALLOWED_NETWORKS = [LOCAL_NETWORK]
    _Minutes.requested = []
    with local_http_server(_Minutes) as site:
        services.cut_report(
            author=member,
            values=report_values(area),
            links=[f"{site}/minutes/{number}" for number in range(3)],
        )
        evidence = list(Evidence.objects.order_by("pk"))
        with caplog.at_level(logging.INFO, logger="bigsocnorth.cuts.link_tasks"):
            states = [evidence_preview_fill(item.pk) for item in evidence]

    assert states == ["ready", "ready", "skipped"]
    assert _Minutes.requested == ["/minutes/0", "/minutes/1"]
    last = Evidence.objects.get(pk=evidence[2].pk)
    assert last.preview_state == "" and last.title == ""
    assert last.url == f"{site}/minutes/2"
    assert any(
        record.levelno == logging.INFO and "not fetched" in record.getMessage()
        for record in caplog.records
    )
