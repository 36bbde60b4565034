"""Demo gatherings: about thirty across the North, past and to come, with people going.

Every gathering, venue, address and person here is invented (venues are
named after no real building; addresses have no real house numbers); the
towns and councils are real. Gatherings are written through the services,
as their organisers would, so search, the map and notices are as they would
be; past ones are written as if to come and then moved back, which is the
only way a past gathering can exist. Members answer through the services
(one gathering fills up and has a waiting list); people without an account
are shown as confirmed guests without sending them email.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from bigsocnorth.accounts.models import User
from bigsocnorth.core.demo.registry import DemoResult
from bigsocnorth.directory.models import Entry
from bigsocnorth.events import links, needs, outcomes, services
from bigsocnorth.events.models import (
    Gathering,
    GatheringOffer,
    GatheringState,
    NeedKind,
    Rsvp,
    RsvpState,
)
from bigsocnorth.events.recurrence import LONDON
from bigsocnorth.moderation.changes import content_changed
from bigsocnorth.moderation.models import Status
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.selectors import place_list_for_local_authority
from bigsocnorth.places.services import PlaceValue
from bigsocnorth.stories.services import Action, story_update

SEED = 2707


@dataclass
class Plan:
    area: str  # the local authority's name
    title: str
    description: str
    days: int  # from today: negative for a past gathering
    start: tuple[int, int]  # London wall clock
    hours: float
    venue: str = ""
    address: str = ""
    tags: str = ""
    capacity: int | None = None
    going: int = 6  # members and guests answering
    values: dict = field(default_factory=dict)
    after: str = ""  # "postpone", "cancel"
    nth_weekday: tuple[int, int] | None = None  # (2, 5): the first day on a second Saturday
    came: int | None = None  # past: how many came, as the organisers recorded it
    notes: str = ""  # past: what happened, in Markdown
    story: bool = False  # past: the notes told as a published story


STEP_FREE = {"step_free": True, "accessible_toilet": True, "seating": True}
FULL_ACCESS = {**STEP_FREE, "hearing_loop": True, "quiet_room": True, "parking": False}

PLANS = [
    Plan(
        "Sheffield",
        "Networking the networks: an informal get-together in Sheffield",
        "An informal gathering of people interested in linking up Sheffield's community "
        "networks: tenants' groups, friends of parks, food projects, hyperlocal sites. "
        "No agenda beyond meeting each other and finding out what everyone is working on.\n\n"
        "We have a date and a time but **no venue yet**. If you've got a room we can use "
        "free of charge, please offer it below. If you can supply tea and cakes, even better.",
        days=24, start=(17, 0), hours=2, tags="networking, sheffield",
        capacity=40, going=9, values={"venue_wanted": True, "ask_dietary": True},
    ),
    Plan(
        "Leeds", "Repair café at the Chapeltown community rooms",
        "Bring a broken lamp, a torn coat or a wobbly chair. Volunteer fixers, tea and a "
        "chat. Every second Saturday of the month.",
        days=12, start=(10, 0), hours=3, venue="Chapeltown Community Rooms (demo)",
        address="Back Road, Chapeltown, Leeds", tags="repair, reuse",
        going=11, nth_weekday=(2, 5),
        values={**STEP_FREE, "recurrence": "FREQ=MONTHLY;BYDAY=2SA;COUNT=10",
                           "public_transport": "Buses 2, 3 and 3A stop two minutes away"},
    ),
    Plan(
        "Manchester", "Small charities' funding surgery",
        "Half-hour slots with two experienced bid writers who volunteer their time. Bring "
        "your draft or just your idea. Places are limited, so the list fills quickly.",
        days=9, start=(13, 30), hours=3, venue="Ancoats Neighbourhood Hub (demo)",
        address="Great Ancoats Street, Manchester", tags="funding, bid writing",
        capacity=12, going=15, values={**FULL_ACCESS, "ask_access": True},
    ),
    Plan(
        "Newcastle upon Tyne", "Hyperlocal news meet-up: who covers our streets?",
        "For people who run or write for hyperlocal websites and newsletters in Tyneside. "
        "Sharing what works, what doesn't, and how to cover council meetings together.",
        days=17, start=(18, 30), hours=2, venue="Ouseburn Reading Room (demo)",
        address="Lime Street, Ouseburn, Newcastle", tags="hyperlocal, journalism",
        going=8, values={**STEP_FREE, "bsl_interpretation": False},
    ),
    Plan(
        "Liverpool", "Food projects round table",
        "Pantries, community fridges and food banks across the city region: how are we "
        "coping with demand this winter, and can we share transport and storage?",
        days=30, start=(10, 30), hours=2.5, venue="Kensington Fields Chapel Hall (demo)",
        address="Kensington, Liverpool", tags="food, poverty", going=10,
        values={**STEP_FREE, "ask_dietary": True},
    ),
    Plan(
        "Calderdale", "Flood wardens' winter briefing",
        "Volunteer flood wardens from Hebden Bridge, Mytholmroyd and Todmorden go through "
        "this winter's plans. New volunteers welcome.",
        days=6, start=(19, 0), hours=1.5, venue="Hebden Bridge Scout Hut (demo)",
        address="Valley Road, Hebden Bridge", tags="floods, volunteering", going=7,
        values={"step_free": False, "public_transport": "Hebden Bridge station, 10 minutes' walk"},
    ),
    Plan(
        "Kingston upon Hull, City of", "Digital skills drop-in for community groups",
        "Help with websites, mailing lists, online forms and keeping your group's data "
        "safe. Every week, just turn up with your laptop or phone.",
        days=3, start=(14, 0), hours=2, venue="Orchard Park Library (demo)",
        address="Orchard Park, Hull", tags="digital, training", going=5,
        values={**STEP_FREE, "recurrence": "FREQ=WEEKLY;COUNT=12"},
    ),
    Plan(
        "York", "Online: writing a volunteer policy that people read",
        "A one-hour online session with time for questions. The link is sent to people "
        "who say they are coming.",
        days=14, start=(12, 30), hours=1, tags="volunteering, policies", going=14,
        values={"in_person": False, "online": True,
                "online_url": "https://meet.example.org/volunteer-policy"},
    ),
    Plan(
        "Bradford", "Youth workers' network: after the cuts",
        "Youth workers from across the district meet to map what is left after this "
        "year's budget, and what voluntary groups are picking up.",
        days=20, start=(16, 0), hours=2, venue="Manningham Youth Space (demo)",
        address="Manningham, Bradford", tags="youth, cuts", going=9,
        values={**STEP_FREE, "online": True, "online_url": "https://meet.example.org/youth"},
    ),
    Plan(
        "County Durham", "Village halls: sharing equipment and volunteers",
        "Trustees of village halls across the county talk about sharing a minibus, "
        "a PA system and a list of volunteers who can run events.",
        days=40, start=(19, 0), hours=2, venue="Esh Winning Welfare Hall (demo)",
        address="Esh Winning, County Durham", tags="village halls, sharing", going=6,
        values={**STEP_FREE, "parking": True, "state": GatheringState.TENTATIVE},
    ),
    Plan(
        "Lancaster", "Community energy open evening",
        "How the community solar roof on the sports club was funded, and how your group "
        "could do the same.",
        days=26, start=(18, 0), hours=2, venue="Bowerham Sports Club (demo)",
        address="Bowerham, Lancaster", tags="energy, climate", going=7,
        values=STEP_FREE, after="postpone",
    ),
    Plan(
        "Middlesbrough", "Advice workers' coffee morning",
        "Informal catch-up for advice workers and volunteers in Teesside.",
        days=11, start=(10, 0), hours=1.5, venue="North Ormesby Hub (demo)",
        address="North Ormesby, Middlesbrough", tags="advice", going=5,
        values=STEP_FREE, after="cancel",
    ),
    Plan(
        "Cumberland", "Rural transport: lifts, buses and volunteer drivers",
        "Community transport schemes from Cockermouth to Alston compare notes on "
        "recruiting volunteer drivers and keeping cars on the road.",
        days=33, start=(11, 0), hours=3, venue="Keswick Methodist Hall (demo)",
        address="Keswick, Cumbria", tags="transport, rural", going=8,
        values={**STEP_FREE, "parking": True},
    ),
    Plan(
        "Wakefield", "Litter pick and picnic on the canal",
        "Gloves and bags provided. Meet at the lock, finish with a picnic.",
        days=8, start=(10, 0), hours=3, venue="Stanley Ferry lock (demo)",
        address="Stanley Ferry, Wakefield", tags="environment, litter", going=12,
        values={"step_free": False, "seating": False},
    ),
    # Past gatherings, with the people who came.
    Plan(
        "Sheffield", "Friends of parks: spring planning meeting",
        "Friends groups from six Sheffield parks planned the spring volunteering season.",
        days=-40, start=(18, 30), hours=2, venue="Meersbrook Park Walled Garden (demo)",
        address="Meersbrook, Sheffield", tags="parks", going=14, values=STEP_FREE,
        came=17, story=True,
        notes="Seventeen of us from six friends groups. What we agreed:\n\n"
        "- **one shared tool store** at Meersbrook, with a booking sheet;\n"
        "- a joint bulb-planting day in each park in October;\n"
        "- asking the council's parks team to one meeting a season.\n\n"
        "Thanks to the walled garden volunteers for the tea.",
    ),
    Plan(
        "Leeds", "Tenants' associations assembly",
        "Tenants' and residents' associations from across Leeds met to compare repairs "
        "backlogs and agree a joint letter.",
        days=-75, start=(19, 0), hours=2, venue="Harehills Community Centre (demo)",
        address="Harehills, Leeds", tags="housing, tenants", going=18, values=FULL_ACCESS,
        came=23,
        notes="Twenty-three people from eleven associations. The joint letter on repairs was "
        "agreed and signed on the night; two associations will take it to the next housing "
        "board meeting.",
    ),
    Plan(
        "Manchester", "Community reporters' workshop",
        "A hands-on workshop on telling your group's story with a phone.",
        days=-21, start=(13, 0), hours=3, venue="Levenshulme Old Library (demo)",
        address="Levenshulme, Manchester", tags="stories, media", going=11,
        values=STEP_FREE,
    ),
    Plan(
        "Newcastle upon Tyne", "Warm spaces: what we learned last winter",
        "Hosts of warm spaces shared what worked, what it cost and who came.",
        days=-120, start=(14, 0), hours=2, venue="Byker Community Room (demo)",
        address="Byker, Newcastle", tags="warm spaces, poverty", going=16,
        values=STEP_FREE,
    ),
    Plan(
        "Kirklees", "Volunteer fair",
        "Thirty groups looking for volunteers, with stalls and short talks.",
        days=-60, start=(10, 0), hours=5, venue="Huddersfield Town Hall foyer (demo)",
        address="Huddersfield", tags="volunteering", going=25, values=FULL_ACCESS,
    ),
    Plan(
        "Northumberland", "Coastal communities: second homes and local services",
        "Residents and parish councillors discussed the effect of second homes on buses, "
        "schools and the village shop.",
        days=-30, start=(19, 0), hours=2, venue="Seahouses Village Hall (demo)",
        address="Seahouses, Northumberland", tags="rural, housing", going=9,
        values={**STEP_FREE, "parking": True},
    ),
]  # fmt: skip

GUEST_NAMES = [
    "Ruth Ackroyd", "Bilal Hussain", "Megan Armitage", "Tomasz Nowak", "Grace Oduya",
    "Harry Lister", "Fatima Begum", "Owen Pritchard", "Lily Chen", "Callum Reid",
]  # fmt: skip
# What some gatherings need, and the offers made: (kind, description, how many, offers),
# each offer (how many it covers, its message, accepted).
K = NeedKind
NEEDS = {
    "Networking the networks: an informal get-together in Sheffield": [
        (K.VENUE, "A room for about 40 people, free of charge, 5 to 7 pm", 1,
         [(1, "Our community hall is free that evening and we would love to host.", False)]),
        (K.REFRESHMENTS, "Tea and cakes for about 40", 2,
         [(1, "I'll bake two lemon drizzles and bring a tea urn.", True)]),
        (K.HELPERS, "Someone to welcome people at the door", 2, []),
        (K.NOTE_TAKING, "Notes of who came and what they are working on", 1,
         [(1, "Happy to take notes and share them on the forum afterwards.", True)]),
    ],
    "Food projects round table": [
        (K.LIFT, "A lift from Bootle for a wheelchair user (a car with room for a folded chair)",
         1, [(1, "I drive past Bootle and have a big boot.", False)]),
        (K.REFRESHMENTS, "Sandwiches for lunch", 1, []),
    ],
    "Hyperlocal news meet-up: who covers our streets?": [
        (K.NOTE_TAKING, "Someone to write up the discussion for the newsletters", 1,
         [(1, "I write for the Heaton newsletter: I'll do it.", True)]),
    ],
    "Youth workers' network: after the cuts": [
        (K.INTERPRETER, "An Urdu interpreter for parents who are coming", 1, []),
    ],
    "Village halls: sharing equipment and volunteers": [
        (K.HELPERS, "Two people to set out chairs and clear up", 2,
         [(1, "Count me in for setting up.", False)]),
    ],
}  # fmt: skip
DIETARY = ["Vegetarian", "No nuts, please", "Gluten free", "Vegan", ""]
ACCESS = ["I use a wheelchair", "A seat near the front, please", "", "", ""]


def load_events_demo() -> DemoResult:
    """The demo gatherings, loaded after the people, the directory and the forum."""
    if Gathering.objects.exists():
        # Loaded already, or gatherings in use: never add to them.
        return DemoResult()
    counts = load_gatherings()
    return DemoResult(
        summary=[
            "Gatherings: {upcoming} to come ({repeating} repeating, one needing a venue, one "
            "full with {waiting} waiting, one postponed, one cancelled) and {past} past, "
            "{going} people going, {recorded} with how they went recorded and {stories} told "
            "as a story; {needs} needs, with {offers} offers of help.".format(**counts)
        ]
    )


def _organisers() -> list[User]:
    """Members who have published enough to be trusted, so their gatherings are public."""
    people = list(
        User.objects.filter(is_active=True, role="member", email__startswith="forum").order_by(
            "pk"
        )[:40]
    )
    return people or list(User.objects.filter(is_active=True, role="moderator").order_by("pk"))


def _place(area: LocalAuthority, address: str, rng: random.Random) -> PlaceValue:
    towns = place_list_for_local_authority(local_authority=area, limit=40)
    if not towns:
        return PlaceValue(name=area.name, local_authority=area)
    # The town the address names (Keswick, not Carlisle), else the biggest.
    named = [town for town in towns if town.name in address]
    town = named[0] if named else towns[0]
    # A little off the town's centre, so two gatherings in one town are two pins.
    return PlaceValue(
        name=town.name,
        local_authority=area,
        latitude=town.latitude + rng.uniform(-0.01, 0.01),
        longitude=town.longitude + rng.uniform(-0.01, 0.01),
    )


def _nth_weekday_from(day: date, nth: int, weekday: int) -> date:
    """The first day from `day` that is the nth such weekday of its month."""
    while not (day.weekday() == weekday and (day.day - 1) // 7 + 1 == nth):
        day += timedelta(days=1)
    return day


def _at(day: date, clock: tuple[int, int]) -> datetime:
    return datetime(day.year, day.month, day.day, *clock, tzinfo=LONDON)


def load_gatherings() -> dict:
    rng = random.Random(SEED)
    today = timezone.localdate()
    organisers = _organisers()
    members = list(User.objects.filter(is_active=True, role="member").order_by("pk")[:120])
    areas = {area.name: area for area in LocalAuthority.objects.defer("boundary")}
    counts = {"upcoming": 0, "past": 0, "repeating": 0, "waiting": 0, "going": 0}
    counts["needs"] = sum(len(listed) for listed in NEEDS.values())
    for number, plan in enumerate(PLANS):
        area = areas[plan.area]
        organiser = organisers[number % len(organisers)]
        # A past gathering is written for a week ahead, then moved back.
        day = today + timedelta(days=plan.days if plan.days > 0 else 7)
        if plan.nth_weekday:
            day = _nth_weekday_from(day, *plan.nth_weekday)
        starts_at = _at(day, plan.start)
        values = {
            "title": plan.title,
            "description": plan.description,
            "tags": plan.tags,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=plan.hours),
            "in_person": True,
            "online": False,
            "venue_name": plan.venue,
            "venue_address": plan.address,
            "place": _place(area, plan.address, rng),
            "capacity": plan.capacity,
            "plus_ones_allowed": 2,
            "online_url_going_only": True,
            **plan.values,
        }
        if not values["in_person"]:
            values["place"] = None
        entry = (
            Entry.objects.filter(editors=organiser, status=Status.PUBLISHED).order_by("pk").first()
        )
        if entry is not None:
            values["entries"] = [entry]
        with transaction.atomic():
            gathering = services.gathering_create(author=organiser, values=values)
            going = _answers(gathering, plan, members, rng)
            _needs(gathering, organiser, members, rng)
            if plan.after == "postpone":
                services.gathering_postpone(
                    actor=organiser,
                    gathering=gathering,
                    starts_at=gathering.starts_at + timedelta(days=14),
                    ends_at=gathering.ends_at + timedelta(days=14),
                    note="The hall needs its roof checked first; same time, two weeks later.",
                )
            elif plan.after == "cancel":
                services.gathering_cancel(
                    actor=organiser,
                    gathering=gathering,
                    note="Sorry: the hub is closed for repairs that week. We will set a new date.",
                )
            if plan.days < 0:
                _move_back(gathering, days=7 - plan.days)
                _afterwards(gathering, plan, organiser)
        counts["past" if plan.days < 0 else "upcoming"] += 1
        counts["repeating"] += bool(gathering.recurrence)
        counts["going"] += going
        counts["waiting"] += Rsvp.objects.filter(
            gathering=gathering, state=RsvpState.WAITING
        ).count()
    counts["offers"] = GatheringOffer.objects.count()
    counts["recorded"] = Gathering.objects.filter(outcome_recorded_at__isnull=False).count()
    counts["stories"] = Gathering.objects.filter(story__isnull=False).count()
    return counts


def _needs(gathering: Gathering, organiser: User, members: list[User], rng) -> None:
    """The gathering's needs, offers from members (a venue from a group nearby)."""
    helpers = [member for member in members if member.pk != organiser.pk]
    for kind, description, wanted, offers in NEEDS.get(gathering.title, []):
        need = needs.need_add(
            actor=organiser,
            gathering=gathering,
            values={"kind": kind, "description": description, "wanted": wanted},
        )
        for covers, message, accepted in offers:
            values = {"message": message, "covers": covers}
            person = rng.choice(helpers)
            if kind == NeedKind.VENUE:
                person, values = _venue_offer(gathering, organiser, helpers, message)
            offer = needs.offer_make(user=person, need=need, values=values)
            if accepted:
                needs.offer_accept(actor=organiser, offer=offer)


