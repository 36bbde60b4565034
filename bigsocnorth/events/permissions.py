"""Who may do what with gatherings, decided here and nowhere else."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def is_organiser(user, gathering) -> bool:
    """The member who organises it, or one of the co-organisers they added."""
    if user is None or not user.is_authenticated:
        return False
    if gathering.author_id == user.pk:
        return True
    co_organisers = getattr(gathering, "_prefetched_objects_cache", {}).get("co_organisers")
    if co_organisers is not None:
        return any(person.pk == user.pk for person in co_organisers)
    return gathering.co_organisers.filter(pk=user.pk).exists()


def is_moderator(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_moderator)


def can_edit_gathering(user, gathering) -> bool:
    """Changing what it is, when and where, and its state: its organisers and moderators."""
    return is_organiser(user, gathering) or is_moderator(user)


def can_see_attendees(user, gathering) -> bool:
    """Who is coming and what they answered: only the organisers and moderators."""
    return can_edit_gathering(user, gathering)


def check_edit_permission(user, gathering) -> None:
    if not can_edit_gathering(user, gathering):
        raise PermissionDenied(_("Only the organisers can change this gathering."))


def check_attendees_permission(user, gathering) -> None:
    if not can_see_attendees(user, gathering):
        raise PermissionDenied(_("Only the organisers can see who is coming."))


def can_create_gathering(user) -> bool:
    """Anyone signed in; a new member's first gatherings are reviewed like anything else."""
    return bool(user is not None and user.is_authenticated and user.is_active)


# --- Needs and offers --------------------------------------------------------------------


def is_active_member(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_manage_needs(user, gathering) -> bool:
    """Listing, changing and removing needs, and answering offers: as editing the gathering."""
    return can_edit_gathering(user, gathering)


def can_offer(user, gathering) -> bool:
    """Members other than its organisers: an organiser who can fill a need just changes it."""
    return is_active_member(user) and not is_organiser(user, gathering)


def check_manage_permission(user, gathering) -> None:
    if not can_manage_needs(user, gathering):
        raise PermissionDenied(_("Only the organisers can change what this gathering needs."))


# --- Afterwards: how it went ---------------------------------------------------------------


def can_record_outcome(user, gathering) -> bool:
    """Saying how many came and what happened, and telling a story from it: as editing it.
    (Whether it has ended yet is not a permission: outcomes.check_outcome_open says so.)"""
    return can_edit_gathering(user, gathering)


def check_outcome_permission(user, gathering) -> None:
    if not can_record_outcome(user, gathering):
        raise PermissionDenied(_("Only the organisers can say how this gathering went."))
