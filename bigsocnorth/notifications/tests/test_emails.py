"""Emails sent straight away: through the worker, once, plain text, with a way out."""

from __future__ import annotations

import email.policy
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.urls import reverse

from bigsocnorth.notifications import services
from bigsocnorth.notifications.emails import (
    immediate_emails_send,
    notification_emails_send,
    unsubscribe_token_check,
    unsubscribe_token_make,
)
from bigsocnorth.notifications.models import EmailFrequency, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def straight_away(member):
    services.notification_preference_update(user=member, email_frequency=EmailFrequency.IMMEDIATELY)
    return member


def _notification(user, **values) -> Notification:
    return Notification.objects.create(
        recipient=user,
        kind="test.hello",
        message=values.pop("message", "A new entry in Kirklees: “Tea & Cakes”"),
        url=values.pop("url", "/directory/tea-and-cakes/"),
        **values,
    )


def test_the_email_is_plain_text_with_links_and_an_unsubscribe_header(straight_away, settings):
    settings.SITE_URL = "https://bigsocnorth.example.org"
    # 12:30 UTC in July is 13:30 in London (British Summer Time).
    notification = _notification(straight_away, created_at=datetime(2026, 7, 1, 12, 30, tzinfo=UTC))

    assert immediate_emails_send(notification_ids=[notification.pk]) == 1

    (message,) = mail.outbox
    assert message.to == [straight_away.email]
    assert "A new entry in Kirklees: “Tea & Cakes”" in message.subject
    assert "&amp;" not in message.body + message.subject
    assert message.content_subtype == "plain"
    assert not getattr(message, "alternatives", [])
    assert "https://bigsocnorth.example.org/directory/tea-and-cakes/" in message.body
    assert "1 July 2026, 13:30" in message.body
    assert "https://bigsocnorth.example.org/notifications/settings/" in message.body
    token = unsubscribe_token_make(user=straight_away)
    unsubscribe = "https://bigsocnorth.example.org" + reverse(
        "unsubscribe", kwargs={"token": token}
    )
    assert unsubscribe in message.body
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # As sent: the link stays a plain <URL>, not RFC 2047 encoded words that
    # mail providers would not read as a link.
    sent = message.message(policy=email.policy.SMTP).as_bytes().decode()
    assert f"List-Unsubscribe:\r\n <{unsubscribe}>" in sent or (
        f"List-Unsubscribe: <{unsubscribe}>" in sent
    )
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_winter_times_are_greenwich_mean_time(straight_away):
    notification = _notification(
        straight_away, created_at=datetime(2026, 12, 1, 12, 30, tzinfo=UTC)
    )
    immediate_emails_send(notification_ids=[notification.pk])
    assert "1 December 2026, 12:30" in mail.outbox[0].body


def test_a_notification_is_emailed_once_however_often_the_task_runs(straight_away):
    notification = _notification(straight_away)

    assert immediate_emails_send(notification_ids=[notification.pk]) == 1
    assert immediate_emails_send(notification_ids=[notification.pk]) == 0
    assert len(mail.outbox) == 1


def test_no_email_for_someone_who_changed_their_mind_or_was_blocked(straight_away, people):
    changed_mind = _notification(straight_away)
    services.notification_preference_update(
        user=straight_away, email_frequency=EmailFrequency.DAILY
    )
    blocked_person = people[0]
    services.notification_preference_update(
        user=blocked_person, email_frequency=EmailFrequency.IMMEDIATELY
    )
    blocked = _notification(blocked_person)
    blocked_person.is_active = False
    blocked_person.save()

    assert immediate_emails_send(notification_ids=[changed_mind.pk, blocked.pk, 999999]) == 0
    assert mail.outbox == []
    changed_mind.refresh_from_db()
    assert changed_mind.emailed_at is None  # it waits for the daily digest


def test_the_task_queues_the_message_for_the_delivery_worker(straight_away, worker):
    notification = _notification(straight_away)

    result = notification_emails_send.enqueue(notification_ids=[notification.pk])

    assert result.return_value == 1
    assert len(mail.outbox) == 1  # delivered by deliver_email on the worker


def test_the_database_queue_holds_the_email_until_a_worker_runs(straight_away, settings):
    from django_tasks_db.models import DBTaskResult

    settings.MAILERS = {
        "default": {"BACKEND": "bigsocnorth.core.mail.TaskQueueEmailBackend"},
        "delivery": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    }
    notification = _notification(straight_away)

    immediate_emails_send(notification_ids=[notification.pk])

    queued = DBTaskResult.objects.get()
    assert queued.queue_name == "email"
    assert queued.task_path == "bigsocnorth.core.mail.deliver_email"
    assert mail.outbox == []


def test_unsubscribe_tokens_round_trip_and_refuse_tampering(member, people, settings):
    token = unsubscribe_token_make(user=member)

    assert unsubscribe_token_check(token=token) == member.pk
    _user_id, signature = token.split("-", 1)
    assert unsubscribe_token_check(token=f"{people[0].pk}-{signature}") is None
    assert unsubscribe_token_check(token=token[:-1]) is None
    assert unsubscribe_token_check(token=token + "x") is None
    assert unsubscribe_token_check(token="") is None
    assert unsubscribe_token_check(token="not-a-token") is None
    assert unsubscribe_token_check(token=f"{'9' * 40}-{signature}") is None
    # A new secret key with the old one kept as a fallback keeps old links working.
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "another-key-" + "x" * 50
    assert unsubscribe_token_check(token=token) == member.pk
    settings.SECRET_KEY_FALLBACKS = []
    assert unsubscribe_token_check(token=token) is None
