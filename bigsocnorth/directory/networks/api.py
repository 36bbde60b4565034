"""The networks API: a network's members, and the whole network graph with its measures.

Members follow the same visibility as the network's page (published, plus
the caller's own entries); the graph is the public picture only, the same
as /directory/networks/graph/ and its CSV files.
"""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from bigsocnorth.accounts.auth import api_read_auth
from bigsocnorth.core.schemas import Message
from bigsocnorth.directory.networks import selectors

router = Router(tags=["directory networks"])


class NetworkRef(Schema):
    slug: str
    name: str
    url: str


class MemberKind(Schema):
    slug: str
    name: str


class NetworkMemberOut(Schema):
    slug: str
    name: str
    url: str
    kind: MemberKind
    is_network: bool
    role: str
    since: date | None


class NetworkMemberPage(Schema):
    network: NetworkRef
    count: int
    page: int
    pages: int
    items: list[NetworkMemberOut]


class GraphNodeOut(Schema):
    id: str
    name: str
    url: str
    kind: str
    is_network: bool
    members: int
    networks: int


class GraphEdgeOut(Schema):
    source: str
    target: str
    role: str
    since: date | None


class GraphMeasuresOut(Schema):
    networks: int
    entries: int
    links: int
    bridges: int


class BridgeNetworkOut(Schema):
    id: str
    name: str
    url: str


class BridgeOut(Schema):
    id: str
    name: str
    url: str
    networks: list[BridgeNetworkOut]


class GraphOut(Schema):
    nodes: list[GraphNodeOut]
    edges: list[GraphEdgeOut]
    measures: GraphMeasuresOut
    bridges: list[BridgeOut]


@router.get(
    "/directory/networks/{slug}/members",
    response={200: NetworkMemberPage, 404: Message},
    auth=api_read_auth,
    url_name="directory_network_members",
    summary="Members of a network",
    description=(
        "Approved members of the network, by name, with their role and the date they "
        "joined. Only public entries, plus the caller's own."
    ),
)
def network_members(
    request: HttpRequest,
    slug: str,
    page: int = Query(1, ge=1, description="Page number, from 1."),
):
    try:
        network = selectors.entry_get_for_network_action(user=request.auth, slug=slug)
    except Http404:
        raise HttpError(
            404,
            f"There is no public entry with the web address name “{slug[:220]}”. "
            "Networks are listed at /api/v1/directory/entries?kind=network.",
        ) from None
    if not network.kind.is_network:
        raise HttpError(
            404,
            f"“{network.name}” is listed as “{network.kind.name}”, not as a network, so it "
            "has no members. Networks are listed at /api/v1/directory/entries?kind=network.",
        )
    result = selectors.network_member_page(user=request.auth, network=network, page=page)
    return {
        "network": {
            "slug": network.slug,
            "name": network.name,
            "url": request.build_absolute_uri(network.get_absolute_url()),
        },
        "count": result.paginator.count,
        "page": result.number,
        "pages": result.paginator.num_pages,
        "items": [
            {
                "slug": membership.member.slug,
                "name": membership.member.name,
                "url": request.build_absolute_uri(membership.member.get_absolute_url()),
                "kind": {"slug": membership.member.kind.slug, "name": membership.member.kind.name},
                "is_network": membership.member.kind.is_network,
                "role": membership.role,
                "since": membership.since,
            }
            for membership in result.object_list
        ],
    }


@router.get(
    "/directory/graph",
    response={200: GraphOut},
    auth=api_read_auth,
    url_name="directory_network_graph",
    summary="The network graph",
    description=(
        "Every public network and its public, approved members. Node ids are entry slugs; "
        "each edge goes from the member (source) to the network (target). Measures: "
        "networks, entries (every node once), links (memberships) and bridges (entries in "
        "two or more networks, listed with the networks they link)."
    ),
)
def network_graph(request: HttpRequest):
    data = selectors.network_graph().as_data()
    base = request.build_absolute_uri("/").rstrip("/")
    for node in data["nodes"]:
        node["url"] = base + node["url"]
    for bridge in data["bridges"]:
        bridge["url"] = base + bridge["url"]
        for network in bridge["networks"]:
            network["url"] = base + network["url"]
    return data
