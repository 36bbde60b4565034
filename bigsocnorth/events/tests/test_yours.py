"""A member's own gatherings: what they organise (even while it waits for review), what they
are going to or waiting for, and what is past; nobody else's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.events import services
from bigsocnorth.events.models import Gathering

pytestmark = pytest.mark.django_db

URL = "/gatherings/yours/"


def test_visitors_are_asked_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_member_sees_what_they_organise_and_answered(client, organise, member, password):
    mine_in_review = organise(author=member, title="My first coffee morning")
    going = organise(title="Volunteer fair", capacity=5)
    full = organise(title="Tiny workshop", capacity=1)
    services.rsvp_member(user=UserFactory(), gathering=full)
    services.rsvp_member(user=member, gathering=going)
    services.rsvp_member(user=member, gathering=full)
    other = organise(title="Someone else's walk")
    services.rsvp_member(user=UserFactory(), gathering=other)
    past = organise(title="Last spring's planting")
    services.rsvp_member(user=member, gathering=past)
    then = timezone.now() - timedelta(days=30)
    Gathering.objects.filter(pk=past.pk).update(
        starts_at=then, ends_at=then + timedelta(hours=2), last_ends_at=then + timedelta(hours=2)
    )
    client.login(email=member.email, password=password)
    text = client.get(URL).content.decode()
    assert "My first coffee morning" in text
    assert "Waiting for a moderator" in text
    assert "Volunteer fair" in text and "You are going." in text
    assert "Tiny workshop" in text and "You are on the waiting list." in text
    assert "Last spring&#x27;s planting" in text or "Last spring's planting" in text
    assert "Someone else" not in text
    assert reverse("events:attendees", args=[mine_in_review.slug]) in text


def test_the_page_costs_the_same_queries_for_more(client, organise, member, password):
    client.login(email=member.email, password=password)

    def add(count):
        for number in range(count):
            services.rsvp_member(user=member, gathering=organise(title=f"Going {number}"))
            organise(author=member, title=f"Mine {number}")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    add(2)
    count()
    few = count()
    add(6)
    assert count() == few
