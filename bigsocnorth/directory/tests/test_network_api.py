import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.models import EntryKind, Membership, RequestStatus
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status

pytestmark = pytest.mark.django_db

GRAPH = "/api/v1/directory/graph"


def _members_url(slug):
    return f"/api/v1/directory/networks/{slug}/members"


def _network(name, **kwargs):
    return EntryFactory(name=name, kind=EntryKind.objects.get(slug="network"), **kwargs)


def _link(network, member, status=RequestStatus.APPROVED, **kwargs):
    return Membership.objects.create(network=network, member=member, status=status, **kwargs)


@pytest.fixture
def network():
    network = _network("Northern Tenants Network", slug="tenants")
    _link(network, EntryFactory(name="Zeta Group", slug="zeta"))
    _link(
        network,
        EntryFactory(name="Alpha Group", slug="alpha"),
        role="Founder",
        since=dt.date(2019, 5, 1),
    )
    _link(network, _network("Sub Network", slug="sub"))
    _link(network, EntryFactory(name="Asked only"), status=RequestStatus.PENDING)
    _link(network, EntryFactory(name="Hidden group", status=Status.HIDDEN))
    return network


def test_members_of_a_network_by_name_with_role_and_since(client, network):
    response = client.get(_members_url("tenants"))
    assert response.status_code == 200
    body = response.json()
    assert body["network"] == {
        "slug": "tenants",
        "name": "Northern Tenants Network",
        "url": "http://testserver/directory/tenants/",
    }
    assert (body["count"], body["page"], body["pages"]) == (3, 1, 1)
    assert [item["slug"] for item in body["items"]] == ["alpha", "sub", "zeta"]
    assert body["items"][0] == {
        "slug": "alpha",
        "name": "Alpha Group",
        "url": "http://testserver/directory/alpha/",
        "kind": {"slug": "organisation", "name": "Organisation"},
        "is_network": False,
        "role": "Founder",
        "since": "2019-05-01",
    }
    assert body["items"][1]["is_network"] is True


def test_members_are_paged_fifty_at_a_time(client, network):
    for index in range(48):
        _link(network, EntryFactory(name=f"Member {index:02}"))
    body = client.get(_members_url("tenants"), {"page": 2}).json()
    assert (body["count"], body["page"], body["pages"]) == (51, 2, 2)
    assert [item["slug"] for item in body["items"]] == ["zeta"]
    assert client.get(_members_url("tenants"), {"page": 9}).json()["page"] == 2
    response = client.get(_members_url("tenants"), {"page": 0})
    assert response.status_code == 422 and "message" in response.json()


def test_your_own_unpublished_member_shows_only_to_you(client, network):
    author = UserFactory()
    _link(network, EntryFactory(name="Own new group", status=Status.IN_REVIEW, author=author))
    assert client.get(_members_url("tenants")).json()["count"] == 3
    client.force_login(author)
    assert client.get(_members_url("tenants")).json()["count"] == 4


def test_unknown_hidden_and_non_network_entries_answer_404_in_json(client, network):
    response = client.get(_members_url("no-such-network"))
    assert response.status_code == 404
    assert "no public entry" in response.json()["message"]
    _network("Hidden network", slug="hidden-network", status=Status.HIDDEN)
    assert client.get(_members_url("hidden-network")).status_code == 404
    response = client.get(_members_url("alpha"))
    assert response.status_code == 404
    assert "not as a network" in response.json()["message"]
    assert "kind=network" in response.json()["message"]


def test_members_query_count_does_not_grow(client, network):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_members_url("tenants")).status_code == 200
        return len(queries)

    few = count()
    for _ in range(10):
        _link(network, EntryFactory())
    assert count() == few


def test_graph_has_nodes_edges_measures_and_bridges(client, network):
    bridge = EntryFactory(name="Bridge Group", slug="bridge")
    _link(network, bridge)
    _link(_network("Other Network", slug="other"), bridge, role="Host")
    body = client.get(GRAPH).json()
    assert body["measures"] == {"networks": 3, "entries": 6, "links": 5, "bridges": 1}
    nodes = {node["id"]: node for node in body["nodes"]}
    assert set(nodes) == {"tenants", "sub", "other", "alpha", "zeta", "bridge"}
    assert nodes["tenants"]["members"] == 4
    assert nodes["tenants"]["url"] == "http://testserver/directory/tenants/"
    assert nodes["bridge"]["networks"] == 2
    assert {"source": "bridge", "target": "other", "role": "Host", "since": None} in body["edges"]
    assert {"source": "alpha", "target": "tenants", "role": "Founder", "since": "2019-05-01"} in (
        body["edges"]
    )
    [only_bridge] = body["bridges"]
    assert only_bridge["id"] == "bridge"
    assert only_bridge["url"] == "http://testserver/directory/bridge/"
    assert [n["id"] for n in only_bridge["networks"]] == ["tenants", "other"]
    assert only_bridge["networks"][0]["url"].startswith("http://testserver/")


def test_graph_query_count_does_not_grow(client, network):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(GRAPH).status_code == 200
        return len(queries)

    few = count()
    for index in range(10):
        member = EntryFactory()
        _link(network, member)
        _link(_network(f"Network {index}"), member)
    assert count() == few
    assert few <= 3


def test_wrong_method_answers_json(client):
    response = client.post(GRAPH)
    assert response.status_code == 405
    assert "GET" in response.json()["message"]


def test_the_endpoints_are_in_the_openapi_description(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/directory/graph" in paths
    assert "/api/v1/directory/networks/{slug}/members" in paths
