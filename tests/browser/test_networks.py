"""The network graph and membership forms, in a real browser, with and without JavaScript.

Runs at 1280 and 360 px with axe on every page.
"""

from __future__ import annotations

import re

import pytest

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.models import EntryKind, Membership, RequestStatus
from bigsocnorth.directory.tests.factories import EntryFactory
from tests.browser.conftest import check_page, log_in, visit

# The live server sees only committed data (conftest.py reloads the reference data).
pytestmark = pytest.mark.django_db(transaction=True)

GRAPH_PATH = "/directory/networks/graph/"


def _network(name, **kwargs):
    return EntryFactory(name=name, kind=EntryKind.objects.get(slug="network"), **kwargs)


@pytest.fixture
def networks():
    """Three networks and seven groups; two groups bridge networks; one network is in another."""
    tenants = _network("Sheffield Tenants Network", slug="sheffield-tenants")
    housing = _network("Yorkshire Housing Network", slug="yorkshire-housing")
    food = _network("Manchester Food Network", slug="manchester-food")
    groups = {
        slug: EntryFactory(name=name, slug=slug)
        for slug, name in [
            ("walkley-tenants", "Walkley Tenants"),
            ("hillsborough-residents", "Hillsborough Residents"),
            ("leeds-renters", "Leeds Renters Union"),
            ("hull-housing-coop", "Hull Housing Co-op"),
            ("moss-side-pantry", "Moss Side Pantry"),
            ("salford-food-bank", "Salford Food Bank"),
            ("fair-food-north", "Fair Food North"),
        ]
    }
    links = [
        (tenants, "walkley-tenants", "Founding member"),
        (tenants, "hillsborough-residents", ""),
        (housing, "leeds-renters", "Steering group"),
        (housing, "hull-housing-coop", ""),
        (housing, "walkley-tenants", ""),
        (food, "moss-side-pantry", ""),
        (food, "salford-food-bank", "Host"),
        (food, "fair-food-north", ""),
        (housing, "fair-food-north", ""),
    ]
    for network, slug, role in links:
        Membership.objects.create(
            network=network, member=groups[slug], role=role, status=RequestStatus.APPROVED
        )
    Membership.objects.create(network=housing, member=tenants, status=RequestStatus.APPROVED)
    return {"tenants": tenants, "housing": housing, "food": food, **groups}


