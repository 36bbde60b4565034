"""Who may change directory entries. Who may see them is moderation's filter_visible_to."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def can_edit_entry(*, user, entry) -> bool:
    if user is None:
        return False
    if not user.is_authenticated:
        return False
    if not user.is_active:
        return False
    if user.is_moderator:
        return True
    return entry.editors.filter(pk=user.pk).exists()


def check_entry_edit_permission(*, user, entry) -> None:
    """Editors of the entry and moderators may change it."""
    if not can_edit_entry(user=user, entry=entry):
        raise PermissionDenied(_("Only the entry's editors and moderators can change it."))
