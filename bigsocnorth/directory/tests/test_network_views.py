import csv
import datetime as dt
import io
import json
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.models import EntryKind, Membership, RequestStatus
from bigsocnorth.directory.networks import selectors as network_selectors
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status

pytestmark = pytest.mark.django_db

GRAPH_URL = reverse("directory:network_graph")
LIST_URL = reverse("directory:network_list")
ELEMENTS_URL = reverse("directory:network_graph_elements_csv")
CONNECTIONS_URL = reverse("directory:network_graph_connections_csv")


def _network(name="Northern Tenants Network", **kwargs):
    return EntryFactory(name=name, kind=EntryKind.objects.get(slug="network"), **kwargs)


def _link(network, member, status=RequestStatus.APPROVED, **kwargs):
    return Membership.objects.create(network=network, member=member, status=status, **kwargs)


@pytest.fixture
def network_editor(db):
    return UserFactory()


@pytest.fixture
def member_editor(db):
    return UserFactory()


@pytest.fixture
def network(network_editor):
    return _network(slug="tenants-network", author=network_editor)


@pytest.fixture
def group(member_editor):
    return EntryFactory(name="Walkley Tenants", slug="walkley-tenants", author=member_editor)


def _add_url(network):
    return reverse("directory:network_member_add", kwargs={"slug": network.slug})


def _join_url(entry):
    return reverse("directory:network_join", kwargs={"slug": entry.slug})


def _action_url(action, membership):
    return reverse(
        f"directory:network_membership_{action}",
        kwargs={"slug": membership.network.slug, "pk": membership.pk},
    )


def _messages(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


# --- The list of networks and the graph page ---------------------------------


def test_directory_links_to_the_networks_and_the_graph(client):
    page = client.get(reverse("directory:entry_list")).content.decode()
    assert f'href="{LIST_URL}"' in page and f'href="{GRAPH_URL}"' in page


def test_network_list_shows_networks_and_member_counts(client, network, group):
    _link(network, group)
    _network(name="Secret network", status=Status.HIDDEN)
    response = client.get(LIST_URL)
    page = response.content.decode()
    assert "Northern Tenants Network" in page and "1 member" in page
    assert "Secret network" not in page


def test_network_list_query_count_does_not_grow(client, network):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST_URL).status_code == 200
        return len(queries)

    few = count()
    for _ in range(8):
        _link(_network(name="Another network"), EntryFactory())
    assert count() == few


@pytest.fixture
def small_graph(network, group):
    beta = _network(name="Beta Network", slug="beta")
    other = EntryFactory(name="Other Group", slug="other")
    _link(network, group, role="Founder", since=dt.date(2015, 3, 1))
    _link(beta, group)
    _link(beta, other)
    _link(network, beta, role="Regional partner")
    _link(network, EntryFactory(name="Hidden Group", status=Status.HIDDEN))
    return {"network": network, "beta": beta, "group": group}


def test_graph_page_has_the_measures_the_tables_and_the_drawing_data(client, small_graph):
    response = client.get(GRAPH_URL)
    assert response.status_code == 200
    page = response.content.decode()
    measures = re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", page)
    assert measures == [
        ("Networks", "2"),
        ("Entries in the graph", "4"),
        ("Memberships (links)", "4"),
        ("Entries bridging networks", "1"),
    ]
    table = page.split('id="network-table-title"')[1].split('id="network-bridges-title"')[0]
    assert "Northern Tenants Network" in table and "Walkley Tenants" in table
    assert "Founder" in table and "since Mar 2015" in table
    assert "Hidden Group" not in page
    bridges = page.split('id="network-bridges-title"')[1]
    assert "Walkley Tenants" in bridges.split("</table>")[0]
    data = json.loads(
        re.search(
            r'<script id="network-graph-data" type="application/json">(.*?)</script>', page, re.S
        )[1]
    )
    assert {node["id"] for node in data["nodes"]} == {
        "tenants-network",
        "beta",
        "walkley-tenants",
        "other",
    }
    assert len(data["edges"]) == 4
    # The drawing is hidden until its script runs; no inline script anywhere (CSP).
    assert 'id="network-graph" data-graph-id="network-graph-data" hidden' in page
    assert "vendor/d3-force/d3-force.bundle.min.js" in page
    assert "directory/network-graph.js" in page
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/(ld\+)?json\"))[^>]*>", page)
    assert f'href="{ELEMENTS_URL}"' in page and f'href="{CONNECTIONS_URL}"' in page


