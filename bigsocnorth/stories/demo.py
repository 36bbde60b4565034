"""Demo stories: told here by demo members, linked from invented news sites, and news feeds.

Every story, person, newspaper and website here is invented (addresses are
under .example); the places are real. Stories told here are written through
the stories services and moderation's approval, so search, the map, the
new-voice mark and notices are exactly as they would be; only their dates
are moved back afterwards, so the demo looks like months of activity.
Linked stories are written as if their previews had been fetched, because
the demo never fetches anything. The three demo news sites' feeds are
switched on by their editors; the scheduler polls them once `make run` serves.
Each story told here has a picture drawn at load time (sky, hills, water,
houses or trees, in the site's palette; an illustration, never a photo),
saved through the same checks as an upload, with a description for people
who cannot see it. Nothing is downloaded.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from bigsocnorth.accounts.demo import demo_person_create
from bigsocnorth.accounts.models import User
from bigsocnorth.core.demo.registry import DemoResult
from bigsocnorth.directory.models import Entry
from bigsocnorth.directory.permissions import can_edit_entry
from bigsocnorth.moderation import lifecycle
from bigsocnorth.moderation.changes import content_changed
from bigsocnorth.moderation.models import Status
from bigsocnorth.moderation.services import content_approve
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.stories.feed_sources import feed_source_consent_set
from bigsocnorth.stories.models import PreviewState, Story, StoryKind
from bigsocnorth.stories.services import (
    Action,
    check_story_fields,
    check_story_url,
    story_create,
    story_unique_slug,
)

SEED = 2026

AISHA = "member@example.org"  # Sheffield: a repair café in Burngreave
TOM = "moderator@example.org"  # Newcastle: a food bank network on Tyneside
JOANNE = "admin@example.org"  # Leeds
DEV = "demo1@example.org"  # Levenshulme, Manchester
MARY = "demo2@example.org"  # west Hull: befriending
KWAME = "demo3@example.org"  # Bradford: youth work
SIAN = "demo4@example.org"  # west Cumbria: a hyperlocal news site
FATIMA = "demo5@example.org"  # Calderdale: mums' network, flood recovery
GARY = "demo6@example.org"  # Middlesbrough: a men's shed
ROSA = "demo7@example.org"  # the Craven dales: community broadband
PETER = "demo8@example.org"  # Liverpool: a warm space
HELEN = "demo9@example.org"  # County Durham: a community archive

# People who joined recently: nothing of theirs is published yet, so their first
# stories wait for a moderator, as a real newcomer's would.
# (email, display name, pronouns, home area GSS code, bio)
NEWCOMERS = [
    ("newcomer1@example.org", "Lorna Fairclough", "she/her", "E08000010",
     "Started a Saturday food club on our estate in Wigan with two friends and a borrowed van."),
    ("newcomer2@example.org", "Owen Pickthall", "he/him", "E06000064",
     "Barrow born and bred. Retired fitter, now a library volunteer and a reluctant campaigner."),
    ("newcomer3@example.org", "Jade Storey", "she/her", "E06000065",
     "Scarborough. Beach cleans every month, soup afterwards."),
    ("newcomer4@example.org", "Ruth Ellery", "she/her", "E06000010",
     "Youth club volunteer in Orchard Park, Hull. Ask me about table tennis."),
]  # fmt: skip

PUBLISHED = "published"
IN_REVIEW = "in_review"
DRAFT = "draft"

Place = tuple[str, float, float]  # name, latitude, longitude

HEBDEN_BRIDGE: Place = ("Hebden Bridge", 53.742, -2.014)
MYTHOLMROYD: Place = ("Mytholmroyd", 53.730, -1.982)
BURNGREAVE: Place = ("Burngreave, Sheffield", 53.395, -1.458)
MANNINGHAM: Place = ("Manningham, Bradford", 53.805, -1.765)
SHIPLEY: Place = ("Shipley", 53.833, -1.773)
NORTH_ORMESBY: Place = ("North Ormesby, Middlesbrough", 54.568, -1.220)
TOXTETH: Place = ("Toxteth, Liverpool", 53.392, -2.969)
HESSLE_ROAD: Place = ("Hessle Road, Hull", 53.735, -0.370)
ORCHARD_PARK: Place = ("Orchard Park, Hull", 53.787, -0.375)
CONSETT: Place = ("Consett", 54.854, -1.832)
EASINGTON: Place = ("Easington Colliery", 54.786, -1.333)
LEVENSHULME: Place = ("Levenshulme, Manchester", 53.444, -2.192)
SETTLE: Place = ("Settle", 54.068, -2.278)
BYKER: Place = ("Byker, Newcastle", 54.975, -1.575)
MARYPORT: Place = ("Maryport", 54.714, -3.495)
CHAPELTOWN: Place = ("Chapeltown, Leeds", 53.818, -1.530)
WIGAN: Place = ("Wigan", 53.545, -2.632)
BARROW: Place = ("Barrow-in-Furness", 54.111, -3.227)
SCARBOROUGH: Place = ("Scarborough", 54.283, -0.400)


@dataclass(frozen=True)
class OwnStory:
    author: str  # email
    days_ago: int  # when it was published (or, unpublished, written)
    title: str
    summary: str
    body: str  # Markdown
    tags: str
    place: Place | None = None
    # Directory entries by name: the demo directory is generated, so one that is
    # not there is left out rather than failing the load.
    about: tuple[str, ...] = ()
    on_behalf_of: str = ""  # an entry the author edits; left out if they do not
    state: str = PUBLISHED


@dataclass(frozen=True)
class LinkedStory:
    shared_by: str  # email
    days_ago: int  # when it was shared here
    told_days_ago: int  # when the other site published it
    url: str
    title: str
    summary: str
    source_name: str
    tags: str
    place: Place | None = None
    about: tuple[str, ...] = ()


OWN_STORIES = [
    OwnStory(
        FATIMA, 236,
        "Two winters on: what our flood recovery group learned",
        "We started with mops and a WhatsApp group. Two winters later we have a kit store, "
        "a rota of street wardens and a lot of advice for anyone who has to start from scratch.",
        "The water came into the bottom of our street on a Sunday night. By Monday morning "
        "there were thirty of us in the community centre with mops, bin bags and a kettle, "
        "and nobody quite in charge.\n\n"
        "What worked was simple. One list of who needed what, kept by one person a day. "
        "Dehumidifiers lent out by the week, with a name on each one. A lift to the "
        "launderette for anyone whose washing machine had gone. Somebody at the door every "
        "afternoon just to ask people how they were doing, because the second week is "
        "worse than the first.\n\n"
        "What we would do differently: write things down from the first hour, and ask "
        "people what they are good at before giving them a mop. We found an electrician, "
        "two joiners and a retired insurance clerk among the volunteers a month too late.\n\n"
        "If your street floods, get in touch. We will send you our lists.",
        "flooding, recovery, volunteering, resilience",
        MYTHOLMROYD,
    ),
    OwnStory(
        AISHA, 229,
        "Forty toasters and a wedding dress: a year of our repair café",
        "Once a month, a dozen volunteers, a table of tools and a queue out of the door. "
        "What we mended in our first year, and what mending did for the street.",
        "We opened the repair café in Burngreave because three of us were tired of seeing "
        "good things on the pavement on bin day. A year later we have fixed 412 things: "
        "forty toasters, a great many lamps, school trousers by the dozen and, once, a "
        "wedding dress with two days to spare.\n\n"
        "The mending matters, but the waiting matters too. People sit together for an hour "
        "while their kettle is looked at, and they talk. Two of our regular fixers started "
        "as people with a broken radio.\n\n"
        "We could not do it without the hall, which lets us in for the price of the "
        "electricity, and the other repair groups across Yorkshire, who lent us tools "
        "before we had our own.",
        "repair, reuse, climate, neighbours",
        BURNGREAVE,
        about=("Sheffield Repair Café", "Yorkshire Repair Network"),
    ),
    OwnStory(
        KWAME, 221,
        "Our youth club's funding ends in October. Here is what that means",
        "The grant that pays for two youth workers finishes at the end of October. Eighty "
        "young people a week use the club. This is what they would lose.",
        "On Tuesday nights there are forty young people in the hall: football in the "
        "yard, homework at the back, a pool table that has seen better days. On Thursdays "
        "it is the girls' group and the cooking club. Most of them walk here; for a lot of "
        "them there is nowhere else to go that is warm, safe and free.\n\n"
        "The grant that pays for our two part-time youth workers ends at the end of October, "
        "and there is no sign of it being renewed. Volunteers keep the doors open, but "
        "volunteers cannot do the safeguarding, the one-to-one work or the late-night "
        "phone calls that trained youth workers do.\n\n"
        "We are not giving up. Over the next few weeks we will be asking the young people "
        "what the club means to them, and we will be asking everyone else for help. "
        "Watch this space.",
        "youth work, cuts, young people",
        MANNINGHAM,
    ),
    OwnStory(
        GARY, 206,
        "Why a men's shed works when a leaflet doesn't",
        "Nobody comes to a men's shed to talk about their feelings. They come to make a "
        "bird box. The talking happens anyway.",
        "Most of our members would never walk into a support group. Plenty of them were "
        "handed leaflets about one when they lost a job, a wife or their health. What got "
        "them through our door was a workbench and the smell of sawdust.\n\n"
        "Shoulder to shoulder, not face to face: that is the whole idea. You are sanding a "
        "planter for the school and the man next to you mentions he has not slept since "
        "his operation. Then somebody puts the kettle on.\n\n"
        "We are open four mornings a week now. Anyone is welcome, whatever you can or "
        "cannot do with your hands.",
        "men's health, woodwork, loneliness",
        NORTH_ORMESBY,
        about=("Middlesbrough Men's Shed",),
    ),
    OwnStory(
        PETER, 197,
        "The warm space that did not close in spring",
        "We opened the church hall as a warm space for one winter. The people who came "
        "asked us not to close it when the weather turned, so we didn't.",
        "The idea was soup and a radiator from November to March. What we did not expect "
        "was that the warmth people were short of was not only the heating.\n\n"
        "By February we had regulars: a man who does the crossword aloud, two sisters who "
        "had not spoken for years and now come together, a young mum who brings her baby "
        "because the flat is so quiet. When we said we would close at Easter, nobody said "
        "anything, but nobody left either.\n\n"
        "So we stayed open, two afternoons a week instead of five. The soup is now a sandwich "
        "in summer. Come for the company; the crossword is optional.",
        "warm space, loneliness, cost of living",
        TOXTETH,
    ),
    OwnStory(
        MARY, 189,
        "Ten years of Tuesday phone calls",
        "Our befriending scheme started with six volunteers and a list of names from the "
        "GP surgery. Ten years on, some of those first friendships are still going.",
        "Every Tuesday at ten, Jean rings Doris. They have never met in person: Doris does "
        "not go out any more and Jean lives across the city. In ten years the call has "
        "been missed twice, once for a funeral and once for a snowstorm that took the "
        "lines down.\n\n"
        "There are sixty pairs like them now, on the phone or on the doorstep. We match "
        "people carefully, train every volunteer and check in with both sides every few "
        "months. Most of all we keep it going: loneliness does not stop after a six-week "
        "project.\n\n"
        "We always need more volunteers, especially men and people who can visit in the "
        "evening.",
        "befriending, older people, loneliness",
        HESSLE_ROAD,
        about=("Kingston upon Hull Befriending Scheme",),
    ),
    OwnStory(
        KWAME, 176,
        "600 names in five weeks: the campaign for our youth club",
        "The young people made the case themselves: a petition, a film and a packed "
        "public meeting where they did all the talking.",
        "We said we would not give up, and the young people took that seriously. In five "
        "weeks they collected 600 names on a petition, most of them door to door on their "
        "own estates.\n\n"
        "They made a six-minute film about a normal Tuesday at the club and showed it at a "
        "public meeting in the hall. More than a hundred people came. Three of the "
        "teenagers spoke; one said the club was the reason she was still at college. "
        "Nobody in the room will forget it.\n\n"
        "We have not won yet. But everyone who decides on the money now knows exactly "
        "what is at stake, and the young people have learned that their voices count.",
        "youth work, cuts, campaign, young people",
        MANNINGHAM,
    ),
    OwnStory(
        HELEN, 169,
        "A memories afternoon with the old photographs of Consett",
        "We took a box of photographs of the steelworks to the befriending group. Two "
        "hours later we had names for forty faces and a waiting list for the next one.",
        "The community archive has hundreds of photographs of the works and the streets "
        "around it, and most of the people in them have no names on the back. So we took "
        "a box of prints, a big magnifying glass and a lot of tea to the befriending "
        "group's Thursday afternoon.\n\n"
        "Within minutes the table was loud. *That's my uncle.* *That's the canteen, before "
        "they changed it.* One woman found her own wedding car parked outside the chapel. "
        "We wrote down forty names and more stories than we could keep up with.\n\n"
        "Old photographs turn out to be a very good way to start a conversation. We are "
        "doing it again next month, and any group that would like a visit only has to ask.",
        "heritage, older people, befriending, archives",
        CONSETT,
        about=("Consett Befriending Scheme",),
        on_behalf_of="Consett Befriending Scheme",
    ),
    OwnStory(
        DEV, 161,
        "A street party, a skip and a shared shed",
        "How one summer street party paid for a tool shed that forty households now share.",
        "It started with a skip. Three houses on our road were clearing out at once, so we "
        "shared one, and then it seemed a shame not to put the tables out afterwards.\n\n"
        "The street party raised £340 from a raffle and a cake stall. Instead of spending "
        "it on next year's party, we bought a secondhand shed for the end of the allotments "
        "and filled it with the tools people had spare: ladders, a lawnmower, a pressure "
        "washer, a drill nobody had used since 2009.\n\n"
        "Forty households have a key now. A notebook on a string says who has what. "
        "Nothing has gone missing, and neighbours who had never spoken now borrow each "
        "other's wheelbarrows.",
        "street parties, allotments, sharing, neighbours",
        LEVENSHULME,
    ),
    OwnStory(
        ROSA, 151,
        "Fibre up the dale: how farmers dug their own broadband",
        "The big providers said our valley was not worth it. So sixty households formed a "
        "co-operative and dug the trenches themselves.",
        "For years our internet came down the phone line at the speed of a tractor. "
        "Children did homework in the car park of the pub; farms could not file their "
        "paperwork online.\n\n"
        "Last spring sixty households formed a community broadband co-operative. Members "
        "bought shares, farmers gave way-leaves across their land for nothing, and on "
        "dry weekends everyone with a spade or a digger turned out to lay the duct.\n\n"
        "The first twenty homes were connected in the autumn. It is not finished, and it "
        "has been more paperwork than anyone imagined, but it belongs to the dale. We "
        "are happy to share our spreadsheets with any valley that wants to try.",
        "broadband, co-operative, rural, digital inclusion",
        SETTLE,
    ),
    OwnStory(
        TOM, 141,
        "What a food club in Byker taught our food bank",
        "A food bank gives people a parcel. A food club gives them a choice. We spent a "
        "morning learning how the pantry in Byker does it.",
        "Our food banks hand out parcels packed by volunteers, and they will always be "
        "needed in an emergency. But many of the people who come to us are not in an "
        "emergency: they are short every single week.\n\n"
        "The pantry in Byker works differently. Members pay a few pounds a week and choose "
        "their own shopping from shelves stocked with surplus food. Nobody needs a "
        "referral. People talk about *doing the shopping*, not *getting help*.\n\n"
        "We came away with pages of notes and an invitation to come back. Three of our food "
        "banks across Tyneside now want to start a club alongside the parcels.",
        "food, cost of living, dignity, food clubs",
        BYKER,
        about=("Newcastle upon Tyne Pantry", "North East Food Alliance"),
    ),
    OwnStory(
        FATIMA, 132,
        "A street-by-street flood warden rota for Hebden Bridge",
        "When the river rises, every street now has a named neighbour who knocks on the "
        "doors of the people who need a hand.",
        "After the last flood we asked ourselves who had been missed. The answer was the "
        "people who could not move their furniture upstairs on their own: older "
        "neighbours, disabled people, a mum with twins and a bad back.\n\n"
        "So now each street has two wardens. They keep a short, private list of who "
        "might need help, they get the river level alerts, and when a warning comes they "
        "knock on those doors first.\n\n"
        "Thirty-one streets are covered. We need wardens for the last eight, mostly the "
        "terraces up the hill. An hour's training, a torch and a hi-vis jacket are provided.",
        "flooding, resilience, neighbours, volunteering",
        HEBDEN_BRIDGE,
    ),
    OwnStory(
        AISHA, 121,
        "Sharing tools between repair cafés: our first swap day",
        "Five repair groups, one car park and a great many screwdrivers. Why lending each "
        "other tools beats every group buying its own.",
        "Every repair café needs a soldering iron, a sewing machine and a multimeter. "
        "Hardly any of them need the specialist kit more than twice a year: the PAT tester, "
        "the overlocker, the bike wheel truing stand.\n\n"
        "So five groups brought everything they had to a car park on a Sunday and wrote "
        "it all down. Now there is a shared list, and anything on it can be borrowed for a "
        "month by any group in the network.\n\n"
        "It saved us about £600 in our first term. More than that, the fixers met each "
        "other, and we have already swapped a couple of volunteers for a Saturday.",
        "repair, sharing, tools, networks",
        None,
        about=("Yorkshire Repair Network", "Bradford Repair Café", "Spennymoor Repair Café"),
    ),
    OwnStory(
        SIAN, 113,
        "Why we started a news site for Maryport",
        "When the weekly paper stopped sending a reporter to our council meetings, nobody "
        "wrote anything down. So we started to.",
        "It began with the minutes. The paper had stopped covering our meetings years "
        "ago, and decisions about the harbour, the buses and the school were being made "
        "with nobody in the public seats.\n\n"
        "Now eight volunteers take turns to go, write a plain account and put it online "
        "within a day. We also write about the good things: the beach clean, the youth "
        "sailing, the shop that opened when the last one closed.\n\n"
        "Three thousand people read us in a normal month. If you live on the Solway coast "
        "and can spare one evening a month, we would love to hear from you.",
        "local news, democracy, hyperlocal",
        MARYPORT,
        on_behalf_of="Maryport Lantern",
    ),
    OwnStory(
        KWAME, 101,
        "Bikes for the young people who walk three miles to college",
        "The bike kitchen is refurbishing donated bikes for students who cannot afford "
        "the bus. Forty have gone out so far, each with a lock and a lesson.",
        "A lot of the young people we know walk three miles to college and three miles "
        "back, because a bus pass costs more than their families can find.\n\n"
        "So the bike kitchen put out a call for old bikes. People gave us more than we "
        "could store. Our volunteers strip them down, fix them up and match them to a "
        "student, who learns to mend a puncture and adjust the brakes before they ride "
        "away.\n\n"
        "Forty bikes have gone out since the summer. We need more donated bikes, spare "
        "lights and locks, and volunteers who can give two hours on a Wednesday evening.",
        "cycling, young people, repair, transport",
        SHIPLEY,
        about=("Shipley Bike Kitchen",),
        on_behalf_of="Shipley Bike Kitchen",
    ),
    OwnStory(
        PETER, 81,
        "From the warm space to weekly visits",
        "Some of the people who came to the warm space could not manage the walk any more. "
        "So the befriending scheme started visiting them at home instead.",
        "In the second winter we noticed faces missing. Not because people had found "
        "somewhere better, but because the hill to the hall had become too much for them.\n\n"
        "We asked the befriending scheme for help. Their volunteers now visit eleven of our "
        "old regulars at home every week, and twice a month a volunteer driver brings "
        "whoever is up to it to the hall for the afternoon.\n\n"
        "Two small groups working together have done what neither could do alone.",
        "befriending, warm space, older people",
        TOXTETH,
        about=("Liverpool Befriending Scheme",),
        on_behalf_of="Liverpool Befriending Scheme",
    ),
    OwnStory(
        MARY, 71,
        "What a befriender needs: our training day",
        "Listening, boundaries and knowing when to ask for help: what we teach every new "
        "volunteer before their first call.",
        "Being a good neighbour comes naturally to most people. Being a befriender needs a "
        "little more: how to listen without fixing, what to do if someone tells you they "
        "are not safe, and how to say goodbye kindly if a match ends.\n\n"
        "Our training day covers all of it in five hours, with a proper lunch. Two of our "
        "longest-serving volunteers run it, so every example is a real one (names changed).\n\n"
        "The next one is on a Saturday next month. Anyone thinking about volunteering is "
        "welcome to come along before deciding.",
        "befriending, volunteering, training",
        None,
    ),
    OwnStory(
        HELEN, 61,
        "Miners' banners and the people who carried them",
        "We are recording the memories of the people who carried the colliery banners, "
        "before those memories are gone.",
        "The banners themselves are well looked after. What is at risk is everything "
        "around them: who carried them, who paid for the paint, what it felt like to walk "
        "behind one for the first time after the pit closed.\n\n"
        "Since the spring we have recorded twenty-six conversations in front rooms and "
        "social clubs across the coalfield. Each one is transcribed by a volunteer and "
        "kept, with permission, in the community archive.\n\n"
        "If your family carried a banner, or you did, we would love to come and listen.",
        "heritage, mining, oral history, archives",
        EASINGTON,
    ),
    OwnStory(
        JOANNE, 46,
        "Solar panels on the community centre, owned by 212 neighbours",
        "A community energy co-operative has put 60 panels on the centre's roof. The "
        "centre pays less for its electricity and the members get a small return.",
        "The community centre's electricity bill had doubled in two years, and the "
        "trustees were looking at cutting opening hours. The community energy co-operative "
        "offered a different answer.\n\n"
        "212 local people bought shares, from £50 each. The money paid for sixty panels on "
        "the flat roof, fitted in a week. The centre buys the electricity at a fixed low "
        "price; the members get a modest interest payment; anything left over goes into "
        "a fund for energy advice in the neighbourhood.\n\n"
        "It took two years of meetings to get here. The next roof is the primary school's.",
        "energy, climate, co-operative, community buildings",
        CHAPELTOWN,
        about=("Leeds Community Energy", "Northern Community Energy"),
    ),
    OwnStory(
        KWAME, 31,
        "The youth club stays open, for now",
        "A year's money has been found: from local trusts, a crowdfunder and the young "
        "people's own fundraising. The campaign for the long term goes on.",
        "Good news first: the youth club will stay open for at least another year, with "
        "both youth workers.\n\n"
        "The money came from three local charitable trusts, a crowdfunder that 480 people "
        "gave to, and £2,300 raised by the young people themselves with a sponsored walk "
        "and a lot of car washing.\n\n"
        "A year is not a future. We will use it to make the case for youth work that does "
        "not depend on a grant renewed every spring. Thank you to everyone who signed, "
        "gave, came to the meeting or shared the film.",
        "youth work, cuts, campaign, young people",
        MANNINGHAM,
    ),
    # Two newcomers' first stories, approved by a moderator: new voices.
    OwnStory(
        "newcomer1@example.org", 111,
        "Our food club's first year",
        "Three friends, a borrowed van and the church hall on Saturday mornings: how our "
        "food club got going, and what the pantry across town taught us.",
        "We started because we kept hearing the same thing at the school gate: the money "
        "runs out on Wednesday. A food bank did not feel right for most people we knew. A "
        "food club did.\n\n"
        "Before we opened, the pantry across town let us shadow them for a month. They "
        "showed us how to get surplus food, how to keep the fridge records, and how to make "
        "the hall feel like a shop and not a queue.\n\n"
        "A year on we have 140 members, paying £3.50 a week for what would cost about £20 "
        "in the supermarket. There is a toddler corner, and the tea is free.",
        "food, cost of living, food clubs, families",
        WIGAN,
        about=("Wigan Pantry",),
    ),
    OwnStory(
        "newcomer2@example.org", 59,
        "How we kept the library open on our estate",
        "The branch library was going to close. Eighteen months later it is open four days "
        "a week, run by volunteers with one paid librarian.",
        "When we heard the branch library might close, a few of us went along to find out "
        "what it would take to keep it. The answer was people: enough volunteers to staff "
        "the counter, and a group willing to take on the building.\n\n"
        "We found sixty-two volunteers, formed a small charity, agreed a lease and raised "
        "the money for one paid librarian, who trains us. We do the rest, including the "
        "heating bills, which are the frightening part.\n\n"
        "It is open four days a week. The homework club is full and the knitting group "
        "has taken over Wednesday afternoons. We are not experts; if your library is "
        "threatened, we will gladly tell you what we got wrong.",
        "libraries, community assets, volunteering",
        BARROW,
    ),
    # Two newcomers' first stories, left in review for the moderators.
    OwnStory(
        "newcomer3@example.org", 2,
        "Beach clean, then soup",
        "Once a month we clean the South Bay beach, weigh what we find and then warm up "
        "together. Last Sunday: 84 kilos, mostly rope.",
        "We meet by the harbour at ten on the first Sunday of the month. Grabbers, bags "
        "and gloves are provided; bring warm clothes.\n\n"
        "Last Sunday twenty-three of us collected 84 kilos of rubbish in two hours, most "
        "of it fishing rope and plastic bottles. Everything is weighed and logged so we "
        "can see what changes.\n\n"
        "Afterwards there is soup in the café that opens early for us. That is the part "
        "people come back for.",
        "beach cleaning, environment, volunteering",
        SCARBOROUGH,
        state=IN_REVIEW,
    ),
    OwnStory(
        "newcomer4@example.org", 1,
        "Friday nights are back at the youth club",
        "After two years with only one night a week, the youth club is open on Fridays "
        "again, thanks to six new volunteers.",
        "For two years the youth club could only open on Tuesdays: not enough adults to "
        "open safely twice a week. In the summer we asked parents and neighbours for "
        "help, and six people stepped forward.\n\n"
        "All six have had their checks and training, and Friday nights started again last "
        "week. Fifty-two young people came. The table tennis tournament is already fierce.",
        "youth work, young people, volunteering",
        ORCHARD_PARK,
        state=IN_REVIEW,
    ),
    OwnStory(
        DEV, 12,
        "Notes for the night bus campaign",
        "Unfinished: why the night bus matters to shift workers in Levenshulme.",
        "Who uses it: hospital cleaners, bakery shifts, bar staff.\n\n"
        "To do: ask people at the bus stop at 11pm on a Friday; count the passengers.",
        "buses, transport, campaign",
        LEVENSHULME,
        state=DRAFT,
    ),
]  # fmt: skip

LINKED_STORIES = [
    LinkedStory(
        FATIMA, 214, 216,
        "https://calder-valley-gazette.example/news/2026/04/flood-kit-library-volunteers",
        "Volunteers plan a lending library of flood kit",
        "Pumps, dehumidifiers and sandbags could soon be borrowed like books, if the "
        "recovery group finds a dry place to keep them.",
        "Calder Valley Gazette", "flooding, resilience, lending", HEBDEN_BRIDGE,
    ),
    LinkedStory(
        GARY, 190, 193,
        "https://tees-evening-bugle.example/community/mens-shed-workbench",
        "Swapping the sofa for the workbench",
        "Men in Middlesbrough explain why a shed full of tools has done more for their "
        "health than anything else they have tried.",
        "Tees Evening Bugle", "men's health, woodwork", NORTH_ORMESBY,
        about=("Middlesbrough Men's Shed",),
    ),
    LinkedStory(
        KWAME, 170, 171,
        "https://bradford-civic-voice.example/2026/06/youth-club-public-meeting",
        "Young people take the case for their youth club to a packed meeting",
        "More than a hundred people heard teenagers describe what losing their youth "
        "club would mean.",
        "Bradford Civic Voice", "youth work, cuts, campaign", MANNINGHAM,
    ),
    LinkedStory(
        AISHA, 158, 165,
        "https://northern-community-radio.example/listen/repair-cafe-fixers",
        "Listen: the fixers of a Sheffield repair café",
        "Half an hour of radio with the volunteers who mend toasters, bikes and "
        "sewing machines once a month, and the people who bring them.",
        "Northern Community Radio", "repair, reuse, radio", BURNGREAVE,
        about=("Sheffield Repair Café",),
    ),
    LinkedStory(
        TOM, 133, 134,
        "https://tyneside-chronicle.example/news/byker-food-club-500-members",
        "Byker food club passes 500 members",
        "The pantry, which lets members choose their own shopping for a few pounds a "
        "week, says demand has doubled in a year.",
        "Tyneside Chronicle", "food, cost of living, food clubs", BYKER,
        about=("Newcastle upon Tyne Pantry",),
    ),
    LinkedStory(
        ROSA, 120, 126,
        "https://dales-broadband-diary.example/posts/fibre-across-a-hay-meadow",
        "How to lay fibre across a hay meadow without upsetting anyone",
        "A practical guide from a community broadband co-operative: timing, way-leaves, "
        "and why you always ask about the drains first.",
        "Dales Broadband Diary", "broadband, co-operative, rural",
    ),
    LinkedStory(
        PETER, 96, 97,
        "https://mersey-weekly-post.example/2026/08/warm-space-volunteers-award",
        "Toxteth warm space volunteers win a volunteering award",
        "The volunteers who kept a church hall warm space open all year were recognised "
        "at a regional volunteering awards evening.",
        "Mersey Weekly Post", "warm space, volunteering, awards", TOXTETH,
    ),
    LinkedStory(
        MARY, 77, 78,
        "https://humber-herald.example/west-hull/befrienders-wanted",
        "West Hull befrienders look for twenty new volunteers",
        "The scheme pairs volunteers with older people living alone for a weekly phone "
        "call or visit, and says men are especially needed.",
        "Humber Herald", "befriending, older people, volunteering", HESSLE_ROAD,
        about=("Kingston upon Hull Befriending Scheme",),
    ),
    LinkedStory(
        HELEN, 52, 55,
        "https://pit-villages-archive.example/blog/banner-found-in-a-loft",
        "A banner restored after forty years in a loft",
        "A lodge banner folded away in 1985 has been cleaned and repaired by volunteers, "
        "and will be carried again next summer.",
        "Pit Villages Archive", "heritage, mining, banners", EASINGTON,
    ),
    LinkedStory(
        DEV, 24, 25,
        "https://community-energy-north.example/features/who-owns-the-roof",
        "Who owns the roof? Community energy across the North",
        "A look at the co-operatives putting solar panels on schools, halls and "
        "mills, and what their members get back.",
        "Community Energy North", "energy, co-operative, climate",
    ),
]  # fmt: skip


def load_stories_demo() -> DemoResult:
    """The newcomers, then the demo stories (after the people and the directory)."""
    # Made only now, so they are not among the directory's authors: nothing of
    # theirs is published, and their first stories wait for review.
    codes = {newcomer[3] for newcomer in NEWCOMERS}
    areas = {la.code: la for la in LocalAuthority.objects.filter(code__in=codes)}
    for email, name, pronouns, area_code, bio in NEWCOMERS:
        demo_person_create(email, name, pronouns, areas[area_code], bio)
    moderator = User.objects.get(email="moderator@example.org")
    counts = load_stories(moderator=moderator)
    return DemoResult(
        summary=[
            "Stories: {own} told here ({published} published, {new_voices} of them new voices; "
            "{in_review} waiting for review; {drafts} draft), {linked} linked from elsewhere. "
            "{feeds} news feeds are switched on: they are read once the site is running.".format(
                **counts
            )
        ]
    )


def load_stories(*, moderator) -> dict:
    """Tell the demo stories, share the linked ones and switch on the demo news feeds.

    Call after the directory and NEWCOMERS are loaded. Returns counts for the
    summary printed on the first run.
    """
    rng = random.Random(SEED)
    now = timezone.now()
    people = {user.email: user for user in User.objects.all()}
    entries = {
        entry.name: entry
        for entry in Entry.objects.filter(status=Status.PUBLISHED, merged_into__isnull=True)
    }
    stories = []
    # Oldest first, so each author's first published story is their earliest one:
    # that is the one marked as a new voice.
    for spec in sorted(OWN_STORIES, key=lambda spec: -spec.days_ago):
        when = _moment(rng, now, spec.days_ago)
        stories.append(_tell(spec, people, entries, moderator=moderator, when=when))
    for spec in sorted(LINKED_STORIES, key=lambda spec: -spec.days_ago):
        _share(spec, people, entries, when=_moment(rng, now, spec.days_ago), now=now)
    feeds = demo_feeds_switch_on()
    return {
        "own": len(stories),
        "published": sum(1 for story in stories if story.status == Status.PUBLISHED),
        "in_review": sum(1 for story in stories if story.status == Status.IN_REVIEW),
        "drafts": sum(1 for story in stories if story.status == Status.DRAFT),
        "new_voices": Story.objects.filter(is_new_voice=True).count(),
        "linked": len(LINKED_STORIES),
        "feeds": feeds,
    }


def _moment(rng: random.Random, now: datetime, days_ago: int) -> datetime:
    """Some time in the daytime, `days_ago` days back (never in the future)."""
    day = now - timedelta(days=days_ago)
    moment = day.replace(
        hour=rng.randint(8, 20), minute=rng.randint(0, 59), second=0, microsecond=0
    )
    return min(moment, now - timedelta(minutes=5))


def _tell(spec: OwnStory, people, entries, *, moderator, when: datetime) -> Story:
    author = people[spec.author]
    on_behalf_of = entries.get(spec.on_behalf_of)
    if on_behalf_of is not None and not can_edit_entry(user=author, entry=on_behalf_of):
        on_behalf_of = None
    place_name, latitude, longitude = spec.place or ("", None, None)
    picture, picture_alt = demo_picture(spec.title, spec.tags)
    story = story_create(
        author=author,
        action=Action.SAVE_DRAFT if spec.state == DRAFT else Action.PUBLISH,
        image=picture,
        image_alt=picture_alt,
        title=spec.title,
        summary=spec.summary,
        body=spec.body,
        tags=spec.tags,
        place_name=place_name,
        latitude=latitude,
        longitude=longitude,
        about=[entries[name] for name in spec.about if name in entries],
        on_behalf_of=on_behalf_of,
    )
    if spec.state == PUBLISHED and story.status == Status.IN_REVIEW:
        content_approve(actor=moderator, content=story)
    if spec.state == IN_REVIEW and story.status != Status.IN_REVIEW:
        raise RuntimeError(f"The demo story {spec.title!r} should be waiting for review.")
    _backdate(story, when=when)
    return story


PICTURE_SIZE = (1200, 675)  # 16:9, the shape of a story card's picture
_SUPERSAMPLE = 2  # drawn twice the size, then reduced: smooth edges

# (words for the description, top of the sky, bottom of the sky, the sun or moon)
SKIES = [
    ("a pale morning sky", "#9fc3d6", "#f4e6c8", "#fff4d0"),
    ("a bright blue sky", "#3f7fb5", "#bfe0ee", "#fff7da"),
    ("an evening sky", "#2f4b7c", "#f0a868", "#ffd9a0"),
    ("a grey, rainy sky", "#7d8a89", "#c9d1d0", None),
    ("a dusk sky", "#1b2a4a", "#7a2848", "#f3e3c2"),
]
# (words, the far hill's colour, the near hill's colour): near is darker.
LANDS = [
    ("green hills", "#7fae8a", "#1d6b2f"),
    ("moorland", "#a99a7a", "#5b4a2f"),
    ("teal hills", "#6fa3a8", "#0b5563"),
    ("autumn hills", "#d29a6a", "#8a3b12"),
]


def _wave(rng: random.Random, width: int, base: float, height: float) -> list[tuple]:
    """A skyline of a hill: a sum of a few gentle sines around `base`."""
    waves = [(rng.uniform(0.5, 2.5), rng.uniform(0, math.tau), rng.uniform(0.3, 1))
             for _ in range(3)]  # fmt: skip
    step = max(1, width // 80)
    points = []
    for x in range(0, width + step, step):
        t = x / width * math.tau
        y = sum(amp * math.sin(freq * t + phase) for freq, phase, amp in waves) / 3
        points.append((x, base - height * y))
    return points


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _mix(a: str, b: str, amount: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * amount) for x, y in zip(_hex(a), _hex(b), strict=True))


def demo_picture(title: str, tags: str) -> tuple[ContentFile, str]:
    """A picture for a demo story and its description, decided by the title alone.

    Has its own random generator, so the rest of the demo is the same with or
    without pictures. What is in it follows the story's tags a little: water
    for the coast and floods, houses for streets and estates, trees for
    gardens and parks.
    """
    rng = random.Random(f"{SEED}:picture:{title}")
    words = tags.lower()
    width, height = (side * _SUPERSAMPLE for side in PICTURE_SIZE)
    sky_words, sky_top, sky_bottom, light = rng.choice(SKIES)
    land_words, far, near = rng.choice(LANDS)

    # The sky: one column of colours from top to bottom, stretched across.
    column = Image.new("RGB", (1, height))
    column.putdata([_mix(sky_top, sky_bottom, y / (height - 1)) for y in range(height)])
    picture = column.resize((width, height), Image.Resampling.NEAREST)
    draw = ImageDraw.Draw(picture)
    if light:
        r = rng.uniform(0.05, 0.08) * width
        cx, cy = rng.uniform(0.15, 0.85) * width, rng.uniform(0.18, 0.38) * height
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_hex(light))

    layers = 4
    for layer in range(layers):
        amount = layer / (layers - 1)
        colour = _mix(far, near, amount)
        # Farther hills are paler, as if through a little haze.
        colour = tuple(round(c + (h - c) * 0.35 * (1 - amount))
                       for c, h in zip(colour, _hex(sky_bottom), strict=True))  # fmt: skip
        base = height * (0.5 + 0.11 * layer)
        ridge = _wave(rng, width, base, height * (0.2 - 0.04 * layer))
        draw.polygon([(0, height), *ridge, (width, height)], fill=colour)
        if layer == 1 and any(w in words for w in ("tree", "garden", "park", "green", "food")):
            _trees(draw, rng, ridge, _mix(near, "#000000", 0.2), height)
        if layer == 2 and any(
            w in words for w in ("housing", "estate", "street", "neighbour", "tenant", "community")
        ):
            _houses(draw, rng, ridge, width, height)

    extras = []
    if any(w in words for w in ("flood", "coast", "beach", "sea", "river", "canal")):
        top = height * 0.86
        water = _mix("#2f6f8f", sky_top, 0.25)
        draw.rectangle((0, top, width, height), fill=water)
        for _ in range(14):
            x, y = rng.uniform(0, width), rng.uniform(top + 10, height - 10)
            draw.line((x, y, x + rng.uniform(40, 140), y), fill=_mix("#2f6f8f", "#ffffff", 0.5),
                      width=_SUPERSAMPLE * 2)  # fmt: skip
        extras.append("water in the foreground")
    if any(w in words for w in ("tree", "garden", "park", "green", "food")):
        extras.append("a line of trees")
    if any(w in words for w in ("housing", "estate", "street", "neighbour", "tenant", "community")):
        extras.append("a row of houses")

    picture = picture.reduce(_SUPERSAMPLE)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    alt = f"An illustration of {land_words} under {sky_words}"
    if extras:
        alt += ", with " + " and ".join(extras)
    return ContentFile(buffer.getvalue(), name="picture.jpg"), alt + "."


def _trees(draw, rng, ridge, colour, height) -> None:
    trunk = _hex("#3d2b1f")
    for x, y in ridge[3::5]:
        if rng.random() < 0.3:
            continue
        r = rng.uniform(0.03, 0.05) * height
        draw.rectangle((x - r * 0.15, y - r, x + r * 0.15, y + r * 0.3), fill=trunk)
        draw.ellipse((x - r, y - 3 * r, x + r, y - 0.8 * r), fill=colour)


def _houses(draw, rng, ridge, width, height) -> None:
    # A short terrace on the hill's lowest stretch, its roofs in a row.
    start = rng.uniform(0.1, 0.55) * width
    house = 0.065 * width
    ground = max(y for x, y in ridge if start <= x <= start + 7 * house) + 0.01 * height
    walls = ("#f3e3c2", "#e7c9a9", "#d9d2c5", "#efd9b4")
    for i in range(rng.randint(4, 7)):
        left = start + i * house
        top = ground - house * 0.9
        draw.rectangle((left, top, left + house, ground + height * 0.04),
                       fill=_hex(rng.choice(walls)), outline=_hex("#5b4a2f"))  # fmt: skip
        draw.polygon([(left - 2, top), (left + house / 2, top - house * 0.45),
                      (left + house + 2, top)], fill=_hex("#5b2f2a"))  # fmt: skip
        window = house * 0.22
        draw.rectangle((left + house * 0.39, top + house * 0.3, left + house * 0.39 + window,
                        top + house * 0.3 + window), fill=_hex("#ffd98a"))  # fmt: skip


def _backdate(story: Story, *, when: datetime) -> None:
    """Move a story's dates back to `when`, and the map and search with it."""
    with transaction.atomic():
        dates = {"created_at": when - timedelta(hours=3), "updated_at": when}
        if story.status == Status.PUBLISHED:
            dates["published_at"] = dates["first_published_at"] = when
        Story.objects.filter(pk=story.pk).update(**dates)
        story.refresh_from_db()
        if story.status == Status.PUBLISHED:
            # Published already, so this only brings the map and search up to date.
            content_changed(story, previous_status=Status.PUBLISHED)


