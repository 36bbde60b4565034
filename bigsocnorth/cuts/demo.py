"""Demo threats and cuts: about 300 across the North, in every state and of every kind.

Every service, sum, date, response and web address here is invented (links
are under .example); the places and councils are real, the cuts are not.
Reports and their timelines are written through the cuts services, so
search, the map, the dashboards' tallies and notices are as they would be;
only publication dates are moved back afterwards, so the list reads like
three years of reporting. A few reports wait for review (one from a visitor
without an account), and a few are verified, disputed or answered by the
council.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from bigsocnorth.accounts.models import User
from bigsocnorth.core.demo.registry import DemoResult
from bigsocnorth.cuts import services
from bigsocnorth.cuts.choices import (
    OPEN_STATES,
    CutKind,
    CutState,
    EntryKind,
    Sector,
    Verification,
)
from bigsocnorth.cuts.fields import financial_year_of
from bigsocnorth.cuts.models import Cut, Evidence, TimelineEntry
from bigsocnorth.moderation.changes import content_changed
from bigsocnorth.moderation.models import Status
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.selectors import place_list_for_local_authority
from bigsocnorth.places.services import PlaceValue

SEED = 4040
CUTS_PER_AREA = (3, 7)

# (sector, kind, what is threatened, with {town}; a year's money range in £k; posts; people)
S, K = Sector, CutKind
SERVICES = [
    (S.LIBRARIES, K.CLOSURE, "{town} branch library", (60, 180), (2, 5), (3000, 12000)),
    (S.LIBRARIES, K.HOURS, "Opening hours at {town} library", (20, 70), (1, 3), (2000, 9000)),
    (S.YOUTH, K.FUNDING, "{town} detached youth work team", (80, 260), (3, 8), (300, 1500)),
    (S.YOUTH, K.CLOSURE, "{town} youth club", (40, 120), (2, 4), (150, 600)),
    (S.ADVICE, K.FUNDING, "Grant to the {town} advice centre", (50, 240), (2, 7), (2000, 8000)),
    (S.ADVICE, K.ELIGIBILITY, "Debt advice drop-in in {town}", (20, 90), (1, 2), (400, 2500)),
    (S.MENTAL_HEALTH, K.FUNDING, "{town} peer support groups", (30, 150), (1, 4), (200, 900)),
    (S.MENTAL_HEALTH, K.CLOSURE, "Crisis café in {town}", (90, 300), (4, 9), (500, 2000)),
    (S.OLDER_PEOPLE, K.CLOSURE, "{town} day centre for elders", (150, 420), (6, 15), (80, 300)),
    (S.OLDER_PEOPLE, K.CHARGES, "Community alarm charges, {town}", (40, 160), (0, 2), (900, 3000)),
    (S.CHILDREN, K.CLOSURE, "{town} family hub", (200, 600), (5, 14), (1200, 4000)),
    (S.CHILDREN, K.POSTS, "Family support workers in {town}", (120, 380), (4, 12), (600, 2500)),
    (S.ARTS, K.FUNDING, "Community arts grants in {town}", (25, 140), (0, 3), (1000, 6000)),
    (S.ARTS, K.BUILDING, "{town} arts centre building", (0, 0), (3, 9), (8000, 30000)),
    (S.SPORT, K.CLOSURE, "{town} swimming pool", (180, 520), (8, 20), (15000, 60000)),
    (S.SPORT, K.POSTS, "Park rangers in {town}", (60, 200), (2, 6), (10000, 40000)),
    (S.COMMUNITY_CENTRES, K.BUILDING, "{town} community centre", (0, 0), (1, 3), (1500, 6000)),
    (S.COMMUNITY_CENTRES, K.FUNDING, "{town} community hall grant", (15, 70), (1, 2), (800, 3000)),
    (S.TRANSPORT, K.FUNDING, "Evening buses serving {town}", (90, 350), (0, 0), (2000, 9000)),
    (S.TRANSPORT, K.ELIGIBILITY, "Community transport for {town}", (30, 110), (1, 4), (300, 1200)),
    (S.ENVIRONMENT, K.POSTS, "{town} recycling and reuse team", (70, 220), (3, 9), (20000, 80000)),
    (S.ENVIRONMENT, K.FUNDING, "{town} green spaces team", (20, 90), (0, 2), (5000, 20000)),
    (S.OTHER, K.OTHER, "Welfare assistance scheme in {town}", (100, 400), (2, 5), (1500, 7000)),
]  # fmt: skip

# How far a cut has got, with weights: most are live threats; some are over.
OUTCOMES = [
    ([CutState.RUMOURED], 6),
    ([CutState.PROPOSED], 12),
    ([CutState.PROPOSED, CutState.CONSULTATION], 14),
    ([CutState.PROPOSED, CutState.CONSULTATION, CutState.DECIDED], 10),
    ([CutState.PROPOSED, CutState.DECIDED, CutState.UNDERWAY], 8),
    ([CutState.PROPOSED, CutState.CONSULTATION, CutState.DECIDED, CutState.CARRIED_OUT], 14),
    ([CutState.PROPOSED, CutState.CONSULTATION, CutState.WITHDRAWN], 6),
    ([CutState.PROPOSED, CutState.DECIDED, CutState.REVERSED], 3),
    ([CutState.PROPOSED, CutState.CONSULTATION, CutState.TAKEN_OVER], 4),
    ([CutState.RUMOURED, CutState.PROPOSED, CutState.FUNDED_ELSEWHERE], 3),
    # Reopened: carried out, then back with new evidence.
    ([CutState.PROPOSED, CutState.DECIDED, CutState.CARRIED_OUT, CutState.PROPOSED], 2),
]

STATE_NEWS = {
    CutState.PROPOSED: "The proposal is in the budget papers for {year}.",
    CutState.CONSULTATION: "A public consultation has opened; it runs for eight weeks.",
    CutState.DECIDED: "Councillors voted the proposal through at the budget meeting.",
    CutState.UNDERWAY: "Notices have gone up and the first changes have started.",
    CutState.CARRIED_OUT: "The last session ran this week. Users have been told to go elsewhere.",
    CutState.WITHDRAWN: "After the consultation the proposal was taken out of the budget.",
    CutState.REVERSED: "The decision was reversed after a petition of several thousand names.",
    CutState.TAKEN_OVER: "A local trust has signed a lease and volunteers will run it.",
    CutState.FUNDED_ELSEWHERE: "A charitable foundation has stepped in with three years' funding.",
}
NEWS = [
    "Users and staff held a public meeting; over a hundred people came.",
    "A petition has passed 2,000 signatures.",
    "Local councillors have asked for the equality impact assessment to be published.",
    "The local paper has covered the story, with interviews with people who use it.",
]
RESPONSES = [
    "Like every council we face hard choices after years of reduced funding. We are talking "
    "to partners about other ways to keep a service in the area.",
    "No decision has been taken. All responses to the consultation will be considered.",
]


@dataclass
class _Plan:
    area: LocalAuthority
    town: str
    place: PlaceValue | None
    service: tuple
    states: list[str]
    announced: date


def load_cuts_demo() -> DemoResult:
    counts = load_cuts()
    return DemoResult(
        summary=[
            "Threats and cuts: {published} published across the North ({open} still open), "
            "{in_review} waiting for review, {entries} timeline entries, {confirmations} "
            "confirmations.".format(**counts)
        ]
    )


def _plans(rng: random.Random, today: date) -> list[_Plan]:
    plans = []
    for area in LocalAuthority.objects.order_by("name"):
        towns = place_list_for_local_authority(local_authority=area, limit=8) or []
        for _ in range(rng.randint(*CUTS_PER_AREA)):
            town = rng.choice(towns) if towns else None
            name = town.name if town else area.name
            place = None
            if town is not None and rng.random() < 0.8:
                place = PlaceValue(
                    name=name,
                    local_authority=area,
                    latitude=town.latitude,
                    longitude=town.longitude,
                    approximate=rng.random() < 0.3,
                )
            plans.append(
                _Plan(
                    area=area,
                    town=name,
                    place=place or PlaceValue(name="", local_authority=area),
                    service=rng.choice(SERVICES),
                    states=rng.choices(
                        [states for states, _ in OUTCOMES], [w for _, w in OUTCOMES]
                    )[0],
                    announced=today - timedelta(days=rng.randint(20, 1000)),
                )
            )
            plan = plans[-1]
            if len(plan.states) > 2:
                # A cut that went further was announced long enough ago for its
                # decision to be in the past.
                plan.announced = today - timedelta(days=rng.randint(300, 1000))
    return plans


def _values(plan: _Plan, rng: random.Random, today: date) -> dict:
    sector, kind, what, money, posts, people = plan.service
    title = what.format(town=plan.town)
    yearly = rng.randint(*money) * 1000 if money[1] else None
    steps = len(plan.states)
    due = plan.announced + timedelta(days=rng.randint(40, 120))
    open_now = plan.states[-1] in (CutState.RUMOURED, CutState.PROPOSED, CutState.CONSULTATION)
    if open_now and rng.random() < 0.5:
        # Some decisions are still to come: the "due soon" list has something in it.
        due = today + timedelta(days=rng.randint(3, 90))
    values = {
        "title": title,
        "summary": (
            f"{title} is {'under threat' if steps < 4 else 'affected'}. "
            f"People who use it say it is the only service of its kind nearby. "
            f"This report was started by someone who uses it and is kept up to date by "
            f"local volunteers."
        ),
        "affected_name": title,
        "kind": kind,
        "sector": sector,
        "money_yearly": yearly,
        "money_one_off": rng.randint(50, 900) * 1000 if kind == CutKind.BUILDING else None,
        "posts_lost": rng.randint(*posts) or None,
        "people_affected": rng.randint(*people),
        "people_basis": rng.choice(
            [
                "Visits a year, from the council's own figures.",
                "Members and regular users, counted by the group.",
                "An estimate from the consultation document.",
            ]
        ),
        "announced_on": plan.announced,
        "decision_due_on": max(due, plan.announced),
        "financial_year": financial_year_of(plan.announced + timedelta(days=200)),
        "place": plan.place,
        "state": plan.states[0],
    }
    if rng.random() < 0.08:
        values["decided_by_name"] = rng.choice(
            ["The integrated care board", "A national funder", "The combined authority"]
        )
    return values


def _link(area: LocalAuthority, rng: random.Random, what: str) -> dict:
    return {
        "url": f"https://democracy.{area.slug}.example/meetings/{rng.randint(1000, 9999)}",
        "title": what,
    }


def load_cuts() -> dict:
    """Report the demo cuts and write their timelines. Call after people and the directory."""
    rng = random.Random(SEED)
    today = timezone.localdate()
    moderator = User.objects.get(email="moderator@example.org")
    members = list(User.objects.filter(is_active=True).exclude(pk=moderator.pk).order_by("pk"))
    made: list[Cut] = []
    entries = confirmations = 0
    for number, plan in enumerate(_plans(rng, today)):
        values = _values(plan, rng, today)
        visitor = number % 97 == 13  # now and then, a report from someone without an account
        reporter = None if visitor else moderator
        cut = services.cut_report(
            author=reporter,
            values=values,
            links=[_link(plan.area, rng, "Budget proposals, cabinet papers")],
            reporter_email="reporter@example.org" if visitor else "",
        )
        made.append(cut)
        if cut.status != Status.PUBLISHED:
            continue
        entries += _timeline(cut, plan, rng, moderator, today)
        for member in rng.sample(members, k=min(len(members), rng.choice([0, 0, 1, 2, 3, 5]))):
            services.cut_confirm(user=member, cut=cut, note="I use this service.")
            confirmations += 1
        _verdict(cut, rng, moderator)
        _backdate(cut, plan.announced)
    # The demo never fetches anything: its links lead to invented sites.
    Evidence.objects.filter(preview_state="fetching").update(preview_state="")
    return {
        "published": sum(1 for cut in made if cut.status == Status.PUBLISHED),
        "open": Cut.objects.public().filter(state__in=OPEN_STATES).count(),
        "in_review": sum(1 for cut in made if cut.status == Status.IN_REVIEW),
        "entries": entries,
        "confirmations": confirmations,
    }


def _timeline(cut: Cut, plan: _Plan, rng: random.Random, moderator, today: date) -> int:
    day = plan.announced
    count = 0
    for state in plan.states[1:]:
        day = min(today, day + timedelta(days=rng.randint(15, 120)))
        text = STATE_NEWS.get(state, "").format(year=cut.financial_year_label)
        if state == CutState.PROPOSED and cut.state != CutState.RUMOURED:
            text = "Reopened: a new proposal brings the cut back."
        services.timeline_entry_add(
            author=moderator,
            cut=cut,
            kind=EntryKind.STATE,
            state=state,
            happened_on=day,
            text=text,
            links=[_link(plan.area, rng, "Minutes of the meeting")],
        )
        count += 1
        if rng.random() < 0.35:
            services.timeline_entry_add(
                author=moderator,
                cut=cut,
                kind=EntryKind.NEWS,
                happened_on=min(today, day + timedelta(days=rng.randint(1, 10))),
                text=rng.choice(NEWS),
            )
            count += 1
    if rng.random() < 0.15 and cut.decided_by_authority is not None:
        services.timeline_entry_add(
            author=moderator,
            cut=cut,
            kind=EntryKind.RESPONSE,
            happened_on=min(today, day + timedelta(days=3)),
            text=rng.choice(RESPONSES),
            responder=f"{cut.decided_by_authority.name}, press office",
        )
        count += 1
    return count


def _verdict(cut: Cut, rng: random.Random, moderator) -> None:
    roll = rng.random()
    if roll < 0.2:
        services.cut_verify(
            actor=moderator,
            cut=cut,
            verification=Verification.VERIFIED,
            note="Checked against the council's published budget papers.",
        )
    elif roll < 0.24:
        services.cut_verify(
            actor=moderator,
            cut=cut,
            verification=Verification.DISPUTED,
            note="The council says the service will move, not close; we are asking for the papers.",
        )


def _backdate(cut: Cut, announced: date) -> None:
    """Publication on the day after it was announced, so the list reads like years of reports."""
    when = timezone.make_aware(datetime.combine(announced + timedelta(days=1), time(10)))
    with transaction.atomic():
        Cut.objects.filter(pk=cut.pk).update(
            created_at=when, updated_at=when, published_at=when, first_published_at=when
        )
        TimelineEntry.objects.filter(cut=cut).update(created_at=when)
        cut.refresh_from_db()
        content_changed(cut, previous_status=cut.status)
