"""Who may do what with threats and cuts, decided here and nowhere else."""

from __future__ import annotations


def can_moderate_cuts(user) -> bool:
    """Verifying, disputing and merging reports: the platform's moderators."""
    return bool(user is not None and user.is_authenticated and user.is_moderator)


def can_add_to_timeline(user) -> bool:
    """Anyone signed in may propose an update; it is moderated like a report."""
    return bool(user is not None and user.is_authenticated)
