"""What the cuts tests share: a place in Sheffield, and cuts reported through the services."""

from __future__ import annotations

import pytest

from bigsocnorth.cuts import services
from bigsocnorth.places.services import PlaceValue

SHEFFIELD_POINT = (53.3811, -1.4701)


def sheffield_place(area, *, name: str = "Burngreave") -> PlaceValue:
    return PlaceValue(
        name=name, local_authority=area, latitude=SHEFFIELD_POINT[0], longitude=SHEFFIELD_POINT[1]
    )


def report_values(area, **overrides) -> dict:
    values = {
        "title": "Burngreave library to close",
        "summary": "The council's budget papers propose closing it in April.",
        "kind": "closure",
        "sector": "libraries",
        "state": "proposed",
        "money_yearly": "£120,000",
        "posts_lost": "3",
        "people_affected": "4,000",
        "place": sheffield_place(area),
    }
    values.update(overrides)
    return values


@pytest.fixture
def report(area):
    """Report a cut: report(author, **overrides) → Cut."""

    def make(author, *, links=("https://democracy.sheffield.example/minutes/1",), **overrides):
        return services.cut_report(
            author=author, values=report_values(area, **overrides), links=list(links)
        )

    return make