def test_graph_page_escapes_names_in_the_embedded_data(client, network):
    _link(network, EntryFactory(name="</script><script>alert(1)</script>"))
    page = client.get(GRAPH_URL).content.decode()
    assert "<script>alert(1)" not in page
    assert "\\u003C/script\\u003E" in page


def test_an_empty_graph_page_says_so_without_a_drawing(client):
    page = client.get(GRAPH_URL).content.decode()
    assert "No networks are in the directory yet." in page
    assert "network-graph.js" not in page


def test_graph_page_and_csv_query_counts_do_not_grow(client, small_graph):
    def count(url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        return len(queries)

    few = {url: count(url) for url in (GRAPH_URL, ELEMENTS_URL, CONNECTIONS_URL)}
    for index in range(10):
        member = EntryFactory()
        _link(small_graph["network"], member)
        _link(_network(name=f"Network {index}"), member)
    assert {url: count(url) for url in few} == few
    assert max(few.values()) <= 4


# --- CSV export ----------------------------------------------------------------------


def _read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_elements_csv_has_one_row_per_entry_in_the_kumu_shape(client, small_graph):
    group = small_graph["group"]
    group.description = 'We meet on Mondays,\nsay "hello".'
    group.tags = "housing, tenants"
    group.website = "https://walkley.example.org"
    group.save()
    rows = _read_csv(client.get(ELEMENTS_URL))
    assert list(rows[0]) == [
        "ID", "Label", "Type", "Description", "URL", "Website", "Tags", "Members", "Networks",
    ]  # fmt: skip
    by_id = {row["ID"]: row for row in rows}
    assert set(by_id) == {"tenants-network", "beta", "walkley-tenants", "other"}
    assert by_id["walkley-tenants"] == {
        "ID": "walkley-tenants",
        "Label": "Walkley Tenants",
        "Type": "Organisation",
        "Description": 'We meet on Mondays, say "hello".',
        "URL": "http://testserver/directory/walkley-tenants/",
        "Website": "https://walkley.example.org",
        "Tags": "housing|tenants",
        "Members": "",
        "Networks": "2",
    }
    assert by_id["tenants-network"]["Members"] == "2"
    assert by_id["beta"]["Type"] == "Network"


def test_connections_csv_has_one_row_per_membership(client, small_graph):
    rows = _read_csv(client.get(CONNECTIONS_URL))
    assert list(rows[0]) == ["From", "To", "Type", "Direction", "Role", "Since"]
    assert {
        "From": "walkley-tenants",
        "To": "tenants-network",
        "Type": "Member of",
        "Direction": "directed",
        "Role": "Founder",
        "Since": "2015-03-01",
    } in rows
    assert {(row["From"], row["To"]) for row in rows} == {
        ("walkley-tenants", "tenants-network"),
        ("walkley-tenants", "beta"),
        ("other", "beta"),
        ("beta", "tenants-network"),
    }


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client, network):
    member = EntryFactory(name='=HYPERLINK("http://evil.example","click")', slug="evil")
    member.description = "@SUM(1)"
    member.save()
    _link(network, member, role="+1 cmd")
    elements = {row["ID"]: row for row in _read_csv(client.get(ELEMENTS_URL))}
    assert elements["evil"]["Label"] == '\'=HYPERLINK("http://evil.example","click")'
    assert elements["evil"]["Description"] == "'@SUM(1)"
    [connection_row] = _read_csv(client.get(CONNECTIONS_URL))
    assert connection_row["Role"] == "'+1 cmd"


# --- Sections on entry pages -----------------------------------------------------------


_SECTIONS = {
    "network_members_section": "directory/network_sections/_members.html",
    "entry_networks_section": "directory/network_sections/_networks.html",
}


def _render_section(name, entry, user):
    """One network part of the entry page, as the entry view prepares and includes it."""
    request = RequestFactory().get(entry.get_absolute_url())
    request.user = user
    section = getattr(network_selectors, name)(user=user, entry=entry)
    if section is None:
        return ""
    return render_to_string(_SECTIONS[name], {"section": section}, request=request)


def test_network_page_lists_members_with_role_and_since(client, network, group):
    _link(network, group, role="Founding member", since=dt.date(2019, 5, 1))
    _link(network, EntryFactory(name="Not yet public", status=Status.IN_REVIEW))
    _link(network, EntryFactory(name="Only asked"), status=RequestStatus.PENDING)
    page = client.get(network.get_absolute_url()).content.decode()
    assert "Members of this network" in page
    section = page.split('id="network-members-title"')[1].split("</section>")[0]
    assert "Walkley Tenants" in section
    assert "Founding member" in section and "since 1 May 2019" in section
    assert "Not yet public" not in section and "Only asked" not in section
    assert "Add a member" not in section


