"""What the needs and offers tests share: a place in Sheffield, posts and answers made
through the services, and members whose posts publish at once."""

from __future__ import annotations

import pytest

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.mutual_aid import services
from bigsocnorth.places.services import PlaceValue

SHEFFIELD_POINT = (53.3811, -1.4701)


def sheffield_place(area, *, name: str = "Burngreave") -> PlaceValue:
    return PlaceValue(
        name=name, local_authority=area, latitude=SHEFFIELD_POINT[0], longitude=SHEFFIELD_POINT[1]
    )


def post_values(area, **overrides) -> dict:
    values = {
        "kind": "need",
        "category": "lifts-and-transport",
        "title": "A lift to the community centre on Thursdays",
        "description": "The bus no longer runs after six. Happy to share petrol costs.",
        "urgency": "2",
        "times": 4,
        "when": "ongoing",
        "place": sheffield_place(area),
    }
    values.update(overrides)
    return values


@pytest.fixture
def trusted(settings):
    """Members' posts publish at once (no first posts in review), unless safeguarding holds them."""
    settings.NEW_MEMBER_REVIEW_COUNT = 0


@pytest.fixture
def make_post(area, trusted):
    """make_post(author=None, **overrides) -> a published Post (by a new member if no author)."""

    def make(author=None, entry=None, **overrides):
        return services.post_create(
            author=author or UserFactory(), values=post_values(area, **overrides), entry=entry
        )

    return make


@pytest.fixture
def answer():
    """answer(post, responder=None) -> a Match asked for through the service."""

    def make(post, responder=None, contact="07700 900123", message="I drive past there."):
        return services.match_request(
            responder=responder or UserFactory(), post=post, message=message, contact=contact
        )

    return make
