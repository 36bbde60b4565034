"""Network sections of an entry's page, so the entry view needs no network code.

`{% network_members_section entry %}` lists a network's members (and, for
its editors, the requests waiting for an answer); `{% entry_networks_section
entry %}` lists the networks an entry belongs to. Each costs a fixed number
of queries.
"""

from __future__ import annotations

from django import template

from bigsocnorth.directory.networks import selectors
from bigsocnorth.directory.permissions import can_edit_entry, can_manage_network_members

register = template.Library()


def _shared(context) -> dict:
    # Inclusion templates get a fresh context: pass on what their forms need.
    request = context.get("request")
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "here": request.get_full_path() if request is not None else "",
    }


@register.inclusion_tag("directory/network_sections/_members.html", takes_context=True)
def network_members_section(context, entry):
    if not entry.kind.is_network:
        return {"show": False}
    user = getattr(context.get("request"), "user", None)
    can_manage = can_manage_network_members(user=user, network=entry)
    return {
        **_shared(context),
        "show": True,
        "network": entry,
        "memberships": selectors.network_members(user=user, network=entry),
        "can_manage": can_manage,
        "waiting": selectors.network_requests_waiting(network=entry) if can_manage else [],
    }


@register.inclusion_tag("directory/network_sections/_networks.html", takes_context=True)
def entry_networks_section(context, entry):
    user = getattr(context.get("request"), "user", None)
    can_edit = can_edit_entry(user=user, entry=entry)
    memberships = selectors.entry_networks(user=user, entry=entry)
    return {
        **_shared(context),
        "show": bool(memberships) or can_edit,
        "entry": entry,
        "memberships": memberships,
        "can_edit": can_edit,
        "requests": selectors.entry_requests_open(member=entry) if can_edit else [],
    }
