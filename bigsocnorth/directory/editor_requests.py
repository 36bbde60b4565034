"""Asking to become an editor of an entry ("this is our group"), and answering.

A request is validated first (`check_editor_request_create`), then written
with its notice in one transaction. The entry's editors or a moderator
approve or decline; approving makes the requester an editor.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bigsocnorth.core.text import without_control_characters
from bigsocnorth.directory import notices
from bigsocnorth.directory.models import EditorRequest, Entry, RequestStatus
from bigsocnorth.directory.permissions import (
    check_editor_request_decide_permission,
    is_entry_editor,
)
from bigsocnorth.moderation.models import Status


def check_editor_request_create(*, entry: Entry | None, requester, message: str) -> str:
    """The tidied message, or ValidationError saying why the request cannot be made."""
    if requester is None or not requester.is_authenticated or not requester.is_active:
        raise ValidationError(_("Log in to ask to become an editor."))
    if entry is None or entry.status != Status.PUBLISHED or entry.merged_into_id is not None:
        raise ValidationError(_("There is no published entry to ask about here."))
    if is_entry_editor(user=requester, entry=entry):
        raise ValidationError(_("You are already an editor of this entry."))
    if EditorRequest.objects.filter(
        entry=entry, requester=requester, status=RequestStatus.PENDING
    ).exists():
        raise ValidationError(
            _("You have already asked. The entry's editors or a moderator will answer soon.")
        )
    message = without_control_characters(message or "", keep_newlines=True).strip()
    if len(message) > EditorRequest.MESSAGE_MAX:
        raise ValidationError(
            _("The message can be at most %(max)s characters; this one has %(count)s.")
            % {"max": f"{EditorRequest.MESSAGE_MAX:,}", "count": f"{len(message):,}"}
        )
    return message


def editor_request_create(*, entry: Entry | None, requester, message: str = "") -> EditorRequest:
    """Ask to become an editor; the entry's editors hear about it. One transaction."""
    message = check_editor_request_create(entry=entry, requester=requester, message=message)
    try:
        with transaction.atomic():
            request = EditorRequest.objects.create(
                entry=entry, requester=requester, message=message
            )
            notices.editor_request_notify(request=request)
    except IntegrityError:
        # The same request sent twice at once: the constraint keeps one.
        raise ValidationError(
            _("You have already asked. The entry's editors or a moderator will answer soon.")
        ) from None
    return request


def _decide(*, actor, request: EditorRequest, status: str) -> bool:
    check_editor_request_decide_permission(user=actor, entry=request.entry)
    with transaction.atomic():
        # Locked and re-read, so two editors answering at once decide once.
        locked = EditorRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != RequestStatus.PENDING:
            return False
        locked.status = status
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        if status == RequestStatus.APPROVED:
            locked.entry.editors.add(locked.requester)
        notices.editor_request_decided_notify(request=locked)
    request.refresh_from_db()
    return True


def editor_request_approve(*, actor, request: EditorRequest) -> bool:
    """Make the requester an editor. False if it was already answered."""
    return _decide(actor=actor, request=request, status=RequestStatus.APPROVED)


def editor_request_decline(*, actor, request: EditorRequest) -> bool:
    """Say no. False if it was already answered."""
    return _decide(actor=actor, request=request, status=RequestStatus.DECLINED)
