"""Who may see and moderate content, decided in one place.

The one visibility rule: `is_public(obj)` for one thing, `public_condition()`
(and the `Model.objects.public()` / `.visible_to(user)` queryset methods
built on it) for lists, and the `is_public` template filter for templates.
Pages, the API, feeds, open data, search and the map all use these; nothing
outside moderation names a status to decide what is public. `check_*`
functions raise PermissionDenied, or Http404 where knowing a thing exists
would leak.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from bigsocnorth.moderation.models import Status


def _is_active_moderator(user) -> bool:
    if user is None:
        return False
    if not user.is_authenticated:
        return False
    if not user.is_active:
        return False
    return user.is_moderator


def public_condition(*, through: str = "") -> Q:
    """What makes content public, for filtering across a relation: through="member__".

    The same rule as filter_visible_to for anonymous visitors, for queries
    that reach content through another model (memberships, follows).
    """
    return Q(**{f"{through}status": Status.PUBLISHED})


def is_public(obj: Model | None) -> bool:
    """Whether anyone at all may see this (False for None, so a missing relation is not public)."""
    return obj is not None and obj.status == Status.PUBLISHED


def filter_visible_to(*, user, queryset: QuerySet) -> QuerySet:
    """Anonymous: published only. Signed in: also their own, in any status. Moderators: all."""
    if _is_active_moderator(user):
        return queryset
    if user is None or not user.is_authenticated:
        return queryset.filter(public_condition())
    return queryset.filter(public_condition() | Q(author_id=user.pk))


def is_visible_to(*, user, obj: Model) -> bool:
    if is_public(obj):
        return True
    if _is_active_moderator(user):
        return True
    if user is None or not user.is_authenticated:
        return False
    return obj.author_id == user.pk


def check_view_permission(*, user, obj: Model) -> None:
    """Http404 for anything the person may not see, so its existence does not leak."""
    if not is_visible_to(user=user, obj=obj):
        raise Http404


def check_moderate_permission(*, user) -> None:
    """The review queue, its actions and the audit log are for active moderators only."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Log in as a moderator to see this page."))
    if not user.is_active:
        raise PermissionDenied(_("Only moderators can see this page."))
    if not user.is_moderator:
        raise PermissionDenied(_("Only moderators can see this page."))


def check_block_permission(*, actor, user) -> None:
    """Moderators block members; never themselves, other moderators or admins."""
    check_moderate_permission(user=actor)
    if user is None:
        raise PermissionDenied(_("This contribution has no author to block."))
    if user.pk == actor.pk:
        raise PermissionDenied(_("You cannot block yourself."))
    if user.is_moderator:
        raise PermissionDenied(_("Moderators and admins cannot be blocked here."))
