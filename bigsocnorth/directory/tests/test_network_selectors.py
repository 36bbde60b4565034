import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.models import EntryKind, Membership, RequestStatus
from bigsocnorth.directory.networks import selectors
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status

pytestmark = pytest.mark.django_db


def _network(name, **kwargs):
    return EntryFactory(name=name, kind=EntryKind.objects.get(slug="network"), **kwargs)


def _link(network, member, status=RequestStatus.APPROVED, **kwargs):
    return Membership.objects.create(network=network, member=member, status=status, **kwargs)


@pytest.fixture
def small_graph():
    """Three networks; Beta is a member of Alpha; Bridge Group is in Alpha and Beta.

    Left out of the public graph: a hidden entry, an entry in review, a
    waiting request and a declined one.
    """
    alpha = _network("Alpha Network", slug="alpha")
    beta = _network("Beta Network", slug="beta")
    gamma = _network("Gamma Network", slug="gamma")
    bridge = EntryFactory(name="Bridge Group", slug="bridge")
    only_alpha = EntryFactory(name="Alpha Only", slug="alpha-only")
    only_beta = EntryFactory(name="Beta Only", slug="beta-only")
    _link(alpha, bridge, role="Founder", since=dt.date(2015, 3, 1))
    _link(beta, bridge)
    _link(alpha, only_alpha)
    _link(beta, only_beta)
    _link(alpha, beta, role="Regional partner")
    _link(alpha, EntryFactory(name="Hidden", status=Status.HIDDEN))
    _link(alpha, EntryFactory(name="In review", status=Status.IN_REVIEW))
    _link(gamma, only_alpha, status=RequestStatus.PENDING)
    _link(gamma, only_beta, status=RequestStatus.DECLINED)
    _network("Hidden Network", status=Status.HIDDEN)
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "bridge": bridge}


def test_graph_measures_on_a_known_small_graph(small_graph):
    graph = selectors.network_graph()
    assert [node.id for node in graph.nodes] == [
        "alpha", "alpha-only", "beta", "beta-only", "bridge", "gamma",
    ]  # fmt: skip
    assert (graph.measures.networks, graph.measures.entries) == (3, 6)
    assert (graph.measures.links, graph.measures.bridges) == (5, 1)
    counts = {row.network.id: row.network.member_count for row in graph.networks}
    assert counts == {"alpha": 3, "beta": 2, "gamma": 0}
    members = {row.network.id: [edge.source.id for edge in row.members] for row in graph.networks}
    assert members == {
        "alpha": ["alpha-only", "beta", "bridge"],
        "beta": ["beta-only", "bridge"],
        "gamma": [],
    }
    [bridge] = graph.bridges
    assert bridge.entry.id == "bridge"
    assert [network.id for network in bridge.networks] == ["alpha", "beta"]
    edge = next(
        edge for edge in graph.edges if edge.source.id == "bridge" and edge.target.id == "alpha"
    )
    assert (edge.role, edge.since) == ("Founder", dt.date(2015, 3, 1))


def test_graph_data_uses_slugs_and_lists_bridges(small_graph):
    data = selectors.network_graph().as_data()
    assert {"source": "beta", "target": "alpha", "role": "Regional partner", "since": None} in data[
        "edges"
    ]
    alpha = next(node for node in data["nodes"] if node["id"] == "alpha")
    assert alpha == {
        "id": "alpha",
        "name": "Alpha Network",
        "url": "/directory/alpha/",
        "kind": "Network",
        "is_network": True,
        "members": 3,
        "networks": 0,
    }
    assert data["measures"] == {"networks": 3, "entries": 6, "links": 5, "bridges": 1}
    assert data["bridges"][0]["networks"][1]["id"] == "beta"


def test_graph_costs_two_queries_however_big(small_graph):
    with CaptureQueriesContext(connection) as few:
        selectors.network_graph(with_details=True)
    alpha = small_graph["alpha"]
    for index in range(15):
        entry = EntryFactory()
        _link(alpha, entry)
        _link(small_graph["gamma"], entry)
        _network(f"Extra network {index}")
    with CaptureQueriesContext(connection) as many:
        graph = selectors.network_graph(with_details=True)
    assert len(few) == len(many) == 2
    assert graph.measures.bridges == 16


def test_an_empty_graph_is_fine():
    graph = selectors.network_graph()
    assert graph.nodes == [] and graph.edges == [] and graph.bridges == []
    assert graph.measures.entries == 0


def test_members_and_networks_follow_who_is_looking(small_graph):
    alpha = small_graph["alpha"]
    author = UserFactory()
    own = EntryFactory(name="Own new group", status=Status.IN_REVIEW, author=author)
    _link(alpha, own)
    public = [m.member.name for m in selectors.network_members(user=AnonymousUser(), network=alpha)]
    assert public == ["Alpha Only", "Beta Network", "Bridge Group"]
    as_author = [m.member.name for m in selectors.network_members(user=author, network=alpha)]
    assert "Own new group" in as_author and "In review" not in as_author
    networks = selectors.entry_networks(user=AnonymousUser(), entry=small_graph["bridge"])
    assert [m.network.name for m in networks] == ["Alpha Network", "Beta Network"]
    assert selectors.network_members(user=AnonymousUser(), network=small_graph["bridge"]) == []


def test_waiting_requests_and_an_entrys_open_requests(small_graph):
    gamma = small_graph["gamma"]
    assert [m.member.slug for m in selectors.network_requests_waiting(network=gamma)] == [
        "alpha-only"
    ]
    only_beta = Membership.objects.get(status=RequestStatus.DECLINED).member
    assert [m.status for m in selectors.entry_requests_open(member=only_beta)] == ["declined"]


def test_network_list_counts_public_members(small_graph):
    networks = selectors.network_list(user=AnonymousUser())
    assert [(n.name, n.member_count) for n in networks] == [
        ("Alpha Network", 3),
        ("Beta Network", 2),
        ("Gamma Network", 0),
    ]


def test_choosing_an_entry_by_name(small_graph):
    user = AnonymousUser()
    found = selectors.entry_candidates_by_name(user=user, name="  network ")
    assert [entry.name for entry in found] == ["Alpha Network", "Beta Network", "Gamma Network"]
    assert selectors.entry_choose_by_name(found, name="network") is None
    assert selectors.entry_choose_by_name(found, name="BETA network").slug == "beta"
    only = selectors.entry_candidates_by_name(user=user, name="bridge")
    assert selectors.entry_choose_by_name(only, name="bridge").slug == "bridge"
    assert selectors.entry_candidates_by_name(user=user, name="hidden") == []
    assert selectors.entry_candidates_by_name(user=user, name="in review") == []
    assert selectors.entry_candidates_by_name(user=user, name="") == []
    networks = selectors.entry_candidates_by_name(
        user=user, name="a", networks_only=True, exclude=small_graph["alpha"]
    )
    assert [entry.slug for entry in networks] == ["beta", "gamma"]


def test_exact_matches_come_first_however_many_names_contain_the_words():
    for index in range(25):
        EntryFactory(name=f"Abbey Hub Friends {index:02}")
    EntryFactory(name="Hub")
    found = selectors.entry_candidates_by_name(user=AnonymousUser(), name="hub")
    assert len(found) == 20
    assert [entry.name for entry in found[:2]] == ["Hub", "Abbey Hub Friends 00"]
    assert selectors.entry_choose_by_name(found, name="hub").name == "Hub"
