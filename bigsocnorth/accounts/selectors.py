"""Reads about people: public profiles, tokens, two-factor state, data export."""

from __future__ import annotations

import re
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db.models import QuerySet

from bigsocnorth.accounts import permissions
from bigsocnorth.accounts.models import ApiToken, Profile, User
from bigsocnorth.accounts.tokens import token_matches, token_parse
from bigsocnorth.places import selectors as places_selectors
from bigsocnorth.places.models import LocalAuthority, Region

HANDLE_PATTERN = re.compile(r"[-a-zA-Z0-9_]{1,100}")


def user_has_two_factor(*, user: User) -> bool:
    """Whether the person has an authenticator app set up (recovery codes alone do not count)."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def user_email_addresses(*, user: User) -> list[EmailAddress]:
    """The person's own email addresses, primary first. Only ever shown to them."""
    return list(EmailAddress.objects.filter(user=user).order_by("-primary", "email"))


def profile_get_public(*, handle: str, viewer: User | None = None) -> Profile | None:
    """The public profile with this handle, or None if there is none to show.

    One query: the person, home area and its region come along (without
    the area's heavy boundary).
    """
    if not HANDLE_PATTERN.fullmatch(handle or ""):
        return None  # also keeps characters PostgreSQL rejects (NUL) out of the query
    queryset = Profile.objects.select_related("user", "home_area", "home_area__region").defer(
        "home_area__boundary"
    )
    queryset = permissions.filter_profiles_visible_to(viewer=viewer, queryset=queryset)
    return queryset.filter(handle=handle).first()


def api_token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def api_token_find_by_secret(*, secret: str) -> ApiToken | None:
    """The token a presented secret belongs to (revoked or not), or None.

    Looks up by the clear prefix, then compares hashes in constant time.
    """
    parsed = token_parse(secret)
    if parsed is None:
        return None
    candidates = ApiToken.objects.select_related("user").filter(prefix=parsed.prefix)
    for token in candidates:
        if token_matches(secret=parsed.secret, key_hash=token.key_hash):
            return token
    return None


def local_authority_choices() -> QuerySet[LocalAuthority]:
    """Local authorities for a home area, by region then name (for grouping by region)."""
    return places_selectors.local_authority_list().order_by("region__name", "name")


def _when(value) -> str | None:
    return value.isoformat() if value else None


def account_export_data(*, user: User) -> dict[str, Any]:
    """A person's account for their data export: email addresses, role, dates, two-factor
    state and API tokens (see personal_data.py). Three queries.

    API tokens are named with their dates only: secrets are never stored, and
    neither their hashes nor any part of them is exported.
    """
    two_factor_types = sorted(
        set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    )
    return {
        "email": user.email,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in user_email_addresses(user=user)
        ],
        "role": user.role,
        "is_active": user.is_active,
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "two_factor": {
            "enabled": Authenticator.Type.TOTP in two_factor_types,
            "methods": two_factor_types,
        },
        "api_tokens": [
            {
                "name": token.name,
                "created_at": _when(token.created_at),
                "last_used_at": _when(token.last_used_at),
                "revoked_at": _when(token.revoked_at),
            }
            for token in api_token_list_for_user(user=user)
        ],
    }


def profile_export_data(*, user: User) -> dict[str, Any] | None:
    """A person's profile in their own words, for their data export. One query."""
    profile = (
        Profile.objects.select_related("home_area")
        .defer("home_area__boundary")
        .filter(user=user)
        .first()
    )
    if profile is None:
        return None
    area = profile.home_area
    return {
        "handle": profile.handle,
        "url": settings.SITE_URL + profile.get_absolute_url(),
        "display_name": profile.display_name,
        "pronouns": profile.pronouns,
        "bio": profile.bio,
        "home_area": ({"code": area.code, "name": area.name, "slug": area.slug} if area else None),
        "links": list(profile.links),
        "created_at": _when(profile.created_at),
        "updated_at": _when(profile.updated_at),
    }


def people_count(*, area=None) -> int:
    """Members with an active account (whose home area is in `area`, a LocalAuthority or Region)."""
    people = User.objects.filter(is_active=True, profile__isnull=False)
    if isinstance(area, LocalAuthority):
        people = people.filter(profile__home_area=area)
    elif isinstance(area, Region):
        people = people.filter(profile__home_area__region=area)
    return people.count()
