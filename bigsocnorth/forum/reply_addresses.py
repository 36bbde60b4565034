"""Reply addresses: answering a notification email about a topic posts in that topic.

Each email about a topic carries a Reply-To address made for its recipient
and that topic, `reply+<user id>.<topic id>.<expiry>.<signature>@<REPLY_EMAIL_DOMAIN>`.
The expiry is a day number (days since 1970-01-01, UTC) and the signature
an HMAC of the rest, so the address itself says who may post where and
until when, and nothing is stored. The signature is lower-case base32: mail
servers may change the case of a local part.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from bigsocnorth.forum import notices
from bigsocnorth.forum.models import Topic

# How long a reply address takes replies, in days from the email.
FORUM_REPLY_DAYS = 30

PREFIX = "reply+"
# The longest local part mail standards allow (RFC 5321).
LOCAL_PART_MAX = 64

_SALT = "bigsocnorth.forum.reply_address"
# 80 bits: 16 base32 characters. An address can only be tried by sending mail.
_SIGNATURE_BYTES = 10
_LOCAL_PART = re.compile(r"reply\+(\d{1,15})\.(\d{1,15})\.(\d{1,7})\.([a-z2-7]{16})")


class ReplyAddressError(Exception):
    """Not a reply address that takes replies."""


class Forged(ReplyAddressError):
    """Not an address this site made: wrong shape, domain or signature."""


class Expired(ReplyAddressError):
    """An address this site made, past its last day."""


def _day(now: datetime | None) -> int:
    return int((now or timezone.now()).timestamp() // 86400)


def _signature(value: str, *, secret: str | None = None) -> str:
    digest = salted_hmac(_SALT, value, secret=secret, algorithm="sha256").digest()
    return base64.b32encode(digest[:_SIGNATURE_BYTES]).decode().lower()


def _domain() -> str:
    return str(settings.REPLY_EMAIL_DOMAIN or "").strip().lower()


def reply_address_for_ids(*, user_id: int, topic_id: int, now: datetime | None = None) -> str:
    """The reply address for a person and a topic given by their ids (see reply_address_make)."""
    domain = _domain()
    if not domain:
        raise ValueError("REPLY_EMAIL_DOMAIN is empty: reply by email is off.")
    value = f"{int(user_id)}.{int(topic_id)}.{_day(now) + FORUM_REPLY_DAYS}"
    local_part = f"{PREFIX}{value}.{_signature(value)}"
    if len(local_part) > LOCAL_PART_MAX or not _LOCAL_PART.fullmatch(local_part):
        raise ValueError("These ids are too long for a reply address.")
    return f"{local_part}@{domain}"


def reply_address_make(*, user, topic, now: datetime | None = None) -> str:
    """The address at which `user` can reply in `topic` by email, for FORUM_REPLY_DAYS days."""
    return reply_address_for_ids(user_id=user.pk, topic_id=topic.pk, now=now)


def is_reply_address(address: str) -> bool:
    """Whether the address looks like one of ours (a cheap test; no signature check)."""
    local_part, at, domain = str(address or "").strip().strip("<>").rpartition("@")
    return bool(
        at and domain.lower() == _domain() and _domain() and local_part.lower().startswith(PREFIX)
    )


def reply_address_check(address: str, *, now: datetime | None = None) -> tuple[int, int]:
    """The (user id, topic id) a reply address was made for.

    Raises Forged for anything this site did not make (signatures made with
    a key in SECRET_KEY_FALLBACKS still count), and Expired for an address
    past its last day. The signature is checked first.
    """
    local_part, at, domain = str(address or "").strip().strip("<>")[:320].rpartition("@")
    if not at or not _domain() or domain.lower() != _domain():
        raise Forged("not an address at the reply domain")
    match = _LOCAL_PART.fullmatch(local_part.lower())
    if match is None:
        raise Forged("not a reply address")
    user_id, topic_id, expiry, signature = match.groups()
    value = f"{int(user_id)}.{int(topic_id)}.{int(expiry)}"
    if value != f"{user_id}.{topic_id}.{expiry}":
        raise Forged("not a reply address")  # leading zeros: never made here
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    if not any(constant_time_compare(signature, _signature(value, secret=s)) for s in secrets):
        raise Forged("wrong signature")
    if _day(now) > int(expiry):
        raise Expired("the reply address has expired")
    return int(user_id), int(topic_id)


def forum_reply_to(notification) -> str | None:
    """The Reply-To of a notification email about a topic (registered in content.py)."""
    if notification.kind not in notices.REPLYABLE_KINDS or not _domain():
        return None
    topic_type = ContentType.objects.get_for_model(Topic)
    if notification.target_content_type_id != topic_type.pk or not notification.target_object_id:
        return None
    try:
        return reply_address_for_ids(
            user_id=notification.recipient_id, topic_id=notification.target_object_id
        )
    except ValueError:
        return None
