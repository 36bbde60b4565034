"""Writes for notifications: follows, notices to people, reading them, email preferences.

Every public function validates first and then makes its whole change in
one transaction (joining the caller's, when there is one). Notices never go
to the person whose action caused them, and cost the same few queries
whether a thing has one follower or ten thousand.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Model, OuterRef, Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from bigsocnorth.notifications import registry
from bigsocnorth.notifications.models import (
    DEFAULT_EMAIL_FREQUENCY,
    Announcement,
    EmailFrequency,
    Follow,
    Notification,
    NotificationPreference,
)
from bigsocnorth.notifications.permissions import check_follow_permission
from bigsocnorth.notifications.selectors import follower_ids_by_target

logger = logging.getLogger(__name__)

# Far more than anyone follows by hand; stops a script filling the table.
FOLLOWS_MAX = 500
BULK_BATCH_SIZE = 500


# --- Follows ----------------------------------------------------------------


def _follow_filter(target: Model) -> dict:
    return {
        "content_type": ContentType.objects.get_for_model(target),
        "object_id": target.pk,
    }


def check_follow_create(*, user, target: Model | None) -> None:
    """Raises ValidationError with a message the person can act on."""
    check_follow_permission(user=user, target=target)
    if Follow.objects.filter(user=user).count() >= FOLLOWS_MAX:
        raise ValidationError(
            _("You follow %(count)d things, the most allowed. Unfollow some first.")
            % {"count": FOLLOWS_MAX}
        )


def follow_create(*, user, target: Model | None) -> bool:
    """Follow `target`. Returns False when the person already followed it (nothing changes).

    Following twice is not an error, so a double-clicked button or two tabs
    end with one follow; the unique constraint settles a race.
    """
    already = (
        user is not None
        and user.is_authenticated
        and target is not None
        and target.pk is not None
        and Follow.objects.filter(user=user, **_follow_filter(target)).exists()
    )
    if already:
        return False
    check_follow_create(user=user, target=target)
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, **_follow_filter(target))
    except IntegrityError:
        return False
    return True


def follow_delete(*, user, target: Model | None) -> bool:
    """Stop following `target`. Returns whether there was a follow to remove.

    Unfollowing something that is gone, hidden or not followed is harmless:
    people must always be able to stop hearing about a thing.
    """
    if user is None or not user.is_authenticated:
        raise ValidationError(_("Log in to change what you follow."))
    if target is None or target.pk is None:
        return False
    if not registry.is_registered(type(target)):
        raise ValidationError(_("This cannot be followed."))
    with transaction.atomic():
        deleted, _rows = Follow.objects.filter(user=user, **_follow_filter(target)).delete()
    return bool(deleted)


def follows_move(*, source: Model, target: Model) -> int:
    """Move every follower of `source` to `target` (when a moderator merges two entries).

    People who already follow `target` keep their one follow; the others'
    follows are repointed. Returns how many follows were moved. Joins the
    caller's transaction. Query count does not depend on the followers.
    """
    for obj in (source, target):
        if obj is None or obj.pk is None or not registry.is_registered(type(obj)):
            raise ValueError("follows_move needs two saved objects of followable types.")
    if type(source) is not type(target):
        raise ValueError("follows_move moves follows between two objects of the same type.")
    if source.pk == target.pk:
        return 0
    source_filter = _follow_filter(source)
    target_filter = _follow_filter(target)
    with transaction.atomic():
        already = Follow.objects.filter(user=OuterRef("user"), **target_filter)
        Follow.objects.filter(**source_filter).filter(Exists(already)).delete()
        return Follow.objects.filter(**source_filter).update(object_id=target.pk)


# --- Notices ----------------------------------------------------------------


def _check_notice(*, kind: str, message: str, url: str) -> tuple[str, str, str]:
    """Programming errors, not people's: a bad kind or link is a bug in the caller."""
    kind = (kind or "").strip()
    if not kind or len(kind) > Notification.KIND_MAX:
        raise ValueError(f"A notification kind is 1 to {Notification.KIND_MAX} characters.")
    message = " ".join(str(message or "").split())
    if not message:
        raise ValueError("A notification needs a message.")
    # Messages quote names people chose (up to 200 characters): shorten, never fail.
    message = Truncator(message).chars(Notification.MESSAGE_MAX)
    url = str(url or "")
    # "//host", and "/" followed by a backslash, are other sites to a browser.
    if not url.startswith("/") or url[1:2] in {"/", "\\"} or len(url) > Notification.URL_MAX:
        raise ValueError("A notification links to a path on this site, such as /directory/x/.")
    return kind, message, url


