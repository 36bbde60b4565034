"""Writes about people: profiles, roles, API tokens and account deletion.

Every write validates first (`profile_check_fields`, the permission checks)
and then changes everything it changes in one transaction. The web forms and
the API share these functions, so both give the same messages for the same
bad input.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Final
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bigsocnorth.accounts import permissions
from bigsocnorth.accounts.models import ApiToken, Profile, Role, User
from bigsocnorth.accounts.tokens import token_generate, token_hash
from bigsocnorth.core.text import without_control_characters as _without_control_characters
from bigsocnorth.places import selectors as places_selectors
from bigsocnorth.places.models import LocalAuthority

logger = logging.getLogger(__name__)


class _Unchanged:
    """Marks a keyword argument the caller did not give: leave that field alone."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Final = _Unchanged()

PROFILE_FIELDS = ("display_name", "pronouns", "home_area", "bio", "links")
LINK_MAX_LENGTH = 500
API_TOKEN_NAME_MAX = 80
API_TOKENS_ACTIVE_MAX = 20
# Writing last_used_at on every request would turn each API read into a write.
API_TOKEN_USE_RESOLUTION = timedelta(minutes=1)

DISPLAY_NAME_REQUIRED = gettext_lazy(
    "Enter a display name: the name people see next to what you share."
)
API_TOKEN_NAME_REQUIRED = gettext_lazy("Enter a name for the token, like “My map script”.")

_url_validator = URLValidator(schemes=["http", "https"])


# --- Profile validation -----------------------------------------------------


