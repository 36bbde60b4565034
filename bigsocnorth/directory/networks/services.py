"""Writes for network memberships: adding members, asking to join, answering, changing, ending.

Every service checks permission, then validates everything (raising
ValidationError with a message per field: "network", "member", "role",
"since"), and only then writes, in one transaction.

Decisions worth knowing:

- A network may be a member of another network. Cycles (A in B, B in A,
  or longer) are allowed: a membership is a fact each side states, the
  graph is drawn as a graph (not a tree), and nothing walks it
  recursively. Only direct self-membership is refused (the database
  refuses it too).
- Both entries must be visible to the person acting (published, their own,
  or any for a moderator) and neither may be hidden or archived. A
  membership of an entry that is not published yet is kept but never shown
  publicly: the selectors show published entries and approved memberships
  only.
- A declined request stays on record, so the member's side cannot simply
  ask again; the network's side may still add the entry, or remove the
  declined request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bigsocnorth.core.text import without_control_characters
from bigsocnorth.directory.models import Entry, Membership, RequestStatus
from bigsocnorth.directory.permissions import (
    check_membership_change_permission,
    check_membership_decide_permission,
    check_membership_end_permission,
    check_network_join_permission,
    check_network_member_add_permission,
)
from bigsocnorth.moderation.models import Status
from bigsocnorth.moderation.permissions import is_visible_to

# Earlier dates are almost certainly typing mistakes (a year of 202 or 1019).
SINCE_EARLIEST = date(1800, 1, 1)
_NOT_JOINABLE = (Status.HIDDEN, Status.ARCHIVED)


@dataclass(frozen=True)
class MembershipFields:
    role: str
    since: date | None


def check_membership_fields(*, role: str = "", since: date | None = None) -> MembershipFields:
    """Validate and tidy a role and a since-date; ValidationError per field. Makes no write."""
    errors: dict[str, str] = {}
    role = " ".join(without_control_characters(role or "", keep_newlines=False).split())
    if len(role) > Membership.ROLE_MAX:
        errors["role"] = _(
            "The role can be at most %(max)d characters; this one has %(count)d."
        ) % {"max": Membership.ROLE_MAX, "count": len(role)}
    elif "<" in role or ">" in role:
        # A role is a few plain words; markup there is a mistake or an attack.
        errors["role"] = _("Write the role as plain words, without < or >.")
    if isinstance(since, datetime):
        since = since.date()
    if since is not None:
        if not isinstance(since, date):
            errors["since"] = _("Give the date as year, month and day, like 2019-05-01.")
        elif since > timezone.localdate():
            errors["since"] = _("The date cannot be in the future.")
        elif since < SINCE_EARLIEST:
            errors["since"] = _("Give a date from the year %(year)d onwards.") % {
                "year": SINCE_EARLIEST.year
            }
    if errors:
        raise ValidationError(errors)
    return MembershipFields(role=role, since=since)


def _check_entry_can_take_part(
    *, actor, entry: Entry, field: str, errors: dict, require_visible: bool = True
) -> None:
    if require_visible and not is_visible_to(user=actor, obj=entry):
        # Said as if it did not exist: its existence must not leak.
        errors[field] = _("There is no such entry in the directory that you can choose.")
    elif entry.status in _NOT_JOINABLE:
        errors[field] = _(
            "“%(name)s” is hidden or archived, so it cannot take part in networks now."
        ) % {"name": entry.name}


def check_membership_entries(
    *, actor, network: Entry, member: Entry, require_visible: bool = True
) -> None:
    """The pair may form a membership: a network kind, two different visible entries.

    `require_visible=False` when answering a request: the member's side chose
    to show its entry to the network's editors, even before it is published.
    """
    errors: dict[str, str] = {}
    for field, entry in (("network", network), ("member", member)):
        _check_entry_can_take_part(
            actor=actor, entry=entry, field=field, errors=errors, require_visible=require_visible
        )
    if "network" not in errors and not network.kind.is_network:
        errors["network"] = _(
            "“%(name)s” is listed as “%(kind)s”, not as a network, so it cannot have members."
        ) % {"name": network.name, "kind": network.kind.name}
    if "member" not in errors and network.pk == member.pk:
        errors["member"] = _("A network cannot be a member of itself.")
    if errors:
        raise ValidationError(errors)


def _existing(*, network: Entry, member: Entry) -> Membership | None:
    return Membership.objects.filter(network=network, member=member).first()


def _duplicate_error(membership: Membership) -> ValidationError:
    names = {"member": membership.member.name, "network": membership.network.name}
    if membership.status == RequestStatus.APPROVED:
        message = _("“%(member)s” is already a member of “%(network)s”.") % names
    elif membership.status == RequestStatus.PENDING:
        message = (
            _(
                "“%(member)s” has already asked to join “%(network)s”; the request is "
                "waiting for the network's editors."
            )
            % names
        )
    else:
        message = (
            _(
                "“%(network)s” declined “%(member)s”'s request to join. Get in touch with "
                "the network if things have changed."
            )
            % names
        )
    return ValidationError({"member": message})


def _save_new(membership: Membership) -> Membership:
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:
        # Someone else recorded the same pair a moment ago.
        existing = _existing(network=membership.network, member=membership.member)
        if existing is None:
            raise
        raise _duplicate_error(existing) from error
    return membership


def membership_add(
    *, actor, network: Entry, member: Entry, role: str = "", since: date | None = None
) -> Membership:
    """The network's side records `member` as a member, approved at once.

    The network's editors and moderators only (PermissionDenied otherwise).
    A waiting request from the same entry is approved with this role and
    date; a declined one is overturned. ValidationError before any write.
    """
    check_network_member_add_permission(user=actor, network=network)
    check_membership_entries(actor=actor, network=network, member=member)
    fields = check_membership_fields(role=role, since=since)
    now = timezone.now()
    with transaction.atomic():
        existing = (
            Membership.objects.select_for_update().filter(network=network, member=member).first()
        )
        if existing is not None:
            if existing.status == RequestStatus.APPROVED:
                raise _duplicate_error(existing)
            existing.status = RequestStatus.APPROVED
            existing.role = fields.role
            existing.since = fields.since
            existing.decided_at = now
            existing.save(update_fields=["status", "role", "since", "decided_at"])
            return existing
        return _save_new(
            Membership(
                network=network,
                member=member,
                role=fields.role,
                since=fields.since,
                status=RequestStatus.APPROVED,
                requested_by=actor,
                decided_at=now,
            )
        )


def membership_request(
    *, actor, network: Entry, member: Entry, role: str = "", since: date | None = None
) -> Membership:
    """The member's side asks to join `network`; pending until the network's side answers.

    The member's editors and moderators only. Refused when a membership or
    a request (waiting or declined) for the pair exists already.
    """
    check_network_join_permission(user=actor, member=member)
    check_membership_entries(actor=actor, network=network, member=member)
    fields = check_membership_fields(role=role, since=since)
    existing = _existing(network=network, member=member)
    if existing is not None:
        raise _duplicate_error(existing)
    return _save_new(
        Membership(
            network=network,
            member=member,
            role=fields.role,
            since=fields.since,
            status=RequestStatus.PENDING,
            requested_by=actor,
        )
    )


def _decide(*, actor, membership: Membership, status: str) -> Membership:
    check_membership_decide_permission(user=actor, membership=membership)
    with transaction.atomic():
        # Locked and read again: two editors answering at once must not both win.
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        if current.status != RequestStatus.PENDING:
            raise ValidationError(
                {"member": _("This request has already been answered; nothing was changed.")}
            )
        if status == RequestStatus.APPROVED:
            check_membership_entries(
                actor=actor,
                network=membership.network,
                member=membership.member,
                require_visible=False,
            )
        current.status = status
        current.decided_at = timezone.now()
        current.save(update_fields=["status", "decided_at"])
    membership.status = current.status
    membership.decided_at = current.decided_at
    return membership


def membership_approve(*, actor, membership: Membership) -> Membership:
    """The network's side accepts a waiting request. ValidationError if already answered."""
    return _decide(actor=actor, membership=membership, status=RequestStatus.APPROVED)


def membership_decline(*, actor, membership: Membership) -> Membership:
    """The network's side turns a waiting request down; it stays on record as declined."""
    return _decide(actor=actor, membership=membership, status=RequestStatus.DECLINED)


def membership_update(
    *, actor, membership: Membership, role: str = "", since: date | None = None
) -> Membership:
    """Change the role and the since-date of a membership or a waiting request.

    Editors of either side and moderators. A declined request cannot be changed.
    """
    check_membership_change_permission(user=actor, membership=membership)
    if membership.status == RequestStatus.DECLINED:
        raise ValidationError(
            {"role": _("This request was declined, so it can no longer be changed.")}
        )
    fields = check_membership_fields(role=role, since=since)
    membership.role = fields.role
    membership.since = fields.since
    with transaction.atomic():
        membership.save(update_fields=["role", "since"])
    return membership


def membership_end(*, actor, membership: Membership) -> None:
    """End a membership, withdraw a waiting request or remove a declined one: the row goes.

    Either side's editors and moderators; a declined request only by the
    network's side (see check_membership_end_permission).
    """
    check_membership_end_permission(user=actor, membership=membership)
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk).delete()
