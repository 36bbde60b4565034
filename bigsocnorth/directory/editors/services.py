"""Writes for editors of entries: asking to become an editor and answering, and merging.

Asking to become an editor ("this is our group"): a request is validated
first (`check_editor_request_create`), then written with its notice in one
transaction. The entry's editors or a moderator approve or decline;
approving makes the requester an editor.

Merging two entries that are the same group (moderators only): one lives
on, the other's address redirects. Memberships, editors, pending editor
requests, identifiers and followers move to the entry that stays; the
merged one is archived with `merged_into` set, so its old address leads to
the one that stays. Earlier merges into the merged entry are pointed at the
one that stays, so a redirect is always one step.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bigsocnorth.core.text import without_control_characters
from bigsocnorth.directory import notices
from bigsocnorth.directory.models import (
    EditorRequest,
    Entry,
    EntryIdentifier,
    Membership,
    RequestStatus,
)
from bigsocnorth.directory.permissions import (
    check_editor_request_decide_permission,
    check_entry_merge_permission,
    is_entry_editor,
)
from bigsocnorth.moderation import lifecycle
from bigsocnorth.moderation.changes import content_changed
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.moderation.services import audit_log_write
from bigsocnorth.notifications.services import follows_move

# --- Asking to become an editor, and answering -------------------------------------


def check_editor_request_create(*, entry: Entry | None, requester, message: str) -> str:
    """The tidied message, or ValidationError saying why the request cannot be made."""
    if requester is None or not requester.is_authenticated or not requester.is_active:
        raise ValidationError(_("Log in to ask to become an editor."))
    if not is_public(entry) or entry.merged_into_id is not None:
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


# --- Merging two entries ------------------------------------------------------------

MERGE_ACTION = "merge"


def check_entry_merge(*, actor, source: Entry | None, target: Entry | None) -> None:
    check_entry_merge_permission(user=actor)
    if source is None or target is None:
        raise ValidationError(_("Choose both entries to merge."))
    if source.pk == target.pk:
        raise ValidationError(_("An entry cannot be merged into itself."))
    if source.merged_into_id is not None:
        raise ValidationError(_("“%(name)s” was already merged.") % {"name": source.name})
    if target.merged_into_id is not None:
        raise ValidationError(
            _("“%(name)s” was itself merged into another entry; merge into that one.")
            % {"name": target.name}
        )


def _move_memberships(source: Entry, target: Entry) -> int:
    moved = 0
    for membership in Membership.objects.filter(Q(member=source) | Q(network=source)):
        network = target if membership.network_id == source.pk else membership.network
        member = target if membership.member_id == source.pk else membership.member
        duplicate = Membership.objects.filter(network=network, member=member).exists()
        if network.pk == member.pk or duplicate:
            membership.delete()
            continue
        membership.network, membership.member = network, member
        membership.save(update_fields=["network", "member"])
        moved += 1
    return moved


def _move_editor_requests(source: Entry, target: Entry) -> None:
    editors = set(target.editors.values_list("pk", flat=True))
    for request in EditorRequest.objects.filter(entry=source, status=RequestStatus.PENDING):
        already_asked = EditorRequest.objects.filter(
            entry=target, requester_id=request.requester_id, status=RequestStatus.PENDING
        ).exists()
        if request.requester_id in editors or already_asked:
            request.delete()
        else:
            request.entry = target
            request.save(update_fields=["entry"])


def _move_identifiers(source: Entry, target: Entry) -> None:
    have = set(target.identifiers.values_list("scheme", "value"))
    for identifier in EntryIdentifier.objects.filter(entry=source):
        if (identifier.scheme, identifier.value) in have:
            identifier.delete()
        else:
            identifier.entry = target
            identifier.save(update_fields=["entry"])


def entry_merge(*, actor, source: Entry, target: Entry, reason: str = "") -> Entry:
    """Merge `source` into `target` (moderators only). One transaction, audit row included."""
    check_entry_merge(actor=actor, source=source, target=target)
    with transaction.atomic():
        source = Entry.objects.select_for_update().get(pk=source.pk)
        target = Entry.objects.select_for_update().get(pk=target.pk)
        check_entry_merge(actor=actor, source=source, target=target)
        memberships = _move_memberships(source, target)
        target.editors.add(*source.editors.all())
        _move_editor_requests(source, target)
        _move_identifiers(source, target)
        followers = follows_move(source=source, target=target)
        Entry.objects.filter(merged_into=source).update(merged_into=target)
        source.merged_into = target
        source.save(update_fields=["merged_into", "updated_at"])
        # Archived: its old address leads to the entry that stays (a 301).
        lifecycle.archive(source)
        content_changed(target, previous_status=target.status)
        audit_log_write(
            actor=actor,
            action=MERGE_ACTION,
            obj=source,
            reason=(reason or "").strip()[:1000],
            details={
                "into": target.pk,
                "into_name": target.name,
                "memberships_moved": memberships,
                "followers_moved": followers,
            },
        )
    return target
