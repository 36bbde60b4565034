"""Sharing links is limited per member and per address, and so are the fetches they cause.

Every shared link makes the task worker fetch another site's page: a flood of
shares must not become a flood of fetches. The pages here come from a local
test server (no internet); the tasks run as soon as they are queued.
"""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.core.tests.local_server import LOCAL_NETWORK, local_http_server
from bigsocnorth.stories import services
from bigsocnorth.stories.link_tasks import linked_story_preview_fill
from bigsocnorth.stories.models import PreviewState, Story

pytestmark = pytest.mark.django_db

MESSAGE = "You have shared a lot of links in a short time. Please wait a few minutes and try again."
IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": django_settings.TASK_QUEUES,
    }
}


class _Pages(BaseHTTPRequestHandler):
    """Any path is a small article; every request is written down."""

    requested: list[str] = []
    lock = threading.Lock()

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        with self.lock:
            self.requested.append(self.path)
        body = (
            f'<!doctype html><html><head><meta property="og:title" content="Article {self.path}">'
            "</head><body><p>News.</p></body></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site(settings):
    settings.FETCH_ALLOWED_NETWORKS = [LOCAL_NETWORK]
    settings.TASKS = IMMEDIATE_TASKS
    settings.LINK_SHARES_PER_HOUR = 3
    settings.LINK_FETCHES_PER_HOUR = 30
    _Pages.requested = []
    with local_http_server(_Pages) as base:
        yield base


def share(client, url: str, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("stories:story_share"), {"url": url})


def signed_in(person, address: str = "198.51.100.7") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.force_login(person)
    return client


def test_a_members_flood_of_shares_is_refused_and_fetches_nothing_more(
    site, member, django_capture_on_commit_callbacks
):
    client = signed_in(member)
    for number in range(3):
        response = share(client, f"{site}/news/{number}", django_capture_on_commit_callbacks)
        assert response.status_code == 302
    assert len(_Pages.requested) == 3

    refused = share(client, f"{site}/news/one-more", django_capture_on_commit_callbacks)

    assert refused.status_code == 429
    assert MESSAGE in refused.content.decode()
    assert Story.objects.filter(author=member).count() == 3
    assert _Pages.requested == ["/news/0", "/news/1", "/news/2"]


def test_a_flood_from_one_address_is_refused_whoever_signs_in(
    site, django_capture_on_commit_callbacks
):
    for number in range(3):
        client = signed_in(UserFactory(), address="203.0.113.9")
        response = share(client, f"{site}/news/{number}", django_capture_on_commit_callbacks)
        assert response.status_code == 302

    newcomer = UserFactory()
    refused = share(
        signed_in(newcomer, address="203.0.113.9"),
        f"{site}/news/from-the-same-place",
        django_capture_on_commit_callbacks,
    )
    elsewhere = share(
        signed_in(UserFactory(), address="192.0.2.40"),
        f"{site}/news/from-elsewhere",
        django_capture_on_commit_callbacks,
    )

    assert refused.status_code == 429
    assert MESSAGE in refused.content.decode()
    assert not Story.objects.filter(author=newcomer).exists()
    assert elsewhere.status_code == 302
    assert "/news/from-the-same-place" not in _Pages.requested
    assert "/news/from-elsewhere" in _Pages.requested


def test_moderators_share_without_limit(site, moderator, django_capture_on_commit_callbacks):
    client = signed_in(moderator)
    for number in range(5):
        response = share(client, f"{site}/news/{number}", django_capture_on_commit_callbacks)
        assert response.status_code == 302

    assert Story.objects.filter(author=moderator).count() == 5


def test_previews_past_the_hours_fetches_are_not_fetched_and_say_why(
    site, settings, member, caplog
):
    settings.LINK_SHARES_PER_HOUR = 100
    settings.LINK_FETCHES_PER_HOUR = 2
    stories = [
        services.linked_story_start(author=member, url=f"{site}/news/{number}")
        for number in range(3)
    ]

    with caplog.at_level(logging.INFO, logger="bigsocnorth.stories.link_tasks"):
        states = [linked_story_preview_fill(story.pk) for story in stories]

    assert states == [PreviewState.READY, PreviewState.READY, PreviewState.FAILED]
    assert _Pages.requested == ["/news/0", "/news/1"]
    last = Story.objects.get(pk=stories[2].pk)
    assert last.title == ""
    assert "Too many previews" in last.preview_error
    assert any(
        record.levelno == logging.INFO and "not fetched" in record.getMessage()
        for record in caplog.records
    )


def test_asking_again_and_again_for_a_preview_does_not_fetch_again_and_again(
    site, settings, member
):
    settings.LINK_FETCHES_PER_HOUR = 2
    story = services.linked_story_start(author=member, url=f"{site}/news/again")
    linked_story_preview_fill(story.pk)

    for _attempt in range(4):
        services.linked_story_preview_retry(actor=member, story=story)
        linked_story_preview_fill(story.pk)

    assert _Pages.requested == ["/news/again", "/news/again"]
