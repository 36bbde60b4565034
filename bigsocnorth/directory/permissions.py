"""Who may change directory entries and act for them. Who may see them is moderation's
filter_visible_to; everything else about entries is decided here.

Each condition is on its own line so tests can cover every branch.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from bigsocnorth.moderation.permissions import is_public


def _is_active_member(user) -> bool:
    if user is None:
        return False
    if not user.is_authenticated:
        return False
    return user.is_active


def is_entry_editor(*, user, entry) -> bool:
    if not _is_active_member(user):
        return False
    # An entry page asks several times; its selector prefetches the editors.
    prefetched = getattr(entry, "_prefetched_objects_cache", {}).get("editors")
    if prefetched is not None:
        return any(editor.pk == user.pk for editor in prefetched)
    return entry.editors.filter(pk=user.pk).exists()


def can_edit_entry(*, user, entry) -> bool:
    if not _is_active_member(user):
        return False
    if entry.merged_into_id is not None:
        return False
    if user.is_moderator:
        return True
    return is_entry_editor(user=user, entry=entry)


def check_entry_edit_permission(*, user, entry) -> None:
    """Editors of the entry and moderators may change it."""
    if not can_edit_entry(user=user, entry=entry):
        raise PermissionDenied(_("Only the entry's editors and moderators can change it."))


def can_see_private_contact(*, user, entry) -> bool:
    """The private contact is for the moderators; the editors who wrote it see it too."""
    return can_edit_entry(user=user, entry=entry)


def can_ask_to_edit(*, user, entry) -> bool:
    """Signed-in people who are not yet editors may ask, for a published entry."""
    if not _is_active_member(user):
        return False
    if not is_public(entry):
        return False
    return not is_entry_editor(user=user, entry=entry)


def check_editor_request_decide_permission(*, user, entry) -> None:
    """The entry's editors and moderators answer requests to become an editor."""
    if not can_edit_entry(user=user, entry=entry):
        raise PermissionDenied(
            _("Only the entry's editors and moderators can answer requests to edit it.")
        )


def check_entry_merge_permission(*, user) -> None:
    if not _is_active_member(user):
        raise PermissionDenied(_("Log in as a moderator to merge entries."))
    if not user.is_moderator:
        raise PermissionDenied(_("Only moderators can merge entries."))


# --- Network memberships (directory.networks.services) -----------------------
# The network's side (its editors) decides who is a member; the member's side
# (its editors) may ask to join, change what is said about it, and leave.


def can_manage_network_members(*, user, network) -> bool:
    """The network's editors and moderators add, approve and decline members."""
    return can_edit_entry(user=user, entry=network)


def check_network_member_add_permission(*, user, network) -> None:
    if not can_manage_network_members(user=user, network=network):
        raise PermissionDenied(_("Only the network's editors and moderators can add members."))


def check_network_join_permission(*, user, member) -> None:
    """Asking to join a network is done for an entry by its editors (or a moderator)."""
    if not can_edit_entry(user=user, entry=member):
        raise PermissionDenied(
            _("Only the entry's editors and moderators can ask for it to join a network.")
        )


def check_membership_decide_permission(*, user, membership) -> None:
    if not can_manage_network_members(user=user, network=membership.network):
        raise PermissionDenied(
            _("Only the network's editors and moderators can answer a request to join it.")
        )


def can_change_membership(*, user, membership) -> bool:
    """Editors of either side, and moderators, may change a role or date."""
    if can_edit_entry(user=user, entry=membership.network):
        return True
    return can_edit_entry(user=user, entry=membership.member)


def check_membership_change_permission(*, user, membership) -> None:
    if not can_change_membership(user=user, membership=membership):
        raise PermissionDenied(
            _(
                "Only the editors of the network or of the member, and moderators, "
                "can change this membership."
            )
        )


def check_membership_end_permission(*, user, membership) -> None:
    """Either side may end a membership or withdraw a request.

    A declined request stays on record so that it cannot simply be asked
    again; only the network's side may remove it.
    """
    if can_manage_network_members(user=user, network=membership.network):
        return
    if membership.status == "declined":
        raise PermissionDenied(
            _("Only the network's editors and moderators can remove a declined request.")
        )
    if can_edit_entry(user=user, entry=membership.member):
        return
    raise PermissionDenied(
        _(
            "Only the editors of the network or of the member, and moderators, "
            "can end this membership."
        )
    )


# --- Open data: importing entries from a CSV file (directory.opendata.csv_import)


def check_entry_import_permission(*, user) -> None:
    """Adding entries in bulk, published at once, is for moderators."""
    if not _is_active_member(user):
        raise PermissionDenied(_("Log in as a moderator to import entries."))
    if not user.is_moderator:
        raise PermissionDenied(_("Only moderators can import entries into the directory."))
