"""Switching taking stories from an entry's news feed on and off: the service and its page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status
from bigsocnorth.stories.feed_sources import feed_source_consent_set, feed_source_for_entry
from bigsocnorth.stories.models import FeedSource

FEED = "https://larder.example.org/feed.xml"


@pytest.fixture
def editor(member):
    return member


@pytest.fixture
def entry(editor):
    return EntryFactory(author=editor, name="Leeds Community Larder", feed_url=FEED)


def page(entry) -> str:
    return reverse("stories:feed_source", kwargs={"slug": entry.slug})


# --- The service ----------------------------------------------------------------------------


def test_an_editor_switches_taking_stories_on(entry, editor):
    before = timezone.now()

    source = feed_source_consent_set(actor=editor, entry=entry, enabled=True)

    source.refresh_from_db()
    assert source.entry == entry
    assert source.url == FEED
    assert source.enabled is True
    assert source.enabled_by == editor
    assert source.enabled_at >= before
    assert source.next_poll_at == source.enabled_at  # the first poll is due at once
    assert feed_source_for_entry(entry) == source


def test_a_moderator_may_switch_it_on_too(entry, moderator):
    source = feed_source_consent_set(actor=moderator, entry=entry, enabled=True)

    assert source.enabled_by == moderator


@pytest.mark.parametrize("who", ["other member", "anonymous", "inactive editor"])
def test_nobody_else_may_switch_it(entry, editor, who):
    actor = {
        "other member": lambda: UserFactory(),
        "anonymous": AnonymousUser,
        "inactive editor": lambda: editor,
    }[who]()
    if who == "inactive editor":
        editor.is_active = False
        editor.save()

    with pytest.raises(PermissionDenied):
        feed_source_consent_set(actor=actor, entry=entry, enabled=True)

    assert not FeedSource.objects.exists()


def test_an_entry_without_a_feed_address_cannot_be_switched_on(editor):
    entry = EntryFactory(author=editor, feed_url="")

    with pytest.raises(ValidationError, match="no news feed address"):
        feed_source_consent_set(actor=editor, entry=entry, enabled=True)

    assert not FeedSource.objects.exists()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.HIDDEN])
def test_an_unpublished_entry_cannot_be_switched_on(editor, status):
    entry = EntryFactory(author=editor, feed_url=FEED, status=status)

    with pytest.raises(ValidationError, match="once the entry is published"):
        feed_source_consent_set(actor=editor, entry=entry, enabled=True)

    assert not FeedSource.objects.exists()


def test_switching_off_keeps_the_source_and_its_health(entry, editor):
    source = feed_source_consent_set(actor=editor, entry=entry, enabled=True)
    FeedSource.objects.filter(pk=source.pk).update(items_taken=7, etag='"v3"')

    source = feed_source_consent_set(actor=editor, entry=entry, enabled=False)

    source.refresh_from_db()
    assert source.enabled is False
    assert source.items_taken == 7
    assert source.etag == '"v3"'
    assert FeedSource.objects.count() == 1


def test_switching_off_is_allowed_once_the_entry_is_unpublished(entry, editor):
    feed_source_consent_set(actor=editor, entry=entry, enabled=True)
    entry.status = Status.HIDDEN
    entry.save()

    source = feed_source_consent_set(actor=editor, entry=entry, enabled=False)

    assert source.enabled is False


def test_switching_on_twice_keeps_who_first_switched_it_on(entry, editor, moderator):
    first = feed_source_consent_set(actor=editor, entry=entry, enabled=True)

    again = feed_source_consent_set(actor=moderator, entry=entry, enabled=True)

    assert again.pk == first.pk
    assert again.enabled_by == editor
    assert again.enabled_at == first.enabled_at


def test_a_changed_feed_address_replaces_the_old_one_and_forgets_its_state(entry, editor):
    source = feed_source_consent_set(actor=editor, entry=entry, enabled=True)
    FeedSource.objects.filter(pk=source.pk).update(
        etag='"old"',
        last_modified="Tue, 03 Mar 2026 10:00:00 GMT",
        consecutive_failures=4,
        items_taken=12,
        last_success_at=timezone.now() - timedelta(days=3),
    )
    entry.feed_url = "https://larder.example.org/news/atom.xml"
    entry.save()

    source = feed_source_consent_set(actor=editor, entry=entry, enabled=True)

    source.refresh_from_db()
    assert source.url == "https://larder.example.org/news/atom.xml"
    assert source.etag == ""
    assert source.last_modified == ""
    assert source.consecutive_failures == 0
    assert source.last_success_at is None
    assert source.items_taken == 12  # what it gave is still its history


# --- The page -------------------------------------------------------------------------------


@pytest.fixture
def as_editor(client, editor):
    client.force_login(editor)
    return client


def test_the_editor_sees_the_feed_and_its_health(as_editor, entry, editor):
    source = feed_source_consent_set(actor=editor, entry=entry, enabled=True)
    FeedSource.objects.filter(pk=source.pk).update(
        last_success_at=timezone.now() - timedelta(hours=2),
        last_error="The site took too long to answer, so we gave up.",
        last_error_at=timezone.now() - timedelta(hours=1),
        consecutive_failures=1,
        items_taken=9,
        last_items_taken=2,
    )

    response = as_editor.get(page(entry))

    assert response.status_code == 200
    text = response.content.decode()
    assert "News feed of “Leeds Community Larder”" in text
    assert FEED in text
    assert "Yes: new items become stories here." in text
    assert "The site took too long to answer, so we gave up." in text
    assert "9 in all" in text
    assert "2 at the last check" in text
    assert "Failed checks in a row" in text
    assert 'value="off"' in text
    assert 'value="on"' not in text
    assert response["Cache-Control"].startswith("max-age=0")


def test_before_switching_on_the_page_offers_to(as_editor, entry):
    response = as_editor.get(page(entry))

    assert response.status_code == 200
    text = response.content.decode()
    assert 'value="on"' in text
    assert "How it is going" not in text  # no source yet, so no health


def test_a_moderator_sees_the_page(client, entry, moderator):
    client.force_login(moderator)

    assert client.get(page(entry)).status_code == 200


def test_another_member_is_refused(client, entry):
    client.force_login(UserFactory())

    response = client.get(page(entry))

    assert response.status_code == 403
    assert client.post(page(entry), {"enabled": "on"}).status_code == 403
    assert not FeedSource.objects.exists()


def test_someone_not_logged_in_is_sent_to_log_in(client, entry):
    response = client.get(page(entry))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.post(page(entry), {"enabled": "on"}).status_code == 302
    assert not FeedSource.objects.exists()


def test_an_unknown_entry_is_not_found(as_editor):
    response = as_editor.get(reverse("stories:feed_source", kwargs={"slug": "no-such-group"}))

    assert response.status_code == 404


def test_posting_on_switches_it_on_and_redirects(as_editor, entry):
    response = as_editor.post(page(entry), {"enabled": "on"})

    assert response.status_code == 302
    assert response["Location"] == page(entry)
    assert feed_source_for_entry(entry).enabled is True
    (message,) = get_messages(response.wsgi_request)
    assert "Stories will be taken from the feed" in str(message)


def test_posting_off_switches_it_off(as_editor, entry, editor):
    feed_source_consent_set(actor=editor, entry=entry, enabled=True)

    response = as_editor.post(page(entry), {"enabled": "off"}, follow=True)

    assert response.redirect_chain == [(page(entry), 302)]
    assert feed_source_for_entry(entry).enabled is False
    assert "No more stories will be taken from the feed" in response.content.decode()


def test_an_entry_without_a_feed_address_says_how_to_add_one(as_editor, editor):
    entry = EntryFactory(author=editor, feed_url="")

    response = as_editor.get(page(entry))

    text = response.content.decode()
    assert "This entry has no news feed address yet." in text
    assert reverse("directory:entry_edit", kwargs={"slug": entry.slug}) in text
    assert 'value="on"' not in text

    posted = as_editor.post(page(entry), {"enabled": "on"})

    assert posted.status_code == 400
    assert "no news feed address" in posted.content.decode()
    assert not FeedSource.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"enabled": "maybe"}, {"enabled": ""}, {"enabled": "on" * 10_000}],
    ids=["missing", "wrong", "empty", "huge"],
)
def test_bad_input_is_answered_with_the_form_and_changes_nothing(as_editor, entry, data):
    response = as_editor.post(page(entry), data)

    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Choose whether to take stories from the feed." in text
    assert not FeedSource.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(entry, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    response = client.post(page(entry), {"enabled": "on"})

    assert response.status_code == 403
    assert not FeedSource.objects.exists()


def test_the_form_carries_a_csrf_token(as_editor, entry):
    assert "csrfmiddlewaretoken" in as_editor.get(page(entry)).content.decode()


def test_other_methods_are_not_allowed(as_editor, entry):
    assert as_editor.delete(page(entry)).status_code == 405
