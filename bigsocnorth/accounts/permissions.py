"""Who may do what with accounts, decided in one place.

`check_*` functions raise PermissionDenied (or Http404 where even knowing
that a thing exists would leak something); `filter_*` functions scope a
queryset to what a viewer may see. Views, services and the API call these
and never make their own checks.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from bigsocnorth.accounts.models import ApiToken, Profile, Role, User


def check_set_role_permission(*, actor: User, user: User, role: str) -> None:
    """Only active admins change roles, and the last admin cannot step down."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Log in as an admin to change roles."))
    if not actor.is_active:
        raise PermissionDenied(_("Only admins can change roles."))
    if not actor.is_admin:
        raise PermissionDenied(_("Only admins can change roles."))
    if role not in Role.values:
        raise PermissionDenied(_("That is not a role on this site."))
    if user.is_admin and role != Role.ADMIN and _is_last_admin(user):
        raise PermissionDenied(
            _("This is the only admin. Make someone else an admin before changing this role.")
        )


def _is_last_admin(user: User) -> bool:
    return not User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk).exists()


def check_api_token_manage_permission(*, actor: User, token: ApiToken) -> None:
    """People manage their own tokens; admins may revoke any (for example one leaked).

    To anyone else, someone else's token looks like it does not exist.
    """
    if not actor.is_authenticated:
        raise Http404
    if token.user_id == actor.pk:
        return
    if actor.is_active and actor.is_admin:
        return
    raise Http404


def filter_profiles_visible_to(*, viewer: User | None, queryset: QuerySet[Profile]):
    """Profiles anyone may see: active people who have confirmed an email address.

    Unconfirmed sign-ups stay hidden so throwaway accounts cannot publish
    pages of links. Nobody sees more than this, so `viewer` is unused for now;
    it is there so the rule can grow (for example for moderators) in one place.
    """
    verified = EmailAddress.objects.filter(user_id=OuterRef("user_id"), verified=True)
    return queryset.filter(user__is_active=True).filter(Exists(verified))


def check_user_delete_permission(*, actor: User, user: User) -> None:
    """People delete their own account; the last admin must hand over first."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Log in to delete your account."))
    if actor.pk != user.pk:
        raise PermissionDenied(_("You can only delete your own account."))
    if user.is_admin and _is_last_admin(user):
        raise PermissionDenied(
            _("You are the only admin. Make someone else an admin before deleting your account.")
        )


def check_profile_follow_permission(*, user: User, profile: Profile) -> None:
    """People follow members whose profile anyone may see, and never themselves.

    Raises ValidationError (what the follow views show) with a message the
    person can act on; a hidden profile gets the words for a missing one.
    """
    if profile.user_id == user.pk:
        raise ValidationError(_("You cannot follow yourself."))
    visible = filter_profiles_visible_to(
        viewer=user, queryset=Profile.objects.filter(pk=profile.pk)
    )
    if not visible.exists():
        raise ValidationError(_("There is nothing to follow here: it may have been removed."))
