"""Replies by email: a message sent to a reply address becomes a post in its topic.

`inbound_message_handle(raw)` takes one message as it arrives (from the
`receive_email` command's SMTP receiver or a mail server's pipe) and
returns an `Outcome`: posted, ignored or refused, and why.

- Refused unread when larger than INBOUND_EMAIL_MAX_BYTES, or made of more
  parts, or longer part headers, than a reply has.
- Ignored, silently: bounces, automatic replies (holiday messages answer the
  Reply-To of our emails), mail loops and a second delivery of the same
  message. Answering those would make more mail for nobody.
- Refused: no reply address, a forged or expired one, a sender who is not
  the person the address was made for (one of their verified addresses),
  a topic that no longer takes replies, or no new text once quoted text and
  signatures are taken off.

The site sends nothing back itself; the receiver answers the mail server
with a code (see the command), and the log says what happened without the
message's text or whole reply addresses.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import logging
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from bigsocnorth.forum import services
from bigsocnorth.forum.email_text import message_text, reply_text_strip
from bigsocnorth.forum.models import Topic
from bigsocnorth.forum.reply_addresses import (
    Expired,
    Forged,
    is_reply_address,
    reply_address_check,
)
from bigsocnorth.moderation import limits
from bigsocnorth.moderation.permissions import is_public

logger = logging.getLogger(__name__)

# A message delivered twice (a mail server that timed out waiting for our
# answer tries again) posts once: its Message-ID is remembered this long.
DUPLICATE_SECONDS = 7 * 24 * 3600
# Python's header parser is slow (about a second for 8 KB of parameters) and
# the message parser reads every part's Content-Type itself: a reply has a
# few parts with short ones, so a message with more or longer is refused
# before it is parsed. Other headers are read unparsed, cut to HEADER_MAX.
PARTS_MAX = 50
RECIPIENTS_MAX = 10
CONTENT_HEADER_MAX = 1000
HEADER_MAX = 4000
_CONTENT_HEADER = re.compile(
    rb"^content-(?:type|disposition):[^\n]*(?:\n[ \t][^\n]*)*", re.IGNORECASE | re.MULTILINE
)


class Result(StrEnum):
    POSTED = "posted"
    IGNORED = "ignored"
    REFUSED = "refused"


class Reason(StrEnum):
    PUBLISHED = "published"
    IN_REVIEW = "in_review"
    BOUNCE = "bounce"
    AUTO_REPLY = "auto_reply"
    LOOP = "loop"
    DUPLICATE = "duplicate"
    TOO_BIG = "too_big"
    UNREADABLE = "unreadable"
    NO_ADDRESS = "no_address"
    FORGED = "forged"
    EXPIRED = "expired"
    WRONG_SENDER = "wrong_sender"
    NO_TEXT = "no_text"
    NOT_ACCEPTED = "not_accepted"


@dataclass(frozen=True)
class Outcome:
    result: Result
    reason: Reason
    # For refusals, what the sender can act on; safe to show them.
    detail: str = ""
    user_id: int | None = None
    topic_id: int | None = None
    post_id: int | None = None

    @property
    def posted(self) -> bool:
        return self.result == Result.POSTED

    @property
    def ignored(self) -> bool:
        return self.result == Result.IGNORED

    @property
    def refused(self) -> bool:
        return self.result == Result.REFUSED


# --- Telling automatic mail from a person's ---------------------------------------

_BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_DAEMONS = {"mailer-daemon", "postmaster"}


def _too_complex(raw: bytes) -> bool:
    """More parts, or longer Content-Type or Content-Disposition headers, than a reply has."""
    for count, match in enumerate(_CONTENT_HEADER.finditer(raw), start=1):
        if count > 2 * PARTS_MAX or len(match.group()) > CONTENT_HEADER_MAX:
            return True
    return False


def _headers(message: EmailMessage, name: str) -> list[str]:
    """A header's values as sent, unfolded and cut short, never through the slow parser."""
    name = name.lower()
    return [
        " ".join(str(value)[:HEADER_MAX].split())
        for key, value in message.raw_items()
        if key.lower() == name
    ]


def _header(message: EmailMessage, name: str) -> str:
    values = _headers(message, name)
    return values[0] if values else ""


