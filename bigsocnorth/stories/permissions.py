"""Who may do what with a story: decided here, and only here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from bigsocnorth.moderation import lifecycle


def _is_active_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_edit_story(*, user, story) -> bool:
    """Its author, while it is not hidden or archived, and moderators, always.

    Stories from a news feed have no author here: they are changed on the
    site that told them, or by moderators.
    """
    if not _is_active_member(user):
        return False
    if user.is_moderator:
        return True
    if story.author_id != user.pk:
        return False
    return not (lifecycle.is_hidden(story) or lifecycle.is_archived(story))


def check_story_edit_permission(*, user, story) -> None:
    if not can_edit_story(user=user, story=story):
        raise PermissionDenied(_("Only the story's author and moderators can change it."))
