"""Reads for networks: members, an entry's networks, waiting requests, and the network graph.

Publicly only published entries and approved memberships are shown. Lists
on an entry's page follow the site's visibility rule (moderation's
filter_visible_to: your own entries show to you before they are public);
the graph, its CSV files and the graph API are the public picture only.
Every function here costs a fixed number of queries, however many entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from bigsocnorth.directory.models import Entry, Membership, RequestStatus
from bigsocnorth.directory.permissions import can_edit_entry, can_manage_network_members
from bigsocnorth.moderation.models import Status
from bigsocnorth.moderation.permissions import (
    check_view_permission,
    filter_visible_to,
    public_condition,
)

MEMBERS_PER_PAGE = 50
CANDIDATES_MAX = 20
_NOT_JOINABLE = (Status.HIDDEN, Status.ARCHIVED)
# What the graph needs of an entry; the description only for the CSV export.
_GRAPH_FIELDS = ("id", "slug", "name", "status", "kind__name", "kind__slug", "kind__is_network")
_DETAIL_FIELDS = ("description", "tags", "website")


def _visible_entries(*, user) -> QuerySet[Entry]:
    return filter_visible_to(user=user, queryset=Entry.objects.all())


def _public_memberships() -> QuerySet[Membership]:
    """Approved memberships between published entries, of entries whose kind has members."""
    return Membership.objects.filter(
        public_condition(through="network__"),
        public_condition(through="member__"),
        status=RequestStatus.APPROVED,
        network__kind__is_network=True,
    )


def entry_get_for_network_action(*, user, slug: str) -> Entry:
    """The entry (with its kind) if the person may see it, else Http404."""
    entry = Entry.objects.select_related("kind").filter(slug=slug[:220]).first()
    if entry is None:
        raise Http404
    check_view_permission(user=user, obj=entry)
    return entry


def membership_get(*, network: Entry, pk: int) -> Membership:
    """A membership or request of `network` by id, with both entries, else Http404."""
    membership = (
        Membership.objects.select_related("network__kind", "member__kind")
        .filter(network=network, pk=pk)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def _members_queryset(*, user, network: Entry) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(
            network=network,
            status=RequestStatus.APPROVED,
            member__in=_visible_entries(user=user),
        )
        .select_related("member__kind")
        .order_by("member__name", "member__pk")
    )


def network_members(*, user, network: Entry) -> list[Membership]:
    """Approved memberships of `network` whose member the person may see, by member name."""
    if not network.kind.is_network:
        return []
    return list(_members_queryset(user=user, network=network))


def network_member_page(
    *, user, network: Entry, page: int = 1, per_page: int = MEMBERS_PER_PAGE
) -> Page:
    """The same as network_members, a page at a time (a page past the end is the last)."""
    return Paginator(_members_queryset(user=user, network=network), per_page).get_page(page)


def entry_networks(*, user, entry: Entry) -> list[Membership]:
    """Approved memberships of `entry` in networks the person may see, by network name.

    Two queries, each from an index: the entry's few memberships, then which
    of their networks the person may see. As one query with the visible
    entries as a subquery, the database listed every published entry first
    (34 ms with 100,000 of them).
    """
    memberships = list(
        Membership.objects.filter(
            member=entry, status=RequestStatus.APPROVED, network__kind__is_network=True
        )
        .select_related("network__kind")
        .order_by("network__name", "network__pk")
    )
    if not memberships:
        return []
    visible = set(
        _visible_entries(user=user)
        .filter(pk__in=[membership.network_id for membership in memberships])
        .values_list("pk", flat=True)
    )
    return [membership for membership in memberships if membership.network_id in visible]


def network_requests_waiting(*, network: Entry) -> list[Membership]:
    """Requests to join `network` waiting for an answer, oldest first (for its editors)."""
    return list(
        Membership.objects.filter(network=network, status=RequestStatus.PENDING)
        .select_related("member__kind")
        .order_by("created_at", "pk")
    )


def entry_requests_open(*, member: Entry) -> list[Membership]:
    """The entry's own requests that are waiting or were declined (for its editors)."""
    return list(
        Membership.objects.filter(
            member=member, status__in=[RequestStatus.PENDING, RequestStatus.DECLINED]
        )
        .select_related("network__kind")
        .order_by("created_at", "pk")
    )


def network_list(*, user) -> list[Entry]:
    """Networks the person may see, by name, each with `member_count` (public members)."""
    return list(
        _visible_entries(user=user)
        .filter(kind__is_network=True)
        .select_related("kind")
        .annotate(
            member_count=Count(
                "member_links",
                filter=Q(member_links__status=RequestStatus.APPROVED)
                & public_condition(through="member_links__member__"),
            )
        )
        .order_by("name", "pk")
    )