def _share(spec: LinkedStory, people, entries, *, when: datetime, now: datetime) -> Story:
    return demo_linked_story_publish(
        shared_by=people[spec.shared_by],
        url=spec.url,
        title=spec.title,
        summary=spec.summary,
        source_name=spec.source_name,
        source_published_at=min(when, now - timedelta(days=spec.told_days_ago)),
        tags=spec.tags,
        place=spec.place,
        about=[entries[name] for name in spec.about if name in entries],
        published_at=when,
    )


def demo_linked_story_publish(
    *,
    shared_by,
    url: str,
    title: str,
    summary: str,
    source_name: str,
    source_published_at: datetime,
    tags: str,
    place: Place | None,
    about: list[Entry],
    published_at: datetime,
) -> Story:
    """A published linked story whose preview is filled in as if it had been fetched.

    For the demo only: people share links through `linked_story_start`, which
    fetches the preview in the background; the demo must not fetch anything.
    The fields are checked by the same checks as a person's. One transaction.
    """
    url, key = check_story_url(url)
    place_name, latitude, longitude = place or ("", None, None)
    fields = check_story_fields(
        author=shared_by,
        action=Action.PUBLISH,
        kind=StoryKind.LINKED,
        title=title,
        summary=summary,
        tags=tags,
        place_name=place_name,
        latitude=latitude,
        longitude=longitude,
        about=about,
        source_name=source_name,
        source_published_at=source_published_at,
    )
    story = Story(
        kind=StoryKind.LINKED,
        author=shared_by,
        url=url,
        canonical_url=key,
        preview_state=PreviewState.READY,
        title=fields.title,
        summary=fields.summary,
        tags=fields.tags,
        place_name=fields.place_name,
        latitude=fields.latitude,
        longitude=fields.longitude,
        local_authority=fields.local_authority,
        source_name=fields.source_name,
        source_published_at=fields.source_published_at,
        slug=story_unique_slug(fields.title),
    )
    # Published months ago, so not news: stamped like an import, which nobody
    # announces (no new-voice mark, no notices), then dated back.
    lifecycle.status_stamp_many([story], Status.PUBLISHED)
    story.published_at = story.first_published_at = published_at
    with transaction.atomic():
        story.save()
        Story.objects.filter(pk=story.pk).update(created_at=published_at, updated_at=published_at)
        story.about.set(fields.about)
        content_changed(story, previous_status=None)
    return story


def demo_feeds_switch_on() -> int:
    """The editors of the demo news sites switch on taking stories from their feeds.

    Nothing is fetched now: the first poll is due at once, and the scheduler
    makes it once `make run` serves the feeds. Returns how many were switched on.
    """
    prefix = f"{settings.SITE_URL}/demo/feeds/"
    switched_on = 0
    for entry in Entry.objects.filter(feed_url__startswith=prefix, status=Status.PUBLISHED):
        editor = entry.editors.order_by("pk").first()
        if editor is None:
            continue
        feed_source_consent_set(actor=editor, entry=entry, enabled=True)
        switched_on += 1
    return switched_on
