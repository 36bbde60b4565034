"""An evidence link's preview, fetched from a real local server by the task, never the internet."""

from __future__ import annotations

import ipaddress
from http.server import BaseHTTPRequestHandler

import pytest

from bigsocnorth.core.tests.local_server import local_http_server
from bigsocnorth.cuts.link_tasks import evidence_preview_fill
from bigsocnorth.cuts.models import Evidence

pytestmark = pytest.mark.django_db
LOCAL = (ipaddress.ip_network("127.0.0.2/32"),)
MINUTES = (
    b"<!doctype html><html><head><title>Cabinet, 12 March: budget proposals</title>"
    b'<meta property="og:site_name" content="Sheffield democracy"></head><body></body></html>'
)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def do_GET(self):
        if self.path == "/minutes":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(MINUTES)
        else:
            self.send_error(404)


@pytest.fixture
def site(settings):
    settings.FETCH_ALLOWED_NETWORKS = LOCAL
    with local_http_server(Handler) as base:
        yield base


def _evidence(report, moderator, url: str, title: str = "") -> Evidence:
    cut = report(moderator, links=[{"url": url, "title": title}])
    evidence = Evidence.objects.get(entry__cut=cut)
    assert evidence.preview_state == "fetching"
    return evidence


def test_a_link_without_a_title_takes_the_pages_own(site, report, moderator):
    evidence = _evidence(report, moderator, f"{site}/minutes")
    assert evidence_preview_fill(evidence.pk, allowed_networks=LOCAL) == "ready"
    evidence.refresh_from_db()
    assert evidence.title == "Cabinet, 12 March: budget proposals"
    assert evidence.source_name == "Sheffield democracy"


def test_a_title_given_is_kept(site, report, moderator):
    evidence = _evidence(report, moderator, f"{site}/minutes", title="The minutes")
    evidence_preview_fill(evidence.pk, allowed_networks=LOCAL)
    evidence.refresh_from_db()
    assert evidence.title == "The minutes"


def test_a_page_that_cannot_be_read_keeps_the_link_as_given(site, report, moderator):
    evidence = _evidence(report, moderator, f"{site}/gone")
    assert evidence_preview_fill(evidence.pk, allowed_networks=LOCAL) == "failed"
    evidence.refresh_from_db()
    assert evidence.title == "" and evidence.url.endswith("/gone")


def test_a_name_that_leads_to_a_private_address_is_never_fetched(report, moderator, monkeypatch):
    from bigsocnorth.core import fetch

    monkeypatch.setattr(
        fetch, "resolve_host", lambda host, port: [ipaddress.ip_address("10.0.0.5")]
    )
    evidence = _evidence(report, moderator, "https://minutes.council.example/item/4")
    assert evidence_preview_fill(evidence.pk) == "failed"