def entry_candidates_by_name(
    *, user, name: str, networks_only: bool = False, exclude: Entry | None = None
) -> list[Entry]:
    """Entries the person may see whose name contains `name`: exact matches first, at most 20.

    For choosing an entry by name in a form; hidden and archived entries
    are left out, as they cannot take part in networks.
    """
    name = " ".join((name or "").split())[: Entry.NAME_MAX]
    if not name:
        return []
    entries = (
        _visible_entries(user=user)
        .filter(name__icontains=name)
        .exclude(status__in=_NOT_JOINABLE)
        .select_related("kind")
    )
    if networks_only:
        entries = entries.filter(kind__is_network=True)
    if exclude is not None:
        entries = entries.exclude(pk=exclude.pk)
    # Exact (case-insensitive) matches first, however many names contain the
    # words; then the others by name. Two queries.
    exact = list(entries.filter(name__iexact=name).order_by("name", "pk")[:CANDIDATES_MAX])
    seen = {entry.pk for entry in exact}
    others = entries.exclude(pk__in=seen).order_by("name", "pk")[:CANDIDATES_MAX]
    return (exact + list(others))[:CANDIDATES_MAX]


def entry_choose_by_name(candidates: list[Entry], *, name: str) -> Entry | None:
    """The one entry `name` means: the only candidate, or the only exact match; else None."""
    if len(candidates) == 1:
        return candidates[0]
    key = " ".join((name or "").split()).casefold()
    exact = [entry for entry in candidates if entry.name.casefold() == key]
    return exact[0] if len(exact) == 1 else None


# --- The network graph ----------------------------------------------------------


@dataclass
class GraphNode:
    id: str  # the entry's slug: stable, unique and readable in exports
    pk: int
    name: str
    url: str
    kind: str
    kind_slug: str
    is_network: bool
    description: str = ""
    tags: list[str] = field(default_factory=list)
    website: str = ""
    member_count: int = 0
    network_count: int = 0


@dataclass
class GraphEdge:
    source: GraphNode  # the member
    target: GraphNode  # the network
    role: str
    since: date | None


@dataclass
class NetworkRow:
    network: GraphNode
    members: list[GraphEdge]


@dataclass
class Bridge:
    entry: GraphNode
    networks: list[GraphNode]


@dataclass
class GraphMeasures:
    networks: int  # entries whose kind has members
    entries: int  # every entry in the graph, networks included, once each
    links: int  # approved memberships
    bridges: int  # entries in two or more networks


@dataclass
class NetworkGraph:
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    networks: list[NetworkRow]
    bridges: list[Bridge]
    measures: GraphMeasures

    def as_data(self) -> dict:
        """Plain data for the page script and the API: ids are entry slugs."""
        return {
            "nodes": [
                {
                    "id": node.id,
                    "name": node.name,
                    "url": node.url,
                    "kind": node.kind,
                    "is_network": node.is_network,
                    "members": node.member_count,
                    "networks": node.network_count,
                }
                for node in self.nodes
            ],
            "edges": [
                {
                    "source": edge.source.id,
                    "target": edge.target.id,
                    "role": edge.role,
                    "since": edge.since.isoformat() if edge.since else None,
                }
                for edge in self.edges
            ],
            "measures": {
                "networks": self.measures.networks,
                "entries": self.measures.entries,
                "links": self.measures.links,
                "bridges": self.measures.bridges,
            },
            "bridges": [
                {
                    "id": bridge.entry.id,
                    "name": bridge.entry.name,
                    "url": bridge.entry.url,
                    "networks": [
                        {"id": network.id, "name": network.name, "url": network.url}
                        for network in bridge.networks
                    ],
                }
                for bridge in self.bridges
            ],
        }


def _node(entry: Entry, *, with_details: bool) -> GraphNode:
    node = GraphNode(
        id=entry.slug,
        pk=entry.pk,
        name=entry.name,
        url=entry.get_absolute_url(),
        kind=entry.kind.name,
        kind_slug=entry.kind.slug,
        is_network=entry.kind.is_network,
    )
    if with_details:
        node.description = entry.description
        node.tags = entry.tag_list
        node.website = entry.website
    return node


def _sort_key(node: GraphNode) -> tuple[str, int]:
    return (node.name.casefold(), node.pk)


