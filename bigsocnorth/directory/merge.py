"""Merging two entries that are the same group: one lives on, the other's address redirects.

Memberships, editors, pending editor requests, identifiers and followers
move to the entry that stays; the merged one is archived with `merged_into`
set, so its old address leads to the one that stays. Earlier merges into
the merged entry are pointed at the one that stays, so a redirect is always
one step.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from bigsocnorth.directory.changes import entry_changed
from bigsocnorth.directory.models import (
    EditorRequest,
    Entry,
    EntryIdentifier,
    Membership,
    RequestStatus,
)
from bigsocnorth.directory.permissions import check_entry_merge_permission
from bigsocnorth.moderation.models import Status
from bigsocnorth.moderation.services import audit_log_write
from bigsocnorth.notifications.services import follows_move

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
        previous_status = source.status
        source.status = Status.ARCHIVED
        source.merged_into = target
        source.save(update_fields=["status", "merged_into", "updated_at"])
        entry_changed(source, previous_status=previous_status)
        entry_changed(target, previous_status=target.status)
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