def _address_of(value: str) -> str:
    return parseaddr(value)[1].strip().lower()


def _from_address(message: EmailMessage) -> str:
    return _address_of(_header(message, "From"))


def _is_bounce(message: EmailMessage, *, sender: str | None) -> bool:
    if "Return-Path" in message and _header(message, "Return-Path") in {"", "<>"}:
        return True
    if sender is not None and sender.strip() in {"", "<>"}:
        return True
    if message.get_content_type() == "multipart/report":
        return True
    senders = (_address_of(sender or ""), _from_address(message))
    return any(address.partition("@")[0] in _DAEMONS for address in senders)


def _is_auto_reply(message: EmailMessage) -> bool:
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return True
    if "X-Autoreply" in message or "X-Autorespond" in message:
        return True
    if _header(message, "Precedence").lower() in _BULK_PRECEDENCE:
        return True
    # Mailing lists: a person's own reply never carries this.
    return "List-Id" in message


def _our_addresses() -> set[str]:
    return {
        _address_of(settings.DEFAULT_FROM_EMAIL),
        _address_of(settings.SERVER_EMAIL),
    } - {""}


def _is_loop(message: EmailMessage) -> bool:
    """Mail this site sent (or a forwarder sent round again), come back to it."""
    if "X-Loop" in message:
        return True
    return _from_address(message) in _our_addresses()


# --- The reply address ------------------------------------------------------------

_ADDRESS_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To")


def _reply_addresses(message: EmailMessage, recipients: tuple[str, ...]) -> list[str]:
    """Our reply addresses the message was sent to: envelope first, then the headers."""
    values = [str(recipient)[:HEADER_MAX] for recipient in recipients[:RECIPIENTS_MAX]]
    for name in _ADDRESS_HEADERS:
        values.extend(_headers(message, name))
    found: list[str] = []
    for value in values:
        try:
            pairs = getaddresses([value])
        except (RecursionError, ValueError, IndexError):  # nested comments, and the like
            continue
        for _name, address in pairs:
            address = address.strip()
            if is_reply_address(address) and address.lower() not in {a.lower() for a in found}:
                found.append(address)
    return found[:RECIPIENTS_MAX]


def _check_addresses(addresses: list[str]) -> tuple[int, int]:
    """The first address that checks; else Expired if one was ours but old, else Forged."""
    expired = None
    forged = None
    for address in addresses:
        try:
            return reply_address_check(address)
        except Expired as error:
            expired = expired or error
        except Forged as error:
            forged = forged or error
    raise expired or forged or Forged("no reply address")


def _shown(address: str) -> str:
    """An address for the log: the signature cut short."""
    return address[:24] + "..." if len(address) > 24 else address


def _sender_is(user, address: str) -> bool:
    from allauth.account.models import EmailAddress

    if not address:
        return False
    return EmailAddress.objects.filter(user=user, verified=True, email__iexact=address).exists()


# --- The text ---------------------------------------------------------------------


def _printable(value: str, limit: int) -> str:
    return value[:limit].encode("ascii", "backslashreplace").decode()


def _log(outcome: Outcome, *, message_id: str = "", address: str = "") -> Outcome:
    logger.info(
        "Reply by email %s (%s): user %s, topic %s, post %s, address %s, message %s",
        outcome.result,
        outcome.reason,
        outcome.user_id,
        outcome.topic_id,
        outcome.post_id,
        _printable(_shown(address), 40) if address else "-",
        _printable(message_id, 120) or "-",
    )
    return outcome


def _duplicate_key(message_id: str, user_id: int, topic_id: int) -> str:
    digest = hashlib.sha256(f"{user_id}.{topic_id}.{message_id}".encode()).hexdigest()[:40]
    return f"forum:reply-by-email:{digest}"


