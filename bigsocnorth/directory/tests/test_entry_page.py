"""An entry's page: its logo or initials, the small map of its places, facts and networks."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.entries import services
from bigsocnorth.directory.models import EntryKind, EntryPlace, Membership, RequestStatus
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.stories import services as story_services
from bigsocnorth.stories.services import Action

pytestmark = pytest.mark.django_db


def _png(colour="#0b5563", size=(300, 200)) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="logo.png")


def _places_json(page: str) -> list[dict]:
    match = re.search(r'<script id="entry-map-places" type="application/json">(.*?)</script>', page)
    assert match, "the page has no places for the map"
    return json.loads(match.group(1))


def _place(entry, authority, *, name="", latitude=None, longitude=None):
    latitude = authority.centre_latitude if latitude is None else latitude
    longitude = authority.centre_longitude if longitude is None else longitude
    return EntryPlace.objects.create(
        entry=entry, name=name, latitude=latitude, longitude=longitude,
        public_latitude=latitude, public_longitude=longitude, local_authority=authority,
    )  # fmt: skip


def test_an_entry_without_a_logo_shows_its_initials_on_a_colour(client):
    entry = EntryFactory(name="Friends of Hull Park")
    page = client.get(entry.get_absolute_url()).content.decode()
    avatar = re.search(
        r'<span class="avatar avatar-(\d) avatar-large" aria-hidden="true">(\w+)</span>', page
    )
    assert avatar and avatar.group(2) == "FP"
    assert 'class="entry-logo"' not in page


def test_an_entry_with_a_logo_shows_it_with_its_size(client, entry_values, member):
    entry = services.entry_create(author=UserFactory(role="moderator"), logo=_png(), **entry_values)
    page = client.get(entry.get_absolute_url()).content.decode()
    logo = re.search(
        r'<img class="entry-logo" src="([^"]+)" alt="" width="(\d+)" height="(\d+)">', page
    )
    assert logo, "no logo on the page"
    assert logo.group(1) == entry.logo.url
    assert (logo.group(2), logo.group(3)) == ("300", "200")
    assert 'class="avatar' not in page.split('class="entry-layout"')[1].split("entry-header")[0]


def test_the_places_are_listed_with_their_areas_and_drawn_on_the_map(client, area):
    entry = EntryFactory(name="Two Sites Trust")
    leeds = LocalAuthority.objects.get(name="Leeds")
    _place(entry, area, name="The workshop")
    _place(entry, leeds)
    page = client.get(entry.get_absolute_url()).content.decode()
    # Without JavaScript: the list, each place with its area and region.
    places_list = page.split('class="place-list"')[1].split("</ul>")[0]
    assert "<strong>The workshop</strong>" in places_list
    assert f'href="{area.get_absolute_url()}">{area.name}</a>' in places_list
    assert f'href="{leeds.get_absolute_url()}">Leeds</a>, Yorkshire and The Humber' in places_list
    # With JavaScript: the map's container (hidden until the script draws it) and its data.
    assert re.search(r'<div class="entry-map" id="entry-map" hidden\s+role="region"', page)
    assert 'aria-label="Map of the 2 places of Two Sites Trust"' in page
    assert [place["area"] for place in _places_json(page)] == [area.name, "Leeds"]
    assert _places_json(page)[0]["name"] == "The workshop"
    assert _places_json(page)[1]["name"] == "Leeds"
    assert "vendor/leaflet/leaflet.js" in page and "directory/entry-map.js" in page


def test_the_map_shows_only_the_rounded_position_of_an_approximate_place(client, entry_values):
    entry_values.update(
        places=[{"latitude": 53.38114, "longitude": -1.47013}], approximate_location=True
    )
    entry = services.entry_create(author=UserFactory(role="moderator"), **entry_values)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert _places_json(page) == [
        {"name": "Sheffield", "area": "Sheffield", "lat": 53.38, "lon": -1.47}
    ]
    assert "53.38114" not in page


def test_an_entry_without_places_has_no_map_and_loads_no_map_code(client):
    entry = EntryFactory()
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "entry-map" not in page
    assert "leaflet" not in page
    assert "Online, or across the North." in page


def test_the_tile_attribution_keeps_only_plain_links(client, area, settings):
    settings.MAP_TILE_ATTRIBUTION = (
        '<a href="https://tiles.example" onclick="steal()">Tiles</a><script>alert(1)</script>'
        '<img src=x onerror="alert(2)">'
    )
    entry = EntryFactory(located_in=area)
    page = client.get(entry.get_absolute_url()).content.decode()
    attribution = re.search(r'data-tile-attribution="([^"]*)"', page).group(1)
    assert "script" not in attribution and "onclick" not in attribution
    assert "onerror" not in attribution and "img" not in attribution
    assert "tiles.example" in attribution


def test_hostile_place_names_are_escaped_in_the_list_and_the_map_data(client, area):
    entry = EntryFactory()
    _place(entry, area, name='</script><script>alert("x")</script>')
    page = client.get(entry.get_absolute_url()).content.decode()
    assert '<script>alert("x")' not in page
    assert _places_json(page)[0]["name"] == '</script><script>alert("x")</script>'


def test_the_networks_it_belongs_to_are_beside_the_text(client):
    entry = EntryFactory(name="Walkley Tenants")
    network = EntryFactory(
        name="Sheffield Tenants Network", kind=EntryKind.objects.get(slug="network")
    )
    Membership.objects.create(network=network, member=entry, status=RequestStatus.APPROVED)
    page = client.get(entry.get_absolute_url()).content.decode()
    aside = page.split('<aside class="entry-aside"')[1].split("</aside>")[0]
    assert "Networks it belongs to" in aside
    assert "Sheffield Tenants Network" in aside
    assert "Facts" in aside and "Where" in aside


def _story_about(entry, number):
    story = story_services.story_create(
        author=UserFactory(role="moderator"), action=Action.PUBLISH,
        title=f"Story number {number}", summary="What happened.", body="It did.", about=[entry],
    )  # fmt: skip
    return story


def test_the_page_takes_the_same_queries_for_one_place_network_and_story_or_many(
    client, area, django_assert_max_num_queries
):
    entry = EntryFactory(name="Busy Group", located_in=area)
    network_kind = EntryKind.objects.get(slug="network")
    authorities = list(LocalAuthority.objects.defer("boundary").order_by("code")[:12])

    def add(number):
        network = EntryFactory(name=f"Network {number}", kind=network_kind)
        Membership.objects.create(network=network, member=entry, status=RequestStatus.APPROVED)
        _story_about(entry, number)

    add(0)
    url = entry.get_absolute_url()
    client.get(url)  # warm the caches
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for number in range(1, 10):
        add(number)
        _place(entry, authorities[number])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "Network 9" in page and "Story number 9" in page
    assert len(_places_json(page)) == 10
