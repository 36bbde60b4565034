"""Reads for notifications: a person's notices and follows, the unread count, their export."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Model, Q
from django.http import Http404

from bigsocnorth.notifications import registry
from bigsocnorth.notifications.models import (
    DEFAULT_EMAIL_FREQUENCY,
    Follow,
    Notification,
    NotificationPreference,
)
from bigsocnorth.notifications.permissions import (
    can_see_followable,
    check_notification_view_permission,
    filter_notifications_visible_to,
)

PER_PAGE = 20
# The header shows "99+" past this: counting stops there, so a person with
# thousands of unread notices costs no more than one with a hundred.
UNREAD_COUNT_CAP = 99


def _parse(key: Any, object_id: Any) -> tuple[registry.Followable, int] | None:
    followable = registry.followable_for_key(str(key or "")[:100])
    if followable is None:
        return None
    try:
        object_id = int(object_id)
    except (TypeError, ValueError):
        return None
    # Checked before querying: PostgreSQL refuses ids outside a bigint.
    if not 0 < object_id < 2**63:
        return None
    return followable, object_id


def followable_get(*, user, key: str, object_id: Any) -> Model | None:
    """The followable object of this type key and id, if the person may see it; else None."""
    parsed = _parse(key, object_id)
    if parsed is None:
        return None
    followable, object_id = parsed
    target = followable.objects().filter(pk=object_id).first()
    if target is None or not can_see_followable(user=user, target=target):
        return None
    return target


def followable_get_for_unfollow(*, key: str, object_id: Any) -> Model | None:
    """What to unfollow: the object, even one hidden or gone since (then a bare instance).

    People must always be able to stop following, so visibility is not
    checked; unfollowing reveals nothing, as it only deletes their own row.
    """
    parsed = _parse(key, object_id)
    if parsed is None:
        return None
    followable, object_id = parsed
    return followable.objects().filter(pk=object_id).first() or followable.model(pk=object_id)


def follow_exists(*, user, target: Model) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Follow.objects.filter(
        user=user,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
    ).exists()


def follower_ids_by_target(*, targets: Iterable[Model]) -> dict[tuple[type[Model], int], set[int]]:
    """Who follows each of the targets (of any followable types), in one query.

    Keyed by (model, pk); targets nobody follows are missing from the result.
    """
    model_by_type: dict[int, type[Model]] = {}
    condition = Q()
    for target in targets:
        content_type = ContentType.objects.get_for_model(target)
        model_by_type[content_type.pk] = type(target)
        condition |= Q(content_type_id=content_type.pk, object_id=target.pk)
    if not model_by_type:
        return {}
    found: dict[tuple[type[Model], int], set[int]] = {}
    rows = Follow.objects.filter(condition).values_list("content_type_id", "object_id", "user_id")
    for content_type_id, object_id, user_id in rows:
        found.setdefault((model_by_type[content_type_id], object_id), set()).add(user_id)
    return found


@dataclass
class FollowedItem:
    follow: Follow
    followable: registry.Followable
    target: Model | None

    @property
    def key(self) -> str:
        return self.followable.key

    @property
    def label(self) -> str:
        return str(self.followable.label)

    @property
    def title(self) -> str:
        return str(self.target) if self.target is not None else ""

    @property
    def url(self) -> str | None:
        return self.followable.url_for(self.target) if self.target is not None else None


def follow_list_for_user(*, user) -> list[FollowedItem]:
    """What the person follows, newest first, with the things themselves.

    One query for the follows and one per followed type, however many
    follows. Things that are gone, or that the person may no longer see,
    are listed without a title, so they can still be unfollowed.
    """
    follows = list(Follow.objects.filter(user=user).select_related("content_type"))
    ids_by_type: dict[int, set[int]] = {}
    for follow in follows:
        ids_by_type.setdefault(follow.content_type_id, set()).add(follow.object_id)
    objects: dict[tuple[int, int], Model] = {}
    followables: dict[int, registry.Followable] = {}
    for content_type_id, object_ids in ids_by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        followable = registry.followable_for_model(model) if model is not None else None
        if followable is None:
            continue
        followables[content_type_id] = followable
        for obj in followable.objects().filter(pk__in=object_ids):
            if can_see_followable(user=user, target=obj):
                objects[(content_type_id, obj.pk)] = obj
    items = []
    for follow in follows:
        followable = followables.get(follow.content_type_id)
        if followable is None:
            continue
        items.append(
            FollowedItem(
                follow=follow,
                followable=followable,
                target=objects.get((follow.content_type_id, follow.object_id)),
            )
        )
    return items


def notification_page_for_user(*, user, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """A page of the person's notifications, newest first (a page past the end is the last)."""
    notifications = filter_notifications_visible_to(
        user=user,
        queryset=Notification.objects.select_related("actor__profile").order_by(
            "-created_at", "-pk"
        ),
    )
    return Paginator(notifications, per_page).get_page(page)


def notification_get_for_user(*, user, notification_id: int) -> Notification:
    """One of the person's own notifications, else Http404."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        raise Http404
    check_notification_view_permission(user=user, notification=notification)
    return notification


def unread_notification_count(*, user) -> int:
    """Unread notifications, counted up to UNREAD_COUNT_CAP + 1. One query; none if anonymous."""
    if user is None or not user.is_authenticated:
        return 0
    return (
        Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
        .order_by()
        .values("pk")[: UNREAD_COUNT_CAP + 1]
        .count()
    )


def email_frequency_for_user(*, user) -> str:
    preference = NotificationPreference.objects.filter(user_id=user.pk).first()
    return preference.email_frequency if preference else DEFAULT_EMAIL_FREQUENCY


def _when(value) -> str | None:
    return value.isoformat() if value else None


def notification_export_data(*, user) -> dict[str, Any]:
    """The person's email preference, follows and notifications, for "Download your data"."""
    return {
        "email_frequency": email_frequency_for_user(user=user),
        "follows": [
            {
                "type": item.key,
                "id": item.follow.object_id,
                "title": item.title or None,
                "url": settings.SITE_URL + item.url if item.url else None,
                "followed_at": _when(item.follow.created_at),
            }
            for item in follow_list_for_user(user=user)
        ],
        "notifications": [
            {
                "kind": notification.kind,
                "message": notification.message,
                "url": settings.SITE_URL + notification.url,
                "created_at": _when(notification.created_at),
                "read_at": _when(notification.read_at),
                "emailed_at": _when(notification.emailed_at),
            }
            for notification in Notification.objects.filter(recipient=user).order_by(
                "-created_at", "-pk"
            )
        ],
    }
