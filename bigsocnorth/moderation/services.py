"""Writes for moderation: initial status, flags, queue actions; each logged in the audit log.

Every public function validates first and then makes its whole change in
one transaction, audit row included.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from bigsocnorth.moderation import lifecycle, registry
from bigsocnorth.moderation.models import (
    HIDDEN_BY_FLAGS,
    AuditLog,
    Flag,
    FlagReason,
    Status,
)
from bigsocnorth.moderation.permissions import (
    check_block_permission,
    check_moderate_permission,
    is_visible_to,
)


class Action:
    APPROVE = "approve"
    HIDE = "hide"
    RESTORE = "restore"
    DISMISS_FLAGS = "dismiss_flags"
    BLOCK_AUTHOR = "block_author"
    AUTO_HIDE = "auto_hide"


# A moderator's reason is shown to the author: a sentence or a short paragraph.
REASON_MAX = 1000


def _check_reason_length(reason: str) -> None:
    if len(reason) > REASON_MAX:
        raise ValidationError(
            _("Keep the reason to %(max)d characters or fewer.") % {"max": REASON_MAX}
        )


def audit_log_write(
    *, actor, action: str, obj: Model, reason: str = "", details: dict | None = None
) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=registry.title_for(obj)[:300],
        reason=reason,
        details=details or {},
    )


def _open_flags(obj: Model):
    return Flag.objects.filter(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        resolved_at__isnull=True,
    )


def _resolve_flags(obj: Model, *, resolution: str) -> int:
    return _open_flags(obj).update(resolved_at=timezone.now(), resolution=resolution)


def check_flag_create(*, flagger, content: Model | None, reason: str, note: str) -> None:
    """Raises ValidationError with a message the person can act on."""
    if flagger is None or not flagger.is_authenticated:
        raise ValidationError(_("Log in to flag something."))
    if content is None or not is_visible_to(user=flagger, obj=content):
        raise ValidationError(_("There is nothing to flag here: it may have been removed."))
    if not registry.is_registered(type(content)):
        raise ValidationError(_("This kind of thing cannot be flagged."))
    if content.author_id == flagger.pk:
        raise ValidationError(_("This is your own contribution. Edit it instead of flagging it."))
    if reason not in FlagReason.values:
        raise ValidationError(_("Choose one of the reasons listed."))
    if len(note) > Flag.NOTE_MAX:
        raise ValidationError(
            _("The note can be at most %(max)d characters.") % {"max": Flag.NOTE_MAX}
        )
    if _open_flags(content).filter(flagger=flagger).exists():
        raise ValidationError(_("You have already flagged this. A moderator will look at it soon."))


def flag_create(*, flagger, content: Model | None, reason: str, note: str = "") -> Flag:
    """Record a flag; hide the content once FLAG_HIDE_THRESHOLD different people flag it.

    Runs in one transaction: the flag, the automatic hide and its audit row.
    """
    note = (note or "").strip()
    check_flag_create(flagger=flagger, content=content, reason=reason, note=note)
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                content_type=ContentType.objects.get_for_model(content),
                object_id=content.pk,
                flagger=flagger,
                reason=reason,
                note=note,
            )
            flaggers = _open_flags(content).values("flagger_id").distinct().count()
            if flaggers >= settings.FLAG_HIDE_THRESHOLD and content.status != Status.HIDDEN:
                lifecycle.hide(content, reason=HIDDEN_BY_FLAGS)
                audit_log_write(
                    actor=None,
                    action=Action.AUTO_HIDE,
                    obj=content,
                    reason=HIDDEN_BY_FLAGS,
                    details={"open_flags_from": flaggers},
                )
    except IntegrityError:
        # Two submissions of the same flag at once: the constraint keeps one.
        raise ValidationError(
            _("You have already flagged this. A moderator will look at it soon.")
        ) from None
    return flag


def content_approve(*, actor, content: Model) -> None:
    """Publish content that was waiting for review."""
    check_moderate_permission(user=actor)
    with transaction.atomic():
        lifecycle.publish(content)
        _resolve_flags(content, resolution=Action.APPROVE)
        audit_log_write(actor=actor, action=Action.APPROVE, obj=content)


def content_hide(*, actor, content: Model, reason: str) -> None:
    """Hide content from everyone but its author and moderators; a reason is required."""
    check_moderate_permission(user=actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why you are hiding this; the author will see it."))
    _check_reason_length(reason)
    with transaction.atomic():
        lifecycle.hide(content, reason=reason)
        resolved = _resolve_flags(content, resolution=Action.HIDE)
        audit_log_write(
            actor=actor,
            action=Action.HIDE,
            obj=content,
            reason=reason,
            details={"flags_resolved": resolved},
        )


def content_restore(*, actor, content: Model) -> None:
    """Publish hidden content again and close its flags."""
    check_moderate_permission(user=actor)
    with transaction.atomic():
        lifecycle.restore(content)
        resolved = _resolve_flags(content, resolution=Action.RESTORE)
        audit_log_write(
            actor=actor, action=Action.RESTORE, obj=content, details={"flags_resolved": resolved}
        )


def content_hide_undo(*, actor, content: Model, previous_status: str, hidden_at) -> int:
    """Put back content a moderator has just hidden: published again or back in review.

    The flags that hide closed (those closed as hidden since `hidden_at`) are
    open again, so the content is back in the queue as it was. One
    transaction, with a restore row in the audit log. Returns how many flags
    were opened again.
    """
    check_moderate_permission(user=actor)
    if content.status != Status.HIDDEN:
        raise ValidationError(_("It is not hidden any more: there is nothing to undo."))
    if previous_status not in (Status.PUBLISHED, Status.IN_REVIEW):
        raise ValidationError(_("This cannot be undone here."))
    with transaction.atomic():
        lifecycle.status_set(content, previous_status)
        reopened = Flag.objects.filter(
            content_type=ContentType.objects.get_for_model(content),
            object_id=content.pk,
            resolution=Action.HIDE,
            resolved_at__gte=hidden_at,
        ).update(resolved_at=None, resolution="")
        audit_log_write(
            actor=actor,
            action=Action.RESTORE,
            obj=content,
            details={"undo": Action.HIDE, "to": previous_status, "flags_reopened": reopened},
        )
    return reopened


def flags_dismiss(*, actor, content: Model) -> int:
    """Close the open flags on content and leave it as it is. Returns how many."""
    check_moderate_permission(user=actor)
    with transaction.atomic():
        resolved = _resolve_flags(content, resolution=Action.DISMISS_FLAGS)
        audit_log_write(
            actor=actor,
            action=Action.DISMISS_FLAGS,
            obj=content,
            details={"flags_resolved": resolved},
        )
    return resolved


def check_author_block(*, actor, content: Model) -> None:
    """PermissionDenied or ValidationError, with a message, when the author cannot be blocked."""
    author = content.author
    check_block_permission(actor=actor, user=author)
    if not author.is_active:
        raise ValidationError(_("This author is blocked already."))


def author_block(*, actor, content: Model, reason: str = "") -> int:
    """Deactivate the author of content and hide everything of theirs waiting for review.

    Returns how many contributions were hidden. One audit row for the block,
    and one per contribution hidden.
    """
    check_author_block(actor=actor, content=content)
    author = content.author
    reason = (reason or "").strip() or _("Author blocked")
    _check_reason_length(reason)
    hidden = 0
    with transaction.atomic():
        author.is_active = False
        author.save(update_fields=["is_active"])
        audit_log_write(
            actor=actor,
            action=Action.BLOCK_AUTHOR,
            obj=author,
            reason=reason,
            details={"from": f"{type(content).__name__}:{content.pk}"},
        )
        for registered in registry.registered_types():
            waiting = registered.model.objects.filter(author=author, status=Status.IN_REVIEW)
            for obj in waiting:
                lifecycle.hide(obj, reason=reason)
                audit_log_write(actor=actor, action=Action.HIDE, obj=obj, reason=reason)
                hidden += 1
    return hidden
