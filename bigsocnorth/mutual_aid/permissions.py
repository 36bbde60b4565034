"""Who may do what with needs, offers and matches, decided here and nowhere else."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from bigsocnorth.directory.permissions import can_edit_entry
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.mutual_aid.models import PostState


def _is_member(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_moderator(user) -> bool:
    return bool(_is_member(user) and user.is_moderator)


def can_post(user) -> bool:
    return _is_member(user)


def can_post_for(user, entry) -> bool:
    """A post for a group is made by someone who edits the group's entry."""
    return entry is None or (_is_member(user) and can_edit_entry(user=user, entry=entry))


def is_poster(user, post) -> bool:
    return _is_member(user) and post.author_id == user.pk


def can_edit_post(user, post) -> bool:
    return is_poster(user, post) or is_moderator(user)


def can_renew_post(user, post) -> bool:
    """ "Still needed" is for a public post, open or lapsed: one waiting for a moderator, or
    hidden by one, is on no list to be kept on (services.post_renew refuses it too)."""
    return (
        can_edit_post(user, post)
        and is_public(post)
        and post.state in (PostState.OPEN, PostState.LAPSED)
    )


def can_close_post(user, post) -> bool:
    """Met or no longer needed (for a post still in review: withdrawn)."""
    return can_edit_post(user, post) and post.is_open


def check_edit_permission(user, post) -> None:
    if not can_edit_post(user, post):
        raise PermissionDenied(_("Only the person who posted it can change it."))


def is_party(user, match) -> bool:
    return _is_member(user) and user.pk in (match.responder_id, match.post.author_id)


def can_see_match(user, match) -> bool:
    """The two people, and moderators (who see every match's history)."""
    return is_party(user, match) or is_moderator(user)


def can_see_contact(user, match) -> bool:
    """Contact details: only the two people, and only once the poster has accepted."""
    return match.is_accepted and is_party(user, match)


def check_match_permission(user, match) -> None:
    if not can_see_match(user, match):
        raise PermissionDenied(_("Only the two people in a match can see it."))


def can_declare_checks(user, entry) -> bool:
    return _is_member(user) and can_edit_entry(user=user, entry=entry)
