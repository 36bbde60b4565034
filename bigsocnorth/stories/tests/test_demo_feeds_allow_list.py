"""The demo's news feeds are the one thing on this machine the fetcher may reach.

`make run` serves the demo's feeds from the site itself, on the loopback
address, and polls them. Letting the fetcher reach that address at all would
let any member read, through a link preview, whatever else answers on this
machine (another port, another path). These tests put a private service next
to the site and check only the demo feeds get through, on every hop.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings

from bigsocnorth.core.fetch import FetchRefused, allowed_url_prefixes, fetch, url_refusal
from bigsocnorth.core.links import PreviewError, link_preview
from bigsocnorth.stories.demo_feed_views import DEMO_FEEDS_DIR

LOOPBACK = "127.0.0.1"  # where `make run` serves the site, and the fetcher's demo feeds
FEED = (DEMO_FEEDS_DIR / "calder-corner.xml").read_bytes()
PRIVATE_PAGE = (
    b"<!doctype html><title>Router administration</title>"
    b'<meta name="description" content="Wi-Fi password: correct-horse-battery">'
)


def _handler(requests: list[str], site: str = "", elsewhere: str = ""):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            if self.path == "/demo/feeds/calder-corner.xml":
                self._answer(200, "application/rss+xml", FEED)
            elif self.path == "/demo/feeds/elsewhere.xml":
                self.send_response(302)
                self.send_header("Location", f"{elsewhere}/")
                self.end_headers()
            elif self.path == "/demo/feeds/own-admin.xml":
                self.send_response(302)
                self.send_header("Location", f"{site}/admin/")
                self.end_headers()
            else:
                self._answer(200, "text/html; charset=utf-8", PRIVATE_PAGE)

        def _answer(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


@contextmanager
def _serving(requests: list[str], *, elsewhere: str = "") -> Iterator[str]:
    """A server on a free loopback port, in a thread; yields its address."""
    server = ThreadingHTTPServer((LOOPBACK, 0), BaseHTTPRequestHandler)
    address = f"http://{LOOPBACK}:{server.server_port}"
    server.RequestHandlerClass = _handler(requests, site=address, elsewhere=elsewhere)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield address
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def machine():
    """A private service on one loopback port, and "the site" on another."""
    seen = {"service": [], "site": []}
    with (
        _serving(seen["service"]) as service,
        _serving(seen["site"], elsewhere=service) as site,
    ):
        yield {"service": service, "site": site, "seen": seen}


@pytest.fixture
def demo_feeds_served(settings, machine):
    """The site as `make run` sets it up: it serves the demo feeds, at SITE_URL."""
    settings.SITE_URL = machine["site"]
    settings.SERVE_DEMO_FEEDS = True
    settings.FETCH_ALLOWED_NETWORKS = []
    settings.FETCH_ALLOWED_URLS = []
    return machine


# --- `make run` itself ------------------------------------------------------------------

# Run in the environment `make run` gives the server: settings are read from it.
IN_MAKE_RUN = """
import json, sys
import django
django.setup()
from bigsocnorth.core.fetch import FetchError, fetch
from bigsocnorth.core.links import PreviewError, link_preview

service, feed = json.loads(sys.argv[1])
try:
    preview = link_preview(service)
    said = {"title": preview.title, "summary": preview.summary}
except PreviewError as error:
    said = {"refused": str(error)}
try:
    status = fetch(feed).status
except FetchError as error:
    status = str(error)