def _require_text(value: Any, *, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(_("%(what)s must be text.") % {"what": what})
    return value


def _check_one_line(value: Any, *, what: str, maximum: int, required_message=None) -> str:
    text = _require_text(value, what=what)
    # One line of text: newlines, tabs and runs of spaces become single spaces.
    text = " ".join(_without_control_characters(text, keep_newlines=True).split())
    if not text and required_message:
        raise ValidationError(str(required_message))
    if len(text) > maximum:
        raise ValidationError(
            _("%(what)s must be %(maximum)d characters or fewer; this one has %(count)d.")
            % {"what": what, "maximum": maximum, "count": len(text)}
        )
    return text


def _check_display_name(value: Any) -> str:
    return _check_one_line(
        value,
        what=_("Display name"),
        maximum=Profile.DISPLAY_NAME_MAX,
        required_message=DISPLAY_NAME_REQUIRED,
    )


def _check_pronouns(value: Any) -> str:
    return _check_one_line(value, what=_("Pronouns"), maximum=Profile.PRONOUNS_MAX)


def _check_bio(value: Any) -> str:
    text = _require_text(value, what=_("About you"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _without_control_characters(text, keep_newlines=True).strip()
    if len(text) > Profile.BIO_MAX:
        raise ValidationError(
            _("About you must be %(maximum)d characters or fewer; this has %(count)d.")
            % {"maximum": Profile.BIO_MAX, "count": len(text)}
        )
    return text


def _check_home_area(value: Any) -> LocalAuthority | None:
    if value is None or value == "":
        return None
    if isinstance(value, LocalAuthority):
        return value
    if isinstance(value, str):
        area = places_selectors.area_get_by_slug(slug=value)
        if isinstance(area, LocalAuthority):
            return area
        raise ValidationError(
            _("“%(value)s” is not one of the local authorities in the North of England.")
            % {"value": _without_control_characters(value[:100], keep_newlines=False)}
        )
    raise ValidationError(_("Choose your home area from the list of local authorities."))


def _check_links(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError(_("Links must be a list of web addresses."))
    links: list[str] = []
    errors: list[str] = []
    for item in value:
        if not isinstance(item, str):
            errors.append(_("Each link must be a web address written as text."))
            continue
        link = _without_control_characters(item, keep_newlines=False).strip()
        if link and link not in links:
            links.append(link)
    if len(links) > Profile.LINKS_MAX:
        errors.append(
            _("Add up to %(maximum)d links; there are %(count)d.")
            % {"maximum": Profile.LINKS_MAX, "count": len(links)}
        )
    for number, link in enumerate(links, start=1):
        if len(link) > LINK_MAX_LENGTH:
            errors.append(
                _("Link %(number)d is too long: web addresses here can be %(maximum)d characters.")
                % {"number": number, "maximum": LINK_MAX_LENGTH}
            )
            continue
        if urlsplit(link).scheme.lower() not in ("http", "https"):
            errors.append(
                _(
                    "Link %(number)d must start with https:// or http:// "
                    "(other kinds of link are not shown)."
                )
                % {"number": number}
            )
            continue
        try:
            _url_validator(link)
        except ValidationError:
            errors.append(
                _("Link %(number)d is not a complete web address, like https://example.org.")
                % {"number": number}
            )
    if errors:
        raise ValidationError(errors)
    return links


_PROFILE_CHECKS = {
    "display_name": _check_display_name,
    "pronouns": _check_pronouns,
    "home_area": _check_home_area,
    "bio": _check_bio,
    "links": _check_links,
}


def profile_check_fields(*, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and tidy any of the profile fields, before anything is saved.

    Returns the cleaned values. Raises ValidationError with a message per
    field (every problem at once, not only the first). `home_area` may be a
    LocalAuthority, a local authority slug, or None/"" for no area.
    """
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in fields.items():
        check = _PROFILE_CHECKS.get(name)
        if check is None:
            raise ValueError(f"{name!r} is not a profile field")
        try:
            cleaned[name] = check(value)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- Profiles ---------------------------------------------------------------


def _unique_handle(base: str) -> str:
    stem = slugify(base)[:60].strip("-") or "member"
    handle = stem
    for attempt in range(20):
        if not Profile.objects.filter(handle=handle).exists():
            return handle
        length = 5 if attempt < 10 else 10
        handle = f"{stem}-{get_random_string(length, 'abcdefghijkmnpqrstuvwxyz23456789')}"
    raise RuntimeError("Could not find a free profile handle")


@transaction.atomic
def profile_create_for_new_user(
    *, user: User, display_name: str = "", home_area: LocalAuthority | str | None = None
) -> Profile:
    """A new person's profile, with the name and area they gave when joining.

    Without a display name the profile is called "Member": the email address
    is never used, because profiles are public and emails never are.
    """
    cleaned = profile_check_fields(
        fields={"display_name": display_name or _("Member"), "home_area": home_area}
    )
    for attempt in range(3):
        try:
            # A savepoint, so a clash with someone joining at the same moment
            # under the same name can be retried with another handle.
            with transaction.atomic():
                return Profile.objects.create(
                    user=user,
                    display_name=cleaned["display_name"],
                    home_area=cleaned["home_area"],
                    handle=_unique_handle(cleaned["display_name"]),
                )
        except IntegrityError:
            if attempt == 2 or Profile.objects.filter(user=user).exists():
                raise
    raise AssertionError("unreachable")


def profile_get_or_create_for_user(*, user: User) -> Profile:
    """The person's profile, created for accounts made outside sign-up (e.g. createsuperuser)."""
    try:
        return (
            Profile.objects.select_related("home_area").defer("home_area__boundary").get(user=user)
        )
    except Profile.DoesNotExist:
        return profile_create_for_new_user(user=user)


def _differs(profile: Profile, name: str, value: Any) -> bool:
    if name == "home_area":
        # Compare ids: reading profile.home_area could cost a query (and a boundary).
        return profile.home_area_id != (value.pk if value is not None else None)
    return getattr(profile, name) != value


@transaction.atomic
def profile_update(
    *,
    profile: Profile,
    display_name: Any = UNCHANGED,
    pronouns: Any = UNCHANGED,
    home_area: Any = UNCHANGED,
    bio: Any = UNCHANGED,
    links: Any = UNCHANGED,
) -> list[str]:
    """Change the given fields of a profile; returns the names of the fields that changed.

    Raises ValidationError (per field) before saving anything if any value is
    not acceptable, so a bad request never half-updates a profile.
    """
    given = {
        name: value
        for name, value in {
            "display_name": display_name,
            "pronouns": pronouns,
            "home_area": home_area,
            "bio": bio,
            "links": links,
        }.items()
        if value is not UNCHANGED
    }
    cleaned = profile_check_fields(fields=given)
    changed = [name for name, value in cleaned.items() if _differs(profile, name, value)]
    if not changed:
        return []
    for name in changed:
        setattr(profile, name, cleaned[name])
    profile.save(update_fields=[*changed, "updated_at"])
    return changed


# --- Roles ------------------------------------------------------------------


def user_set_role(*, actor: User, user: User, role: str) -> bool:
    """Make `user` a member, moderator or admin; returns whether anything changed.

    Only admins may. Admins are also Django staff and superusers (they use
    the admin site); any other role clears both flags. Runs in a transaction
    that locks the admin rows, so two admins demoting each other at once
    cannot leave the site without one.
    """
    with transaction.atomic():
        list(User.objects.select_for_update().filter(role=Role.ADMIN).values_list("pk"))
        user = User.objects.select_for_update().get(pk=user.pk)
        permissions.check_set_role_permission(actor=actor, user=user, role=role)
        is_admin = role == Role.ADMIN
        if (user.role, user.is_staff, user.is_superuser) == (role, is_admin, is_admin):
            return False
        user.role = role
        user.is_staff = is_admin
        user.is_superuser = is_admin
        user.save(update_fields=["role", "is_staff", "is_superuser"])
    logger.info("Role of user %s set to %s by user %s", user.pk, role, actor.pk)
    return True


# --- Deleting an account ----------------------------------------------------


def user_delete(*, user: User) -> None:
    """Delete a person's account and everything that is only theirs, at once.

    One transaction removes the user row and, by cascade, the profile, API
    tokens, email addresses and two-factor authenticators. A last admin
    cannot delete themselves, and other apps' rows that point at the user
    with PROTECT stop it too: both raise PermissionDenied saying why. After
    the commit a notice goes to the account's email addresses, so someone
    whose account was deleted without their knowledge finds out.
    """
    permissions.check_user_delete_permission(actor=user, user=user)
    addresses = _email_addresses_of(user)
    try:
        with transaction.atomic():
            User.objects.filter(pk=user.pk).delete()
    except (ProtectedError, RestrictedError):
        # Another app keeps rows that must not vanish with their author.
        logger.exception("Deleting user %s was blocked by protected rows", user.pk)
        raise PermissionDenied(
            _(
                "We could not delete your account because some of what you shared must "
                "be kept. Please contact the team who run the site."
            )
        ) from None
    transaction.on_commit(lambda: _send_account_deleted_notice(addresses))


def _email_addresses_of(user: User) -> list[str]:
    from allauth.account.models import EmailAddress

    addresses = list(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    if user.email and user.email not in addresses:
        addresses.append(user.email)
    return addresses


def _send_account_deleted_notice(addresses: list[str]) -> None:
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
    subject = render_to_string("accounts/email/account_deleted_subject.txt", context)
    body = render_to_string("accounts/email/account_deleted_message.txt", context)
    for address in addresses:
        try:
            send_mail(" ".join(subject.split()), body, None, [address])
        except Exception:  # the account is gone either way; never fail the request for mail
            logger.exception("Could not send the account deleted notice")


# --- API tokens -------------------------------------------------------------


def api_token_check_name(*, name: Any) -> str:
    return _check_one_line(
        name,
        what=_("Token name"),
        maximum=API_TOKEN_NAME_MAX,
        required_message=API_TOKEN_NAME_REQUIRED,
    )


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal API token and its secret, which is never stored or shown again.

    Raises ValidationError (field `name`) for a bad name, or a general one
    when the person already has the maximum number of working tokens.
    """
    try:
        clean_name = api_token_check_name(name=name)
    except ValidationError as error:
        raise ValidationError({"name": error.messages}) from None
    with transaction.atomic():
        active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
        if active >= API_TOKENS_ACTIVE_MAX:
            raise ValidationError(
                _(
                    "You have %(count)d working tokens, the most allowed. "
                    "Revoke one you no longer use first."
                )
                % {"count": active}
            )
        prefix, secret = token_generate()
        token = ApiToken.objects.create(
            user=user, name=clean_name, prefix=prefix, key_hash=token_hash(secret)
        )
    return token, secret


def api_token_revoke(*, actor: User, token: ApiToken) -> bool:
    """Stop a token working, for good. Returns False if it was already revoked."""
    permissions.check_api_token_manage_permission(actor=actor, token=token)
    now = timezone.now()
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if updated:
        token.revoked_at = now
    return bool(updated)


def api_token_record_use(*, token: ApiToken, now: datetime | None = None) -> bool:
    """Note that a token was just used, at most once a minute per token."""
    now = now or timezone.now()
    if token.last_used_at and now - token.last_used_at < API_TOKEN_USE_RESOLUTION:
        return False
    # The condition in the UPDATE keeps concurrent requests from all writing.
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - API_TOKEN_USE_RESOLUTION)
    updated = ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    return bool(updated)
