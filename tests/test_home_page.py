"""The home page, across the apps that show on it: what is happening now, near the person if they
say where, and only real links.

Here rather than in core, which knows no other app: it fills the page with real groups and stories.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.stories import services as story_services
from bigsocnorth.stories.services import Action

pytestmark = pytest.mark.django_db


def _story(author, title: str, area: LocalAuthority):
    return story_services.story_create(
        author=author,
        action=Action.PUBLISH,
        title=title,
        summary="What happened.",
        body="We met on Saturday.",
        latitude=area.centre_latitude,
        longitude=area.centre_longitude,
    )


@pytest.fixture
def network(moderator):
    leeds = LocalAuthority.objects.get(slug="leeds")
    newcastle = LocalAuthority.objects.get(slug="newcastle-upon-tyne")
    EntryFactory(name="Leeds Tool Library", located_in=leeds, author=moderator)
    EntryFactory(name="Byker Repair Café", located_in=newcastle, author=moderator)
    _story(moderator, "Chapeltown street party", leeds)
    _story(moderator, "Ouseburn litter pick", newcastle)
    return leeds, newcastle


def _links(html: str) -> set[str]:
    return {
        href
        for href in re.findall(r'href="([^"]+)"', html)
        if not urlsplit(href).netloc and not href.startswith(("#", "mailto:"))
    }


def test_every_link_on_the_home_page_leads_to_a_page_that_exists(client, network):
    html = client.get("/").content.decode()
    links = _links(html)
    assert {"/map/", "/stories/", "/directory/"} <= {urlsplit(link).path for link in links}
    for link in sorted(links):
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code < 400, link


def test_the_home_page_shows_what_is_happening_across_the_north(client, network):
    html = client.get("/").content.decode()
    assert "Leeds Tool Library" in html and "Byker Repair Café" in html
    assert "Chapeltown street party" in html and "Ouseburn litter pick" in html
    assert "2 groups" in html and "2 stories" in html
    # The two stories have a place: the map banner counts them, from the map's own counts.
    assert "<svg" in html and "2 things on the map of the North:" in html


def test_near_you_narrows_the_page_and_is_remembered(client, network):
    response = client.get("/", {"area": "leeds"})
    html = response.content.decode()
    assert "Showing what is happening in <strong>Leeds</strong>" in html
    assert "Leeds Tool Library" in html and "Byker Repair Café" not in html
    assert "Chapeltown street party" in html and "Ouseburn litter pick" not in html
    assert "1 group" in html and "1 story" in html
    assert "1 thing on the map in Leeds:" in html
    assert response.cookies["home_area"].value == "leeds"
    assert response.cookies["home_area"]["httponly"]

    # Next time, without asking again.
    assert "Byker Repair Café" not in client.get("/").content.decode()

    # A region works too, and "the whole North" forgets the area.
    html = client.get("/", {"area": "north-east"}).content.decode()
    assert "Byker Repair Café" in html and "Leeds Tool Library" not in html
    response = client.get("/", {"area": ""})
    assert response.cookies["home_area"].value == ""
    assert "Leeds Tool Library" in client.get("/").content.decode()
    assert "Byker Repair Café" in client.get("/").content.decode()


@pytest.mark.parametrize(
    "asked", ["atlantis", "<script>alert(1)</script>", "x" * 10_000, "leeds\x00", "../../etc"]
)
def test_an_unknown_area_is_said_plainly_and_changes_nothing(client, network, asked):
    client.get("/", {"area": "leeds"})
    response = client.get("/", {"area": asked})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is no area of the North with that name" in html
    assert "<script>alert" not in html
    assert "home_area" not in response.cookies  # Leeds stays remembered
    assert "Byker Repair Café" in html  # this page: the whole North


def test_a_remembered_area_that_is_no_more_is_forgotten(client, network):
    client.cookies["home_area"] = "gone-away"
    response = client.get("/")
    assert response.status_code == 200
    assert response.cookies["home_area"].value == ""


def test_the_home_page_costs_the_same_whatever_the_network_holds(client, moderator, network):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    before = queries()
    leeds, _ = network
    for number in range(6):
        EntryFactory(name=f"Group {number}", located_in=leeds, author=moderator)
        _story(moderator, f"Story {number}", leeds)
    UserFactory.create_batch(5)
    assert queries() == before
