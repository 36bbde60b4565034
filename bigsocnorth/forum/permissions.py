"""Who may do what in the forum, decided here and nowhere else."""

from __future__ import annotations

from bigsocnorth.moderation.permissions import is_visible_to


def can_edit_post(*, user, post) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_moderator:
        return True
    return post.author_id == user.pk and is_visible_to(user=user, obj=post)


def can_moderate_forum(*, user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_moderator)


def can_post(*, user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)
