"""Receive replies by email: an SMTP receiver for the mail server, or one message on stdin.

`manage.py receive_email` listens on 127.0.0.1:2525 for the mail server to
hand over mail for REPLY_EMAIL_DOMAIN, and answers each message:

- 250 when it was posted, or ignored (bounces, automatic replies, loops);
- 552 when it is larger than INBOUND_EMAIL_MAX_BYTES;
- 550 when it is refused (a forged or expired reply address, the wrong
  sender, a topic that takes no replies, no new text);
- 451 when something failed on our side: the mail server tries again later.

`manage.py receive_email --stdin` reads one message from standard input
(a mail server's pipe transport) and exits with the sysexits code a mail
server understands: 0 posted or ignored, 67 (EX_NOUSER) for a missing,
forged or expired reply address or the wrong sender, 65 (EX_DATAERR) for
any other refusal, 75 (EX_TEMPFAIL) when something failed on our side.

The site itself never sends mail back about a message (no backscatter).
See docs/operations.md, "Reply by email".
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import unicodedata

from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from bigsocnorth.forum.inbound import RECIPIENTS_MAX, Outcome, Reason, inbound_message_handle
from bigsocnorth.forum.reply_addresses import is_reply_address

logger = logging.getLogger("bigsocnorth.forum.inbound")

EX_DATAERR = 65
EX_NOUSER = 67
EX_TEMPFAIL = 75
_ADDRESS_REASONS = {Reason.NO_ADDRESS, Reason.FORGED, Reason.EXPIRED, Reason.WRONG_SENDER}


def _ascii_line(text: str, *, limit: int = 200) -> str:
    """Text fit for an SMTP reply: one line of ASCII."""
    text = unicodedata.normalize("NFKD", " ".join(str(text).split()))
    return text.encode("ascii", "ignore").decode()[:limit]


def smtp_reply(outcome: Outcome) -> str:
    if not outcome.refused:
        return "250 2.0.0 OK"
    if outcome.reason == Reason.TOO_BIG:
        return "552 5.3.4 Message too big"
    detail = _ascii_line(outcome.detail) or "Refused"
    if outcome.reason in _ADDRESS_REASONS:
        return f"550 5.7.1 {detail}"
    return f"550 5.6.0 {detail}"


def exit_code(outcome: Outcome) -> int:
    if not outcome.refused:
        return 0
    return EX_NOUSER if outcome.reason in _ADDRESS_REASONS else EX_DATAERR


def _handle_in_worker(raw: bytes, sender: str | None, recipients: tuple[str, ...]) -> Outcome:
    """The database work for one message, in a worker thread (never in the event loop).

    Replies are rare next to web requests: the thread's connection is closed
    after each message rather than kept, so none goes stale in between.
    """
    try:
        return inbound_message_handle(raw, sender=sender, recipients=recipients)
    finally:
        connections.close_all()


class ReplyHandler:
    """aiosmtpd's handler: takes mail for reply addresses only, and posts it."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not is_reply_address(address):
            return "550 5.1.1 No such recipient here"
        if len(envelope.rcpt_tos) >= RECIPIENTS_MAX:
            return "452 4.5.3 Too many recipients"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        try:
            outcome = await sync_to_async(_handle_in_worker, thread_sensitive=False)(
                raw, envelope.mail_from, tuple(envelope.rcpt_tos)
            )
        except Exception:
            logger.exception("Reply by email: a message could not be handled")
            return "451 4.3.0 Temporary failure, try again later"
        return smtp_reply(outcome)


def reply_controller(*, host: str, port: int) -> Controller:
    """The SMTP receiver, not yet started."""
    # aiosmtpd logs every command at INFO, whole reply addresses included:
    # warnings only. What happened to each message is logged by inbound.py.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    return Controller(
        ReplyHandler(),
        hostname=host,
        port=port,
        # Named here: the default looks the machine's name up in the DNS.
        server_hostname=settings.REPLY_EMAIL_DOMAIN or "localhost",
        ident="reply-by-email",
        data_size_limit=settings.INBOUND_EMAIL_MAX_BYTES,
    )


def read_at_most(stream, maximum: int) -> bytes:
    """Up to `maximum` + 1 bytes (one more tells it is too big); the rest is read and dropped."""
    raw = stream.read(maximum + 1) or b""
    if len(raw) > maximum:
        while stream.read(1 << 16):
            pass
    return raw


class Command(BaseCommand):
    help = (
        "Receive replies to notification emails and post them in their topics: an SMTP "
        "receiver for the mail server, or one message on standard input with --stdin."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=2525, help="Port to listen on.")
        parser.add_argument(
            "--stdin",
            action="store_true",
            help="Read one message from standard input, and exit with a sysexits code.",
        )
        parser.add_argument(
            "--sender", default=None, help="With --stdin: the envelope sender, if known."
        )
        parser.add_argument(
            "--recipient",
            action="append",
            default=[],
            help="With --stdin: an envelope recipient, if known (may be repeated).",
        )

    def handle(self, *args, host, port, stdin, sender, recipient, **options):
        if stdin:
            self._one_from_stdin(sender=sender, recipients=tuple(recipient))
            return
        self._serve(host=host, port=port)

    def _one_from_stdin(self, *, sender: str | None, recipients: tuple[str, ...]) -> None:
        raw = read_at_most(sys.stdin.buffer, settings.INBOUND_EMAIL_MAX_BYTES)
        try:
            outcome = inbound_message_handle(raw, sender=sender, recipients=recipients)
        except Exception as error:
            logger.exception("Reply by email: a message could not be handled")
            raise CommandError(
                "Temporary failure, try again later.", returncode=EX_TEMPFAIL
            ) from error
        code = exit_code(outcome)
        if code:
            raise CommandError(f"{outcome.reason}: {outcome.detail}", returncode=code)
        self.stdout.write(f"{outcome.result} ({outcome.reason})")

    def _serve(self, *, host: str, port: int) -> None:
        controller = reply_controller(host=host, port=port)
        stopped = threading.Event()
        previous = {
            signum: signal.signal(signum, lambda signum, frame: stopped.set())
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        controller.start()
        try:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Receiving replies by email for {settings.REPLY_EMAIL_DOMAIN} "
                    f"on {host}:{port} (Ctrl-C stops it)"
                )
            )
            while not stopped.wait(0.5):
                pass
        finally:
            controller.stop()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