def test_graph_page_draws_the_networks_and_keeps_the_table(page, live_server, networks):
    visit(page, f"{live_server.url}{GRAPH_PATH}", "network-graph")
    drawing = page.locator("#network-graph")
    assert drawing.is_visible()
    nodes = drawing.locator("svg a.graph-node")
    assert nodes.count() == 10
    assert drawing.locator("svg line.graph-link").count() == 10
    assert drawing.locator("svg a.graph-node.is-network").count() == 3
    assert drawing.locator("svg a.graph-node.is-bridge").count() == 2
    # Every circle is laid out inside the drawing, not piled up at one spot.
    positions = {nodes.nth(i).get_attribute("transform") for i in range(nodes.count())}
    assert len(positions) == 10

    # Focusing a network highlights it and says who its members are.
    housing = drawing.locator('a.graph-node[aria-label^="Yorkshire Housing Network"]')
    housing.focus()
    info = drawing.locator("[data-graph-info]")
    assert "Leeds Renters Union" in info.inner_text()
    assert "Sheffield Tenants Network" in info.inner_text()
    assert "is-highlighting" in drawing.locator("svg").get_attribute("class")
    assert drawing.locator("a.graph-node.is-active").count() == 6
    check_page(page, "network-graph-focused")
    housing.blur()

    # Hovering a member shows its networks.
    drawing.locator('a.graph-node[aria-label^="Walkley Tenants"]').hover()
    assert "Sheffield Tenants Network" in info.inner_text()

    viewport = drawing.locator("svg > g").first
    page.get_by_role("button", name="Zoom in").click()
    assert "scale(1.6)" in viewport.get_attribute("transform")
    page.get_by_role("button", name="Zoom out").click()
    assert "scale(1)" in viewport.get_attribute("transform")
    page.get_by_role("button", name="Zoom in").click()
    page.get_by_role("button", name="Reset the view").click()
    assert "scale(1)" in viewport.get_attribute("transform")
    # The keyboard: + and - zoom with a circle focused, and Tab still leaves the drawing.
    housing.focus()
    page.keyboard.press("+")
    assert "scale(1.6)" in viewport.get_attribute("transform")
    page.keyboard.press("-")
    assert "scale(1)" in viewport.get_attribute("transform")

    # The circles are links to the entries' pages.
    assert housing.get_attribute("href") == "/directory/yorkshire-housing/"

    # The drawing is not the only way: the table has every network.
    rows = page.locator("table.network-table").first.locator("tbody tr")
    assert rows.count() == 3
    # On a phone the tables come first and the drawing follows them; on a desktop
    # the drawing comes first. The page's order is the order seen.
    drawing_first = page.evaluate(
        "document.querySelector('#network-graph').compareDocumentPosition("
        "document.querySelector('table.network-table')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    assert bool(drawing_first) == (page.width_name == "desktop")
    assert page.locator("[data-graph-skip]").is_visible() == (page.width_name == "desktop")


def test_graph_names_only_the_biggest_circles_without_overlaps(page, live_server, networks):
    visit(page, f"{live_server.url}{GRAPH_PATH}", "network-graph")
    drawing = page.locator("#network-graph")
    shown = drawing.locator("text.graph-label:not(.is-optional)")
    # The three networks and the two bridging groups are named; the other groups
    # only when pointed at or focused.
    names = set(shown.all_text_contents())
    assert {"Sheffield Tenants Network", "Yorkshire Housing Network"} <= names
    assert "Moss Side Pantry" not in names and "Fair Food North" in names
    boxes = [shown.nth(i).bounding_box() for i in range(shown.count())]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_x = a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            overlap_y = a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]
            assert not (overlap_x and overlap_y), "two names cover each other"
    pantry = drawing.locator('a.graph-node[aria-label^="Moss Side Pantry"]')
    pantry.focus()
    assert pantry.locator("text").is_visible()


def test_graph_search_highlights_a_network_and_its_members(page, live_server, networks):
    visit(page, f"{live_server.url}{GRAPH_PATH}", "network-graph")
    drawing = page.locator("#network-graph")
    info = drawing.locator("[data-graph-info]")
    search = page.get_by_label("Find a network or group")
    search.fill("food")
    page.get_by_role("button", name="Find", exact=True).click()
    food = drawing.locator('a.graph-node[aria-label^="Manchester Food Network"]')
    assert "is-found" in food.get_attribute("class")
    assert "is-highlighting" in drawing.locator("svg").get_attribute("class")
    # The network and its three members light up; the others fade.
    active = drawing.locator("a.graph-node.is-active")
    assert sorted(active.evaluate_all("els => els.map(e => e.getAttribute('href'))")) == [
        "/directory/fair-food-north/",
        "/directory/manchester-food/",
        "/directory/moss-side-pantry/",
        "/directory/salford-food-bank/",
    ]
    assert info.inner_text().startswith("Found: Manchester Food Network")
    assert "Salford Food Bank" in info.inner_text()
    # Zoomed in on what was found.
    assert "scale(2.5)" in drawing.locator("svg > g").first.get_attribute("transform")
    check_page(page, "network-graph-found")

    # Pointing elsewhere and back keeps the search's highlight.
    drawing.locator('a.graph-node[aria-label^="Walkley Tenants"]').dispatch_event("pointerenter")
    assert "Walkley Tenants" in info.inner_text()
    drawing.locator('a.graph-node[aria-label^="Walkley Tenants"]').dispatch_event("pointerleave")
    assert info.inner_text().startswith("Found: Manchester Food Network")

    # A name that is not there says so; an empty box clears the highlight.
    search.fill("zzz no such group")
    search.press("Enter")
    assert "No network or group in the drawing has a name like" in info.inner_text()
    assert "is-highlighting" not in (drawing.locator("svg").get_attribute("class") or "")
    search.fill("")
    assert drawing.locator("a.graph-node.is-active").count() == 0