def test_every_entry_page_shows_its_networks(client, network, group):
    _link(network, group, role="Founder")
    page = client.get(group.get_absolute_url()).content.decode()
    section = page.split('id="entry-networks-title"')[1].split("</section>")[0]
    assert f'href="{network.get_absolute_url()}"' in section and "Founder" in section
    assert "Members of this network" not in page  # not a network


def test_an_entry_in_no_network_shows_no_section_to_the_public(client, group):
    assert 'id="entry-networks-title"' not in client.get(group.get_absolute_url()).content.decode()


def test_network_editors_see_the_requests_waiting_with_answers(client, network, network_editor):
    asker = EntryFactory(name="Asking Group")
    _link(network, asker, status=RequestStatus.PENDING, role="Associate")
    html = _render_section("network_members_section", network, network_editor)
    assert "Asking to join" in html and "Asking Group" in html and "Associate" in html
    membership = Membership.objects.get()
    assert f'action="{_action_url("approve", membership)}"' in html
    assert f'action="{_action_url("decline", membership)}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Asking Group" not in _render_section(
        "network_members_section", network, AnonymousUser()
    )


def test_member_editors_see_their_requests_and_a_way_to_join(network, group, member_editor):
    _link(network, group, status=RequestStatus.PENDING)
    html = _render_section("entry_networks_section", group, member_editor)
    assert "Ask to join a network" in html and "Your requests to join" in html
    assert "waiting for the network" in html
    assert "Withdraw" in html


def test_sections_cost_a_fixed_number_of_queries(network, network_editor):
    def count(tag, entry, user):
        with CaptureQueriesContext(connection) as queries:
            _render_section(tag, entry, user)
        return len(queries)

    member = EntryFactory()
    _link(network, member)
    _link(network, EntryFactory(), status=RequestStatus.PENDING)
    other = _network(name="Other")
    _link(other, member)
    few = (
        count("network_members_section", network, network_editor),
        count("entry_networks_section", member, network_editor),
    )
    for _ in range(8):
        extra = EntryFactory()
        _link(network, extra)
        _link(network, EntryFactory(), status=RequestStatus.PENDING)
        _link(_network(name="More"), member)
    many = (
        count("network_members_section", network, network_editor),
        count("entry_networks_section", member, network_editor),
    )
    assert few == many
    assert max(few) <= 4


