"""Who may do what with threats and cuts, decided here and nowhere else."""

from __future__ import annotations


def can_moderate_cuts(user) -> bool:
    """Verifying, disputing and merging reports: the platform's moderators."""
    return bool(user is not None and user.is_authenticated and user.is_moderator)


def can_edit_cut(user, cut) -> bool:
    """Correcting a report's facts: moderators always; its author while it waits for review.

    Once a report is public its facts change only through a moderator, so a
    published figure cannot quietly become another; what happens next goes
    on the timeline, where anyone signed in can add it.
    """
    from bigsocnorth.moderation import lifecycle

    if can_moderate_cuts(user):
        return True
    return bool(
        user is not None
        and user.is_authenticated
        and cut.author_id == user.pk
        and lifecycle.is_in_review(cut)
    )


def can_add_to_timeline(user) -> bool:
    """Anyone signed in may propose an update; it is moderated like a report."""
    return bool(user is not None and user.is_authenticated)