def test_without_javascript_the_tables_give_everything(
    page_without_javascript, live_server, networks
):
    page = page_without_javascript
    visit(page, f"{live_server.url}{GRAPH_PATH}", "network-graph")
    assert not page.locator("#network-graph").is_visible()
    measures = page.locator(".network-measures").inner_text()
    assert re.search(r"Networks\s+3", measures)
    assert re.search(r"Entries in the graph\s+10", measures)
    assert re.search(r"Memberships \(links\)\s+10", measures)
    assert re.search(r"Entries bridging networks\s+2", measures)

    table = page.locator("table.network-table").first
    housing = table.locator("tr", has=page.locator("th", has_text="Yorkshire Housing Network"))
    assert housing.locator(".network-count").inner_text() == "5 members"
    for name in ("Leeds Renters Union", "Hull Housing Co-op", "Sheffield Tenants Network"):
        assert housing.get_by_role("link", name=name).count() == 1
    assert "Steering group" in housing.inner_text()

    bridges = page.locator("table.network-table").nth(1)
    walkley = bridges.locator("tr", has=page.locator("th", has_text="Walkley Tenants"))
    assert walkley.locator(".network-count").inner_text() == "2 networks"
    assert bridges.get_by_role("link", name="Fair Food North").count() == 1

    assert page.get_by_role("link", name="Entries (elements.csv)").count() == 1
    assert page.get_by_role("link", name="Memberships (connections.csv)").count() == 1


def test_network_editor_adds_a_member_choosing_among_similar_names_without_javascript(
    page_without_javascript, live_server, password
):
    page = page_without_javascript
    base_url = live_server.url
    editor = UserFactory(password=password)
    network = _network("Sheffield Tenants Network", slug="sheffield-tenants", author=editor)
    EntryFactory(name="Hope Community", slug="hope-community")
    EntryFactory(name="Hope Community Trust", slug="hope-community-trust")
    log_in(page, base_url, editor.email, password)

    visit(page, f"{base_url}/directory/sheffield-tenants/members/add/", "network-member-add")
    page.get_by_label("Name of the member").fill("hope")
    page.get_by_label("Role").fill("Founding member")
    page.get_by_role("button", name="Add the member").click()
    page.get_by_text("which one do you mean?").wait_for()
    check_page(page, "network-member-add-choose")
    page.get_by_label(re.compile(r"^Hope Community Trust")).check()
    page.get_by_role("button", name="Add the member").click()
    page.get_by_text("is now listed as a member").wait_for()
    check_page(page, "network-page-with-members")
    section = page.locator("section", has=page.locator("#network-members-title"))
    assert "Hope Community Trust" in section.inner_text()
    assert "Founding member" in section.inner_text()
    membership = Membership.objects.get()
    assert membership.network == network and membership.member.slug == "hope-community-trust"


def test_with_javascript_the_matching_entries_show_while_typing(page, live_server, password):
    base_url = live_server.url
    editor = UserFactory(password=password)
    _network("Sheffield Tenants Network", slug="sheffield-tenants", author=editor)
    EntryFactory(name="Hope Community", slug="hope-community")
    EntryFactory(name="Hope Community Trust", slug="hope-community-trust")
    log_in(page, base_url, editor.email, password)

    page.goto(f"{base_url}/directory/sheffield-tenants/members/add/")
    page.get_by_label("Name of the member").press_sequentially("hope com")
    choice = page.get_by_label(re.compile(r"^Hope Community Trust"))
    choice.wait_for()
    check_page(page, "network-member-add-typing")
    choice.check()
    page.get_by_role("button", name="Add the member").click()
    page.get_by_text("is now listed as a member").wait_for()
    assert Membership.objects.get().member.slug == "hope-community-trust"
