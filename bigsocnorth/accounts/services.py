"""Writes about people: profiles, roles, tokens, export and deletion."""

from __future__ import annotations

from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.text import slugify

from bigsocnorth.accounts.models import Profile, User


def _unique_handle(base: str) -> str:
    stem = slugify(base)[:60] or "member"
    handle = stem
    while Profile.objects.filter(handle=handle).exists():
        handle = f"{stem}-{get_random_string(5, 'abcdefghijkmnpqrstuvwxyz23456789')}"
    return handle


@transaction.atomic
def profile_create_for_new_user(*, user: User, display_name: str = "") -> Profile:
    """A starting profile; the display name defaults to the email's local part."""
    name = (display_name or user.email.split("@", 1)[0])[: Profile.DISPLAY_NAME_MAX]
    return Profile.objects.create(user=user, display_name=name, handle=_unique_handle(name))
