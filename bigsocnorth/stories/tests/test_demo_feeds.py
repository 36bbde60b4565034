"""The demo's news feeds, served by the site itself (SERVE_DEMO_FEEDS) and polled end to end."""

from __future__ import annotations

import ipaddress
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import feedparser
import pytest
from django.http import Http404
from django.test import RequestFactory

from bigsocnorth.directory.demo import FEED_SITES
from bigsocnorth.directory.models import EntryKind
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status
from bigsocnorth.stories.demo_feed_views import DEMO_FEEDS_DIR, demo_feed, demo_feed_url
from bigsocnorth.stories.feed_polling import (
    FEED_ITEMS_FIRST_POLL,
    PollStatus,
    feed_items_parse,
    feed_poll,
)
from bigsocnorth.stories.feed_sources import feed_source_consent_set
from bigsocnorth.stories.models import PreviewState, Story, StoryKind

FEED_NAMES = sorted(path.stem for path in DEMO_FEEDS_DIR.glob("*.xml"))
URL = "/demo/feeds/calder-corner.xml"


@pytest.fixture
def feeds_on(settings):
    settings.SERVE_DEMO_FEEDS = True
    return settings


def test_there_are_three_demo_feeds_one_per_demo_news_site():
    assert sorted(site.feed for site in FEED_SITES) == FEED_NAMES
    assert len(FEED_NAMES) == 3


@pytest.mark.parametrize("name", FEED_NAMES)
def test_each_demo_feed_is_served_and_reads_as_a_feed(client, feeds_on, name):
    response = client.get(f"/demo/feeds/{name}.xml")
    assert response.status_code == 200
    content = response.content
    assert content == (DEMO_FEEDS_DIR / f"{name}.xml").read_bytes()
    parsed = feedparser.parse(content)
    assert not parsed.bozo
    kind = "atom" if parsed.version.startswith("atom") else "rss"
    assert response["Content-Type"] == f"application/{kind}+xml; charset=utf-8"
    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    assert parsedate_to_datetime(response["Last-Modified"]).tzinfo is not None
    # As the poller reads them: every item usable, every link on an invented site.
    items, unusable = feed_items_parse(content, content_type=response["Content-Type"])
    assert 6 <= len(items) <= 10 and unusable == 0
    assert all(urlsplit(item.url).hostname.endswith(".example") for item in items)
    assert all(item.published_at and item.summary for item in items)


def test_one_feed_is_atom_and_the_others_rss(client, feeds_on):
    types = {name: client.get(f"/demo/feeds/{name}.xml")["Content-Type"] for name in FEED_NAMES}
    assert sorted(types.values()) == [
        "application/atom+xml; charset=utf-8",
        "application/rss+xml; charset=utf-8",
        "application/rss+xml; charset=utf-8",
    ]


def test_an_unchanged_feed_is_not_sent_again(client, feeds_on):
    first = client.get(URL)
    by_etag = client.get(URL, headers={"If-None-Match": first["ETag"]})
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_etag["ETag"] == first["ETag"]
    by_date = client.get(URL, headers={"If-Modified-Since": first["Last-Modified"]})
    assert by_date.status_code == 304
    changed = client.get(URL, headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200 and changed.content == first.content


def test_head_is_answered_and_other_methods_are_not(client, feeds_on):
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


def test_no_demo_feeds_unless_switched_on(client, settings):
    settings.SERVE_DEMO_FEEDS = False
    for name in FEED_NAMES:
        assert client.get(f"/demo/feeds/{name}.xml").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/demo/feeds/no-such-feed.xml",
        "/demo/feeds/Calder-Corner.xml",
        "/demo/feeds/calder-corner.json",
        "/demo/feeds/calder-corner",
        "/demo/feeds/.xml",
        "/demo/feeds/../settings.xml",
        "/demo/feeds/..%2Fsettings.xml",
        "/demo/feeds/%2e%2e%2fconfig%2fsettings.py",
        "/demo/feeds/calder_corner.xml",
        "/demo/feeds/calder-corner.xml%00.txt",
        "/demo/feeds/" + "a" * 5000 + ".xml",
    ],
)
def test_unknown_and_hostile_names_are_not_found(client, feeds_on, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "name",
    ["../settings", "../../config/settings", "/etc/passwd", "", "calder-corner\n", "x" * 300],
)
def test_the_view_itself_refuses_names_outside_the_feeds_folder(feeds_on, name):
    # The URL pattern already stops these; the view does not rely on it.
    request = RequestFactory().get("/demo/feeds/x.xml")
    with pytest.raises(Http404):
        demo_feed(request, name=name)


def test_the_demo_sites_point_at_their_feeds_on_this_site(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert demo_feed_url("west-hull-wire") == "http://127.0.0.1:8000/demo/feeds/west-hull-wire.xml"


def test_a_demo_feed_is_polled_from_the_running_site_into_linked_stories(
    live_server, settings, member
):
    settings.SERVE_DEMO_FEEDS = True
    settings.FETCH_ALLOWED_NETWORKS = []
    # The live server listens on 127.0.0.1; "localhost" could also mean ::1.
    port = urlsplit(live_server.url).port
    feed_url = f"http://127.0.0.1:{port}/demo/feeds/calder-corner.xml"
    entry = EntryFactory(
        name="Calder Corner",
        author=member,
        kind=EntryKind.objects.get(slug="hyperlocal-website"),
        feed_url=feed_url,
    )
    source = feed_source_consent_set(actor=member, entry=entry, enabled=True)
    local = [ipaddress.ip_network("127.0.0.1/32")]

    # Without the local network allowed, the fetcher refuses this server itself.
    refused = feed_poll(source)
    assert refused.status == PollStatus.ERROR and "this server itself" in refused.error
    assert not Story.objects.exists()

    outcome = feed_poll(source, allowed_networks=local)
    assert outcome.status == PollStatus.NEW
    assert outcome.taken == FEED_ITEMS_FIRST_POLL and outcome.unusable == 0
    stories = Story.objects.filter(feed=source)
    assert stories.count() == FEED_ITEMS_FIRST_POLL
    newest = stories.get(title="Flood kit library opens at the old chapel")
    assert newest.url == "https://calder-corner.example/news/2026/11/flood-kit-library-opens"
    for story in stories:
        assert story.kind == StoryKind.LINKED and story.status == Status.PUBLISHED
        assert story.on_behalf_of == entry and story.author is None
        assert story.preview_state == PreviewState.READY
        assert urlsplit(story.url).hostname == "calder-corner.example"
    source.refresh_from_db()
    assert source.items_taken == FEED_ITEMS_FIRST_POLL and source.consecutive_failures == 0
    assert source.last_success_at > source.last_error_at
    assert source.etag and source.last_modified

    # Polled again, the site answers "not modified" and nothing is taken twice.
    again = feed_poll(source, allowed_networks=local)
    assert again.status == PollStatus.NOT_MODIFIED and again.taken == 0
    assert Story.objects.count() == FEED_ITEMS_FIRST_POLL

    # Once the site stops serving the demo feeds, the feed is gone and the poll says so.
    settings.SERVE_DEMO_FEEDS = False
    source.etag = source.last_modified = ""
    source.save(update_fields=["etag", "last_modified"])
    missing = feed_poll(source, allowed_networks=local)
    assert missing.status == PollStatus.ERROR and "404" in missing.error
    assert Story.objects.count() == FEED_ITEMS_FIRST_POLL
