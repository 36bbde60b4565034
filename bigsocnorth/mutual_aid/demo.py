"""Demo needs and offers: about thirty across the North, from people and groups, with answers.

Every person, group, message and contact detail here is invented (phone
numbers are in the 07700 900 range kept for drama, email addresses are under
example.org); the towns and councils are real. Posts, answers and their
conversations are written through the services, as people would write them,
so moderation, search, the map and notices are as they would be. New
members' first posts are approved by the demo moderator, as the directory's
are; one post that mentions children stays in the review queue, held by
safeguarding. Only dates are moved back afterwards, so the list reads like a
few weeks of posting, and one post is moved past its day and lapses through
the expiry job.

A group's posts come from someone who lives in the group's area: one of its
editors, or else a settled member living there who asks to help look after
its entry and is let in by its editor (through the directory's editor
requests); a group with nobody nearby posts through its own editor. The
posts closing within three days have had their "still needed?" notice
already, on the site only, so the scheduler's first run emails nobody.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from bigsocnorth.accounts.demo import demo_person_create
from bigsocnorth.accounts.models import User
from bigsocnorth.core.demo.registry import DemoResult
from bigsocnorth.directory.editors import services as editor_services
from bigsocnorth.directory.models import Entry
from bigsocnorth.messaging.services import message_send
from bigsocnorth.moderation import lifecycle
from bigsocnorth.moderation import services as moderation_services
from bigsocnorth.moderation.changes import content_changed
from bigsocnorth.moderation.models import Status
from bigsocnorth.mutual_aid import notices, services
from bigsocnorth.mutual_aid.models import (
    Match,
    MatchState,
    Post,
    PostKind,
    PostState,
    Urgency,
    When,
)
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.selectors import place_list_for_local_authority
from bigsocnorth.places.services import PlaceValue

SEED = 7070
MODERATOR = "moderator@example.org"

# People who post and answer here, besides the demo's own members:
# (email, display name, pronouns, home area GSS code, bio).
PEOPLE = [
    ("aid1@example.org", "Bernadette Kilbride", "she/her", "E08000035",
     "Retired dinner lady in Armley. Allotment, crosswords, and helping wherever there's "
     "a kettle."),
    ("aid2@example.org", "Callum Fenwick", "he/him", "E08000021",
     "Removals by trade. I've got a van and the odd free Saturday."),
    ("aid3@example.org", "Priya Sharma", "she/her", "E06000014",
     "Welfare rights volunteer in York. Forms are my thing."),
    ("aid4@example.org", "Joe Whittaker", "he/him", "E07000123",
     "Bus driver, off work with a broken ankle and going spare."),
    ("aid5@example.org", "Maureen Hesketh", "she/her", "E07000123",
     "Lives round the corner from half of Ribbleton and knows the other half."),
    ("aid6@example.org", "Lena Kowalska", "she/her", "E06000010",
     "Back on my feet after an operation, and learning to ask for help."),
    ("aid7@example.org", "Marcus Okafor", "he/him", "E08000012",
     "Runs a Saturday football session in Anfield, and far too many group chats."),
    ("aid8@example.org", "Ellen Thwaite", "she/her", "E06000064",
     "Lives in a village outside Kendal where the bus comes twice a day."),
    ("aid9@example.org", "Ray Goddard", "he/him", "E08000039",
     "Semi-retired electrician in Hillsborough. I can fix most things with a plug on."),
    ("aid10@example.org", "Frankie Doyle", "they/them", "E08000003",
     "Data analyst who enjoys untangling small groups' spreadsheets."),
    ("aid11@example.org", "Doreen Pallister", "she/her", "E06000002",
     "Widowed last year and getting back out there, one walk at a time."),
    ("aid12@example.org", "Nasreen Akhtar", "she/her", "E08000032",
     "Works early shifts at the hospital and juggles the rest."),
    ("aid13@example.org", "Hannah Robson", "she/her", "E08000021",
     "Starting again in a new tenancy in Walker."),
    ("aid14@example.org", "Shazia Khan", "she/her", "E08000032",
     "Runs a busy household in Girlington and a busier street group."),
    ("aid15@example.org", "Walter Nixon", "he/him", "E06000065",
     "Eighty-one, born in Settle, new to tablets."),
]  # fmt: skip

# The groups that post, found in the demo directory by what they do: a label
# the plans share, the words a group's name holds (the first found wins), and
# the area looked in first (then its region, then anywhere).
GROUPS = {
    "food": (("Pantry", "Food Bank"), "Liverpool"),
    "warm": (("Warm Space", "Community Association"), "Newcastle upon Tyne"),
    "cafe": (("Dementia Café", "Carers' Group"), "York"),
    "befriending": (("Befriending Scheme",), "Kingston upon Hull, City of"),
    "welcome": (("Refugee Welcome",), "Sheffield"),
    "garden": (("Community Garden",), "Leeds"),
    "choir": (("Community Choir",), "Manchester"),
    "hall": (("Community Association", "Development Trust"), "Leeds"),
    "foodbank": (("Food Bank", "Pantry"), "Liverpool"),
    "heritage": (("Heritage Society",), "County Durham"),
}
# How the befriending group checks its volunteers, in its own words.
CHECKS = (
    "Every volunteer meets our coordinator first and gives two references, and has an "
    "enhanced DBS check before meeting anyone on their own. New befrienders work alongside "
    "an experienced one for their first month, and we meet monthly to talk things through."
)


@dataclass
class Answer:
    """Someone answering a post, and how far it got."""

    who: str  # email
    message: str
    contact: str
    outcome: str = ""  # "", "accepted", "declined", "done"
    poster_contact: str = ""
    reason: str = ""  # why declined
    messages: tuple[tuple[str, str], ...] = ()  # after acceptance: ("poster"/"responder", text)


@dataclass
class Plan:
    who: str  # an email, or "group:<label>" (GROUPS)
    area: str  # the local authority's name (a group's own area wins)
    place: str  # the part of the area, shown as written ("" for the whole area)
    kind: str
    category: str  # slug
    title: str
    description: str
    urgency: str = Urgency.WHENEVER
    when: str = When.ONGOING
    days: tuple[int, int] | None = None  # from today: (first, last); a day is (n, n)
    times: int = 1
    open_days: int | None = None  # open until today + this (default: the form's 30 days)
    age: int = 7  # posted this many days ago
    answers: tuple[Answer, ...] = ()
    after: str = ""  # "met", "not_needed", "lapse"


NEED, OFFER = PostKind.NEED, PostKind.OFFER
U = Urgency

PLANS = [
    # Food
    Plan("group:food", "Liverpool", "", OFFER, "food",
         "Surplus bread and veg to collect on Friday afternoons",
         "Our supermarket collection leaves us with more fresh bread and veg than our members "
         "can use by Friday. Any group or household is welcome to collect between two and four: "
         "bring your own bags. Tell us the day before and we will set some aside.",
         times=20, age=12,
         answers=(Answer(
             "aid7@example.org",
             "Our Saturday football session finishes with a shared lunch, and the veg would make "
             "a big pot of soup. Could I collect this Friday?",
             "Marcus: 07700 900412, or marcus.okafor@example.org",
             outcome="done",
             poster_contact="Ask for Jo at the side door on Fridays, or ring 07700 900118.",
             messages=(("responder", "Collected three crates on Friday, thank you. The soup "
                                     "went in minutes and the lads took the rest home."),
                       ("poster", "Brilliant. Come any Friday you like.")),
         ),)),
    Plan("aid6@example.org", "Kingston upon Hull, City of", "West Hull", NEED, "food",
         "Hot meals a few times a week while I recover from an operation",
         "I'm home from hospital and can't stand at the cooker for long yet. Two or three hot "
         "meals a week for the next three weeks would make a big difference. I eat anything "
         "except fish, and I'm happy to give the dishes back washed!",
         urgency=U.SOON, when=When.WINDOW, days=(0, 21), times=9, age=3,
         answers=(Answer(
             "demo2@example.org",
             "I run a befriending scheme in west Hull and love cooking for people. I could "
             "bring something on Tuesdays and Fridays.",
             "Mary: 07700 900231",
             outcome="accepted",
             poster_contact="Lena: 07700 900367. Text first, I nap in the afternoons.",
             messages=(("responder", "I'll bring a stew on Tuesday about five and a cottage "
                                     "pie on Friday. Anything you don't like besides fish?"),
                       ("poster", "That sounds perfect. No mushrooms, and thank you!")),
         ),)),
    Plan("aid1@example.org", "Leeds", "Armley", OFFER, "food",
         "Allotment leeks, parsnips and kale, free to a good home",
         "More than we can eat from the plot this week. Collect from the allotment gates on "
         "Saturday morning, or a group is welcome to the lot for a community lunch.",
         urgency=U.SOON, times=5, open_days=2, age=16),
    Plan("group:warm", "Newcastle upon Tyne", "", NEED, "food",
         "Soup and bread for our Thursday warm space",
         "We feed about forty people every Thursday lunchtime and our usual supplier has "
         "stopped. A regular donation of soup, bread or fruit, or a cook who could make soup "
         "in our kitchen on Thursday mornings, would keep us going.",
         urgency=U.SOON, times=8, age=6),
    # Lifts and transport
    Plan("aid8@example.org", "Westmorland and Furness", "Kendal", NEED, "lifts-and-transport",
         "A lift to the hospital in Kendal for an eye appointment",
         "My appointment is at ten in the morning and the bus from the village doesn't get in "
         "on time. I can't drive afterwards because of the eye drops. Happy to pay for fuel "
         "and to wait however long it takes.",
         urgency=U.SOON, when=When.DATE, days=(6, 6), open_days=7, age=2,
         answers=(Answer(
             "demo4@example.org",
             "I'm often in Kendal on weekdays and could take you there and back.",
             "Siân: 07700 900585 or sian.edwards@example.org",
         ),)),
    Plan("aid2@example.org", "Newcastle upon Tyne", "Heaton", OFFER, "lifts-and-transport",
         "Van and driver for moving furniture on Saturdays",
         "I have a long-wheelbase van and most Saturdays free. Glad to move donated furniture "
         "for people setting up a new home, or for groups clearing a hall.",
         times=4, age=20),
    Plan("aid13@example.org", "Newcastle upon Tyne", "Walker", NEED, "lifts-and-transport",
         "Help moving a donated bed and wardrobe to my new tenancy",
         "A furniture project has given me a bed and a wardrobe, but I have no way to get them "
         "across town and can't lift the wardrobe on my own.",
         urgency=U.SOON, age=10, after="met",
         answers=(Answer(
             "aid2@example.org",
             "Sounds like a job for the van. I could do it this Saturday morning.",
             "Callum: 07700 900744",
             outcome="done",
             poster_contact="Hannah: 07700 900802 or hannah.robson@example.org",
             messages=(("poster", "Saturday at ten works. I'll meet you outside the furniture "
                                  "project."),
                       ("responder", "All in and built. Enjoy the new place!")),
         ),)),
    Plan("group:cafe", "York", "", NEED, "lifts-and-transport",
         "Lifts to our Wednesday café for members who no longer drive",
         "A few of our regulars have stopped coming because they can't get here. A lift there "
         "and back every other Wednesday afternoon, or even once a month, would bring them back.",
         urgency=U.SOON, times=6, age=9),
    Plan("aid12@example.org", "Bradford", "Manningham", NEED, "lifts-and-transport",
         "Someone to share the school run on Tuesdays and Thursdays",
         "I start early shifts twice a week. Could a parent nearby walk my two children to "
         "school with theirs on those days? I'll do the other days in return.",
         urgency=U.SOON, age=1),
    # Shopping and errands
    Plan("aid4@example.org", "Preston", "Ribbleton", NEED, "shopping-and-errands",
         "A weekly shop while my ankle heals",
         "Broke my ankle and I'm on crutches for the next month. I'd be grateful for someone to "
         "pick up a small weekly shop: I'll send the list and pay on the doorstep.",
         urgency=U.SOON, when=When.WINDOW, days=(0, 28), times=4, age=4),
    Plan("aid9@example.org", "Sheffield", "Hillsborough", OFFER, "shopping-and-errands",
         "A weekly shop for a neighbour in Hillsborough",
         "I drive to the big supermarket every Thursday and can easily do a second list for "
         "someone nearby who can't get out.",
         times=10, age=25),
    Plan("demo9@example.org", "County Durham", "Crook", NEED, "shopping-and-errands",
         "Someone to collect a parcel from the depot in Bishop Auckland",
         "A parcel of archive boxes missed us twice and now has to be collected from the "
         "depot, which is two buses away. Any day this week.",
         urgency=U.URGENT, when=When.DATE, days=(2, 2), open_days=3, age=1),
    # Befriending
    Plan("group:befriending", "Kingston upon Hull, City of", "", OFFER, "befriending",
         "A weekly phone call or a coffee for anyone feeling cut off",
         "Our trained befrienders ring for a chat once a week, or meet you for a coffee in town. "
         "No forms to fill in: tell us a little about yourself and we'll find someone who "
         "shares your interests.",
         times=30, age=24),
    Plan("aid11@example.org", "Middlesbrough", "Linthorpe", NEED, "befriending",
         "A walking companion for Sunday mornings in Albert Park",
         "I used to walk with my husband every Sunday and I miss the company more than the "
         "exercise. An hour at a gentle pace, with a cup of tea at the café after.",
         age=8,
         answers=(Answer(
             "demo6@example.org",
             "I walk round the park most Sundays anyway and would be glad of the company.",
             "Gary: 07700 900690",
             outcome="declined",
             reason="A neighbour from church has offered the same mornings, so I'm sorted. "
             "Thank you for answering.",
         ),)),
    Plan("group:welcome", "Sheffield", "", NEED, "befriending",
         "Conversation partners for English practice",
         "People new to the city want to practise everyday English over a cup of tea. An hour "
         "a week at our drop-in, no teaching experience needed: just patience and curiosity.",
         times=10, age=14),
    # Skills and advice
    Plan("aid3@example.org", "York", "", OFFER, "skills-and-advice",
         "Help with forms: PIP, Blue Badge and council tax reduction",
         "I volunteer with a welfare rights project and have filled in hundreds of these. I can "
         "go through a form with you at the library on Monday mornings, or over the phone.",
         times=10, age=18),
    Plan("group:garden", "Leeds", "", NEED, "skills-and-advice",
         "Advice on raised beds that wheelchair users can reach",
         "We want two of our new beds to be reachable from a wheelchair. Has anyone built these "
         "and can tell us the heights, the widths and what to put underneath?",
         age=11),
    Plan("demo1@example.org", "Manchester", "Levenshulme", OFFER, "skills-and-advice",
         "Puncture repairs and bike basics: I'll show you how",
         "Bring your bike to the community garden on a Saturday and I'll show you how to fix a "
         "puncture, adjust the brakes and keep the chain running. Tools provided.",
         times=12, age=5),
    # Equipment and loans
    Plan("member@example.org", "Sheffield", "Burngreave", OFFER, "equipment-and-loans",
         "Tool library: drills, sanders and a pressure washer to borrow",
         "Our repair café keeps a small tool library. Borrow for up to a week; we show you how "
         "to use anything you haven't used before.",
         times=20, age=15,
         answers=(Answer(
             "aid9@example.org",
             "Could I borrow the pressure washer for a Saturday? The steps of our community "
             "centre need a good clean.",
             "Ray: 07700 900953",
         ),)),
    Plan("aid14@example.org", "Bradford", "Girlington", NEED, "equipment-and-loans",
         "A fridge freezer: ours has just given up",
         "Ours stopped working last night and there are five of us. Any working fridge freezer, "
         "however old, and we can collect it within Bradford.",
         urgency=U.URGENT, age=0),
    Plan("aid9@example.org", "Sheffield", "Hillsborough", OFFER, "equipment-and-loans",
         "A sofa bed, free to whoever collects",
         "Clean, comfortable, a bit faded. It's heavy, so bring a friend.",
         open_days=1, age=33, after="lapse"),
    # Space and venues
    Plan("group:choir", "Manchester", "", NEED, "space-and-venues",
         "A room for thirty singers on Tuesday evenings",
         "Our rehearsal room is being turned into offices. We need somewhere with a piano, or "
         "room for our keyboard, from seven to nine on Tuesdays.",
         urgency=U.SOON, age=13),
    Plan("group:hall", "Leeds", "", OFFER, "space-and-venues",
         "Our hall is free on weekday mornings for community groups",
         "Room for sixty, a kitchen and step-free access. Free to voluntary groups on weekday "
         "mornings; just book a week ahead.",
         times=20, age=21),
    Plan("demo5@example.org", "Calderdale", "Todmorden", NEED, "space-and-venues",
         "A room for a one-off meeting about the bus timetable",
         "About twenty of us want to talk through the new timetable before the consultation "
         "closes. Any room with chairs, for one evening.",
         urgency=U.SOON, age=14, after="not_needed"),
    # Volunteers wanted
    Plan("group:befriending", "Kingston upon Hull, City of", "", NEED, "volunteers-wanted",
         "Befrienders for a weekly chat over coffee",
         "An hour a week, for at least six months. We train you, match you with someone who "
         "shares your interests, and you're never on your own with a problem.",
         times=5, age=20),
    Plan("group:foodbank", "Liverpool", "", NEED, "volunteers-wanted",
         "Volunteers for Saturday morning sorting and packing",
         "Donations are up and hands are down. Three hours on a Saturday morning, sorting tins "
         "and packing parcels with a friendly crew. Tea and biscuits guaranteed.",
         urgency=U.SOON, times=6, age=9),
    Plan("aid1@example.org", "Leeds", "Armley", OFFER, "volunteers-wanted",
         "An extra pair of hands on Wednesdays, for any group",
         "I'm free every Wednesday and happy to do whatever helps: setting out chairs, making "
         "tea, stuffing envelopes, serving lunches.",
         times=8, age=6),
    # Admin and digital help
    Plan("group:heritage", "County Durham", "", NEED, "admin-and-digital-help",
         "A simple website and mailing list for our society",
         "We have old photographs, a newsletter and a lot of enthusiasm, but no website. We'd "
         "like something simple that our members can keep up to date themselves.",
         age=17),
    Plan("aid10@example.org", "Manchester", "", OFFER, "admin-and-digital-help",
         "Spreadsheets, mail merges and online forms for small groups",
         "A couple of evenings a month to sort out a small group's membership list, a sign-up "
         "form or a mail merge that never quite works.",
         times=6, age=22,
         answers=(Answer(
             "demo1@example.org",
             "Our street party group's sign-up sheet is a mess of three spreadsheets. Could "
             "you help us turn it into one, with a form?",
             "Dev: 07700 900128, dev.patel@example.org",
             outcome="done",
             poster_contact="Frankie: frankie.doyle@example.org",
             messages=(("poster", "Done: one sheet, one form, and a page of notes on how it "
                                  "works. Shout if anything breaks."),),
         ),)),
    Plan("aid15@example.org", "North Yorkshire", "Settle", NEED, "admin-and-digital-help",
         "Help getting started with video calls on a new tablet",
         "My family gave me a tablet so we can see each other, and I can't make head nor tail "
         "of it. An hour or two of patient showing would do it.",
         urgency=U.SOON, open_days=3, age=12),
    # Other
    Plan("aid4@example.org", "Preston", "Ribbleton", NEED, "other",
         "Someone to walk my dog while my ankle heals",
         "Bess is a friendly old collie who needs half an hour round the park each day. For the "
         "next two weeks, until I'm off the crutches.",
         urgency=U.URGENT, when=When.WINDOW, days=(0, 14), times=14, age=0),
    Plan("demo5@example.org", "Calderdale", "Hebden Bridge", OFFER, "other",
         "Mending clothes: hems, zips and patches",
         "I run a mending table at the market on the first Saturday of the month. Bring "
         "anything that needs a stitch and we'll fix it together.",
         times=12, age=10),
]  # fmt: skip


def load_mutual_aid_demo() -> DemoResult:
    """The demo needs and offers, loaded after the people and the directory."""
    if Post.objects.exists():
        # Loaded already, or needs and offers in use: never add to them.
        return DemoResult()
    counts = load_posts()
    return DemoResult(
        summary=[
            "Needs and offers: {posts} posts ({needs} needs, {offers} offers, {groups} from "
            "groups) in every kind of help across {areas} areas; {review} waiting for review "
            "(held by safeguarding), {expiring} closing within three days (their posters "
            "already asked whether still needed), {met} met, {not_needed} no longer needed "
            "and {lapsed} lapsed.".format(**counts),
            "Answers: {done} done, {accepted} accepted, {declined} declined and {waiting} "
            "waiting, each with its private conversation; {checks} says how it checks its "
            "volunteers.".format(**counts),
        ]
    )


def _people() -> dict[str, User]:
    """The demo's members, and this demo's own people, by email."""
    areas = {area.code: area for area in LocalAuthority.objects.defer("boundary")}
    existing = set(User.objects.values_list("email", flat=True))
    for email, name, pronouns, code, bio in PEOPLE:
        if email not in existing:
            demo_person_create(email, name, pronouns, areas[code], bio)
    return {user.email: user for user in User.objects.filter(is_active=True)}


def _group(label: str, areas: dict[str, LocalAuthority]) -> tuple[Entry, User] | None:
    """A published group of the demo directory, and one of the people who look after it."""
    words, area_name = GROUPS[label]
    area = areas[area_name]
    public = Entry.objects.public().filter(merged_into__isnull=True, editors__is_active=True)
    for word in words:
        named = public.filter(name__icontains=word)
        for scope in (
            {"places__local_authority": area},
            {"places__local_authority__region_id": area.region_id},
            {},
        ):
            entry = named.filter(**scope).order_by("pk").first()
            if entry is not None:
                editor = entry.editors.filter(is_active=True).order_by("pk").first()
                return entry, editor
    return None


def _group_poster(entry: Entry, *, editor: User, area: LocalAuthority) -> User:
    """Who posts for a group: someone living in its area, as it would be. One of its editors
    who lives there; else a settled member living there (one who already looks after a group
    first), who asks to help look after the entry and is let in by its editor; else the
    editor, wherever they live. Moderators are left out: they post for people, not groups."""
    editors = entry.editors.filter(is_active=True, profile__home_area=area).order_by("pk")
    local_editor = editors.first()
    if local_editor is not None:
        return local_editor
    neighbours = (
        User.objects.filter(is_active=True, profile__home_area=area)
        .annotate(looked_after=Count("directory_entries_edited"))
        .order_by("-looked_after", "pk")
    )
    for person in neighbours:
        if person.is_moderator:
            continue
        # A newcomer's word waits for a moderator: a settled member speaks for the group.
        if not lifecycle.has_published_contributions(
            author=person, needed=settings.NEW_MEMBER_REVIEW_COUNT
        ):
            continue
        try:
            request = editor_services.editor_request_create(
                entry=entry,
                requester=person,
                message=f"I live in {area.name} and help out with {entry.name}: could I look "
                "after our entry with you, and post what we need and offer?",
            )
        except ValidationError:  # asked already, or the entry is no longer there
            continue
        editor_services.editor_request_approve(actor=editor, request=request)
        return person
    return editor


def _place(area: LocalAuthority, name: str, rng: random.Random) -> PlaceValue:
    """A rough point in the named part of the area (the post keeps it to about 1 km)."""
    towns = place_list_for_local_authority(local_authority=area, limit=40)
    if not name or not towns:
        return PlaceValue(name=name, local_authority=area)
    named = [town for town in towns if town.name == name]
    town = named[0] if named else towns[0]
    return PlaceValue(
        name=name,
        local_authority=area,
        latitude=town.latitude + rng.uniform(-0.01, 0.01),
        longitude=town.longitude + rng.uniform(-0.01, 0.01),
    )


def _entry_place(entry: Entry, area: LocalAuthority) -> PlaceValue:
    """Where the group is: its place in the area looked in, else its first place."""
    places = list(entry.places.select_related("local_authority").order_by("pk"))
    here = [place for place in places if place.local_authority_id == area.pk] or places
    if not here:
        return PlaceValue(name="", local_authority=area)
    place = here[0]
    return PlaceValue(
        name=place.name[:80],
        local_authority=place.local_authority,
        latitude=place.public_latitude,
        longitude=place.public_longitude,
    )


def _day(today: date, days: int) -> date:
    return today + timedelta(days=days)


def load_posts() -> dict:
    rng = random.Random(SEED)
    today = timezone.localdate()
    people = _people()
    moderator = User.objects.get(email=MODERATOR)
    areas = {area.name: area for area in LocalAuthority.objects.defer("boundary")}
    groups: dict[str, tuple[Entry, User] | None] = {}
    made: list[Post] = []
    for plan in PLANS:
        entry = None
        if plan.who.startswith("group:"):
            label = plan.who.removeprefix("group:")
            if label not in groups:
                groups[label] = _group(label, areas)
            if groups[label] is None:
                continue  # no directory to post for: a group's post needs its group
            entry, editor = groups[label]
            place = _entry_place(entry, areas[plan.area])
            author = _group_poster(entry, editor=editor, area=place.local_authority)
            groups[label] = (entry, author)
        else:
            author = people[plan.who]
            place = _place(areas[plan.area], plan.place, rng)
        with transaction.atomic():
            post = _post(plan, author=author, entry=entry, place=place, today=today)
            if post.status == Status.IN_REVIEW and not post.held_because:
                # A new member's first post: the moderator reads it and lets it through.
                moderation_services.content_approve(actor=moderator, content=post)
            _move_back(post, plan=plan, today=today)
            for answer in plan.answers:
                _answer(post, answer, people)
            if plan.after in ("met", "not_needed"):
                services.post_close(actor=author, post=post, state=plan.after)
        made.append(post)
    # The one past its day lapses as the scheduler's expiry job would lapse it.
    lapsed = notices.posts_lapse(today=today)
    # Those closing soon are asked "still needed?" now, on the site only (the job records it
    # on each post): the scheduler's first run would otherwise email invented addresses.
    notices.posts_expiring_warn(today=today, email=False)
    checks = _checks(groups)
    posts = Post.objects.filter(pk__in=[post.pk for post in made])
    matches = Match.objects.filter(post__in=posts)
    return {
        "posts": len(made),
        "needs": posts.filter(kind=PostKind.NEED).count(),
        "offers": posts.filter(kind=PostKind.OFFER).count(),
        "groups": posts.filter(entry__isnull=False).count(),
        "areas": posts.order_by().values("local_authority").distinct().count(),
        "review": posts.filter(status=Status.IN_REVIEW).count(),
        "expiring": posts.filter(
            state=PostState.OPEN, expires_on__lte=today + timedelta(days=3)
        ).count(),
        "met": posts.filter(state=PostState.MET).count(),
        "not_needed": posts.filter(state=PostState.NOT_NEEDED).count(),
        "lapsed": lapsed,
        "done": matches.filter(state=MatchState.DONE).count(),
        "accepted": matches.filter(state=MatchState.ACCEPTED).count(),
        "declined": matches.filter(state=MatchState.DECLINED).count(),
        "waiting": matches.filter(state=MatchState.REQUESTED).count(),
        "checks": checks,
    }


def _post(plan: Plan, *, author: User, entry, place: PlaceValue, today: date) -> Post:
    values = {
        "kind": plan.kind,
        "category": plan.category,
        "title": plan.title,
        "description": plan.description,
        "urgency": plan.urgency,
        "times": plan.times,
        "when": plan.when,
        "place": place,
    }
    if plan.days is not None:
        values["starts_on"] = _day(today, plan.days[0])
        if plan.when == When.WINDOW:
            values["ends_on"] = _day(today, plan.days[1])
    if plan.open_days is not None:
        values["expires_on"] = _day(today, plan.open_days)
    return services.post_create(author=author, values=values, entry=entry)


def _move_back(post: Post, *, plan: Plan, today: date) -> None:
    """Date a post as written `plan.age` days ago (and one to lapse, past its day)."""
    if not plan.age and plan.after != "lapse":
        return
    shift = timedelta(days=plan.age, hours=plan.age % 5 + 1)
    changes: dict = {"created_at": post.created_at - shift}
    if post.published_at is not None:
        changes["published_at"] = post.published_at - shift
    if plan.after == "lapse":
        changes["expires_on"] = today - timedelta(days=1)
    Post.objects.filter(pk=post.pk).update(**changes)
    post.refresh_from_db()
    # Search and the map see the new dates.
    content_changed(post, previous_status=post.status)


def _answer(post: Post, answer: Answer, people: dict[str, User]) -> Match:
    """An answer through the services: asked, then accepted or declined, then done."""
    responder = people[answer.who]
    poster = post.author
    match = services.match_request(
        responder=responder, post=post, message=answer.message, contact=answer.contact
    )
    if answer.outcome == "declined":
        return services.match_decline(actor=poster, match=match, reason=answer.reason)
    if answer.outcome not in ("accepted", "done"):
        return match
    match = services.match_accept(actor=poster, match=match, contact=answer.poster_contact)
    for side, text in answer.messages:
        sender = poster if side == "poster" else responder
        message_send(sender=sender, conversation=match.conversation, body=text)
    if answer.outcome == "done":
        # Each of the two says it happened.
        services.match_finish(actor=responder, match=match, done=True)
        match = services.match_finish(actor=poster, match=match, done=True)
    return match


def _checks(groups: dict[str, tuple[Entry, User] | None]) -> str:
    """The befriending group says how it checks its volunteers (else the first group)."""
    found = groups.get("befriending") or next(
        (group for group in groups.values() if group is not None), None
    )
    if found is None:
        return "no group"
    entry, editor = found
    services.volunteer_checks_declare(actor=editor, entry=entry, how=CHECKS)
    return entry.name
