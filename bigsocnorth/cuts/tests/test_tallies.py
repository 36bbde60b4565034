"""The dashboards' tallies stay exactly what adding up the public cuts gives, after any change.

`dashboard_figures` reads the tallies kept on every change; `dashboard_figures_counted`
adds up the cuts themselves. Unit tests walk each kind of change; a property test
(hypothesis) runs random sequences of them.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from bigsocnorth.accounts.models import Role
from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.cuts import dashboards, services
from bigsocnorth.cuts.choices import ENDED_STATES, OPEN_STATES, CutKind, CutState, EntryKind, Sector
from bigsocnorth.cuts.dashboards import Figures
from bigsocnorth.cuts.models import Cut, Tally, TimelineEntry
from bigsocnorth.cuts.tallies import tallies_rebuild
from bigsocnorth.moderation.changes import content_changed
from bigsocnorth.moderation.models import Status
from bigsocnorth.moderation.services import content_approve, content_hide, content_restore
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.services import PlaceValue

EVIDENCE = "https://www.example.org/council/minutes"
# Two in Yorkshire and the Humber, one in the North West.
AUTHORITY_CODES = ("E08000039", "E08000035", "E08000003")


def report(author, authority, **values) -> Cut:
    fields = {
        "title": "Community centre to close",
        "summary": "The council proposes to close it.",
        "kind": CutKind.CLOSURE,
        "sector": Sector.COMMUNITY_CENTRES,
        "place": PlaceValue(name="", local_authority=authority),
    }
    fields.update(values)
    return services.cut_report(author=author, values=fields)


def state_change(author, cut: Cut, state: str) -> TimelineEntry:
    reopening = cut.state in ENDED_STATES and state in OPEN_STATES
    return services.timeline_entry_add(
        author=author,
        cut=cut,
        kind=EntryKind.STATE,
        state=state,
        happened_on=timezone.localdate(),
        links=[EVIDENCE] if reopening else (),
    )


def figures_differ(areas) -> list[str]:
    """The areas whose figures from the tallies differ from the figures counted."""
    return [
        str(area or "the North")
        for area in (None, *areas)
        if dashboards.dashboard_figures(area).as_comparable()
        != dashboards.dashboard_figures_counted(area).as_comparable()
    ]


def every_area() -> list:
    authorities = list(LocalAuthority.objects.filter(code__in=AUTHORITY_CODES))
    regions = {authority.region for authority in authorities}
    return [*regions, *authorities]


def assert_tallies_exact() -> None:
    assert figures_differ(every_area()) == []


@pytest.fixture
def leeds(db) -> LocalAuthority:
    return LocalAuthority.objects.get(code="E08000035")


@pytest.fixture
def manchester(db) -> LocalAuthority:
    return LocalAuthority.objects.get(code="E08000003")


# --- Each kind of change -----------------------------------------------------------------


def test_public_reports_are_tallied_and_reports_in_review_are_not(moderator, area, manchester):
    report(moderator, area, money_yearly="£250k", posts_lost=4, financial_year=2026)
    report(moderator, area, money_one_off="£1.2m", people_affected="1,500", state="decided")
    report(moderator, manchester, money_yearly="£3m", kind=CutKind.FUNDING)
    report(None, area, money_yearly="£9m")  # a visitor's: in review

    north = dashboards.dashboard_figures(None)
    assert north.total == Figures(
        cuts=3,
        money_yearly=325_000_000,
        money_one_off=120_000_000,
        posts_lost=4,
        people_affected=1_500,
    )
    assert dashboards.dashboard_figures(area).total.cuts == 2
    assert dashboards.dashboard_figures(area.region).total.cuts == 2
    assert dashboards.dashboard_figures(manchester.region).total.cuts == 1
    years = dashboards.dashboard_figures(area).as_comparable()["year"]
    assert set(years) == {"2026", ""}
    assert_tallies_exact()


def test_approving_a_visitors_report_adds_it(moderator, area):
    cut = report(None, area, money_yearly="£40k")
    assert dashboards.dashboard_figures(None).total == Figures()

    content_approve(actor=moderator, content=cut)

    assert dashboards.dashboard_figures(area).total.money_yearly == 4_000_000
    assert_tallies_exact()


def test_a_state_change_on_the_timeline_moves_the_cut_between_states(member, moderator, area):
    cut = report(moderator, area, money_yearly="£100k")
    state_change(moderator, cut, CutState.DECIDED)

    by_state = dashboards.dashboard_figures(area).as_comparable()["state"]
    assert set(by_state) == {CutState.DECIDED}
    assert_tallies_exact()

    update = state_change(member, Cut.objects.get(pk=cut.pk), CutState.WITHDRAWN)
    assert set(dashboards.dashboard_figures(None).as_comparable()["state"]) == {CutState.DECIDED}
    content_approve(actor=moderator, content=update)
    assert set(dashboards.dashboard_figures(None).as_comparable()["state"]) == {CutState.WITHDRAWN}
    assert_tallies_exact()

    content_hide(actor=moderator, content=update, reason="Not withdrawn after all.")
    assert set(dashboards.dashboard_figures(None).as_comparable()["state"]) == {CutState.DECIDED}
    assert dashboards.dashboard_figures(None).by_group["open"].cuts == 1
    assert_tallies_exact()


def test_an_edit_of_money_and_place_takes_away_what_the_cut_added_before(
    moderator, area, leeds, manchester
):
    cut = report(moderator, area, money_yearly="£100k", financial_year=2025)

    cut.money_yearly = 35_000_000
    cut.financial_year = 2026
    cut.save()
    content_changed(cut, previous_status=cut.status)

    assert dashboards.dashboard_figures(area).total.money_yearly == 35_000_000
    assert set(dashboards.dashboard_figures(None).as_comparable()["year"]) == {"2026"}
    assert_tallies_exact()

    cut.local_authority = manchester
    cut.money_yearly = None
    cut.save()
    content_changed(cut, previous_status=cut.status)

    assert dashboards.dashboard_figures(area).total == Figures()
    assert dashboards.dashboard_figures(area.region).total == Figures()
    assert dashboards.dashboard_figures(manchester).total.cuts == 1
    assert dashboards.dashboard_figures(manchester).total.money_yearly == 0
    assert_tallies_exact()


def test_hiding_and_restoring_a_cut(moderator, area):
    cut = report(moderator, area, money_yearly="£75k", posts_lost=2)

    content_hide(actor=moderator, content=cut, reason="A duplicate.")
    assert dashboards.dashboard_figures(None).total == Figures()
    assert_tallies_exact()

    content_restore(actor=moderator, content=cut)
    assert dashboards.dashboard_figures(None).total.posts_lost == 2
    assert_tallies_exact()


def test_merging_counts_the_kept_cut_once(moderator, area, manchester):
    kept = report(moderator, area, money_yearly="£500k", state="consultation")
    duplicate = report(moderator, manchester, money_yearly="£400k")

    services.cut_merge(actor=moderator, duplicate=duplicate, into=kept)

    assert dashboards.dashboard_figures(None).total.cuts == 1
    assert dashboards.dashboard_figures(None).total.money_yearly == 50_000_000
    assert dashboards.dashboard_figures(manchester.region).total == Figures()
    assert_tallies_exact()

    # A merged report restored by a moderator still counts only through the one kept.
    content_restore(actor=moderator, content=Cut.objects.get(pk=duplicate.pk))
    assert dashboards.dashboard_figures(None).total.cuts == 1
    assert_tallies_exact()


def test_deleting_a_cut_takes_away_what_it_added(moderator, area):
    kept = report(moderator, area, money_yearly="£10k")
    deleted = report(moderator, area, money_yearly="£20k")
    hidden = report(moderator, area, money_yearly="£30k")
    content_hide(actor=moderator, content=hidden, reason="Spam.")

    deleted.delete()
    Cut.objects.get(pk=hidden.pk).delete()

    assert dashboards.dashboard_figures(area).total == Figures(cuts=1, money_yearly=1_000_000)
    assert Cut.objects.filter(pk=kept.pk).exists()
    assert_tallies_exact()


def test_deleting_the_cut_others_were_merged_into_keeps_the_tallies_exact(moderator, area):
    kept = report(moderator, area)
    duplicate = report(moderator, area)
    services.cut_merge(actor=moderator, duplicate=duplicate, into=kept)

    Cut.objects.get(pk=kept.pk).delete()

    assert Cut.objects.get(pk=duplicate.pk).merged_into is None
    assert_tallies_exact()


def test_a_restored_merged_report_counts_once_the_one_it_was_merged_into_is_deleted(
    moderator, area
):
    kept = report(moderator, area)
    duplicate = report(moderator, area)
    services.cut_merge(actor=moderator, duplicate=duplicate, into=kept)
    content_restore(actor=moderator, content=Cut.objects.get(pk=duplicate.pk))

    Cut.objects.get(pk=kept.pk).delete()

    assert_tallies_exact()


def test_rebuilding_the_tallies_gives_the_figures_kept_on_every_change(moderator, area, leeds):
    report(moderator, area, money_yearly="£1m", financial_year=2024)
    cut = report(moderator, leeds, posts_lost=12)
    state_change(moderator, cut, CutState.CARRIED_OUT)
    kept = {area: dashboards.dashboard_figures(area) for area in (None, *every_area())}

    tallies_rebuild()

    assert {area: dashboards.dashboard_figures(area) for area in kept} == kept
    assert_tallies_exact()


def test_no_tally_row_is_left_negative(moderator, area):
    cut = report(moderator, area, money_yearly="£5k", posts_lost=1)
    content_hide(actor=moderator, content=cut, reason="Wrong.")
    cut = Cut.objects.get(pk=cut.pk)
    content_restore(actor=moderator, content=cut)
    cut.delete()

    assert not Tally.objects.filter(cuts__lt=0).exists()
    assert set(Tally.objects.values_list("cuts", "money_yearly", "posts_lost")) == {(0, 0, 0)}


# --- Any sequence of changes (property) --------------------------------------------------

pounds = st.one_of(st.none(), st.integers(min_value=0, max_value=50_000_000))
counts = st.one_of(st.none(), st.integers(min_value=0, max_value=5_000))
index = st.integers(min_value=0, max_value=30)
states = st.sampled_from(CutState.values)

reports = st.builds(
    lambda *values: ("report", *values),
    st.integers(min_value=0, max_value=len(AUTHORITY_CODES) - 1),
    st.sampled_from(CutKind.values),
    st.sampled_from(Sector.values),
    states,
    pounds,
    pounds,
    counts,
    counts,
    st.one_of(st.none(), st.integers(min_value=2020, max_value=2030)),
    st.booleans(),  # by a moderator (published at once) or a visitor (in review)
)
operations = st.lists(
    st.one_of(
        reports,
        st.tuples(st.just("approve"), index),
        st.tuples(st.just("state"), index, states),
        st.tuples(st.just("member state"), index, states, st.integers(0, 2)),
        st.tuples(st.just("approve update"), index),
        st.tuples(st.just("hide update"), index),
        st.tuples(st.just("edit money"), index, pounds),
        st.tuples(st.just("hide"), index),
        st.tuples(st.just("restore"), index),
        st.tuples(st.just("restore merged"), index),
        st.tuples(st.just("merge"), index, index),
        st.tuples(st.just("delete"), index),
        st.tuples(st.just("confirm"), index, st.integers(0, 2)),
    ),
    min_size=1,
    max_size=12,
)


def _pick(queryset, number):
    found = list(queryset.order_by("pk"))
    return found[number % len(found)] if found else None


class TalliesPropertyTests(TestCase):
    """Each example runs in its own transaction, rolled back before the next one."""

    @classmethod
    def setUpTestData(cls):
        cls.moderator = UserFactory(role=Role.MODERATOR)
        cls.members = [UserFactory() for _member in range(3)]
        authorities = LocalAuthority.objects.in_bulk(AUTHORITY_CODES, field_name="code")
        cls.authorities = [authorities[code] for code in AUTHORITY_CODES]
        cls.areas = [*{a.region for a in cls.authorities}, *cls.authorities]

    def _apply(self, operation) -> None:
        name, *arguments = operation
        getattr(self, "_" + name.replace(" ", "_"))(*arguments)

    def _report(self, where, kind, sector, state, yearly, one_off, posts, people, year, trusted):
        report(
            self.moderator if trusted else None,
            self.authorities[where],
            kind=kind,
            sector=sector,
            state=state,
            money_yearly=None if yearly is None else f"£{yearly:,}",
            money_one_off=one_off,
            posts_lost=posts,
            people_affected=people,
            financial_year=year,
        )

    def _approve(self, number):
        if cut := _pick(Cut.objects.filter(status=Status.IN_REVIEW), number):
            content_approve(actor=self.moderator, content=cut)

    def _state(self, number, state, author=None):
        cut = _pick(Cut.objects.public(), number)
        if cut is not None and cut.state != state:
            state_change(author or self.moderator, cut, state)

    def _member_state(self, number, state, member):
        self._state(number, state, author=self.members[member])

    def _approve_update(self, number):
        if entry := _pick(TimelineEntry.objects.filter(status=Status.IN_REVIEW), number):
            content_approve(actor=self.moderator, content=entry)

    def _hide_update(self, number):
        updates = TimelineEntry.objects.public().filter(kind=EntryKind.STATE)
        if entry := _pick(updates, number):
            content_hide(actor=self.moderator, content=entry, reason="Not so.")

    def _edit_money(self, number, yearly):
        if cut := _pick(Cut.objects.all(), number):
            cut.money_yearly = None if yearly is None else yearly * 100
            cut.save()
            content_changed(cut, previous_status=cut.status)

    def _hide(self, number):
        if cut := _pick(Cut.objects.public(), number):
            content_hide(actor=self.moderator, content=cut, reason="Not a cut.")

    def _restore(self, number):
        if cut := _pick(Cut.objects.filter(status=Status.HIDDEN), number):
            content_restore(actor=self.moderator, content=cut)

    def _restore_merged(self, number):
        merged = Cut.objects.filter(status=Status.HIDDEN).exclude(merged_into=None)
        if cut := _pick(merged, number):
            content_restore(actor=self.moderator, content=cut)

    def _merge(self, number, other):
        duplicate = _pick(Cut.objects.public(), number)
        into = _pick(Cut.objects.public().filter(merged_into=None), other)
        if duplicate is not None and into is not None and duplicate.pk != into.pk:
            services.cut_merge(actor=self.moderator, duplicate=duplicate, into=into)

    def _delete(self, number):
        if cut := _pick(Cut.objects.all(), number):
            cut.delete()

    def _confirm(self, number, member):
        if cut := _pick(Cut.objects.public(), number):
            services.cut_confirm(user=self.members[member], cut=cut)

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(first=st.lists(reports, min_size=2, max_size=6), then=operations)
    def test_the_tallies_always_equal_the_figures_counted(self, first, then):
        for step in (*first, *then):
            self._apply(step)
            assert figures_differ([]) == [], step
        assert figures_differ(self.areas) == []
        assert not Tally.objects.filter(cuts__lt=0).exists()
