"""The links emailed to guests: confirm an RSVP, or cancel it, without an account.

Each link is signed with the site's secret and names the RSVP and a random
key kept on it, so it cannot be guessed, only works for that RSVP, and stops
working when the key changes (a new answer, a cancellation). A confirmation
link expires; a cancel link works as long as the RSVP stands.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from bigsocnorth.events.models import Rsvp

CONFIRM_SALT = "events.rsvp-confirm"
CANCEL_SALT = "events.rsvp-cancel"
CONFIRM_MAX_AGE = 14 * 24 * 3600


def new_key() -> str:
    return secrets.token_hex(16)


def _token(rsvp: Rsvp, key: str, salt: str) -> str:
    return signing.dumps({"r": rsvp.pk, "k": key}, salt=salt, compress=True)


def _found(token: str, salt: str, field: str, max_age: int | None) -> Rsvp | None:
    try:
        data = signing.loads(str(token)[:300], salt=salt, max_age=max_age)
        pk, key = int(data["r"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    rsvp = Rsvp.objects.select_related("gathering").filter(pk=pk).first()
    if (
        rsvp is None
        or not getattr(rsvp, field)
        or not constant_time_compare(getattr(rsvp, field), key)
    ):
        return None
    return rsvp


def confirm_token(rsvp: Rsvp) -> str:
    return _token(rsvp, rsvp.confirm_key, CONFIRM_SALT)


def cancel_token(rsvp: Rsvp) -> str:
    return _token(rsvp, rsvp.cancel_key, CANCEL_SALT)


def rsvp_for_confirm_token(token: str) -> Rsvp | None:
    return _found(token, CONFIRM_SALT, "confirm_key", CONFIRM_MAX_AGE)


def rsvp_for_cancel_token(token: str) -> Rsvp | None:
    return _found(token, CANCEL_SALT, "cancel_key", None)


def confirm_url(rsvp: Rsvp) -> str:
    path = reverse("events:rsvp_confirm", kwargs={"token": confirm_token(rsvp)})
    return settings.SITE_URL + path


def cancel_url(rsvp: Rsvp) -> str:
    path = reverse("events:rsvp_cancel_link", kwargs={"token": cancel_token(rsvp)})
    return settings.SITE_URL + path