def _user_id(value) -> int:
    return value if isinstance(value, int) else value.pk


def notify(
    *,
    recipients: Iterable,
    kind: str,
    message: str,
    url: str,
    actor=None,
    target: Model | None = None,
) -> list[Notification]:
    """Give each recipient (users or user ids) one notification; returns those made.

    The actor never hears about their own action, inactive (blocked)
    accounts hear nothing, and each person is notified once however often
    they are listed. Runs in the caller's transaction: if it rolls back, no
    notification exists and no email goes. People who chose "straight away"
    get their email from the task worker, queued only after the commit.
    Two queries (who is active, with their preference; one bulk insert)
    whatever the number of recipients.
    """
    kind, message, url = _check_notice(kind=kind, message=message, url=url)
    user_ids = {_user_id(recipient) for recipient in recipients if recipient is not None}
    if actor is not None:
        user_ids.discard(actor.pk)
    if not user_ids:
        return []
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    now = timezone.now()
    with transaction.atomic():
        people = list(
            get_user_model()
            .objects.filter(pk__in=user_ids, is_active=True)
            .order_by("pk")
            .values_list("pk", "notification_preference__email_frequency")
        )
        notifications = Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=user_id,
                    kind=kind,
                    message=message,
                    url=url,
                    actor=actor,
                    target_content_type=target_type,
                    target_object_id=target.pk if target is not None else None,
                    created_at=now,
                )
                for user_id, _frequency in people
            ],
            batch_size=BULK_BATCH_SIZE,
        )
        immediately = {
            user_id for user_id, frequency in people if frequency == EmailFrequency.IMMEDIATELY
        }
        to_email = [n.pk for n in notifications if n.recipient_id in immediately]
        if to_email:
            transaction.on_commit(lambda: _queue_immediate_emails(to_email))
    return notifications


def _queue_immediate_emails(notification_ids: list[int]) -> None:
    # Imported here: emails imports services' neighbours, and the task
    # module must stay importable by the worker on its own.
    from bigsocnorth.notifications.emails import notification_emails_send

    try:
        notification_emails_send.enqueue(notification_ids=notification_ids)
    except Exception:
        # The notifications are saved; a digest-free person would only miss
        # the email. Never fail the request that already committed.
        logger.exception("Could not queue %d notification emails", len(notification_ids))


def _targets_condition(targets: Iterable[Model]) -> Q | None:
    ids_by_type: dict[int, set[int]] = {}
    for target in targets:
        if target is None or target.pk is None:
            continue
        content_type = ContentType.objects.get_for_model(target)
        ids_by_type.setdefault(content_type.pk, set()).add(target.pk)
    if not ids_by_type:
        return None
    condition = Q()
    for content_type_id, object_ids in ids_by_type.items():
        condition |= Q(content_type_id=content_type_id, object_id__in=sorted(object_ids))
    return condition


def notify_followers(
    *,
    targets: Iterable[Model],
    kind: str,
    message: str,
    url: str,
    actor=None,
    target: Model | None = None,
    exclude: Iterable = (),
    collapse_unread: bool = False,
) -> list[Notification]:
    """Notify everyone following any of `targets`, each person once.

    `target` is what the notification is about (often one of `targets`);
    `exclude` (users or ids) are people already told in another way. With
    `collapse_unread`, people who still have an unread notification of this
    kind about `target` are not told again (ten edits, one notice). Joins
    the caller's transaction; queries do not grow with the followers.
    """
    kind, message, url = _check_notice(kind=kind, message=message, url=url)
    targets = list(targets)
    condition = _targets_condition(targets)
    if condition is None:
        return []
    followers = Follow.objects.filter(condition).values("user_id")
    excluded = {_user_id(person) for person in exclude if person is not None}
    user_ids = get_user_model().objects.filter(pk__in=followers).exclude(pk__in=excluded)
    if collapse_unread and target is not None:
        user_ids = user_ids.exclude(
            Exists(
                Notification.objects.filter(
                    recipient=OuterRef("pk"),
                    kind=kind,
                    read_at__isnull=True,
                    target_content_type=ContentType.objects.get_for_model(target),
                    target_object_id=target.pk,
                )
            )
        )
    return notify(
        recipients=list(user_ids.values_list("pk", flat=True)),
        kind=kind,
        message=message,
        url=url,
        actor=actor,
        target=target,
    )