def test_markup_in_stored_text_is_escaped_on_pages(client, network):
    group = EntryFactory(name="<b>Bold</b> group")
    # Written around the service (which refuses it), as older data might be.
    _link(network, group, role="<script>alert(1)</script>")
    page = client.get(network.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "<b>Bold</b>" not in client.get(GRAPH_URL).content.decode()


# --- Adding a member ----------------------------------------------------------------


def test_anonymous_people_are_sent_to_log_in(client, network):
    response = client.get(_add_url(network))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_network_editors_may_open_the_add_form(client, network, network_editor):
    client.force_login(UserFactory())
    assert client.get(_add_url(network)).status_code == 403
    client.force_login(network_editor)
    response = client.get(_add_url(network))
    assert response.status_code == 200
    assert 'name="name"' in response.content.decode()


def test_adding_to_an_entry_that_is_not_a_network_says_why(client, group, member_editor):
    client.force_login(member_editor)
    response = client.get(_add_url(group))
    assert response.status_code == 302
    assert "is not a network" in _messages(response)[0]


def test_unknown_entry_address_is_404(client, network_editor):
    client.force_login(network_editor)
    assert client.get("/directory/no-such-network/members/add/").status_code == 404


def test_add_a_member_by_its_exact_name(client, network, group, network_editor):
    client.force_login(network_editor)
    response = client.post(
        _add_url(network), {"name": "walkley tenants", "role": "Founder", "since": "2019-05-01"}
    )
    assert response.status_code == 302
    assert response["Location"] == network.get_absolute_url()
    membership = Membership.objects.get()
    assert (membership.member, membership.status) == (group, RequestStatus.APPROVED)
    assert (membership.role, membership.since) == ("Founder", dt.date(2019, 5, 1))
    assert "is now listed as a member" in _messages(response)[0]


def test_a_name_matching_several_entries_asks_which_one_without_javascript(
    client, network, network_editor
):
    EntryFactory(name="Hope Community", slug="hope-leeds")
    wanted = EntryFactory(name="Hope Community Trust", slug="hope-trust")
    client.force_login(network_editor)
    response = client.post(_add_url(network), {"name": "hope", "role": "Member"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "which one do you mean?" in page
    assert 'value="hope-leeds"' in page and 'value="hope-trust"' in page
    assert 'value="Member"' in page  # what was typed is kept
    assert not Membership.objects.exists()
    response = client.post(_add_url(network), {"name": "hope", "choice": "hope-trust"})
    assert response.status_code == 302
    assert Membership.objects.get().member == wanted


def test_htmx_gets_the_matching_entries_as_a_fragment(client, network, network_editor):
    EntryFactory(name="Hope Community", slug="hope-leeds")
    client.force_login(network_editor)
    response = client.get(_add_url(network), {"name": "hope"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="entry-choices"')
    assert 'value="hope-leeds"' in fragment and "<html" not in fragment


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"name": "Nobody by this name"}, "No entry in the directory has a name like"),
        ({"name": "   "}, "Type the name of the entry, or part of it."),
        ({"name": "Walkley Tenants", "since": "2999-01-01"}, "The date cannot be in the future."),
        ({"name": "Walkley Tenants", "since": "1700-01-01"}, "from the year 1800 onwards"),
        ({"name": "Walkley Tenants", "since": "yesterday"}, "like 2019-05-01"),
        (
            {"name": "Walkley Tenants", "role": "r" * 101},
            "at most 100 characters; this one has 101",
        ),
        ({"name": "Walkley Tenants", "role": "<script>x</script>"}, "without &lt; or &gt;"),
        ({"choice": "tenants-network"}, "A network cannot be a member of itself."),
        ({"choice": "no-such-entry"}, "not in the directory any more"),
    ],
)
def test_bad_input_gets_a_clear_error_and_nothing_is_written(
    client, network, group, network_editor, data, field_error
):
    client.force_login(network_editor)
    response = client.post(_add_url(network), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and field_error in page
    assert "<script>x</script>" not in page
    assert not Membership.objects.exists()


def test_adding_a_member_twice_is_an_error(client, network, group, network_editor):
    _link(network, group)
    client.force_login(network_editor)
    response = client.post(_add_url(network), {"name": "Walkley Tenants"})
    assert response.status_code == 400
    assert "already a member" in response.content.decode()


@pytest.mark.parametrize("status", [Status.HIDDEN, Status.IN_REVIEW])
def test_hidden_and_other_peoples_unpublished_entries_cannot_be_found(
    client, network, network_editor, status
):
    EntryFactory(name="Quiet Group", status=status, author=UserFactory())
    client.force_login(network_editor)
    response = client.post(_add_url(network), {"name": "Quiet Group"})
    assert response.status_code == 400
    assert "No entry in the directory has a name like" in response.content.decode()
    response = client.get(_add_url(network), {"name": "Quiet"}, HTTP_HX_REQUEST="true")
    assert "Quiet Group" not in response.content.decode()
    assert "Nothing in the directory has a name like" in response.content.decode()


# --- Asking to join ----------------------------------------------------------------------


def test_member_editor_asks_to_join_a_network(client, network, group, member_editor):
    client.force_login(member_editor)
    assert client.get(_join_url(group)).status_code == 200
    response = client.post(_join_url(group), {"name": "Northern Tenants", "role": "Member"})
    assert response.status_code == 302 and response["Location"] == group.get_absolute_url()
    membership = Membership.objects.get()
    assert (membership.network, membership.status) == (network, RequestStatus.PENDING)
    assert "Your request to join" in _messages(response)[0]


def test_only_networks_are_offered_when_asking_to_join(client, group, member_editor):
    EntryFactory(name="Northern Football Club")
    client.force_login(member_editor)
    response = client.post(_join_url(group), {"name": "Northern Football"})
    assert response.status_code == 400
    assert "No network in the directory has a name like" in response.content.decode()


def test_only_the_entrys_editors_may_ask_to_join(client, network, group, network_editor):
    client.force_login(network_editor)
    assert client.get(_join_url(group)).status_code == 403
    assert client.post(_join_url(group), {"name": network.name}).status_code == 403
    assert not Membership.objects.exists()


def test_asking_twice_is_an_error(client, network, group, member_editor):
    _link(network, group, status=RequestStatus.PENDING)
    client.force_login(member_editor)
    response = client.post(_join_url(group), {"choice": network.slug})
    assert response.status_code == 400
    assert "already asked" in response.content.decode()


# --- Answering, changing, ending ------------------------------------------------------


@pytest.fixture
def waiting(network, group):
    return _link(network, group, status=RequestStatus.PENDING)


def test_network_editor_approves_and_is_sent_back(client, waiting, network_editor):
    client.force_login(network_editor)
    response = client.post(_action_url("approve", waiting), {"next": "/directory/networks/"})
    assert response.status_code == 302 and response["Location"] == "/directory/networks/"
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.APPROVED
    assert "is now a member" in _messages(response)[0]


def test_network_editor_declines(client, waiting, network_editor):
    client.force_login(network_editor)
    response = client.post(_action_url("decline", waiting))
    assert response["Location"] == waiting.network.get_absolute_url()
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.DECLINED


def test_answering_twice_redirects_with_an_error(client, waiting, network_editor):
    client.force_login(network_editor)
    client.post(_action_url("decline", waiting))
    response = client.post(_action_url("approve", waiting))
    assert response.status_code == 302
    assert "already been answered" in _messages(response)[-1]
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.DECLINED


def test_answers_are_post_only_and_for_the_network_side(client, waiting, member_editor):
    client.force_login(member_editor)
    assert client.get(_action_url("approve", waiting)).status_code == 405
    assert client.post(_action_url("approve", waiting)).status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.PENDING


def test_someone_elses_request_cannot_be_reached_through_another_network(client, waiting):
    editor = UserFactory()
    other = _network(name="Other network", slug="other-network", author=editor)
    client.force_login(editor)
    url = reverse(
        "directory:network_membership_approve", kwargs={"slug": other.slug, "pk": waiting.pk}
    )
    assert client.post(url).status_code == 404
    assert client.post(_action_url("approve", waiting)).status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.PENDING


def test_unsafe_next_addresses_are_ignored(client, waiting, network_editor):
    client.force_login(network_editor)
    response = client.post(_action_url("approve", waiting), {"next": "https://evil.example/"})
    assert response["Location"] == waiting.network.get_absolute_url()


@pytest.fixture
def membership(network, group):
    return _link(network, group, role="Member")


def test_member_side_changes_role_and_date(client, membership, member_editor, group):
    client.force_login(member_editor)
    url = _action_url("edit", membership)
    response = client.get(url, {"next": group.get_absolute_url()})
    assert response.status_code == 200 and 'value="Member"' in response.content.decode()
    response = client.post(
        url, {"role": "Chair", "since": "2010-06-30", "next": group.get_absolute_url()}
    )
    assert response.status_code == 302 and response["Location"] == group.get_absolute_url()
    membership.refresh_from_db()
    assert (membership.role, membership.since) == ("Chair", dt.date(2010, 6, 30))


def test_changing_with_bad_input_shows_the_errors(client, membership, network_editor):
    client.force_login(network_editor)
    response = client.post(_action_url("edit", membership), {"role": "x" * 150})
    assert response.status_code == 400
    assert "at most 100 characters" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == "Member"


def test_strangers_cannot_change_or_end(client, membership):
    client.force_login(UserFactory())
    assert client.get(_action_url("edit", membership)).status_code == 403
    assert client.post(_action_url("edit", membership), {"role": "x"}).status_code == 403
    assert client.get(_action_url("end", membership)).status_code == 403
    assert client.post(_action_url("end", membership)).status_code == 403
    assert Membership.objects.filter(role="Member").exists()


def test_ending_asks_first_then_removes(client, membership, network_editor):
    client.force_login(network_editor)
    response = client.get(_action_url("end", membership))
    assert response.status_code == 200
    assert "End the membership" in response.content.decode()
    assert Membership.objects.exists()
    response = client.post(_action_url("end", membership))
    assert response.status_code == 302
    assert not Membership.objects.exists()
    assert "no longer listed" in _messages(response)[0]


def test_member_side_cannot_remove_a_declined_request(client, network, group, member_editor):
    declined = _link(network, group, status=RequestStatus.DECLINED)
    client.force_login(member_editor)
    assert client.post(_action_url("end", declined)).status_code == 403
    assert Membership.objects.exists()


def test_membership_of_a_hidden_network_is_404(client, group, member_editor):
    hidden = _network(name="Hidden network", status=Status.HIDDEN)
    membership = _link(hidden, group)
    client.force_login(member_editor)
    assert client.get(_action_url("edit", membership)).status_code == 404
