"""Open data: counts of public needs and offers only, small counts withheld, nobody named."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.moderation import lifecycle
from bigsocnorth.mutual_aid import services
from bigsocnorth.mutual_aid.models import PostState
from bigsocnorth.mutual_aid.opendata import MIN_CELL, CountRow, category_totals, count_rows
from bigsocnorth.mutual_aid.tests.makers import (
    CONTACT,
    authority,
    make_match,
    make_post,
    make_trusted,
    whole,
)

pytestmark = pytest.mark.django_db

LEEDS = "E08000035"


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode()


@pytest.fixture
def posts(area, moderator, monkeypatch):
    """In Sheffield: 6 public food needs (5 met), 3 food offers, 5 befriending needs; a
    hidden food need and 2 waiting for review; in Leeds 2 food needs (1 met)."""
    monkeypatch.setattr(services, "POSTS_PER_DAY", 1_000)
    author = make_trusted()
    made = []

    def post(**overrides):
        made.append(make_post(author, **overrides))
        return made[-1]

    food_needs = [post(category="food", title=f"Food parcel for the week {n}") for n in range(6)]
    for need in food_needs[:5]:
        services.post_close(actor=author, post=need, state=PostState.MET)
    for n in range(3):
        post(kind="offer", category="food", title=f"Spare vegetables from the allotment {n}")
    for n in range(5):
        post(category="befriending", title=f"A weekly chat over tea {n}")
    lifecycle.hide(post(category="food", title="Food parcel, hidden"), reason="spam")
    newcomer = UserFactory()
    for n in range(2):
        made.append(make_post(newcomer, category="food", title=f"Food parcel, waiting {n}"))
    leeds = authority(LEEDS)
    leeds_needs = [
        post(category="food", title=f"Food in Leeds {n}", area=leeds, place=whole(leeds))
        for n in range(2)
    ]
    services.post_close(actor=author, post=leeds_needs[0], state=PostState.MET)
    # A full match, so contact details exist somewhere in the database.
    match = make_match(food_needs[5], contact=CONTACT)
    services.match_accept(actor=author, match=match, contact="ring 0114 496 0000")
    return {"author": author, "newcomer": newcomer, "posts": made, "match": match}


def _month() -> str:
    return timezone.localdate().strftime("%Y-%m")


def test_the_counts_are_of_public_posts_and_small_ones_are_withheld(area, posts):
    month = _month()
    assert count_rows(area=area) == [
        CountRow(month, "Sheffield", "E08000039", "Befriending", "need", 5, None),
        CountRow(month, "Sheffield", "E08000039", "Food", "need", 6, 5),
        CountRow(month, "Sheffield", "E08000039", "Food", "offer", None, None),
    ]


def test_a_withheld_row_withholds_its_met_count_too(posts):
    (leeds,) = count_rows(area=authority(LEEDS))
    assert (leeds.area, leeds.category, leeds.kind) == ("Leeds", "Food", "need")
    assert leeds.posts is None and leeds.met is None


def test_the_region_and_the_whole_north_have_every_council(area, posts):
    in_region = count_rows(area=area.region)
    assert [(row.area, row.category, row.kind) for row in in_region] == [
        ("Leeds", "Food", "need"),
        ("Sheffield", "Befriending", "need"),
        ("Sheffield", "Food", "need"),
        ("Sheffield", "Food", "offer"),
    ]
    assert count_rows() == in_region
    assert count_rows(area=authority("E08000003")) == []  # Manchester: nothing posted


def test_the_totals_by_kind_of_help_withhold_small_counts(area, posts):
    food, befriending = category_totals(area=area)
    assert (food.category, food.needs, food.offers, food.met, food.share) == (
        "Food", 6, None, 5, 1.0
    )  # fmt: skip
    assert (befriending.category, befriending.needs, befriending.offers) == (
        "Befriending", 5, None
    )  # fmt: skip
    assert befriending.met is None  # none met: 0 is under 5 too
    assert befriending.share == pytest.approx(5 / 6)
    (leeds,) = category_totals(area=authority(LEEDS))
    assert leeds.needs is None and leeds.met is None and leeds.share == 0


def test_nothing_public_means_no_rows(area, db):
    assert count_rows(area=area) == [] and category_totals(area=area) == []


def _never_named(text: str, posts) -> None:
    people = [posts["author"], posts["newcomer"], posts["match"].responder]
    for post in posts["posts"]:
        assert post.title not in text
    for person in people:
        assert person.email not in text
        assert person.profile.display_name not in text
        assert person.profile.handle not in text
    for contact in (CONTACT, "07700", "0114 496 0000"):
        assert contact not in text


def test_the_json_download_names_nobody(client, posts):
    response = client.get("/help/data/counts.json")
    assert response.status_code == 200
    text = _body(response)
    data = json.loads(text)
    assert data["withheld_below"] == MIN_CELL and data["area"] is None
    assert {row["area"] for row in data["rows"]} == {"Sheffield", "Leeds"}
    assert set(data["rows"][0]) == {
        "month", "area", "area_code", "category", "kind", "posts", "met",
    }  # fmt: skip
    _never_named(text, posts)


def test_the_json_download_for_an_area(client, area, posts):
    data = json.loads(_body(client.get("/help/data/counts.json", {"area": area.slug})))
    assert data["area"] == "sheffield"
    assert {row["area"] for row in data["rows"]} == {"Sheffield"}
    food_needs = next(
        row for row in data["rows"] if row["category"] == "Food" and row["kind"] == "need"
    )
    assert (food_needs["posts"], food_needs["met"]) == (6, 5)
    region = json.loads(_body(client.get("/help/data/counts.json", {"area": area.region.slug})))
    assert {row["area"] for row in region["rows"]} == {"Sheffield", "Leeds"}


def test_the_csv_download_names_nobody_and_leaves_withheld_cells_empty(client, area, posts):
    response = client.get("/help/data/counts.csv", {"area": area.slug})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "needs-and-offers-sheffield.csv" in response["Content-Disposition"]
    text = _body(response)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(row["category"], row["kind"], row["posts"], row["met"]) for row in rows] == [
        ("Befriending", "need", "5", ""),
        ("Food", "need", "6", "5"),
        ("Food", "offer", "", ""),
    ]
    _never_named(text, posts)
    _never_named(_body(client.get("/help/data/counts.csv")), posts)


@pytest.mark.parametrize("path", ["/help/data/counts.csv", "/help/data/counts.json"])
@pytest.mark.parametrize("slug", ["nowhere-at-all", "bad slug!", "x" * 300])
def test_an_unknown_area_is_not_found(client, db, path, slug):
    assert client.get(path, {"area": slug}).status_code == 404


@pytest.mark.parametrize("path", ["/help/data/counts.csv", "/help/data/counts.json"])
def test_the_downloads_only_answer_get(client, db, path):
    assert client.post(path).status_code == 405