def _venue_offer(gathering: Gathering, organiser: User, helpers: list[User], message: str):
    """A group in the same area offers its hall, through a member who looks after it."""
    entry = (
        Entry.objects.filter(
            status=Status.PUBLISHED, places__local_authority=gathering.local_authority
        )
        .exclude(editors=organiser)
        .filter(editors__isnull=False)
        .order_by("pk")
        .first()
    )
    values = {"message": message, "venue_address": "Upper Hanover Street (demo address)"}
    if entry is None:
        # No group here in the directory: a member offers a room they can book.
        return helpers[0], {
            **values,
            "venue_name": "St Luke's church hall (demo)",
            "place": PlaceValue(
                name=gathering.place_name, local_authority=gathering.local_authority
            ),
        }
    return entry.editors.order_by("pk").first(), {
        **values,
        "entry": entry,
        "venue_name": f"{entry.name}'s hall",
    }


def _answers(gathering: Gathering, plan: Plan, members: list[User], rng: random.Random) -> int:
    """Members through the services (some bring someone); then a few confirmed guests."""
    people = rng.sample(members, min(len(members), plan.going))
    # No guests where the demo then postpones or cancels: they would be emailed.
    guests = plan.going // 4
    if plan.after or (gathering.capacity and plan.going > gathering.capacity):
        guests = 0
    going = 0
    for person in people[: len(people) - guests]:
        answers = {}
        if gathering.ask_dietary:
            answers["dietary"] = rng.choice(DIETARY)
        if gathering.ask_access:
            answers["access"] = rng.choice(ACCESS)
        rsvp = services.rsvp_member(
            user=person,
            gathering=gathering,
            plus_ones=rng.choice([0, 0, 0, 1]) if not gathering.capacity else 0,
            answers=answers,
        )
        going += rsvp.state == RsvpState.GOING
    now = timezone.now()
    for name in rng.sample(GUEST_NAMES, guests):
        # As if they had opened the link in their email (no email is sent for the demo).
        Rsvp.objects.create(
            gathering=gathering,
            guest_name=name,
            guest_email=f"{name.split()[0].lower()}.{gathering.pk}@guests.example.org",
            email_confirmed_at=now,
            joined_at=now,
            state=RsvpState.GOING,
            cancel_key=links.new_key(),
        )
        going += 1
    return going


def _afterwards(gathering: Gathering, plan: Plan, organiser: User) -> None:
    """What the organisers recorded, and the story they told from it, as they would."""
    if plan.came is None and not plan.notes:
        return
    outcomes.gathering_outcome_record(
        actor=organiser, gathering=gathering, attended=plan.came, outcome=plan.notes
    )
    if plan.story:
        story = outcomes.gathering_story_create(actor=organiser, gathering=gathering)
        story_update(
            actor=organiser, story=story, action=Action.PUBLISH,
            **outcomes.story_values_for(gathering),
        )  # fmt: skip


def _move_back(gathering: Gathering, *, days: int) -> None:
    """Move a gathering (written for a week ahead) into the past, with its dates."""
    shift = timedelta(days=days)
    announced = shift + timedelta(days=21)
    Gathering.objects.filter(pk=gathering.pk).update(
        starts_at=gathering.starts_at - shift,
        ends_at=gathering.ends_at - shift,
        last_ends_at=gathering.last_ends_at - shift,
        created_at=gathering.created_at - announced,
        published_at=gathering.published_at - announced,
    )
    gathering.refresh_from_db()
    # Off the map and into "past": the indexes see the new dates.
    content_changed(gathering, previous_status=gathering.status)