print(json.dumps({"service": said, "feed": status}))
"""


def _make_run_environment(site_port: int) -> str:
    """The variables `make run` sets on the line that starts the server (as `make -n` says)."""
    planned = subprocess.run(
        ["make", "-n", "run", f"HOST={LOOPBACK}", f"PORT={site_port}"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.replace("\\\n", " ")
    serve = next(line for line in planned.splitlines() if "manage.py serve" in line)
    return serve.split("manage.py serve")[0].rstrip().rsplit(" ", 1)[0]  # before the python


def test_make_run_lets_the_fetcher_reach_its_demo_feeds_and_nothing_else(machine):
    site_port = int(machine["site"].rsplit(":", 1)[1])
    variables = _make_run_environment(site_port)
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("FETCH_", "SERVE_", "DEBUG", "SITE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(60),  # instead of the checkout's var/secret_key
        SITE_URL=f"http://{LOOPBACK}:{site_port}",  # as the Makefile exports it
        PYTHON=sys.executable,
        SCRIPT=IN_MAKE_RUN,
        URLS=json.dumps(
            [f"{machine['service']}/", f"{machine['site']}/demo/feeds/calder-corner.xml"]
        ),
    )
    finished = subprocess.run(
        ["bash", "-c", f'{variables} "$PYTHON" -c "$SCRIPT" "$URLS"'],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
    result = json.loads(finished.stdout.strip().splitlines()[-1])

    assert "refused" in result["service"], (
        f"a link preview read the private service on another port: {result['service']}"
    )
    assert "this server itself" in result["service"]["refused"]
    assert machine["seen"]["service"] == []
    assert result["feed"] == 200  # the demo's feed is still polled


# --- the allow-list, hop by hop ---------------------------------------------------------


def test_the_demo_feed_itself_is_fetched(demo_feeds_served):
    answer = fetch(f"{demo_feeds_served['site']}/demo/feeds/calder-corner.xml")
    assert answer.status == 200
    assert answer.content == FEED


def test_a_loopback_service_on_another_port_is_refused(demo_feeds_served):
    service = demo_feeds_served["service"]
    with pytest.raises(FetchRefused, match="this server itself"):
        fetch(f"{service}/demo/feeds/calder-corner.xml")
    with pytest.raises(PreviewError):
        link_preview(f"{service}/")
    assert demo_feeds_served["seen"]["service"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/demo/feedsx/calder-corner.xml",
        "/demo/feeds/%2e%2e/admin/",
        "/demo/feeds/..%2fadmin/",
        "/demo/feeds/../admin/",
        "/demo/feeds/.hidden",
    ],
)
def test_a_path_outside_the_demo_feeds_on_the_allowed_port_is_refused(demo_feeds_served, path):
    with pytest.raises(FetchRefused, match="this server itself"):
        fetch(f"{demo_feeds_served['site']}{path}")
    assert demo_feeds_served["seen"]["site"] == []


def test_another_spelling_of_the_site_is_refused(demo_feeds_served, settings):
    port = demo_feeds_served["site"].rsplit(":", 1)[1]
    for other in (f"https://{LOOPBACK}:{port}", f"http://127.1:{port}", f"http://[::1]:{port}"):
        with pytest.raises(FetchRefused):
            fetch(f"{other}/demo/feeds/calder-corner.xml")
    assert demo_feeds_served["seen"]["site"] == []


def test_a_redirect_from_the_demo_feeds_to_another_port_is_refused(demo_feeds_served):
    with pytest.raises(FetchRefused, match="redirected to an address we cannot use"):
        fetch(f"{demo_feeds_served['site']}/demo/feeds/elsewhere.xml")
    assert demo_feeds_served["seen"]["service"] == []


def test_a_redirect_from_the_demo_feeds_to_another_path_of_the_site_is_refused(
    demo_feeds_served,
):
    with pytest.raises(FetchRefused, match="redirected to an address we cannot use"):
        fetch(f"{demo_feeds_served['site']}/demo/feeds/own-admin.xml")
    assert demo_feeds_served["seen"]["site"] == ["/demo/feeds/own-admin.xml"]


def test_without_serve_demo_feeds_nothing_on_this_machine_is_reached(demo_feeds_served, settings):
    settings.SERVE_DEMO_FEEDS = False
    assert allowed_url_prefixes() == []
    with pytest.raises(FetchRefused, match="this server itself"):
        fetch(f"{demo_feeds_served['site']}/demo/feeds/calder-corner.xml")
    assert demo_feeds_served["seen"]["site"] == []


def test_an_allowed_url_setting_lets_exactly_that_through(demo_feeds_served, settings):
    settings.SERVE_DEMO_FEEDS = False
    service = demo_feeds_served["service"]
    settings.FETCH_ALLOWED_URLS = [f"{service}/feeds", f"{service}/news.xml"]
    assert fetch(f"{service}/feeds/news.xml").status == 200
    assert fetch(f"{service}/news.xml").status == 200
    for outside in ("/feedsx", "/news.xmlx", "/", "/feeds/../admin"):
        with pytest.raises(FetchRefused):
            fetch(f"{service}{outside}")
    with pytest.raises(FetchRefused):
        fetch(f"{demo_feeds_served['site']}/feeds/news.xml")


def test_web_addresses_given_in_forms_follow_the_same_allow_list(demo_feeds_served):
    site, service = demo_feeds_served["site"], demo_feeds_served["service"]
    assert url_refusal(f"{site}/demo/feeds/calder-corner.xml") is None
    assert url_refusal(f"{site}/admin/") == "That address is this server itself."
    assert url_refusal(f"{service}/") == "That address is this server itself."


@pytest.mark.django_db(transaction=True)
def test_the_demo_feeds_are_polled_end_to_end_from_the_running_site(live_server, settings, member):
    """The real site serves its demo feed, and the poller takes its stories (no network allowed)."""
    from bigsocnorth.directory.models import EntryKind
    from bigsocnorth.directory.tests.factories import EntryFactory
    from bigsocnorth.stories.feed_polling import FEED_ITEMS_FIRST_POLL, PollStatus, feed_poll
    from bigsocnorth.stories.feed_sources import feed_source_consent_set

    settings.SITE_URL = live_server.url.replace("localhost", LOOPBACK)
    settings.SERVE_DEMO_FEEDS = True
    settings.FETCH_ALLOWED_NETWORKS = []
    settings.FETCH_ALLOWED_URLS = []
    entry = EntryFactory(
        name="Calder Corner",
        author=member,
        kind=EntryKind.objects.get(slug="hyperlocal-website"),
        feed_url=f"{settings.SITE_URL}/demo/feeds/calder-corner.xml",
    )
    source = feed_source_consent_set(actor=member, entry=entry, enabled=True)

    outcome = feed_poll(source)

    assert outcome.status == PollStatus.NEW, outcome
    assert outcome.taken == FEED_ITEMS_FIRST_POLL
