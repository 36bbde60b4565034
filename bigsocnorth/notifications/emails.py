"""Notification emails: the unsubscribe token, the messages, and the "straight away" task.

Every email is plain text, links to the notification settings, and carries
a one-click unsubscribe link (a signed token, no login needed) both in the
body and in the List-Unsubscribe header (RFC 2369 and RFC 8058). Times are
written in Europe/London. Messages go out through the site's default mailer,
which queues them for the task worker, so marking notifications emailed and
queueing their email happen in one database transaction.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac

from bigsocnorth.notifications import registry
from bigsocnorth.notifications.models import DEFAULT_EMAIL_FREQUENCY, EmailFrequency, Notification

logger = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
_UNSUBSCRIBE_SALT = "bigsocnorth.notifications.unsubscribe"


# --- The unsubscribe token ----------------------------------------------------

# The List-Unsubscribe header must stay short: Python's email package turns a
# header line it cannot fold (a URL has no spaces) into RFC 2047 encoded
# words, which mail providers do not read as a link. "<SITE_URL/unsubscribe/
# 42-xxxxxxxxxxxxxxxx/>" fits on one folded line for a SITE_URL of up to
# about 38 characters, so the token is the user id and a 96-bit HMAC
# (Django's Signer would add 43 characters).
_SIGNATURE_BYTES = 12


def _signature(user_id: int, *, secret: str | None = None) -> str:
    digest = salted_hmac(_UNSUBSCRIBE_SALT, str(user_id), secret=secret, algorithm="sha256")
    return base64.urlsafe_b64encode(digest.digest()[:_SIGNATURE_BYTES]).decode().rstrip("=")


def unsubscribe_token_make(*, user) -> str:
    """A token that lets whoever holds it stop the person's notification emails.

    It does not expire: an unsubscribe link in an old email must still work.
    It can do nothing but switch email off, so it is safe to put in email.
    """
    return f"{user.pk}-{_signature(user.pk)}"


def unsubscribe_token_check(*, token: str) -> int | None:
    """The user id the token was made for, or None if it is not one of ours.

    Tokens made with a previous key in SECRET_KEY_FALLBACKS still work.
    """
    user_part, separator, signature = str(token or "")[:100].partition("-")
    if not separator or not user_part.isdigit() or len(user_part) > 18:
        return None
    user_id = int(user_part)
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        if constant_time_compare(signature, _signature(user_id, secret=secret)):
            return user_id
    return None


def unsubscribe_url(*, user) -> str:
    path = reverse("unsubscribe", kwargs={"token": unsubscribe_token_make(user=user)})
    return settings.SITE_URL + path


# --- Messages -----------------------------------------------------------------


def london_time(value: datetime) -> datetime:
    return timezone.localtime(value, LONDON)


def _common_context(user) -> dict:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "settings_url": settings.SITE_URL + reverse("notifications:settings"),
        "notifications_url": settings.SITE_URL + reverse("notifications:list"),
        "unsubscribe_url": unsubscribe_url(user=user),
        "user": user,
    }


def _email(
    *,
    user,
    subject_template: str,
    body_template: str,
    context: dict,
    reply_to: str | None = None,
) -> EmailMessage:
    context = {**_common_context(user), **context}
    # The worker has no request: write in the site's language, whatever
    # language the process happens to be in.
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(subject_template, context).split())
        body = render_to_string(body_template, context)
    return EmailMessage(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=body,
        to=[user.email],
        reply_to=[reply_to] if reply_to else [],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # Tells mail servers and autoresponders not to answer it.
            "Auto-Submitted": "auto-generated",
        },
    )


def _item(notification: Notification) -> dict:
    return {
        "message": notification.message,
        "url": settings.SITE_URL + notification.url,
        "created_at": london_time(notification.created_at),
    }


def notification_email(*, notification: Notification) -> EmailMessage:
    """The email for one notification, for people who chose "straight away".

    When the app that made the notification registered a Reply-To maker
    (registry.register_reply_to), answering the email reaches that app,
    and the email says so. Digests gather many things and have none.
    """
    reply_to = registry.reply_to_for(notification)
    return _email(
        user=notification.recipient,
        subject_template="notifications/email/notification_subject.txt",
        body_template="notifications/email/notification_message.txt",
        context={"item": _item(notification), "can_reply": bool(reply_to)},
        reply_to=reply_to,
    )


def digest_email(
    *, user, frequency: str, notifications: Sequence[Notification], shown_max: int
) -> EmailMessage:
    """A daily or weekly digest: the newest `shown_max` notifications and how many more."""
    items = [_item(n) for n in notifications[:shown_max]]
    return _email(
        user=user,
        subject_template="notifications/email/digest_subject.txt",
        body_template="notifications/email/digest_message.txt",
        context={
            "items": items,
            "count": len(notifications),
            "more": max(0, len(notifications) - len(items)),
            "weekly": frequency == EmailFrequency.WEEKLY,
        },
    )


def frequency_condition(frequency: str, *, prefix: str = "") -> Q:
    """People whose email preference is `frequency` (no preference row means the default)."""
    condition = Q(**{f"{prefix}notification_preference__email_frequency": frequency})
    if frequency == DEFAULT_EMAIL_FREQUENCY:
        condition |= Q(**{f"{prefix}notification_preference__isnull": True})
    return condition


# --- "Straight away" ----------------------------------------------------------


def immediate_emails_send(*, notification_ids: Sequence[int], now: datetime | None = None) -> int:
    """Email each of these notifications to its recipient, if still wanted; returns how many.

    Sends only notifications not yet emailed whose recipient is active and
    still wants email straight away (a person who switched to a digest in
    the meantime gets it in the digest). The rows are locked and marked in
    the transaction that queues the emails, so a task run twice, or two
    workers, email each notification at most once.
    """
    now = now or timezone.now()
    ids = sorted({int(pk) for pk in notification_ids})
    if not ids:
        return 0
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, emailed_at__isnull=True, recipient__is_active=True)
            .filter(frequency_condition(EmailFrequency.IMMEDIATELY, prefix="recipient__"))
            .select_related("recipient")
            .order_by("pk")
        )
        if not pending:
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
        messages = [notification_email(notification=n) for n in pending]
        sent = mailers["default"].send_messages(messages)
    logger.info("Queued %d notification emails", sent)
    return sent


@task(queue_name="email")
def notification_emails_send(notification_ids: list[int]) -> int:
    """The task worker's side of `notify` for people who want email straight away."""
    return immediate_emails_send(notification_ids=notification_ids)
