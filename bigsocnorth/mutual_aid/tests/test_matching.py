"""Matching: which offers fit a need (and needs an offer), and the needs near a helper."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bigsocnorth.mutual_aid import services
from bigsocnorth.mutual_aid.matching import matches_for, needs_near, words_of
from bigsocnorth.mutual_aid.models import AidCategory, Post, PostState
from bigsocnorth.mutual_aid.tests.makers import (
    authority,
    days_from_today,
    make_post,
    walkley,
    whole,
)

pytestmark = pytest.mark.django_db

LEEDS, MANCHESTER, ROTHERHAM = "E08000035", "E08000003", "E08000018"


def _ranked(post) -> list[int]:
    return [scored.post.pk for scored in matches_for(Post.objects.get(pk=post.pk))]


def test_words_are_the_distinct_meaningful_ones():
    assert words_of("Lifts to the hospital", "A lift, please! Hospital appointments.") == (
        "lift hospital appointment"
    )
    assert words_of("", "") == ""


def test_near_offers_come_before_far_ones(area, moderator):
    need = make_post(moderator)
    far = make_post(moderator, kind="offer", area=authority(LEEDS), place=whole(authority(LEEDS)))
    across = make_post(
        moderator, kind="offer", place=walkley(area, latitude=53.35, longitude=-1.38)
    )
    near = make_post(moderator, kind="offer")
    assert _ranked(need) == [near.pk, across.pk, far.pk]
    best, middle, last = matches_for(need)
    assert best.km < 1 < middle.km < 20 < last.km
    assert best.score > middle.score > last.score


def test_offers_whose_days_overlap_come_before_those_that_do_not(moderator):
    need = make_post(moderator, when="date", starts_on=days_from_today(10))
    later = make_post(moderator, kind="offer", when="date", starts_on=days_from_today(20))
    overlapping = make_post(
        moderator, kind="offer", when="window", starts_on=days_from_today(5),
        ends_on=days_from_today(15),
    )  # fmt: skip
    ongoing = make_post(moderator, kind="offer")
    ranked = _ranked(need)
    assert ranked.index(overlapping.pk) < ranked.index(later.pk)
    assert ranked.index(ongoing.pk) < ranked.index(later.pk)
    by_pk = {scored.post.pk: scored for scored in matches_for(need)}
    assert by_pk[overlapping.pk].dates_fit and by_pk[ongoing.pk].dates_fit
    assert not by_pk[later.pk].dates_fit


def test_offers_sharing_more_words_rank_higher(moderator):
    need = make_post(moderator, title="Lift to hospital appointments", description="")
    unrelated = make_post(moderator, kind="offer", title="Van for moving furniture", description="")
    some = make_post(moderator, kind="offer", title="Lift to the allotment", description="")
    same = make_post(
        moderator, kind="offer", title="Lifts to hospital appointments, Thursdays", description=""
    )
    assert _ranked(need) == [same.pk, some.pk, unrelated.pk]
    words = {scored.post.pk: scored.words for scored in matches_for(need)}
    assert words[same.pk] == 1.0 and 0 < words[some.pk] < 1 and words[unrelated.pk] == 0


def test_an_offer_finds_needs_the_same_way(moderator):
    offer = make_post(moderator, kind="offer")
    need = make_post(moderator)
    assert _ranked(offer) == [need.pk]


def test_closed_lapsed_in_review_other_kinds_categories_and_regions_never_match(
    area, moderator, member
):
    need = make_post(moderator)
    fits = make_post(moderator, kind="offer", title="Lift offered")
    met = make_post(moderator, kind="offer", title="Lift, met")
    services.post_close(actor=moderator, post=met, state=PostState.MET)
    not_needed = make_post(moderator, kind="offer", title="Lift, not needed")
    services.post_close(actor=moderator, post=not_needed, state=PostState.NOT_NEEDED)
    past_its_day = make_post(moderator, kind="offer", title="Lift, past its day")
    Post.objects.filter(pk=past_its_day.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    lapsed = make_post(moderator, kind="offer", title="Lift, lapsed")
    Post.objects.filter(pk=lapsed.pk).update(state=PostState.LAPSED)
    make_post(member, kind="offer", title="Lift, in review")
    make_post(moderator, kind="offer", title="Lift in food", category="food")
    manchester = authority(MANCHESTER)
    make_post(moderator, kind="offer", title="Lift, Manchester", area=manchester,
              place=whole(manchester))  # fmt: skip
    make_post(moderator, kind="need", title="Another lift needed")
    in_region = make_post(
        moderator, kind="offer", title="Lift, Rotherham", area=authority(ROTHERHAM),
        place=whole(authority(ROTHERHAM)),
    )  # fmt: skip
    assert sorted(_ranked(need)) == sorted([fits.pk, in_region.pk])


def test_needs_near_lists_open_public_needs_in_the_area_most_urgent_first(area, moderator, member):
    whenever = make_post(moderator, title="Whenever", urgency="3")
    urgent = make_post(moderator, title="Urgent", urgency="1")
    soon = make_post(moderator, title="Soon", urgency="2")
    newer_soon = make_post(moderator, title="Soon too", urgency="2")
    make_post(moderator, kind="offer", title="An offer", urgency="1")
    make_post(member, title="In review", urgency="1")
    closed = make_post(moderator, title="Closed", urgency="1")
    services.post_close(actor=moderator, post=closed, state=PostState.MET)
    past = make_post(moderator, title="Past its day", urgency="1")
    Post.objects.filter(pk=past.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    leeds = authority(LEEDS)
    in_leeds = make_post(moderator, title="In Leeds", urgency="1", area=leeds, place=whole(leeds))
    manchester = authority(MANCHESTER)
    make_post(moderator, title="In Manchester", urgency="1", area=manchester,
              place=whole(manchester))  # fmt: skip
    in_sheffield = [urgent.pk, newer_soon.pk, soon.pk, whenever.pk]
    assert [post.pk for post in needs_near(area=area)] == in_sheffield
    # The region: Leeds too (the newest urgent one), never Manchester.
    assert [post.pk for post in needs_near(area=area.region)] == [in_leeds.pk, *in_sheffield]
    food = AidCategory.objects.get(slug="food")
    assert needs_near(area=area, category=food) == []
    food_need = make_post(moderator, title="Food parcel", category="food")
    assert needs_near(area=area, category=food) == [food_need]
    # The food need is the newest of those "soon": second after the urgent one.
    assert [post.pk for post in needs_near(area=area, limit=2)] == [urgent.pk, food_need.pk]


def _queries_for_matches(need) -> int:
    need = Post.objects.get(pk=need.pk)
    with CaptureQueriesContext(connection) as queries:
        found = matches_for(need)
    assert found
    return len(queries)


def test_the_queries_of_matching_do_not_grow_with_the_candidates(moderator, monkeypatch):
    monkeypatch.setattr(services, "POSTS_PER_DAY", 1_000)
    rotherham = authority(ROTHERHAM)
    need = make_post(moderator)

    def offers(count: int) -> None:
        for number in range(count):
            if number % 2:
                make_post(moderator, kind="offer", title=f"Lift {number}")
            else:
                make_post(moderator, kind="offer", title=f"Lift {number}", area=rotherham,
                          place=whole(rotherham))  # fmt: skip

    offers(3)
    few = _queries_for_matches(need)
    offers(27)
    many = _queries_for_matches(need)
    assert len(matches_for(Post.objects.get(pk=need.pk), shown=50)) == 30
    assert many == few, (few, many)
