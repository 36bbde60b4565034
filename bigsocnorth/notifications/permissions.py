"""Who may follow what, and whose notifications a person may see, decided in one place.

What someone may follow is what they may see: moderated content goes
through moderation's `is_visible_to`, so nobody can follow (or learn of)
someone else's draft. Notifications are only ever their recipient's.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from bigsocnorth.moderation import registry as moderation_registry
from bigsocnorth.moderation.permissions import is_visible_to
from bigsocnorth.notifications import registry


def can_see_followable(*, user, target: Model) -> bool:
    if moderation_registry.is_registered(type(target)):
        return is_visible_to(user=user, obj=target)
    return True


def check_follow_permission(*, user, target: Model | None) -> None:
    """Raises ValidationError with a message the person can act on."""
    if user is None or not user.is_authenticated:
        raise ValidationError(_("Log in to follow things."))
    if not user.is_active:
        raise ValidationError(_("Your account cannot follow things."))
    if target is None or target.pk is None:
        raise ValidationError(_("There is nothing to follow here: it may have been removed."))
    if not registry.is_registered(type(target)):
        raise ValidationError(_("This cannot be followed."))
    if not can_see_followable(user=user, target=target):
        # The same words as for something missing, so its existence does not leak.
        raise ValidationError(_("There is nothing to follow here: it may have been removed."))
    followable = registry.followable_for(target)
    if followable.check is not None:
        followable.check(user, target)


def filter_notifications_visible_to(*, user, queryset: QuerySet) -> QuerySet:
    """Only the person's own notifications; nothing for anonymous visitors."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    return queryset.filter(recipient_id=user.pk)


def check_notification_view_permission(*, user, notification) -> None:
    """Http404 for anyone but the recipient, so other people's notifications do not leak."""
    if user is None or not user.is_authenticated:
        raise Http404
    if notification.recipient_id != user.pk:
        raise Http404