def inbound_message_handle(
    raw: bytes, *, sender: str | None = None, recipients: tuple[str, ...] | list[str] = ()
) -> Outcome:
    """Turn one incoming message into a post, or say why not (see the module's doc).

    `sender` and `recipients` are the SMTP envelope's, when known; without
    them the Return-Path, To, Cc, Delivered-To and X-Original-To headers
    are read. Writes nothing unless it posts; never raises for a bad message.
    """
    maximum = settings.INBOUND_EMAIL_MAX_BYTES
    if len(raw) > maximum:
        return _log(
            Outcome(
                Result.REFUSED,
                Reason.TOO_BIG,
                _("The message is larger than %(max)s.") % {"max": filesizeformat(maximum)},
            )
        )
    if _too_complex(raw):
        return _log(
            Outcome(
                Result.REFUSED,
                Reason.UNREADABLE,
                _("The message has too many parts to read: send your reply as plain text."),
            )
        )
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        message_id = _header(message, "Message-ID")
    except Exception:  # a parser that chokes on hostile input: refuse, never crash
        logger.warning("Reply by email: a message could not be read", exc_info=True)
        return _log(Outcome(Result.REFUSED, Reason.UNREADABLE, _("The message cannot be read.")))
    try:
        if _is_bounce(message, sender=sender):
            return _log(Outcome(Result.IGNORED, Reason.BOUNCE), message_id=message_id)
        if _is_loop(message):
            return _log(Outcome(Result.IGNORED, Reason.LOOP), message_id=message_id)
        if _is_auto_reply(message):
            return _log(Outcome(Result.IGNORED, Reason.AUTO_REPLY), message_id=message_id)
        addresses = _reply_addresses(message, tuple(recipients))
        from_address = _from_address(message)
    except Exception:
        logger.warning("Reply by email: a message's headers could not be read", exc_info=True)
        return _log(
            Outcome(Result.REFUSED, Reason.UNREADABLE, _("The message cannot be read.")),
            message_id=message_id,
        )
    if not addresses:
        return _log(
            Outcome(Result.REFUSED, Reason.NO_ADDRESS, _("This is not a reply address.")),
            message_id=message_id,
        )
    address = addresses[0]
    try:
        user_id, topic_id = _check_addresses(addresses)
    except Expired:
        return _log(
            Outcome(
                Result.REFUSED,
                Reason.EXPIRED,
                _("This reply address has expired. Reply on the website instead."),
            ),
            message_id=message_id,
            address=address,
        )
    except Forged:
        return _log(
            Outcome(Result.REFUSED, Reason.FORGED, _("This is not a valid reply address.")),
            message_id=message_id,
            address=address,
        )
    known = {"user_id": user_id, "topic_id": topic_id}
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not _sender_is(user, from_address):
        return _log(
            Outcome(
                Result.REFUSED,
                Reason.WRONG_SENDER,
                _("Replies to this address must come from the address it was sent to."),
                **known,
            ),
            message_id=message_id,
            address=address,
        )
    topic = Topic.objects.filter(pk=topic_id).first()
    if topic is None:
        return _log(
            Outcome(
                Result.REFUSED,
                Reason.NOT_ACCEPTED,
                _("This topic is no longer shown, so it cannot be replied to."),
                **known,
            ),
            message_id=message_id,
            address=address,
        )
    try:
        text = reply_text_strip(message_text(message))
    except Exception:
        logger.warning("Reply by email: a message's text could not be read", exc_info=True)
        text = ""
    if not text:
        return _log(
            Outcome(
                Result.REFUSED,
                Reason.NO_TEXT,
                _("No reply was found above the quoted message: write it at the top."),
                **known,
            ),
            message_id=message_id,
            address=address,
        )
    key = _duplicate_key(message_id, user_id, topic_id) if message_id else None
    if key is not None and not cache.add(key, 1, timeout=DUPLICATE_SECONDS):
        return _log(
            Outcome(Result.IGNORED, Reason.DUPLICATE, **known),
            message_id=message_id,
            address=address,
        )
    try:
        # A reply by email counts towards the member's limits like one on the site.
        with limits.counting():
            post = services.post_create(author=user, topic=topic, body=text, by_email=True)
    except ValidationError as error:
        if key is not None:
            cache.delete(key)
        return _log(
            Outcome(Result.REFUSED, Reason.NOT_ACCEPTED, " ".join(error.messages), **known),
            message_id=message_id,
            address=address,
        )
    except BaseException:
        if key is not None:
            cache.delete(key)
        raise
    reason = Reason.PUBLISHED if is_public(post) else Reason.IN_REVIEW
    return _log(
        Outcome(Result.POSTED, reason, post_id=post.pk, **known),
        message_id=message_id,
        address=address,
    )
