"""Safeguarding: what makes a post wait for a moderator, however trusted its author."""

from __future__ import annotations

import pytest

from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.mutual_aid import services
from bigsocnorth.mutual_aid.safeguarding import concerns_find
from bigsocnorth.mutual_aid.tests.makers import make_post, make_trusted, post_values
from bigsocnorth.notifications.models import Notification
from bigsocnorth.notifications.services import follow_create
from bigsocnorth.places.services import PlaceValue
from bigsocnorth.search.models import SearchDocument

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "risk"),
    [
        ("Someone to do the school run on Mondays", "children"),
        ("Babysitter for my two kids", "children"),
        ("Activities for under-16s", "children"),
        ("Collect my prescriptions from the chemist", "medication"),
        ("Help remembering my medication", "medication"),
        ("I can lend some cash until payday", "money"),
        ("Worth £20 to me", "money"),
        ("Can you look after my bank card", "money"),
        ("Feed the cat: I'll leave you my keys", "keys"),
        ("The code for the key safe", "keys"),
        ("Please come round to my flat", "a home visit"),
        ("Home visits for a chat", "a home visit"),
    ],
)
def test_risky_situations_are_found(text, risk):
    concerns = concerns_find(text)
    assert risk in concerns.risks
    assert concerns and risk in concerns.reason()


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("Ring me on 07700 900123", "a phone number"),
        ("Ring 0114 496 0000 after six", "a phone number"),
        ("Call +44 7700 900123", "a phone number"),
        ("Email sam.jones+help@example.org", "an email address"),
        ("I live near S6 2AB", "a postcode"),
        ("Round the back of s10 1ab", "a postcode"),
        ("Come to 12 Walkley Road", "an address"),
        ("Knock at 3a Crookes Valley Road", "an address"),
    ],
)
def test_personal_details_are_found(text, detail):
    concerns = concerns_find("A title", text, "")
    assert detail in concerns.details
    assert "seems to include" in concerns.reason()


def test_an_ordinary_post_has_no_concerns():
    concerns = concerns_find(
        "Lift to hospital appointments",
        "Weekly physio at the Northern General, back by lunchtime. Walkley.",
        "Walkley",
    )
    assert not concerns
    assert concerns.reason() == ""


def test_the_reason_names_every_concern():
    reason = concerns_find("Cash for the kids' school trip, ring 07700 900123").reason()
    assert reason.startswith("mentions children, money")
    assert "seems to include a phone number" in reason


def test_a_trusted_members_post_about_a_child_waits_for_a_moderator(area):
    trusted = make_trusted()
    follower = make_trusted()
    follow_create(user=follower, target=area)
    held = make_post(trusted, title="Someone to walk my child to school")
    assert not is_public(held)
    assert "children" in held.held_because
    assert not SearchDocument.objects.filter(type_key="aid", object_id=held.pk).exists()
    assert not Notification.objects.filter(recipient=follower).exists()
    plain = make_post(trusted, title="Lift to the allotments")
    assert is_public(plain) and plain.held_because == ""


def test_the_place_name_counts_too(area):
    trusted = make_trusted()
    place = PlaceValue(name="12 Walkley Road", local_authority=area, latitude=53.39, longitude=-1.5)
    post = make_post(trusted, place=place)
    assert not is_public(post) and "an address" in post.held_because


def test_a_moderators_post_is_published_whatever_it_mentions(moderator):
    post = make_post(moderator, title="Lifts for the kids' football", description="£5 each")
    assert is_public(post)
    assert "children" in post.held_because  # still says why, for other moderators


def test_an_edit_that_adds_a_phone_number_sends_a_published_post_back_to_review(area):
    trusted = make_trusted()
    post = make_post(trusted)
    assert is_public(post)
    assert SearchDocument.objects.filter(type_key="aid", object_id=post.pk).exists()
    services.post_update(
        actor=trusted,
        post=post,
        values=post_values(area, description="Text me on 07700 900123 to arrange."),
    )
    post.refresh_from_db()
    assert not is_public(post)
    assert "a phone number" in post.held_because
    assert not SearchDocument.objects.filter(type_key="aid", object_id=post.pk).exists()


def test_an_edit_without_new_concerns_keeps_a_post_public(area):
    trusted = make_trusted()
    post = make_post(trusted)
    services.post_update(
        actor=trusted, post=post, values=post_values(area, description="Any weekday works.")
    )
    post.refresh_from_db()
    assert is_public(post) and post.held_because == ""
