"""What the gatherings tests share: a place in Sheffield, times to come, gatherings made
through the services."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from bigsocnorth.events import services
from bigsocnorth.events.recurrence import LONDON
from bigsocnorth.places.services import PlaceValue

SHEFFIELD_POINT = (53.3811, -1.4701)


def sheffield_place(area, *, name: str = "Burngreave") -> PlaceValue:
    return PlaceValue(
        name=name, local_authority=area, latitude=SHEFFIELD_POINT[0], longitude=SHEFFIELD_POINT[1]
    )


def next_week(hour: int = 19, *, days: int = 7) -> datetime:
    """A time to come, on the London clock, a week (or `days`) from now."""
    day = (timezone.now() + timedelta(days=days)).astimezone(LONDON).date()
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


def gathering_values(area, **overrides) -> dict:
    starts_at = overrides.pop("starts_at", None) or next_week()
    values = {
        "title": "Tea, cake and the future of the park",
        "description": "Come and talk about **the park**. Everyone welcome.",
        "tags": "parks, tea",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "in_person": True,
        "online": False,
        "venue_name": "Burngreave Vestry Hall",
        "venue_address": "Burngreave Road, Sheffield S3 9DH",
        "place": sheffield_place(area),
        "capacity": 30,
        "plus_ones_allowed": 2,
        "ask_dietary": True,
        "ask_access": True,
        "step_free": True,
        "accessible_toilet": True,
        "hearing_loop": False,
        "public_transport": "Bus 47 stops outside",
        "access_contact": "Sam, 0114 000 0000",
    }
    values.update(overrides)
    return values


@pytest.fixture
def organise(area, moderator):
    """Organise a gathering: organise(author=moderator, **overrides) → Gathering (published
    when the author is a moderator or trusted)."""

    def make(author=None, **overrides):
        return services.gathering_create(
            author=author or moderator, values=gathering_values(area, **overrides)
        )

    return make