def notify_followers_each_once(
    *,
    groups: Iterable[tuple[Model, str]],
    kind: str,
    url: str,
    actor=None,
    target: Model | None = None,
    told: set[int] | None = None,
) -> int:
    """Tell followers of each group's target its message, each person once; returns how many.

    `groups` are (followed thing, message) pairs, most specific first: a
    person following several gets the first message that applies to them.
    `told` (user ids) are left out, and is updated with everyone told. Two
    queries for the followers, then one write per message.
    """
    groups = list(groups)
    told = told if told is not None else set()
    if not groups:
        return 0
    followers = follower_ids_by_target(targets=[followed for followed, _message in groups])
    count = 0
    for followed, message in groups:
        recipients = followers.get((type(followed), followed.pk), set()) - told
        if not recipients:
            continue
        count += len(
            notify(
                recipients=recipients,
                kind=kind,
                message=message,
                url=url,
                actor=actor,
                target=target,
            )
        )
        told |= recipients
    return count


def notify_gathered(
    *, recipient, kind: str, message: str, url: str, actor=None, target: Model
) -> Notification | None:
    """One notice per thing while it is unread: likes of a post gather into one.

    If the recipient has an unread notice of this kind about `target`, its
    message is replaced (the caller writes it for the new total: "Ann and 3
    others liked…") and it moves to the top, without a second email;
    otherwise a new one is made. Returns the notice, or None when nobody is told.
    """
    kind, message, url = _check_notice(kind=kind, message=message, url=url)
    recipient_id = _user_id(recipient)
    if actor is not None and actor.pk == recipient_id:
        return None
    with transaction.atomic():
        existing = (
            Notification.objects.select_for_update()
            .filter(
                recipient_id=recipient_id,
                kind=kind,
                read_at__isnull=True,
                target_content_type=ContentType.objects.get_for_model(target),
                target_object_id=target.pk,
            )
            .order_by("-created_at")
            .first()
        )
        if existing is None:
            made = notify(
                recipients=[recipient_id],
                kind=kind,
                message=message,
                url=url,
                actor=actor,
                target=target,
            )
            return made[0] if made else None
        existing.message = message
        existing.actor = actor
        existing.created_at = timezone.now()
        existing.save(update_fields=["message", "actor", "created_at"])
        return existing


def announcement_claim(*, key: str, target: Model) -> bool:
    """True the first time `key` is claimed for `target`, ever; False after that.

    For notices that must go at most once ("a new entry in Kirklees"). Runs
    in a savepoint of the caller's transaction, so a rollback un-claims.
    """
    if not key or len(key) > Announcement.KEY_MAX:
        raise ValueError(f"An announcement key is 1 to {Announcement.KEY_MAX} characters.")
    try:
        with transaction.atomic():
            Announcement.objects.create(key=key, **_follow_filter(target))
    except IntegrityError:
        return False
    return True


# --- Reading ----------------------------------------------------------------


def notification_mark_read(*, user, notification: Notification) -> bool:
    """Mark one of the person's own notifications read. Returns whether it was unread."""
    if notification.recipient_id != user.pk:
        raise ValueError("Only the recipient can mark a notification read.")
    if notification.read_at is not None:
        return False
    now = timezone.now()
    updated = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=now
    )
    notification.read_at = now
    return bool(updated)


def notifications_mark_all_read(*, user, now: datetime | None = None) -> int:
    """Mark all the person's notifications read; returns how many were unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


# --- Email preference -------------------------------------------------------


def check_email_frequency(*, email_frequency: str) -> str:
    if email_frequency not in EmailFrequency.values:
        raise ValidationError(
            {"email_frequency": _("Choose how often you would like emails from the list.")}
        )
    return email_frequency


def notification_preference_update(*, user, email_frequency: str) -> bool:
    """Set how often the person gets notifications by email. Returns whether it changed."""
    check_email_frequency(email_frequency=email_frequency)
    with transaction.atomic():
        preference, created = NotificationPreference.objects.select_for_update().get_or_create(
            user=user, defaults={"email_frequency": email_frequency}
        )
        if created:
            return email_frequency != DEFAULT_EMAIL_FREQUENCY
        if preference.email_frequency == email_frequency:
            return False
        preference.email_frequency = email_frequency
        preference.save(update_fields=["email_frequency", "updated_at"])
    logger.info("User %s now gets notification emails: %s", user.pk, email_frequency)
    return True


def email_unsubscribe(*, user) -> bool:
    """Stop all notification emails for the person (the unsubscribe link). Idempotent."""
    return notification_preference_update(user=user, email_frequency=EmailFrequency.NEVER)
