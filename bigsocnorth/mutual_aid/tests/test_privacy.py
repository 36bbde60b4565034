"""Nothing personal leaves a need or an offer: every public page, feed, API answer, export,
search result and map feature is read for the post's exact place, the poster's email and the
contact details the two people shared, after a whole match has happened."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.mutual_aid import services
from bigsocnorth.mutual_aid.tests.makers import make_trusted, post_values
from bigsocnorth.places.services import PlaceValue

# A point in Walkley, Sheffield, given to more decimals than anything public may show.
EXACT = (53.391234, -1.504567)
POSTER_EMAIL = "ann.poster.private@example.org"
POSTER_CONTACT = "Ann: 07700 900561, flat 4b"
HELPER_CONTACT = "Ben: ben.helper.private@example.org"


@pytest.fixture
def matched(area, client):
    poster = make_trusted(email=POSTER_EMAIL)
    place = PlaceValue(name="Walkley", local_authority=area, latitude=EXACT[0], longitude=EXACT[1])
    post = services.post_create(
        author=poster,
        values=post_values(
            area,
            place=place,
            title="A lift to the allotment on Saturdays",
            description="Carrying tools up the hill to the allotment.",
        ),
    )
    helper = UserFactory(email="ben.helper.login@example.org")
    match = services.match_request(
        responder=helper, post=post, message="I drive past there.", contact=HELPER_CONTACT
    )
    services.match_accept(actor=poster, match=match, contact=POSTER_CONTACT)
    services.match_finish(actor=helper, match=match, done=True)
    return post


def _secrets() -> list[str]:
    exact = [f"{EXACT[0]:.6f}", f"{EXACT[1]:.6f}", f"{EXACT[0]:.4f}", f"{EXACT[1]:.4f}"]
    return [POSTER_EMAIL, "ben.helper.login@example.org", POSTER_CONTACT, HELPER_CONTACT,
            "07700 900561", "ben.helper.private", *exact]  # fmt: skip


def _map_address(area) -> str:
    """The map's features around the area's centre, close enough to show single items."""
    west, east = area.centre_longitude - 0.05, area.centre_longitude + 0.05
    south, north = area.centre_latitude - 0.05, area.centre_latitude + 0.05
    return f"/api/v1/map?bbox={west},{south},{east},{north}&zoom=16&layer=aid"


def _public_addresses(post, area) -> list[str]:
    api = "/api/v1/needs-and-offers"
    sheffield = f"?area={area.slug}"
    return [
        reverse("mutual_aid:post_list"),
        reverse("mutual_aid:post_list") + sheffield,
        post.get_absolute_url(),
        reverse("mutual_aid:needs_near") + sheffield,
        reverse("mutual_aid:open_data"),
        reverse("mutual_aid:counts_csv"),
        reverse("mutual_aid:counts_json") + sheffield,
        api,
        f"{api}/{post.pk}",
        "/search/?q=allotment",
        "/api/v1/search?q=allotment",
        "/map/?layer=aid",
        "/map/export.geojson?layer=aid",
        "/map/export.csv?layer=aid",
        _map_address(area),
        f"/areas/{area.slug}/",
        "/",
    ]


@pytest.mark.django_db(transaction=True)
def test_no_public_answer_holds_an_exact_place_an_email_or_contact_details(matched, area, client):
    post = matched
    seen_the_post = 0
    for address in _public_addresses(post, area):
        response = client.get(address)
        assert response.status_code == 200, address
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        for secret in _secrets():
            assert secret not in text, f"{address} shows {secret!r}"
        seen_the_post += post.title in text or f"/help/{post.slug}/" in text
    # The test reads answers that hold the post, not empty pages.
    assert seen_the_post >= 12


@pytest.mark.django_db(transaction=True)
def test_another_member_sees_no_more_than_a_visitor(matched, area, client):
    client.force_login(UserFactory())
    text = client.get(matched.get_absolute_url()).content.decode()
    assert matched.title in text
    for secret in _secrets():
        assert secret not in text


@pytest.mark.django_db(transaction=True)
def test_the_map_shows_the_post_at_its_areas_centre_only(matched, area, client):
    features = client.get(_map_address(area)).json()["features"]
    ours = [feature for feature in features if not feature["properties"].get("cluster")]
    assert len(ours) == 1
    longitude, latitude = ours[0]["geometry"]["coordinates"]
    assert (latitude, longitude) == pytest.approx((area.centre_latitude, area.centre_longitude))
    assert json.dumps(ours[0]).count("example.org") == 0


@pytest.mark.django_db(transaction=True)
def test_the_two_people_do_see_the_details_they_shared(matched, client):
    # The strings looked for above are real: on the match's own page, the poster sees them.
    match = matched.matches.get()
    client.force_login(matched.author)
    text = client.get(reverse("mutual_aid:match_detail", kwargs={"pk": match.pk})).content
    assert HELPER_CONTACT.encode() in text
    assert POSTER_CONTACT.encode() in text
