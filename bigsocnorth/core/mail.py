"""Outgoing mail leaves the web request at once and is delivered by the task worker.

A web request never waits on an SMTP server: `TaskQueueEmailBackend` turns each
message into plain JSON and enqueues `deliver_email`, which the worker runs
with the mailer configured as MAILERS["delivery"].
"""

from __future__ import annotations

from typing import Any

from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends import console
from django.core.mail.backends.base import BaseEmailBackend
from django.tasks import task


def message_to_payload(message: EmailMultiAlternatives) -> dict[str, Any]:
    if message.attachments:
        raise ValueError("Queued email does not carry attachments; link to a download instead.")
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


def payload_to_message(payload: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
    )
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


@task(queue_name="email")
def deliver_email(payload: dict[str, Any]) -> int:
    """Send one queued message with the configured delivery backend.

    An exception marks the task failed in the task results, where an
    operator can see it; the message is not silently dropped.
    """
    return mailers["delivery"].send_messages([payload_to_message(payload)])


class TaskQueueEmailBackend(BaseEmailBackend):
    """Enqueue each message for the task worker instead of sending it inline."""

    def send_messages(self, email_messages) -> int:
        queued = 0
        for message in email_messages:
            if not message.recipients():
                continue
            deliver_email.enqueue(message_to_payload(message))
            queued += 1
        return queued


class ReadableConsoleEmailBackend(console.EmailBackend):
    """The development mailer: each message printed as a person reads it.

    Django's console backend prints the encoded message, where quoted-printable
    wraps long lines with "=" and breaks links (a verification link cannot be
    copied whole). This prints the headers that matter and the plain text body
    as it is, one line per line, links intact.
    """

    def write_message(self, message):
        lines = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
            f"Subject: {message.subject}",
            "",
            str(message.body).rstrip(),
            "-" * 79,
            "",
        ]
        self.stream.write("\n".join(lines))
