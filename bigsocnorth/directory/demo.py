"""Demo directory: a few hundred invented groups across the North, networks, and flags.

Every group, person and website here is invented (websites are under
example.org or .example). The towns and their positions are real, from the gazetteer;
groups are placed in proportion to how many people live there, so cities
are dense and the dales sparse. Everything is written through the same
services people use, so search, areas and notices are exactly as they would be.
The random generator is seeded: every first run makes the same directory.
About three groups in five get a logo, drawn here at load time (their
initials on a colour, sometimes with a simple motif) and saved through the
same checks as an upload; nothing is downloaded.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from bigsocnorth.accounts.models import Role, User
from bigsocnorth.core.demo.registry import DemoResult
from bigsocnorth.core.templatetags.core_tags import avatar_colour, initials
from bigsocnorth.directory.entries import services
from bigsocnorth.directory.models import Category, Entry, EntryKind
from bigsocnorth.directory.networks import services as network_services
from bigsocnorth.moderation import services as moderation_services
from bigsocnorth.moderation.models import FlagReason, Status
from bigsocnorth.places.gazetteer import gazetteer_get
from bigsocnorth.places.models import LocalAuthority, Region
from bigsocnorth.places.selectors import area_for_point
from bigsocnorth.stories.demo_feed_views import demo_feed_url

ENTRY_COUNT = 320
SEED = 2026
LOGO_SHARE = 0.6  # of the groups, about this many have a logo
LOGO_SIDE = 200
# The avatar colours of site.css (.avatar-0 … .avatar-7), in order: a group's
# logo has the colour its initials would have without one.
LOGO_COLOURS = (
    "#0b5563",
    "#8a3a12",
    "#5b2a86",
    "#1d6b2f",
    "#7a2e4f",
    "#3b4f8a",
    "#6b4e00",
    "#a4161a",
)


@dataclass(frozen=True)
class Activity:
    name: str  # "{town}" is replaced by the town's name
    kind: str
    sector: str
    categories: tuple[str, ...]
    tags: str
    what: str  # one sentence, in the group's own voice


ACTIVITIES = [
    Activity("{town} Community Food Bank", "organisation", "voluntary", ("existing-work",),
             "food, poverty, volunteering",
             "We hand out emergency food parcels three days a week and help people with the "
             "problems behind the crisis: benefits, debt and housing."),
    Activity("{town} Pantry", "project-or-initiative", "citizen_led", ("innovation",),
             "food, cost of living, membership",
             "A membership food club: for a few pounds a week members choose their own "
             "shopping from surplus food that would otherwise go to waste."),
    Activity("{town} Repair Café", "project-or-initiative", "citizen_led", ("innovation",),
             "repair, reuse, climate",
             "Once a month our volunteer fixers mend toasters, bikes, lamps and clothes "
             "while you have a cup of tea. Nothing is too small to bring."),
    Activity("{town} Men's Shed", "organisation", "citizen_led", ("existing-work",),
             "men's health, woodwork, loneliness",
             "A workshop where men (and anyone else) make things, learn skills and talk. "
             "Shoulder to shoulder, not face to face."),
    Activity("{town} Befriending Scheme", "project-or-initiative", "voluntary", ("existing-work",),
             "older people, loneliness, befriending",
             "Volunteers visit or phone older neighbours every week. Some of our friendships "
             "are now ten years old."),
    Activity("{town} Warm Space", "project-or-initiative", "voluntary", ("new-organisation",),
             "warm space, cost of living, community",
             "A warm room, soup and company on winter weekdays. No questions asked, "
             "just come in."),
    Activity("Friends of {town} Park", "community-of-interest", "citizen_led", ("existing-work",),
             "green space, parks, volunteering",
             "We look after the park with the council: planting, litter picks, bat walks "
             "and a summer fun day."),
    Activity("{town} Refugee Welcome", "organisation", "voluntary", ("existing-work",),
             "refugees, sanctuary, english classes",
             "Conversation classes, a clothes store and a friendly face for people who have "
             "just arrived in the town."),
    Activity("{town} Community Choir", "community-of-interest", "citizen_led", ("existing-work",),
             "music, wellbeing, singing",
             "No auditions, no reading music: we learn songs by ear and sing at local events."),
    Activity("{town} Litter Pickers", "community-of-interest", "citizen_led",
             ("new-organisation",), "litter, environment, volunteering",
             "We meet on Sunday mornings with grabbers and bags. Last year we filled 900 bags."),
    Activity("{town} Baby Bank", "project-or-initiative", "voluntary", ("new-organisation",),
             "families, baby equipment, poverty",
             "Prams, cots, clothes and nappies for families who need them, referred by "
             "midwives and health visitors."),
    Activity("{town} Dementia Café", "project-or-initiative", "voluntary", ("existing-work",),
             "dementia, carers, older people",
             "A relaxed afternoon for people living with dementia and the people who care "
             "for them, with music and advice."),
    Activity("{town} Bike Kitchen", "project-or-initiative", "citizen_led", ("innovation",),
             "cycling, repair, young people",
             "Learn to fix your own bike with our tools and volunteers; refurbished bikes "
             "for people who need one."),
    Activity("{town} Community Garden", "project-or-initiative", "citizen_led",
             ("existing-work",), "gardening, food growing, wellbeing",
             "Raised beds, a polytunnel and a shared harvest on what used to be a car park."),
    Activity("{town} Timebank", "network", "citizen_led", ("innovation",),
             "timebanking, mutual aid, skills",
             "Give an hour, get an hour: members swap lifts, gardening, sewing and computer help."),
    Activity("{town} Carers' Group", "community-of-interest", "voluntary", ("existing-work",),
             "carers, support, mental health",
             "A monthly get-together for unpaid carers, with a guest speaker and a lot of cake."),
    Activity("{town} Youth Football Club", "organisation", "voluntary", ("existing-work",),
             "sport, young people, football",
             "Teams from under-7s to under-16s, girls and boys, run entirely by parent "
             "volunteers."),
    Activity("{town} Credit Union", "organisation", "voluntary", ("existing-work",),
             "money, savings, loans",
             "Savings accounts and fair loans for people who live or work in the area."),
    Activity("{town} Community Energy", "organisation", "citizen_led", ("innovation",),
             "energy, climate, co-operative",
             "A co-operative putting solar panels on schools and community buildings, "
             "owned by local people."),
    Activity("{town} Heritage Society", "community-of-interest", "citizen_led",
             ("existing-work",), "history, heritage, archives",
             "Talks, walks and an archive of old photographs of the town and the people in them."),
    Activity("{town} Arts Collective", "community-of-interest", "citizen_led",
             ("new-organisation",), "arts, young people, culture",
             "Artists and neighbours making murals, workshops and a festival in empty shops."),
    Activity("{town} Mutual Aid", "network", "citizen_led", ("new-organisation",),
             "mutual aid, neighbours, support",
             "Started in 2020 and still going: neighbours helping neighbours with shopping, "
             "prescriptions and lifts."),
    Activity("{town} Community Association", "community-anchor-organisation", "voluntary",
             ("community-anchor",), "community centre, anchor, activities",
             "We run the community centre: a café, a nursery, advice sessions and rooms for "
             "forty local groups."),
    Activity("{town} Development Trust", "community-anchor-organisation", "voluntary",
             ("community-anchor",), "community assets, enterprise, regeneration",
             "Community-owned buildings and enterprises, with the profits reinvested in the town."),
    Activity("{town} Voice", "hyperlocal-website", "citizen_led", ("hyperlocal-website",),
             "local news, journalism, democracy",
             "Independent local news written by residents: council meetings, planning, "
             "schools and the good stuff too."),
    Activity("Around {town}", "hyperlocal-website", "citizen_led", ("hyperlocal-website",),
             "local news, events, what's on",
             "What's on, who's who and what's changing, from a volunteer team of local writers."),
]  # fmt: skip

NETWORKS = [
    # (name, description, the activities its members do, the region it covers or None)
    ("Yorkshire Repair Network", "Repair cafés and bike kitchens across Yorkshire sharing "
     "tools, insurance and know-how.", ("Repair Café", "Bike Kitchen"), "yorkshire-and-the-humber"),
    ("North East Food Alliance", "Food banks, pantries and community kitchens in the North East "
     "working on the causes of food poverty together.", ("Food Bank", "Pantry", "Warm Space"),
     "north-east"),
    ("North West Food Alliance", "Food banks and pantries across the North West sharing "
     "surplus food, volunteers and a voice.", ("Food Bank", "Pantry", "Baby Bank"), "north-west"),
    ("Northern Men's Sheds", "Men's sheds in the three northern regions: visits, shared "
     "projects and help to start new sheds.", ("Men's Shed",), None),
    ("Northern Hyperlocal Publishers", "Independent local news sites helping each other with "
     "training, legal questions and advertising.", ("Voice", "Around"), None),
    ("Northern Community Energy", "Community energy co-operatives in the North sharing "
     "expertise and lobbying for fair grid access.", ("Community Energy",), None),
    ("Sanctuary North", "Refugee welcome groups across the North.", ("Refugee Welcome",), None),
    ("Befriending North", "Befriending schemes, dementia cafés and carers' groups.",
     ("Befriending Scheme", "Dementia Café", "Carers' Group"), None),
]  # fmt: skip


@dataclass(frozen=True)
class FeedSite:
    """A hyperlocal news site whose news feed the demo serves itself."""

    feed: str  # the file stories/demo_feeds/<feed>.xml, served at /demo/feeds/<feed>.xml
    name: str
    editor: str  # the email of the demo member who adds it (and so edits it)
    area: str  # GSS code of the local authority it covers
    what: str


# Their feeds are served by this site when SERVE_DEMO_FEEDS is on (`make run`), so
# taking stories from a feed can be seen working on a first `make run`, offline.
FEED_SITES = [
    FeedSite("calder-corner", "Calder Corner", "demo5@example.org", "E08000033",
             "News from Hebden Bridge, Mytholmroyd and Todmorden, written by the people "
             "who live here: floods and the recovery, buses, schools and what's on."),
    FeedSite("west-hull-wire", "West Hull Wire", "demo2@example.org", "E06000010",
             "Hessle Road, Anlaby Road and the streets in between: local news by local "
             "people, and the history of the fish dock families."),
    FeedSite("maryport-lantern", "Maryport Lantern", "demo4@example.org", "E06000063",
             "Small-town news from the Solway coast: what's on, what's changing and who "
             "is doing it."),
]  # fmt: skip

NETWORK_OF_NETWORKS = (
    "Northern Network of Networks",
    "A network of the North's networks: a place for their coordinators to meet, share what "
    "works and avoid duplicating effort.",
)


def _weighted_towns(rng: random.Random):
    """Towns of the North with weights: dense in cities, sparse in the dales."""
    towns = [
        town
        for towns in gazetteer_get().towns_by_authority.values()
        for town in towns
        if town.local_authority is not None
    ]
    weights = [max(town.population or 0, 500) for town in towns]
    return towns, weights


def _point_near(rng: random.Random, town) -> tuple[float, float] | None:
    """A point in the town (spread wider in a city) that is still in the North."""
    radius_km = 1 + (town.population or 0) ** 0.5 / 150
    for _ in range(10):
        latitude = town.latitude + rng.gauss(0, radius_km / 2) / 111
        longitude = town.longitude + rng.gauss(0, radius_km / 2) / 65
        if area_for_point(latitude=latitude, longitude=longitude) is not None:
            return round(latitude, 5), round(longitude, 5)
    return None


def _values(rng: random.Random, activity: Activity, town, kinds, categories) -> dict:
    name = activity.name.format(town=town.name)
    site = slugify(name)[:40]
    values = {
        "name": name,
        "kind": kinds[activity.kind],
        "sector": activity.sector,
        "categories": [categories[slug] for slug in activity.categories],
        "tags": activity.tags,
        "description": (
            f"{activity.what}\n\nWe are based in **{town.name}** and everyone is welcome. "
            "Get in touch if you would like to volunteer, or just come along."
        ),
        "website": f"https://{site}.example.org/",
        "public_contact": f"hello@{site}.example.org",
        "places": [],
        "areas_served": [],
    }
    if activity.kind in ("hyperlocal-website", "network") and rng.random() < 0.6:
        values["areas_served"] = [town.local_authority]
    else:
        point = _point_near(rng, town)
        if point is not None:
            values["places"] = [{"name": "", "latitude": point[0], "longitude": point[1]}]
            values["approximate_location"] = rng.random() < 0.15
    return values


def load_directory_demo() -> DemoResult:
    """The demo directory, written by the demo members and the demo moderator (loaded before)."""
    members = list(User.objects.filter(role=Role.MEMBER).order_by("pk"))
    moderator = User.objects.get(email="moderator@example.org")
    counts = load_directory(members=members, moderator=moderator)
    return DemoResult(
        summary=[
            "Demo data loaded: {entries} directory entries ({in_review} waiting for review), "
            "{networks} networks, {flags} flags for the moderators.".format(**counts)
        ]
    )


def load_directory(*, members: list, moderator) -> dict:
    """Create the demo directory. Returns counts for the summary printed on first run."""
    rng = random.Random(SEED)
    kinds = {kind.slug: kind for kind in EntryKind.objects.all()}
    categories = {category.slug: category for category in Category.objects.all()}
    towns, weights = _weighted_towns(rng)
    entries: list[Entry] = []
    taken: set[str] = set()
    while len(entries) < ENTRY_COUNT - len(FEED_SITES):
        town = rng.choices(towns, weights)[0]
        activity = rng.choice(ACTIVITIES)
        if activity.name.format(town=town.name) in taken:
            continue
        values = _values(rng, activity, town, kinds, categories)
        entry = services.entry_create(
            author=rng.choice(members),
            not_a_duplicate=True,
            logo=demo_logo(values["name"]),
            **values,
        )
        taken.add(values["name"])
        entries.append(entry)
    entries += _load_feed_sites(members, kinds, categories)
    # Members' first contributions wait for review; a moderator approves most of them
    # and leaves a few in the queue, as on a real day.
    waiting = [entry for entry in entries if entry.status == Status.IN_REVIEW]
    for entry in waiting[4:]:
        moderation_services.content_approve(actor=moderator, content=entry)
    networks = _load_networks(rng, entries, moderator, kinds, categories)
    flags = _load_flags(rng, entries, members)
    return {
        "entries": len(entries),
        "in_review": min(len(waiting), 4),
        "networks": len(networks),
        "flags": flags,
    }


def _mix(colour: str, towards: str, amount: float) -> tuple[int, int, int]:
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(towards[i : i + 2], 16) for i in (1, 3, 5)]
    return tuple(round(x + (y - x) * amount) for x, y in zip(a, b, strict=True))


def demo_logo(name: str) -> ContentFile | None:
    """A logo drawn for a demo group, or None for the groups that have none.

    Decided by the name and the seed alone (its own random generator, so the
    rest of the demo is the same with or without logos): the same group gets
    the same logo on every run. The group's initials in white on its colour
    (the one its stand-in picture would have), in one of three shapes.
    """
    rng = random.Random(f"{SEED}:logo:{name}")
    if rng.random() >= LOGO_SHARE:
        return None
    side = LOGO_SIDE
    colour = LOGO_COLOURS[avatar_colour(name)]
    letters = initials(name) or "?"
    style = rng.choice(("tile", "roundel", "hills"))
    picture = Image.new("RGB", (side, side), "#ffffff" if style == "roundel" else colour)
    draw = ImageDraw.Draw(picture)
    text_y = side / 2
    if style == "tile":
        inset = side // 12
        draw.rounded_rectangle(
            (inset, inset, side - inset, side - inset), radius=side // 8,
            outline=_mix(colour, "#ffffff", 0.45), width=max(3, side // 40),
        )  # fmt: skip
    elif style == "roundel":
        second = LOGO_COLOURS[(avatar_colour(name) + rng.randint(1, 7)) % len(LOGO_COLOURS)]
        draw.ellipse((6, 6, side - 6, side - 6), fill=second)
        draw.ellipse((side // 9, side // 9, side - side // 9, side - side // 9), fill=colour)
    else:
        # Two soft hills across the bottom, the initials in the sky above them.
        for layer, (height, amount) in enumerate(((0.62, 0.25), (0.74, 0.45))):
            peak = rng.uniform(0.25, 0.75) * side
            base = height * side
            points = [(0, side), (0, base + 18)]
            points += [(x, base - 22 * (1 - ((x - peak) / side) ** 2 * 3) + 8 * layer)
                       for x in range(0, side + 1, side // 12)]  # fmt: skip
            points.append((side, side))
            draw.polygon(points, fill=_mix(colour, "#ffffff", amount))
        text_y = side * 0.36
    size = side * (0.42 if len(letters) > 1 else 0.5)
    if style == "roundel":
        size *= 0.85
    font = ImageFont.load_default(size=size)
    draw.text(
        (side / 2, text_y), letters, font=font, fill="#ffffff", anchor="mm",
        stroke_width=max(1, side // 60), stroke_fill="#ffffff",
    )  # fmt: skip
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", compress_level=1)  # re-encoded by the upload checks
    return ContentFile(buffer.getvalue(), name="logo.png")


def _load_feed_sites(members, kinds, categories) -> list[Entry]:
    by_email = {member.email: member for member in members}
    entries = []
    for site in FEED_SITES:
        host = f"{site.feed}.example"
        entries.append(
            services.entry_create(
                author=by_email.get(site.editor, members[0]),
                not_a_duplicate=True,
                name=site.name,
                kind=kinds["hyperlocal-website"],
                sector="citizen_led",
                categories=[categories["hyperlocal-website"]],
                tags="local news, journalism, hyperlocal",
                description=site.what,
                website=f"https://{host}/",
                feed_url=demo_feed_url(site.feed),
                public_contact=f"news@{host}",
                areas_served=[LocalAuthority.objects.defer("boundary").get(code=site.area)],
            )
        )
    return entries


def _network(moderator, name, description, kinds, categories, areas) -> Entry:
    site = slugify(name)[:40]
    return services.entry_create(
        author=moderator,
        not_a_duplicate=True,
        name=name,
        kind=kinds["network"],
        sector="voluntary",
        categories=[categories["existing-work"]],
        tags="network, coordination",
        description=description,
        website=f"https://{site}.example.org/",
        public_contact=f"coordinator@{site}.example.org",
        areas_served=areas,
    )


def _load_networks(rng, entries, moderator, kinds, categories) -> list[Entry]:
    published = [e for e in entries if e.status == Status.PUBLISHED]
    regions = {region.slug: region for region in Region.objects.all()}
    authorities_by_region = {
        slug: list(LocalAuthority.objects.filter(region=region).defer("boundary"))
        for slug, region in regions.items()
    }
    # Each group's areas, read once (not once per group per network).
    areas_of: dict[int, set[int]] = {entry.pk: set() for entry in published}
    for entry_id, area_id in Entry.areas.through.objects.filter(entry__in=published).values_list(
        "entry_id", "localauthority_id"
    ):
        areas_of[entry_id].add(area_id)
    networks = []
    for name, description, activities, region_slug in NETWORKS:
        areas = authorities_by_region[region_slug] if region_slug else []
        network = _network(moderator, name, description, kinds, categories, areas)
        area_ids = {area.pk for area in areas}
        members = [
            entry
            for entry in published
            if any(activity in entry.name for activity in activities)
            and (not area_ids or area_ids & areas_of[entry.pk])
        ]
        for member in members[:30]:
            network_services.membership_add(
                actor=moderator,
                network=network,
                member=member,
                role=rng.choice(["Member", "Member", "Member", "Founder member", "Associate"]),
                since=date(rng.randint(2012, 2025), rng.randint(1, 12), 1),
            )
        networks.append(network)
    # Local timebanks and mutual aid networks take in the groups around them.
    for local in [e for e in published if e.kind.is_network]:
        nearby = [e for e in published if e.pk != local.pk and areas_of[e.pk] & areas_of[local.pk]]
        for member in nearby[:6]:
            network_services.membership_add(actor=moderator, network=local, member=member)
    name, description = NETWORK_OF_NETWORKS
    umbrella = _network(moderator, name, description, kinds, categories, [])
    for network in networks:
        network_services.membership_add(
            actor=moderator, network=umbrella, member=network, role="Member network"
        )
    return [*networks, umbrella]


def _load_flags(rng, entries, members) -> int:
    """A few flags waiting for a moderator, below the threshold that hides content."""
    published = [e for e in entries if e.status == Status.PUBLISHED]
    flagged = 0
    for entry, reason, note in [
        (published[3], FlagReason.AGENDA, "This reads like an advert for a paid service."),
        (published[10], FlagReason.INACCURATE, "I think this group closed last year."),
        (published[25], FlagReason.PRIVACY, "The contact looks like someone's personal number."),
    ]:
        flagger = next(m for m in members if m.pk != entry.author_id)
        moderation_services.flag_create(flagger=flagger, content=entry, reason=reason, note=note)
        flagged += 1
    return flagged