def network_graph(*, with_details: bool = False) -> NetworkGraph:
    """Every published network and its published, approved members, with measures.

    Two queries whatever the size: the memberships with both entries, and
    the networks (so that a network without members is on the map too).
    `with_details` also loads descriptions, tags and websites (for exports).
    """
    entry_fields = _GRAPH_FIELDS + (_DETAIL_FIELDS if with_details else ())
    memberships = (
        _public_memberships()
        .select_related("network__kind", "member__kind")
        .only(
            "role",
            "since",
            *(f"network__{name}" for name in entry_fields),
            *(f"member__{name}" for name in entry_fields),
        )
        .order_by("pk")
    )
    networks = (
        filter_visible_to(user=None, queryset=Entry.objects.filter(kind__is_network=True))
        .select_related("kind")
        .only(*entry_fields)
    )
    nodes: dict[int, GraphNode] = {}

    def node_for(entry: Entry) -> GraphNode:
        if entry.pk not in nodes:
            nodes[entry.pk] = _node(entry, with_details=with_details)
        return nodes[entry.pk]

    for network in networks:
        node_for(network)
    edges: list[GraphEdge] = []
    members_of: dict[int, list[GraphEdge]] = {}
    networks_of: dict[int, list[GraphNode]] = {}
    for membership in memberships:
        edge = GraphEdge(
            source=node_for(membership.member),
            target=node_for(membership.network),
            role=membership.role,
            since=membership.since,
        )
        edges.append(edge)
        members_of.setdefault(edge.target.pk, []).append(edge)
        networks_of.setdefault(edge.source.pk, []).append(edge.target)
    for node in nodes.values():
        node.member_count = len(members_of.get(node.pk, ()))
        node.network_count = len(networks_of.get(node.pk, ()))
    ordered = sorted(nodes.values(), key=_sort_key)
    edges.sort(key=lambda edge: (_sort_key(edge.target), _sort_key(edge.source)))
    rows = [
        NetworkRow(
            network=node,
            members=sorted(members_of.get(node.pk, []), key=lambda edge: _sort_key(edge.source)),
        )
        for node in ordered
        if node.is_network
    ]
    bridges = [
        Bridge(entry=node, networks=sorted(networks_of[node.pk], key=_sort_key))
        for node in ordered
        if node.network_count >= 2
    ]
    bridges.sort(key=lambda bridge: (-len(bridge.networks), _sort_key(bridge.entry)))
    return NetworkGraph(
        nodes=ordered,
        edges=edges,
        networks=rows,
        bridges=bridges,
        measures=GraphMeasures(
            networks=len(rows),
            entries=len(ordered),
            links=len(edges),
            bridges=len(bridges),
        ),
    )


def graph_element_rows(graph: NetworkGraph, *, base_url: str) -> Iterable[list]:
    """Rows of the elements CSV (see ELEMENT_COLUMNS): one per entry in the graph."""
    for node in graph.nodes:
        yield [
            node.id,
            node.name,
            node.kind,
            _one_line(node.description),
            base_url + node.url,
            node.website,
            # Kumu and similar tools split a cell into several values at "|".
            "|".join(node.tags),
            node.member_count if node.is_network else "",
            node.network_count,
        ]


def graph_connection_rows(graph: NetworkGraph) -> Iterable[list]:
    """Rows of the connections CSV (see CONNECTION_COLUMNS): one per membership."""
    for edge in graph.edges:
        yield [edge.source.id, edge.target.id, "Member of", "directed", edge.role, edge.since]


# Shaped for network-mapping tools (Kumu and the like): an "ID" first column,
# which connections' From and To refer to, so entries with the same name stay
# apart; "Label" is what is shown.
ELEMENT_COLUMNS = [
    "ID",
    "Label",
    "Type",
    "Description",
    "URL",
    "Website",
    "Tags",
    "Members",
    "Networks",
]
CONNECTION_COLUMNS = ["From", "To", "Type", "Direction", "Role", "Since"]
_DESCRIPTION_MAX = 500


def _one_line(text: str) -> str:
    text = " ".join((text or "").split())
    if len(text) > _DESCRIPTION_MAX:
        text = text[: _DESCRIPTION_MAX - 1].rstrip() + "…"
    return text


# --- The two network parts of an entry's page ----------------------------------------


def network_members_section(*, user, entry: Entry) -> dict | None:
    """A network's members, and for its editors the requests waiting; None if not a network.

    A fixed number of queries whatever the number of members.
    """
    if not entry.kind.is_network:
        return None
    can_manage = can_manage_network_members(user=user, network=entry)
    return {
        "network": entry,
        "memberships": network_members(user=user, network=entry),
        "can_manage": can_manage,
        "waiting": network_requests_waiting(network=entry) if can_manage else [],
    }


def entry_networks_section(*, user, entry: Entry) -> dict | None:
    """The networks an entry belongs to, and for its editors their requests to join.

    None when there is nothing to show (in no network, and not theirs to change).
    """
    can_edit = can_edit_entry(user=user, entry=entry)
    memberships = entry_networks(user=user, entry=entry)
    if not memberships and not can_edit:
        return None
    return {
        "entry": entry,
        "memberships": memberships,
        "can_edit": can_edit,
        "requests": entry_requests_open(member=entry) if can_edit else [],
    }
