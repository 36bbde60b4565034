"""The forum's demo: fifteen categories, four hundred topics and over four thousand posts.

Six months of conversation among volunteers, small charities and organisers
across the North: introductions under a pinned welcome, ideas, money and
cuts, digital tools, events, one category per region, and discussions under
some of the demo stories and threats and cuts. Replies quote and mention one
another, link to pages on the site (shown as cards), are liked and now and
then edited; one debate is closed with its conclusions, one topic is locked,
and a new member's topic and another's reply wait for review.

Everyone here is invented (the forum adds forty-two members to the demo
people); the places are real. Everything is written in bulk, as the content
contract allows for an import (`lifecycle.status_stamp_many`, then
`changes.contents_added_in_bulk`), so it loads in seconds: the counts the
lists read are worked out as the change hooks would keep them, and the dates
are moved back over six months afterwards (saving makes `created_at` now).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import Truncator, slugify

from bigsocnorth.accounts.demo import demo_person_create
from bigsocnorth.accounts.models import Profile, User
from bigsocnorth.core.demo.registry import DemoResult
from bigsocnorth.core.tags import tags_normalise
from bigsocnorth.forum.discussions import discussions_category
from bigsocnorth.forum.models import (
    Category,
    CategoryWatch,
    Level,
    Post,
    PostLike,
    PostRevision,
    Topic,
    TopicRead,
    TopicWatch,
)
from bigsocnorth.forum.services import category_counts_refresh
from bigsocnorth.forum.text import post_text_read, quote_block
from bigsocnorth.moderation import lifecycle
from bigsocnorth.moderation.changes import bulk_additions_done, contents_added_in_bulk
from bigsocnorth.moderation.models import Status
from bigsocnorth.moderation.registry import title_for
from bigsocnorth.places.models import LocalAuthority, Region

SEED = 5050
DAYS = 182  # six months of conversation
TOPIC_COUNT = 400
POST_TARGET = 4_200
MODERATOR = "moderator@example.org"
ADMIN = "admin@example.org"
DEMO_LOGIN = "member@example.org"  # Aisha: her unread and new topics show something

# Forum regulars, on top of the demo people: (name, pronouns, home area GSS code, bio).
FORUM_PEOPLE = [
    ("Bernadette Quigley", "she/her", "E08000012",
     "Pantry coordinator in north Liverpool. Twelve years of Thursdays."),
    ("Imran Sadiq", "he/him", "E08000032",
     "Treasurer of a youth project and a cricket club. Spreadsheets are my love language."),
    ("Lindsay Armitage", "she/her", "E08000034",
     "Volunteer coordinator at a hospice charity shop in Huddersfield."),
    ("Callum Boyd", "he/him", "E08000021",
     "I build websites for small groups for nothing and then look after them for ever."),
    ("Priya Chauhan", "she/her", "E08000035",
     "Community development worker in east Leeds."),
    ("Neville Dawson", "he/him", "E06000064",
     "Village hall chair, caretaker and boiler whisperer in the Eden valley."),
    ("Shona McAllister", "she/her", "E08000024",
     "I run a parent carers' forum in Sunderland."),
    ("Tariq Hussain", "he/him", "E08000005",
     "Mutual aid organiser in Rochdale since the first lockdown."),
    ("Wendy Kershaw", "she/her", "E07000125",
     "Community garden in Bacup: veg, compost and a very old polytunnel."),
    ("Femi Adeyemi", "he/him", "E08000003",
     "Tenants' association secretary and housing campaigner in Hulme."),
    ("Ellie Thornton", "she/they", "E06000014",
     "Climate action group and a bike repair stall in York."),
    ("Stuart Fenwick", "he/him", "E06000057",
     "Rural community transport in Tynedale: fourteen drivers and one ancient minibus."),
    ("Magda Kowalczyk", "she/her", "E06000013",
     "Polish community association in Scunthorpe: English classes and a Saturday school."),
    ("Ray Gledhill", "he/him", "E08000033",
     "Flood warden in the upper Calder valley. I own a lot of sandbags."),
    ("Hannah Birtwistle", "she/her", "E07000117",
     "Small arts charity in Burnley. Grant applications are my day job."),
    ("Olu Bankole", "he/him", "E08000006",
     "Boxing coach: free sessions for young people in Salford."),
    ("Joan Pybus", "she/her", "E06000065",
     "Community library volunteer near Malton, and the person who does the rota."),
    ("Sadia Akhtar", "she/her", "E08000018",
     "Women's centre in Rotherham: advice, English classes and a lot of tea."),
    ("Darren Whitlock", "he/him", "E06000003",
     "Warehouse manager for a food bank in Redcar."),
    ("Nia Okafor", "she/her", "E08000015",
     "Youth theatre in Birkenhead. Ask me about costume cupboards."),
    ("Graham Royle", "he/him", "E08000009",
     "Retired accountant; independent examiner for half a dozen small charities."),
    ("Chloe Ashworth", "she/her", "E08000001",
     "Social prescribing link worker. I know every group in Bolton."),
    ("Yusuf Mirza", "he/him", "E07000122",
     "Community centre manager in Nelson."),
    ("Kerry Lumb", "she/her", "E08000036",
     "Trustee of a miners' welfare hall in the five towns."),
    ("Alun Pritchard", "he/him", "E06000063",
     "Men's walking group in Workington: we walk, we talk, we have a pie."),
    ("Bea Lister", "they/them", "E08000037",
     "Volunteer with an LGBTQ+ youth group in Gateshead."),
    ("Martin Hogg", "he/him", "E06000047",
     "Heritage group and food co-op in a former pit village in County Durham."),
    ("Zainab Ali", "she/her", "E08000039",
     "Refugee welcome group in Sheffield; English conversation café on Wednesdays."),
    ("Lee Cartwright", "he/him", "E08000010",
     "Community programme at a rugby league club in Wigan."),
    ("Jenny Oates", "she/her", "E06000011",
     "Coastal community forum in Bridlington."),
    ("Kofi Asante", "he/him", "E08000012",
     "Data protection nerd. I help charities with their privacy notices, for biscuits."),
    ("Pauline Moss", "she/her", "E06000010",
     "Tenants' and residents' association in Bransholme, Hull."),
    ("Ravi Sharma", "he/him", "E08000007",
     "Repair café and tool library in Stockport."),
    ("Moira Tennant", "she/her", "E08000022",
     "Beach cleans and a community choir in Whitley Bay."),
    ("Declan Byrne", "he/him", "E06000006",
     "Credit union volunteer in Widnes."),
    ("Amira Haddad", "she/her", "E08000035",
     "Funding officer at a Leeds support charity: I help small groups with their bids."),
    ("Phil Stansfield", "he/him", "E07000124",
     "Parish council and village hall bookings near Clitheroe."),
    ("Gemma Pickering", "she/her", "E08000038",
     "Baby bank coordinator in Barnsley."),
    ("Abdi Warsame", "he/him", "E08000003",
     "Somali community association in Manchester: homework club and advice."),
    ("Judith Holroyd", "she/her", "E08000017",
     "Befriending older people in Doncaster, and a knit-and-natter."),
]  # fmt: skip

# Joined this week: their first posts wait for a moderator.
FORUM_NEWCOMERS = [
    ("forum-newcomer1@example.org", "Connor Tate", "he/him", "E06000001",
     "Just started a litter pick group in Hartlepool. Six of us so far."),
    ("forum-newcomer2@example.org", "Stacey Morland", "she/her", "E07000123",
     "New here. I volunteer at a toy library in Preston."),
]  # fmt: skip

# Towns named in the conversation, by local authority (the area's name otherwise).
TOWNS = {
    "sheffield": ["Sheffield", "Burngreave", "Nether Edge", "Stocksbridge", "Chapeltown"],
    "leeds": ["Leeds", "Chapel Allerton", "Morley", "Pudsey", "Horsforth"],
    "kingston-upon-hull-city-of": ["Hull"],
    "newcastle-upon-tyne": ["Newcastle", "Benwell", "Gosforth"],
    "bradford": ["Bradford", "Keighley", "Shipley", "Saltaire", "Bingley"],
    "manchester": ["Manchester", "Longsight", "Levenshulme", "Cheetham Hill", "Hulme"],
    "liverpool": ["Liverpool", "Speke", "Norris Green", "Kensington"],
    "cumberland": ["Carlisle", "Whitehaven", "Workington", "Maryport", "Cockermouth"],
    "westmorland-and-furness": ["Kendal", "Barrow", "Penrith", "Ulverston"],
    "county-durham": ["Durham", "Consett", "Bishop Auckland", "Seaham", "Stanley"],
    "sunderland": ["Sunderland", "Washington", "Houghton-le-Spring"],
    "gateshead": ["Gateshead", "Felling", "Blaydon"],
    "north-tyneside": ["North Shields", "Wallsend", "Whitley Bay"],
    "south-tyneside": ["South Shields", "Jarrow", "Hebburn"],
    "northumberland": ["Blyth", "Ashington", "Morpeth", "Hexham"],
    "redcar-and-cleveland": ["Redcar", "Guisborough", "Saltburn"],
    "stockton-on-tees": ["Stockton", "Billingham", "Thornaby"],
    "calderdale": ["Halifax", "Hebden Bridge", "Todmorden", "Brighouse", "Sowerby Bridge"],
    "kirklees": ["Huddersfield", "Dewsbury", "Batley", "Holmfirth"],
    "wakefield": ["Wakefield", "Castleford", "Pontefract", "Featherstone"],
    "barnsley": ["Barnsley", "Penistone", "Wombwell"],
    "rotherham": ["Rotherham", "Maltby", "Rawmarsh"],
    "doncaster": ["Doncaster", "Thorne", "Mexborough"],
    "york": ["York", "Haxby"],
    "north-yorkshire": ["Scarborough", "Harrogate", "Skipton", "Selby", "Malton"],
    "east-riding-of-yorkshire": ["Bridlington", "Beverley", "Goole", "Hornsea"],
    "north-east-lincolnshire": ["Grimsby", "Cleethorpes"],
    "north-lincolnshire": ["Scunthorpe", "Brigg"],
    "salford": ["Salford", "Eccles", "Swinton"],
    "bolton": ["Bolton", "Farnworth", "Horwich"],
    "wigan": ["Wigan", "Leigh", "Atherton"],
    "rochdale": ["Rochdale", "Heywood", "Littleborough"],
    "oldham": ["Oldham", "Chadderton", "Saddleworth"],
    "stockport": ["Stockport", "Marple", "Reddish"],
    "tameside": ["Ashton-under-Lyne", "Hyde", "Stalybridge"],
    "trafford": ["Stretford", "Sale", "Urmston"],
    "wirral": ["Birkenhead", "Wallasey", "Moreton"],
    "sefton": ["Bootle", "Southport", "Litherland"],
    "knowsley": ["Kirkby", "Huyton"],
    "halton": ["Widnes", "Runcorn"],
    "pendle": ["Nelson", "Colne"],
    "rossendale": ["Bacup", "Rawtenstall", "Haslingden"],
    "lancaster": ["Lancaster", "Morecambe"],
    "ribble-valley": ["Clitheroe", "Longridge"],
    "burnley": ["Burnley", "Padiham"],
    "blackburn-with-darwen": ["Blackburn", "Darwen"],
    "cheshire-west-and-chester": ["Chester", "Ellesmere Port", "Northwich"],
    "preston": ["Preston"],
    "hartlepool": ["Hartlepool"],
}

# (slug, name, what it is for, position); then one per region, then Discussions.
CATEGORIES = [
    ("welcome", "Welcome and introductions",
     "Say hello: who you are, where you are and what your group does.", 10),
    ("ideas", "Ideas and innovation",
     "Things that worked (and things that didn't): new ways of running groups, services "
     "and projects.", 20),
    ("funding", "Funding, grants and cuts",
     "Applying for money, reporting on it, and what to do when it is taken away.", 30),
    ("digital", "Digital tools and data",
     "Websites, spreadsheets, booking systems, data protection, and keeping it all running "
     "on a shoestring.", 40),
    ("events", "Events and meet-ups",
     "What's on: fairs, training, socials and hustings. Post yours.", 50),
    ("volunteering", "Volunteering",
     "Finding, welcoming and keeping volunteers, and looking after them.", 60),
    ("campaigns", "Campaigns and organising",
     "Petitions, consultations, councillors, the local paper: how to be heard.", 70),
    ("food-and-warm-spaces", "Food, warm spaces and mutual aid",
     "Food banks and pantries, community kitchens, warm welcomes and neighbours helping "
     "neighbours.", 80),
    ("buildings", "Buildings, halls and community assets",
     "Leases, asset transfers, insurance, boilers and roofs.", 90),
    ("running-a-group", "Running a small charity or group",
     "Trustees, constitutions, safeguarding, accounts and the rest of the paperwork.", 100),
    ("this-site", "About this site",
     "Questions, problems and suggestions about the platform itself.", 110),
]  # fmt: skip
REGION_POSITION = 200

# Per category: (titles, opening post, tags). The first title is used once; the
# others name a town ({town}) and can come back for another place.
TOPICS = {
    "welcome": [
        (
            ["Hello from {town}!", "Hi all, new member in {town}"],
            "Hello everyone. I'm with a small group in {town}: {bio}\n\nFound this place through a "
            "friend at the council for voluntary service. Looking forward to pinching your ideas.",
            "introductions",
        ),
        (
            ["Introducing ourselves: a tenants' group in {town}"],
            "We're a tenants' and residents' association in {town}, about forty members and a "
            "committee of five. We meet monthly in the library. Mostly repairs, bins and parking, "
            "but lately the cost of heating too. Say hello if you're nearby!",
            "introductions, housing",
        ),
        (
            ["Community gardener in {town} saying hi", "Another gardener, this time in {town}"],
            "Hi all. I help run a community garden in {town}: raised beds, a pond, and a shed full "
            "of donated tools. We'd love to hear from other growing groups, especially about "
            "getting produce to people who need it.",
            "introductions, gardening",
        ),
        (
            ["New here: a small arts charity in {town}"],
            "Hello! We're a small arts charity in {town}: workshops in schools, a summer festival "
            "and a gallery that is also a corridor. Two part-time staff, many volunteers. Here to "
            "learn and to share what we know about arts funding.",
            "introductions, arts",
        ),
        (
            ["Youth worker in {town}, just joined"],
            "Hi everyone. Youth worker in {town}: detached work on the estates and a drop-in on "
            "Friday nights. Keen to meet other youth projects, especially anyone doing sport or "
            "music on no money.",
            "introductions, young people",
        ),
    ],
    "ideas": [
        (
            [
                "Repair café: what we learned in our first year",
                "Repair café in {town}: a year on",
            ],
            "We started a monthly repair café last spring with four volunteers and a borrowed PAT "
            "tester. A year on we have fixed about 300 things, from lamps to school trousers. "
            "Three things surprised us:\n\n- people stay for the tea and the chat as much as the "
            "fixing\n- insurance was easier than we feared\n- the hardest job is saying no to a "
            "microwave\n\nHappy to share our risk assessment and sign-up sheet.",
            "repair, reuse",
        ),
        (
            [
                "A tool library in a shipping container?",
                "Tool library for {town}: has anyone done one?",
            ],
            "Someone has offered us a shipping container on a car park for a year. We're thinking "
            "tool library: drills, ladders, wallpaper strippers, a carpet cleaner. Has anyone run "
            "one? How do you stop things walking?",
            "tool library, reuse",
        ),
        (
            [
                "Pay-as-you-feel café: does it ever break even?",
                "Pay-as-you-feel in {town}: our figures",
            ],
            "We're six months into a pay-as-you-feel café using surplus food. Some weeks the jar "
            "covers the gas and the rent, some weeks it doesn't come close. Would anyone share "
            "their figures? Happy to share ours.",
            "food, money",
        ),
        (
            ["Warm welcome, not warm space: why the name matters"],
            "Our winter drop-in was badly attended until we stopped calling it a warm space. "
            "People didn't want to be seen going to something that said they couldn't afford "
            "to heat their homes. Now it's Tuesday Club and it's full. Anyone else found the "
            "name matters?",
            "warm spaces, language",
        ),
        (
            ["Sharing minibuses between groups", "Pooling minibuses in {town}"],
            "Three groups near us each have a minibus that sits idle five days a week. We're "
            "talking about pooling them: one booking calendar, shared insurance, shared training "
            "for drivers. Has anyone done this? What went wrong?",
            "transport, sharing",
        ),
        (
            [
                "Nursery children and the over-70s gardening together",
                "Intergenerational gardening in {town}",
            ],
            "We paired the nursery next door with our Wednesday gardening group. Best thing we've "
            "done in years. I'm writing up how we handled safeguarding, because that was the bit "
            "everyone asked about.",
            "gardening, older people, children",
        ),
        (
            [
                "Library of things: what do people actually borrow?",
                "Library of things in {town}: eight months in",
            ],
            "Top borrowed so far: the carpet cleaner, the pressure washer, the gazebo and, for "
            "reasons nobody can explain, the chocolate fountain. What's popular in yours?",
            "library of things, reuse",
        ),
        (
            [
                "Empty shops for pop-up advice sessions",
                "Pop-up advice in an empty shop in {town}",
            ],
            "Our council lets charities use empty shop units rent-free for up to three months. We "
            "ran benefits advice in one and saw more people in a month than in a year at our "
            "office. Worth asking whether yours has a scheme.",
            "advice, empty shops",
        ),
        (
            ["Community fridge: the food hygiene side", "Opening a community fridge in {town}"],
            "We want to open a community fridge. Environmental health were helpful, but the "
            "paperwork is a lot. If you run one, what do your cleaning and temperature logs look "
            "like?",
            "food, community fridge",
        ),
        (
            [
                "Men's sheds: getting the first ten through the door",
                "Starting a men's shed in {town}",
            ],
            "We've got a unit, some tools and a kettle. What we haven't got is men. How did your "
            "shed get its first members?",
            "men's sheds, mental health",
        ),
        (
            ["Time banks: what keeps one going?", "A time bank for {town}?"],
            "Looking at setting up a time bank. The ones I've read about seem to fade after a year "
            "or so. What keeps one going once the launch buzz is over?",
            "time banking",
        ),
        (
            ["Street parties as a way into organising", "Our first street party in {town}"],
            "We closed our street for an afternoon in June. Forty households came out. Two months "
            "later the same people are running a litter pick and a WhatsApp group for lifts. "
            "Street parties are underrated as a start.",
            "neighbours, organising",
        ),
    ],
    "funding": [
        (
            [
                "First small grant: what I wish I'd known",
                "Tips from a first-time applicant in {town}",
            ],
            "We got our first small grant last month (£9,800 from the Moorland Fund for a youth "
            "project). Things I wish I'd known:\n\n1. Ring the funder before you apply. They were "
            "lovely.\n2. Budget for volunteers' expenses.\n3. Outcomes are what changes for "
            "people, not what you do.\n\nAsk me anything.",
            "grants, first bid",
        ),
        (
            ["Council grant cut by 40%: what now?", "Our council grant in {town} is cut by 40%"],
            "We've just heard our council grant is cut by 40% from April. It paid for our "
            "coordinator's hours. We have reserves for about four months. What have others done "
            "when this happened: cut hours, merge, fight it?",
            "cuts, council",
        ),
        (
            ["Full cost recovery: how do you put rent in a bid?"],
            "Every funder says they pay a fair share of core costs, and then the form has no line "
            "for it. How do you get rent, insurance and the phone bill into a project budget?",
            "grants, core costs",
        ),
        (
            ["Funders who pay core costs: let's make a list"],
            "Let's make a list of funders in the North who will pay core costs for small groups. "
            "I'll start: the Pennine Kettle Trust (up to £5,000, twice a year) and the Tyne and "
            "Tees Small Grants Fund. Add yours below.",
            "grants, core costs, funders",
        ),
        (
            [
                "Our service agreement ends in March and nobody will say what happens next",
                "Service agreement ending in {town}: no word from the council",
            ],
            "We run the council's befriending service under an agreement that ends in March. It's "
            "December and nobody will tell us whether it's being renewed, re-tendered or dropped. "
            "Staff are already looking for other jobs. How do you get an answer?",
            "cuts, contracts, council",
        ),
        (
            [
                "Crowdfunding a new roof: £14,000 in six weeks",
                "Crowdfunding for our hall in {town}",
            ],
            "We did it! £14,000 for a new roof, in six weeks, from 380 people. What worked: a "
            "video of the bucket collection in the main hall, local businesses matching the first "
            "£2,000, and posting progress every other day. What didn't: the paid Facebook ads.",
            "crowdfunding, buildings",
        ),
        (
            ["Is it worth paying a bid writer?"],
            "A bid writer has offered to write our applications for 10% of whatever we win. Has "
            "anyone used one? It feels wrong, but we have nobody with time to do it.",
            "grants, bid writing",
        ),
        (
            ["Reporting to funders without losing a week"],
            "We have six small grants and six end-of-year reports, all in different formats, all "
            "due in the same month. How do you keep the numbers through the year so reporting "
            "isn't a nightmare?",
            "grants, reporting",
        ),
        (
            ["Match funding: how do you find the other half?"],
            "A funder will give us half of what the new kitchen costs if we find the other half. "
            "Where do people look for match funding for building work?",
            "grants, match funding",
        ),
        (
            [
                "The advice centre's grant is being cut: how to respond to the consultation",
                "Responding to the budget consultation in {town}",
            ],
            "The council's budget consultation proposes ending the grant to our advice centre. "
            "The consultation closes in three weeks. What makes a response count? Numbers, "
            "stories, both?",
            "cuts, consultation, advice",
        ),
        (
            ["Reserves policy: how many months should a small charity hold?"],
            "Our independent examiner says we should have a reserves policy. The committee can't "
            "agree: three months' costs? Six? More? What do yours say and why?",
            "reserves, governance",
        ),
        (
            ["Local businesses as funders: what works", "Getting businesses in {town} to give"],
            "Has anyone had luck asking local businesses for money, rather than for raffle prizes? "
            "We've had plenty of vouchers and no cheques.",
            "fundraising, business",
        ),
    ],
    "digital": [
        (
            [
                "Free or cheap booking systems for a community hall?",
                "Booking system for our hall in {town}",
            ],
            "We take bookings for the hall on paper, in a diary that lives in the caretaker's "
            "coat. Anyone using something online that costs little or nothing and that our older "
            "volunteers can manage?",
            "booking, software",
        ),
        (
            ["Moving our membership list off a spreadsheet"],
            "Our membership list is a spreadsheet with 14 tabs and three people who edit it. We "
            "keep losing people. What do small groups use for a members' database?",
            "data, membership",
        ),
        (
            ["WhatsApp groups: how big before it falls apart?"],
            "Our volunteers' WhatsApp group has 180 people in it and it's chaos: rota swaps, "
            "memes, lost cats. Do you split groups? Use announcement-only groups? Something else?",
            "messaging, volunteers",
        ),
        (
            ["Do small groups still need a website?"],
            "We pay £120 a year for a website that nobody updates. All our news goes on Facebook. "
            "Is there any point keeping it?",
            "websites",
        ),
        (
            [
                "Data protection for a food bank: what do we actually need to keep?",
                "Data protection questions from a food bank in {town}",
            ],
            "We record names, addresses and referral reasons for everyone who uses the food bank. "
            "A volunteer asked how long we keep it and nobody knew. What do others do?",
            "data protection, food",
        ),
        (
            ["Taking card payments at events"],
            "People don't carry cash any more. What are groups using to take card payments at "
            "jumble sales and fairs, and what do the fees come to?",
            "payments, events",
        ),
        (
            ["Our Facebook page was taken over: how do we get it back?"],
            "Someone got into the account that ran our page and now we're locked out. The page "
            "has eight years of photos and 3,000 followers. Has anyone got one back?",
            "social media, security",
        ),
        (
            ["Shared drives for volunteers: keeping them tidy"],
            "Our shared drive has eleven folders called 'New folder'. How do you organise files "
            "when volunteers come and go?",
            "files, volunteers",
        ),
        (
            [
                "Finding groups near me on this site's map",
                "Using the map to find groups near {town}",
            ],
            "I've been using the map here to find groups near us for a leaflet. Works well. Is "
            "there a way to download the list for our area?",
            "map, this site",
        ),
        (
            [
                "Digital inclusion sessions at the library",
                "Digital help sessions in {town}: what works",
            ],
            "We run a Thursday session helping people with their phones and online forms. The "
            "demand is huge, mostly Universal Credit journals and doctors' appointments. How do "
            "you handle people's passwords without ever knowing them?",
            "digital inclusion",
        ),
        (
            ["Accessible newsletters: plain text or designed?"],
            "Our newsletter is a beautiful designed PDF that a screen reader can't make sense of. "
            "What do people send instead?",
            "accessibility, newsletters",
        ),
        (
            ["Two-factor login for accounts several people share"],
            "Our group email and social accounts are shared by three volunteers. Two-factor "
            "codes go to one person's phone, who is on holiday. How do others handle this?",
            "security, accounts",
        ),
    ],
    "events": [
        (
            [
                "Volunteer fair, Saturday morning: stalls still free",
                "Volunteer fair in {town}: stalls still free",
            ],
            "Our volunteer fair is on the first Saturday of next month, 10 till 1, in the town "
            "hall. Stalls are free for voluntary groups: bring a table cover and something to "
            "give away. Reply here or message me.",
            "volunteering, fair",
        ),
        (
            [
                "Free first aid training for community groups",
                "First aid training in {town}, free for groups",
            ],
            "We have twelve free places on a one-day first aid course for people who volunteer "
            "with community groups. Certificate included, lunch provided. First come, first "
            "served.",
            "training, first aid",
        ),
        (
            ["Running a fair hustings", "Hustings in {town}: how to run a fair one"],
            "We're hosting a hustings for the local elections. How do you keep it fair: questions "
            "in advance, timing, who chairs? And how do you keep it calm?",
            "hustings, elections",
        ),
        (
            [
                "Community picnic in the park, bring a dish",
                "Community picnic in {town}, bring a dish",
            ],
            "Picnic in the park on Sunday from noon, whatever the weather (there's a bandstand). "
            "Bring a dish to share, a blanket and anyone you like. Games for the children, and "
            "the brass band if they can find a tuba player.",
            "picnic, neighbours",
        ),
        (
            ["Meet-up for small charities", "Meet-up for small charities in {town}"],
            "An informal meet-up for people running small charities and groups: no speakers, no "
            "slides, just tea and talking to each other. Upstairs room of the library, Tuesday "
            "evening.",
            "meet-up, networking",
        ),
        (
            ["Fundraising quiz night: questions welcome"],
            "We're running a quiz night for the youth club. I need eight rounds and I have five. "
            "Picture rounds, music rounds, local history: send me your best questions!",
            "fundraising, quiz",
        ),
        (
            ["Safeguarding refresher, an evening session", "Safeguarding refresher in {town}"],
            "Two-hour evening refresher on safeguarding for volunteers and trustees. Free for "
            "voluntary groups. Covers what to do when someone tells you something and who to "
            "ring.",
            "training, safeguarding",
        ),
        (
            ["Winter coat swap", "Winter coat swap at the library in {town}"],
            "Bring coats you don't need, take coats you do. No questions, no forms. Children's "
            "coats especially welcome. Saturday, 10 till 2.",
            "coat swap, winter",
        ),
        (
            ["Open day at the new community garden", "Open day at our garden in {town}"],
            "Our community garden opens properly on Saturday. Tours, seedlings to take home, a "
            "soup stall, and a chance to sign up for a plot.",
            "gardening, open day",
        ),
        (
            ["Lift share to the network's annual gathering?"],
            "Who's going to the annual gathering next month? I have three seats in the car from "
            "the east side. Share petrol, share biscuits.",
            "lift share, gathering",
        ),
    ],
    "volunteering": [
        (
            ["Volunteers who sign up and never come: what are we doing wrong?"],
            "We get a dozen sign-ups at every fair, and two actually turn up. Is it us? How fast "
            "do you get back to people?",
            "volunteers, recruitment",
        ),
        (
            ["DBS checks for drivers: who pays?"],
            "We need our volunteer drivers to have DBS checks. Do you pay for them, or ask "
            "volunteers to? And how often do you renew?",
            "volunteers, DBS, safeguarding",
        ),
        (
            ["Thanking volunteers without spending much"],
            "Volunteers' week is coming up. What do you do to say thank you that doesn't cost a "
            "fortune? Last year we did a buffet and I'm not sure anyone enjoyed it.",
            "volunteers, thanks",
        ),
        (
            ["Keeping 16 to 18 year olds involved", "Young volunteers in {town}: keeping them"],
            "We get young volunteers for their Duke of Edinburgh award and then they vanish. Has "
            "anyone kept sixth formers involved past the certificate?",
            "young people, volunteers",
        ),
        (
            ["Volunteer expenses: do you pay them, and how?"],
            "Do you pay volunteers' expenses? Bus fares, mileage, lunch? We never have, and I'm "
            "now worried it keeps people on low incomes out.",
            "volunteers, expenses",
        ),
        (
            ["Burnout in small committees"],
            "Our committee is four people doing the work of ten. Two have said they'll stand down "
            "at the AGM. How do you spread the load before it's too late?",
            "committees, wellbeing",
        ),
        (
            ["Recruiting trustees who aren't retired", "Finding younger trustees in {town}"],
            "All our trustees are over 65 (I'm one of them). We'd love younger trustees but "
            "meetings are at 2pm on Tuesdays. How did you change?",
            "trustees, recruitment",
        ),
        (
            ["Volunteering while on Universal Credit: what's allowed?"],
            "A volunteer is worried that helping us three days a week will affect her Universal "
            "Credit. What's the actual rule, and who can she ask?",
            "volunteers, benefits",
        ),
        (
            ["Induction packs for new volunteers: share yours?"],
            "I'm rewriting our volunteer induction pack. Ours is 30 pages and nobody reads it. "
            "Would anyone share theirs, or just tell me what should be on page one?",
            "volunteers, induction",
        ),
        (
            ["Corporate volunteers painted our fence twice in one year"],
            "Corporate volunteering days: we've had three this year and the fence is very well "
            "painted. How do you steer them towards what you actually need?",
            "volunteers, business",
        ),
    ],
    "campaigns": [
        (
            [
                "Responding to a library consultation",
                "Responding to the library consultation in {town}",
            ],
            "The council wants to cut library hours and move two branches into community "
            "centres. The consultation is an online form with leading questions. How do you "
            "respond well, and get others to?",
            "libraries, consultation, cuts",
        ),
        (
            ["Getting councillors to visit: what worked for you?"],
            "We've invited our ward councillors to visit four times. Nothing. What actually gets "
            "them through the door?",
            "councillors",
        ),
        (
            ["Petitions: the council's own or the big sites?"],
            "Is a council e-petition worth more than a big online one? Ours needs 1,500 "
            "signatures for a debate at full council.",
            "petitions",
        ),
        (
            ["Saving our bus route: notes from the campaign", "Saving the bus route in {town}"],
            "The evening bus route was due to be cut in September. It wasn't, and here's how: "
            "passenger counts on every bus for two weeks, stories from nurses on late shifts, "
            "and a very polite letter signed by every GP surgery on the route.",
            "transport, buses, campaigns",
        ),
        (
            ["Freedom of information requests: a beginner's guide"],
            "I've sent about forty FOI requests to councils in the last two years. Happy to "
            "answer questions. First tip: ask for documents that exist, not for opinions.",
            "FOI, transparency",
        ),
        (
            ["Talking to the local paper without getting burned"],
            "The local paper wants to talk to us about the youth club closing. Last time we did "
            "an interview, they got every number wrong. Tips?",
            "media, press",
        ),
        (
            ["Asking for the equality impact assessment"],
            "Every cut should come with an equality impact assessment. Ours didn't. How do you "
            "ask for one, and what do you do when it's three lines long?",
            "equality, cuts",
        ),
        (
            ["What can a charity say in a campaign?"],
            "We're a registered charity. Can we campaign against a council cut? Can we say who "
            "to vote for? (I'm fairly sure the answer to that one is no.)",
            "charity law, campaigns",
        ),
        (
            [
                "Listing our pub as an asset of community value",
                "Asset of community value in {town}",
            ],
            "The last pub in the village is up for sale. We want to list it as an asset of "
            "community value. Anyone done this? How long does it take?",
            "community assets, pubs",
        ),
        (
            ["Coalitions with groups you don't always agree with"],
            "Six groups are fighting the same cut. We agree on that and on nothing else. How do "
            "you keep a coalition together long enough to win?",
            "coalitions, organising",
        ),
    ],
    "food-and-warm-spaces": [
        (
            [
                "Food bank shortages this month",
                "Food bank in {town}: this month's shortfall list",
            ],
            "Our shelves are low on tinned meat, UHT milk, coffee, toiletries and size 6 nappies. "
            "What are you short of? Maybe we can swap.",
            "food bank, donations",
        ),
        (
            ["Who's opening a warm space this winter?", "Warm spaces in {town} this winter"],
            "Let's list warm spaces opening this winter, with days and times, so link workers "
            "and advice centres can point people to them.",
            "warm spaces, winter",
        ),
        (
            ["Cooking on a budget sessions", "Cook-and-eat sessions in {town}"],
            "We're starting cook-and-eat sessions: cook a meal together, eat it together, take a "
            "portion home. Recipes that work in a slow cooker and cost under a pound a portion, "
            "please!",
            "food, cooking",
        ),
        (
            ["Collecting surplus food from supermarkets"],
            "We've been offered surplus from two supermarkets. Collections are at 9pm. How do you "
            "staff late collections with volunteers, and what about chilled food?",
            "food, surplus",
        ),
        (
            [
                "Baby bank: nappies in size 6 needed",
                "Baby bank in {town}: nappies in size 6 needed",
            ],
            "Size 6 nappies are the one thing nobody donates. If your group gets given any it "
            "can't use, we'll collect.",
            "baby bank, donations",
        ),
        (
            ["Mutual aid groups a few years on: still going?"],
            "Our mutual aid group started in 2020 with 600 members. Now a dozen of us still do "
            "shopping runs and prescription collections. Is yours still going? Did it become "
            "something else?",
            "mutual aid",
        ),
        (
            ["Summer lunch club for school holidays", "Holiday lunch club in {town}"],
            "We ran a holiday lunch club in August: 60 children a day, plus parents. Planning "
            "next summer now. How do you fund the food and find the volunteers in August?",
            "holiday hunger, children, food",
        ),
        (
            ["From food parcels to a pantry: moving to more dignity"],
            "We're thinking of moving from parcels to a pantry, where members pay a few pounds a "
            "week and choose their own food. Has anyone made the switch? What did people who "
            "use it think?",
            "food, pantry, dignity",
        ),
        (
            [
                "Fuel vouchers: who can issue them?",
                "Fuel vouchers in {town}: who can issue them?",
            ],
            "A family on prepayment ran out of gas this weekend. Who can issue fuel vouchers "
            "round here, and how fast?",
            "fuel poverty, vouchers",
        ),
        (
            ["Allotment surplus to the food bank"],
            "Our allotment society grows far more courgettes than anyone wants. How do you get "
            "fresh veg into food parcels without it going off?",
            "food, allotments",
        ),
    ],
    "buildings": [
        (
            [
                "Asset transfer of an old library: where to start",
                "Taking over the old library in {town}",
            ],
            "The council has offered our group the old branch library on a long lease, through "
            "community asset transfer. It needs £60,000 of work. Where do we start, and what "
            "should we be scared of?",
            "asset transfer, libraries, buildings",
        ),
        (
            ["What does your hall's insurance cost?"],
            "Our village hall insurance has gone up by a third this year. What do others pay, "
            "and who with?",
            "insurance, halls",
        ),
        (
            ["The boiler died in January", "The boiler at our centre in {town} has died"],
            "Boiler's gone. The quote to replace it is £9,000. The hall is booked every day and "
            "half our users are over 80. Any emergency funds that move fast?",
            "buildings, heating, emergency",
        ),
        (
            ["Leases: five years or twenty-five?"],
            "We've been offered a five-year lease on our centre. Funders want us to have at "
            "least 25 years before they'll pay for the roof. How did others get a longer lease?",
            "leases, buildings",
        ),
        (
            ["Cutting energy bills for a church hall"],
            "Our hall's energy bill has doubled. LED lights done. What next: insulation, "
            "timers, heat pumps, praying?",
            "energy, buildings",
        ),
        (
            ["Making an old building accessible on a small budget"],
            "Our building is 1890s and has steps everywhere. We have about £8,000. Ramp, "
            "accessible toilet or hearing loop first?",
            "accessibility, buildings",
        ),
        (
            ["How do you set hire charges?"],
            "Do you charge community groups less than private parties? How much less? We've "
            "never put prices up and we now lose money on every booking.",
            "halls, hire charges",
        ),
        (
            ["Solar panels on the community centre", "Solar panels on our centre in {town}"],
            "We're looking at solar panels through a community energy co-op: they install, we "
            "buy the electricity cheaply. Anyone done this? Any catches?",
            "solar, energy, buildings",
        ),
        (
            ["Sharing a building with another charity"],
            "We're moving in with another charity to share costs. What should be in the "
            "agreement? Who pays for the cleaning?",
            "buildings, sharing",
        ),
        (
            ["Asbestos survey came back positive. Now what?"],
            "Our refurbishment survey found asbestos in the ceiling tiles of the back room. The "
            "builder's quote has doubled. Has anyone been through this?",
            "buildings, asbestos",
        ),
    ],
    "running-a-group": [
        (
            ["CIO or charitable company?", "CIO or charitable company? A small group in {town}"],
            "We're a small unincorporated group with about £20,000 a year coming in and a lease "
            "on the way. Everyone says we should incorporate. CIO or company limited by "
            "guarantee?",
            "governance, charity law",
        ),
        (
            ["Safeguarding policy for a group with no paid staff"],
            "We're all volunteers and we work with children on Saturdays. Our safeguarding policy "
            "is copied from a big charity and mentions departments we don't have. What does a "
            "small group's policy look like?",
            "safeguarding, policies",
        ),
        (
            ["Independent examination: what should it cost?"],
            "We've been quoted £900 for an independent examination of accounts with about £40,000 "
            "in and out. Fair? What do others pay?",
            "accounts, finance",
        ),
        (
            ["Our chair is stepping down after fifteen years"],
            "Our chair founded the group and is standing down at the AGM. Nobody wants the job. "
            "What do groups do when the founder goes?",
            "governance, succession",
        ),
        (
            [
                "Getting more than six people to an AGM",
                "AGM in {town}: how to get more than six people",
            ],
            "Last year's AGM had six people, four of them trustees. How do you make it something "
            "members actually come to?",
            "governance, AGM",
        ),
        (
            ["Treasurer handover: what should be in the folder?"],
            "I'm taking over as treasurer from someone who did it for ten years in their head. "
            "What should I ask for before they go?",
            "finance, treasurer",
        ),
        (
            ["Do we need to register with the Charity Commission?"],
            "We raise about £3,000 a year for a community orchard. Do we need to register as a "
            "charity, and would it help?",
            "charity law, registration",
        ),
        (
            ["Conflicts of interest on a small committee"],
            "Our treasurer's husband runs the company that's quoted for our new kitchen. The "
            "quote is the cheapest. What's the right way to handle it?",
            "governance, conflicts of interest",
        ),
        (
            ["A complaints policy people can actually use"],
            "Someone complained about a volunteer and we realised we have no complaints "
            "procedure. What does a short, usable one look like?",
            "policies, complaints",
        ),
        (
            [
                "Which banks still open accounts for small groups?",
                "Bank account for a small group in {town}",
            ],
            "Our bank closed the branch and now wants us to switch to a business account with "
            "fees. Which banks still open free accounts for small community groups, with two "
            "signatories?",
            "banking, finance",
        ),
    ],
    "this-site": [
        (
            ["How do I add our group to the directory?"],
            "We're a small group with no website. Can we still be in the directory, and who "
            "checks it?",
            "this site, directory",
        ),
        (
            ["Suggestion: a calendar of events"],
            "It would be great to have a calendar of events here, so we could see what's on "
            "near us without searching the forum.",
            "this site, suggestions",
        ),
        (
            ["Can the map show groups by what they do?"],
            "On the map, can I show only food banks, or only youth groups?",
            "this site, map",
        ),
        (
            ["How does moderation work here?"],
            "My first post took a few hours to appear. Who reads them, and what are the rules?",
            "this site, moderation",
        ),
        (
            ["Too many notification emails"],
            "I'm getting an email for every post in topics I've replied to. Can I have one a day "
            "instead?",
            "this site, notifications",
        ),
        (
            ["Reporting a cut: what counts?"],
            "Our library's hours are being reduced by a day a week. Is that a cut worth "
            "reporting here, or only closures?",
            "this site, cuts",
        ),
        (
            ["Who can see my profile?"],
            "If I write a bio and add my area, who sees it? Can I be on here without my real name?",
            "this site, privacy",
        ),
    ],
    "region": [
        (
            ["Spring network meeting for groups across {region}: who's going?"],
            "The spring network meeting is on a Saturday in April this year. Who's going? It "
            "would be good to meet up beforehand and agree what we want to raise.",
            "network, meeting",
        ),
        (
            ["Anyone near {town} want to share a stall at the summer fair?"],
            "We've booked a stall at the summer fair but we only need half of it. Any group near "
            "{town} want the other half? Free, just help carry the gazebo.",
            "events, sharing",
        ),
        (
            ["Funders in {region}: a list we keep up to date"],
            "Let's keep one list of funders that give to small groups in {region}, with their "
            "deadlines. I'll add what I know; please correct me.",
            "funding, funders",
        ),
        (
            ["Lift share to the training day in {town}?"],
            "There's a free governance training day in {town} next month. Anyone going from "
            "further out who wants to share a lift?",
            "training, lift share",
        ),
        (
            ["What do we want from a new support charity for {region}?"],
            "There's talk of a new support body for voluntary groups across {region}. If it "
            "happens, what should it do first? I'd say: help with bids, and payroll for tiny "
            "groups.",
            "infrastructure, support",
        ),
        (
            ["Flood season: who's ready in {town}?"],
            "Forecast says a wet winter. Who's ready in and around {town}: sandbags, phone "
            "trees, a hall that can open at night? Let's list contacts here.",
            "floods, emergencies",
        ),
        (
            ["Rural groups in {region}: how do people get to meetings?"],
            "The last bus from our village is at 5.40pm. How do rural groups in {region} get "
            "people to evening meetings?",
            "rural, transport",
        ),
        (
            ["A joint response from {region} groups to the combined authority?"],
            "The combined authority is consulting on its plan for communities. A joint response "
            "from groups across {region} would carry more weight than twenty separate ones. "
            "Who's in?",
            "consultation, combined authority",
        ),
        (
            ["Volunteer drivers around {town}"],
            "Our volunteer driver scheme around {town} has more requests than drivers, mostly "
            "hospital appointments. Is any other scheme nearby able to share?",
            "transport, volunteers",
        ),
    ],
}

# What people reply, by category: a sentence or two, with {town} the replier's town.
REPLIES = {
    "welcome": [
        "Welcome! There's a lot of good sense on here, and the funding category is gold.",
        "Hello and welcome. We're not far from you, in {town}. Give us a shout any time.",
        "Welcome aboard. Post your events in the events category and people will come.",
        "Lovely to have you. We'd be glad of a visit in {town} whenever you're passing.",
        "Welcome! Do add your group to the directory too, so people can find you on the map.",
    ],
    "ideas": [
        "We did something similar in {town}. The first three months were slow, then word of "
        "mouth did the rest.",
        "Love this. Did you need any special insurance for it?",
        "The naming point is so true. We renamed our 'lunch club for the isolated' to 'Friday "
        "Lunch' and numbers doubled.",
        "We tried this and it fizzled out when the one person driving it moved away. Get at "
        "least three people who feel it's theirs.",
        "If you write it up, please post it here. I'd pass it round our committee.",
        "Have you thought about pairing up with the library? Ours is always after things to host.",
        "Our local college sends students to help with this sort of thing as part of their "
        "course. Worth asking.",
        "How do you keep track of who has what? We lost a ladder for six months.",
        "We charge a pound a year for membership. Nobody minds, and it makes people feel "
        "they're part of it.",
        "Brilliant. Stealing this for {town}.",
        "A word of caution: check your lease allows it before you tell anyone. We found out "
        "the hard way.",
        "The best thing we did was ask the people who'd use it what they wanted before we "
        "started. Saved us from three bad ideas.",
    ],
    "funding": [
        "Ring the funder before you apply. Every time I have, the application has been better "
        "for it.",
        "We had a 30% cut two years ago. We cut hours, then merged with the group next door. "
        "It was hard but we're still here.",
        "Put core costs in as a percentage of each project line. Most funders accept 10-15% "
        "without a fuss.",
        "The Holme Valley Foundation paid our rent for two years. Small but reliable.",
        "Don't forget the council's own small grants. Ward budgets in {town} are tiny but fast.",
        "Numbers and stories. Numbers show the scale, stories make councillors remember it.",
        "We keep a simple spreadsheet through the year: sessions, people, one quote a month. "
        "Reporting takes an afternoon now.",
        "Three months' running costs, plus what it would cost to close down properly. That's "
        "what our examiner recommended.",
        "Avoid anyone who wants a percentage. Most funders won't let you pay for a bid out of "
        "the grant anyway.",
        "The cuts tracker on this site is useful for showing it's not just you: the same cut "
        "is happening in three boroughs near us.",
        "Ask for a meeting with the cabinet member, not the officers. Officers can't change "
        "the budget.",
        "Landfill tax funds and wind farm community funds are good for building work, if "
        "you're in the right area.",
        "Local businesses gave us more once we asked for something specific: 'a term of "
        "football for ten children' rather than 'a donation'.",
        "Check whether your area has a community foundation. Ours runs about fifteen "
        "different small funds.",
    ],
    "digital": [
        "We use a free shared calendar with a booking form in front of it. Not fancy, works.",
        "A cloud spreadsheet with one tab and strict rules about who edits it did us for "
        "years. The rules are the hard part.",
        "Split it: one announcements-only group, and smaller groups per team. Calmer already.",
        "Keep the website, but make it one page: who you are, when you meet, how to contact "
        "you. No news, so it never looks out of date.",
        "Write down how long you keep each kind of record and why. That alone is most of what "
        "data protection asks of a small group.",
        "We use a card reader that plugs into a phone. Fees are under 2%. People give more "
        "than they did in cash.",
        "Never have one person's phone be the only way into anything. Learnt that one the "
        "hard way.",
        "Our rule: a folder per year, a folder per project, and nobody saves to the top level.",
        "The map's list view has a download link for the area, as CSV.",
        "Never ask for someone's password. Sit beside them and let them type it, and "
        "encourage them to write it in a notebook they keep at home.",
        "Send the newsletter as a plain email with headings. Screen readers cope and it "
        "loads on any phone.",
        "A password manager with a shared vault for the group's accounts has saved us more "
        "than once.",
        "For two-factor, use an authenticator app on a second device that lives with the "
        "group, not with a person.",
    ],
    "events": [
        "Put us down for a stall, please! We'll bring leaflets and the tombola.",
        "Is there parking nearby? Some of our volunteers can't manage the bus.",
        "Will there be a hearing loop? Asking for a few of our members.",
        "Shared on our Facebook page and in the newsletter.",
        "Can't make this one but please run it again. I'd bring three people.",
        "Is it step-free? We have two wheelchair users who'd love to come.",
        "Great idea. Ours in {town} went really well last year. Have a wet-weather plan!",
        "Question for the quiz: which northern town had the first public library opened "
        "under the 1850 Act? (I'll let you look it up.)",
        "Booked. Thank you for organising.",
        "Any chance of an evening version for people who work?",
        "We'll bring a big urn. Everyone else always forgets the urn.",
    ],
    "volunteering": [
        "Get back to people within 48 hours. After a week, they've moved on.",
        "We pay for DBS checks. It's the cost of doing it properly.",
        "Handwritten cards. Genuinely. People keep them for years.",
        "Give young volunteers something real to run, not just tidying up. Our sixth formers "
        "run the Saturday tuck shop now.",
        "We pay bus fares and mileage, no receipts needed under £10. It made a difference to "
        "who volunteers.",
        "Volunteering doesn't affect Universal Credit as long as it's genuinely voluntary, "
        "but she should tell her work coach. The advice centre in {town} can confirm.",
        "Page one of our induction pack: who to ring, where the toilets are, what to do if "
        "someone is unwell. Everything else can wait.",
        "Burnout is real. We now have a rule that nobody holds more than one role.",
        "Evening meetings and one online meeting a quarter got us two trustees under 40.",
        "Tell corporate volunteers what you need before they book. We send a list of three "
        "jobs and they choose.",
        "Buddy each new volunteer with an old hand for their first three sessions. Ours stay "
        "much longer since we started.",
    ],
    "campaigns": [
        "Answer the consultation, but also write a letter. Councillors read letters.",
        "Invite councillors to something with people in it, not a meeting. A lunch club, a "
        "match, an open day.",
        "Council e-petitions trigger a debate, which gets you in the paper. Online ones get "
        "more names. Do both.",
        "Counting passengers was genius. Data from the people who use it is hard to argue with.",
        "FOI tip: ask for the officers' report to cabinet, not 'all information about'.",
        "Give the paper your numbers in writing, and one quote you're happy to see in print.",
        "Ask for the equality impact assessment in writing, citing the public sector equality "
        "duty. They have to have done one.",
        "Charities can campaign on issues linked to their purpose. You can't back a party or "
        "candidate.",
        "Our pub listing took eight weeks. Get 21 local people to sign the nomination.",
        "Agree on the one thing, write it down, and agree not to talk about the rest in the "
        "coalition's name.",
        "Get the people who use the service to speak, not the staff. Councillors hear staff "
        "all the time.",
        "There's a cut on the tracker here for {town} that looks just like yours. Might be "
        "worth joining up.",
    ],
    "food-and-warm-spaces": [
        "We're short of tinned fish and shampoo, but we've got far too much pasta. Swap?",
        "Ours is open Tuesdays and Thursdays, 10 till 3, at the church hall in {town}. Soup "
        "and a warm seat, no referral needed.",
        "Slow-cooker chilli with lentils instead of half the mince. Costs pennies and "
        "everyone likes it.",
        "We have two volunteers with vans who do late collections on a rota. Chilled goes "
        "straight into our fridge with a temperature log.",
        "We get size 6 nappies from the supermarket's community champion. Worth asking.",
        "Ours turned into a community pantry, so the mutual aid spirit lives on in a "
        "different form.",
        "Holiday activity funding from the council covers food for us. Apply early.",
        "We switched to a pantry last year. People told us it felt like shopping, not "
        "charity. That said it all.",
        "The housing association in {town} can issue fuel vouchers the same day. The advice "
        "centre too.",
        "Courgettes freeze badly but make great soup. We freeze the soup.",
        "Please don't call it a hardship anything. 'Community café' gets people through the door.",
        "Our warm space is now a knitting group, a homework club and a jigsaw league. People "
        "come for the company as much as the heat.",
    ],
    "buildings": [
        "Get a building survey before you sign anything. Ours found £40,000 of problems the "
        "council hadn't mentioned.",
        "We pay about £1,100 a year through a specialist village hall insurer. Shop around "
        "every year.",
        "Some energy companies have emergency boiler funds for community buildings. Also ask "
        "your ward councillor.",
        "We got a 25-year lease by showing the council our business plan and two funders' "
        "letters of support.",
        "Timers on the heating and thick curtains made more difference than anything else we did.",
        "Accessible toilet first. A ramp you can borrow; a toilet you can't.",
        "We charge community groups half the private rate, and ask them to help with a "
        "clean-up day twice a year.",
        "Our solar panels came through a community energy co-op. No cost to us, cheaper "
        "electricity, and the co-op's members get a small return.",
        "Write down who pays for what, even if you're friends. Especially if you're friends.",
        "Asbestos that's left undisturbed is often safer than removing it. Get proper advice "
        "before you panic.",
        "The Architectural Heritage people in {town} gave us free advice on our listed "
        "building. Worth a call.",
    ],
    "running-a-group": [
        "A CIO was simpler for us: one register, no company filings.",
        "Keep the safeguarding policy short: who the lead is, what to do, who to ring. Then "
        "train everyone on it.",
        "£900 is on the high side for that size. Ask around; some examiners do small "
        "charities at cost.",
        "When our founder stood down we split the chair's job into three. Nobody wanted all "
        "of it; people took a third.",
        "Put something people want at the AGM: a speaker, food, the annual photo show. Do "
        "the formal bit in twenty minutes.",
        "Ask for: bank statements for three years, the cash book, all the grant conditions, "
        "and the login for everything.",
        "Under £5,000 a year you don't have to register, but you can still be a charity. "
        "Ask your local support charity.",
        "Declare it, minute it, and the treasurer leaves the room for that decision. Get a "
        "third quote if you can.",
        "Our complaints procedure is one page: tell a volunteer, or email the chair; we reply "
        "in two weeks.",
        "Our credit union in {town} opened an account for our group with two signatories and "
        "no fees.",
        "The support charity for voluntary groups in {town} has template policies. Saves "
        "reinventing everything.",
    ],
    "this-site": [
        "You can add your group from the directory page. A moderator checks new entries, "
        "usually within a day.",
        "+1 for events. Would save so much time.",
        "On the map you can choose the layers and the kinds of group in the key.",
        "New members' first couple of posts are read by a moderator before they appear. "
        "After that they appear straight away.",
        "You can choose how much you hear about each topic with the bell on the topic page.",
        "Reduced hours count. The cuts tracker has a kind for it.",
        "Your profile shows what you choose to put on it. The email address is never shown.",
    ],
}
REPLIES["region"] = [
    "Count me in. Our group in {town} is keen.",
    "Good idea. I'll bring it up at our next committee meeting.",
    "I can offer a lift from {town}, two seats.",
    "Our hall in {town} can open at night in an emergency. I'll send the contact details.",
    "Happy to help draft the joint response. I did last year's.",
    "The community transport scheme near {town} might help. They're stretched too, though.",
    "Yes please. We could do with more joined-up working across the region.",
    "Add the Moorland Fund to the list: small grants up to £2,000, decisions in six weeks.",
]
REPLIES["discussion-story"] = [
    "What a lovely piece. Thank you for writing it.",
    "We tried something similar in {town}. It took a year to take off, so don't give up.",
    "This is exactly the kind of thing the council should be funding.",
    "Sharing this with our volunteers. They need cheering up this week.",
    "How did you find the volunteers? That's always our sticking point.",
    "Brilliant. Would you be up for a visit from our committee?",
    "I grew up near there. It's wonderful to see the place get some good news.",
]
REPLIES["discussion-cut"] = [
    "We use this service every week. It would be a disaster if it went.",
    "Is anyone going to the consultation meeting? I can give a lift from {town}.",
    "I've written to my councillor. Template letter below if anyone wants it.",
    "Same thing happened in {town} two years ago. The building's still empty.",
    "Has anyone asked for the equality impact assessment?",
    "Signed the petition and shared it. How many names do you need?",
    "The figures in the council papers don't add up. It costs more to close it than to run it.",
]
OPENERS = [
    "Thanks for posting this.",
    "Great question.",
    "Interesting.",
    "Good to see this raised.",
    "Thanks, {name}.",
    "Following this one.",
    "Yes!",
    "Same here.",
    "Good point.",
    "Ah, the eternal question.",
]
CLOSERS = [
    "Happy to chat if it helps.",
    "Good luck!",
    "Let us know how it goes.",
    "Drop me a message and I'll send you what we use.",
    "Hope that helps.",
    "Keep us posted.",
    "We're in {town} if you want to visit.",
]
QUOTE_ANSWERS = [
    "This, exactly.",
    "I'd push back on this a little: it depends a lot on the area.",
    "Agree with this completely.",
    "This is what made the difference for us too.",
    "Could you say more about how this worked in practice?",
    "Wish we'd known this a year ago.",
    "We found the opposite, but we're a much smaller group.",
]
MENTIONS = [
    "@{handle} did something like this. Any tips?",
    "Pinging @{handle}, who knows far more about this than I do.",
    "@{handle} you'll want to see this.",
    "I think @{handle} had the same problem last year.",
]
LINKS = {
    "story": [
        "There's a good story about something similar on here: [{title}]({path})",
        "This reminded me of [{title}]({path}).",
    ],
    "cut": [
        "It's on the cuts tracker: [{title}]({path})",
        "Same thing here, reported on the tracker: [{title}]({path})",
    ],
    "entry": [
        "Have a look at [{title}]({path}). They do exactly this.",
        "Worth talking to [{title}]({path}).",
    ],
}
EDIT_NOTES = [
    "Edit: the date was wrong. It's the 14th, not the 15th.",
    "Edit: fixed the spelling of the hall's name.",
    "Edit: added the opening times.",
    "Edit: I meant per year, not per month!",
    "Edit: they've now confirmed, so it's definitely on.",
    "Edit: removed a phone number I shouldn't have posted.",
]

WELCOME_TITLE = "Welcome to the forum: start here and say hello"
WELCOME_BODY = """\
Welcome to the forum for groups, charities and organisers across the North.

A few things to know:

- **Be kind.** Everyone here is doing their best, usually unpaid and after a long day.
- **Ask anything.** No question is too small: someone will have had the same problem.
- **Share what worked**, and what didn't. The failures are often more useful.
- **No selling, no party politics.** Campaigning on issues is welcome; backing a party is not.
- **Say where you are.** Choosing an area for your topic means people nearby hear about it.

New members' first two posts are read by a moderator before they appear, so don't worry if \
yours takes a few hours. If something here worries you, use the "report" link on the post.

Introduce yourself below: who you are, where you are and what your group does."""
WELCOME_INTRO = "Hello everyone, {first} here from {town}. {bio}"

DEBATE_TITLE = "Debate: should small groups take over services the council is cutting?"
DEBATE_TAGS = "debate, cuts, councils, asset transfer"
# (author email or index into the regulars, text, quoted post number, reply-to number)
DEBATE = [
    (ADMIN, "A debate we keep having in corridors, so let's have it here, properly.\n\n"
     "When the council cuts a library, a youth club or a day centre, it often asks community "
     "groups to take it on. Some of us say yes, because otherwise it closes. Some of us say "
     "no, because every time we say yes we make the next cut easier.\n\n"
     "**Should small groups take over services the council is cutting?** Please say where "
     "you stand and why. I'll ask a moderator to close this in a few weeks with a summary "
     "of what we came to.", None, None),
    (0, "Yes, with conditions. Our library would have closed. Volunteers have run it for "
     "three years and it's busier than before. But we got the building for 25 years and a "
     "three-year grant to start.", None, 1),
    (1, "No. Every volunteer-run library is a librarian's job gone. We shouldn't do the "
     "council's work for free.", 2, 2),
    (0, "I understand that, but the job was already gone. The choice was volunteers or "
     "nothing.", 3, 3),
    (2, "The real question is what happens in year four. Our centre's taster grant ended, "
     "and we're now running it on raffles.", None, 1),
    (3, "We said no to taking on a day centre. It closed. I still don't know if we were "
     "right. Twenty older people lost the one place they went every week.", None, 1),
    (4, "Could we agree on conditions as a network? A long lease, a dowry of at least three "
     "years' running costs, and no pretending volunteers replace professionals where "
     "safeguarding matters.", None, None),
    (1, "That I could sign up to. My objection is to taking over for nothing and being "
     "blamed when it fails.", 7, 7),
    (5, "Youth work is the clearest case. A volunteer can open a building. A trained youth "
     "worker knows what to do when a 14-year-old tells them something at 9pm.", None, None),
    (2, "Agree with the conditions idea. Add: the council keeps paying for the building's "
     "repairs for the first five years.", 7, 7),
    (6, "From the other side of the table (I was a council officer for twenty years): ask "
     "for everything in writing, and ask for the cost of the building's backlog repairs "
     "before you sign.", None, None),
    (0, "Should we write this up as a checklist for groups being approached? It would have "
     "saved us months.", None, 7),
    (MODERATOR, "Good discussion, all. I'll leave it open another week for anyone who "
     "hasn't had their say, then close it with a summary.", None, None),
]  # fmt: skip
DEBATE_EXTRA = [
    "For me it depends on the service. Libraries maybe, care never.",
    "We took on a park's café and it now pays for the park rangers' volunteer days. It can work.",
    "The conditions list is right. I'd add an exit plan: how you hand it back if it fails.",
    "Our town took on its swimming pool. It's brilliant and it's exhausting. Both are true.",
    "What about unions? Ours asked us not to take over their members' jobs, and we listened.",
    "Saying no together is stronger than saying no alone. If the network agreed a position, "
    "councils would have to listen.",
    "Three years' money is the minimum. Five would be honest.",
    "We took over and then the council asked for rent. Get it in writing!",
]
DEBATE_CONCLUSIONS = """\
**What we came to.** Nobody here thinks taking over services is right in every case, or \
wrong in every case. Most of us would rather a service stayed public and professional; most \
of us would also rather it stayed open than closed.

**Conditions before saying yes**, which most people in this topic agreed with:

1. A long lease (at least 25 years), so funders will pay for the building.
2. A dowry: at least three years' running costs, better five.
3. The council's backlog repairs known and paid for before the handover.
4. No volunteers in place of professionals where safeguarding matters (youth work, care).
5. Everything in writing, including how to hand it back if it fails.
6. Talk to the unions and the staff first.

**Next:** a checklist for groups who are approached, drafted from this topic (see the \
funding category), and a question for the network meeting in the spring: should the network \
take a common position, so that groups can say no together?

Thank you all: this was a hard conversation, had well."""

LOCKED_TITLE = "The council leader's comments about food banks"
LOCKED_BODY = (
    "Did anyone else see the council leader's interview in the paper this week? Saying food "
    'banks "create their own demand" is an insult to every volunteer who has stood in a '
    "cold hall on a Saturday. I think we should respond as a network."
)
LOCKED_REPLIES = [
    "Absolutely. A letter signed by every food bank in the borough.",
    "I'm angry too, but let's be careful: a letter that's measured will get printed.",
    "Measured? We've been measured for ten years.",
    "Can we keep it to the comments, not the person? Some of us have to work with the "
    "council on everything else.",
    "That's exactly why nothing changes.",
    "This is getting heated. Maybe start a separate topic for drafting the letter?",
    "Some of the last few posts were personal. Please keep it about what was said.",
]
LOCK_NOTE = (
    "I'm locking this topic. It has moved from the comments to each other, and a couple of "
    "posts have been hidden. If you want to draft a response to the paper, start a topic in "
    "Campaigns and organising and stick to what was said. Thank you."
)

REVIEW_TOPIC = (
    "Litter pick group in Hartlepool: where do we get equipment?",
    "We've just started a litter pick group in Hartlepool, six of us so far. Where do groups "
    "get litter pickers, hoops and bags? And do we need the council's permission to put the "
    "bags out for collection?",
    "litter picking, equipment",
)
REVIEW_REPLY = (
    "Hello, I'm new here. We were in the same position at our toy library in Preston last "
    "year. What helped was ringing round the other groups that use the building: between us "
    "we found the money. Happy to share who we spoke to."
)

# --- People -------------------------------------------------------------------


@dataclass
class _Person:
    user: User
    handle: str
    name: str
    first: str
    area: LocalAuthority
    town: str
    bio: str
    weight: float


def _town(rng: random.Random, area: LocalAuthority) -> str:
    towns = TOWNS.get(area.slug)
    return rng.choice(towns) if towns else area.name


def _forum_people(rng: random.Random) -> tuple[list[_Person], list[_Person]]:
    """The demo people who post (the busiest first), and the two newcomers; made if need be."""
    areas = {area.code: area for area in LocalAuthority.objects.defer("boundary")}
    existing = set(User.objects.values_list("email", flat=True))
    for number, (name, pronouns, code, bio) in enumerate(FORUM_PEOPLE, start=1):
        email = f"forum{number}@example.org"
        if email not in existing:
            demo_person_create(email, name, pronouns, areas[code], bio)
    for email, name, pronouns, code, bio in FORUM_NEWCOMERS:
        if email not in existing:
            demo_person_create(email, name, pronouns, areas[code], bio)
    profiles = {
        profile.user.email: profile
        for profile in Profile.objects.select_related("user").filter(user__is_active=True)
    }
    by_pk = {area.pk: area for area in areas.values()}

    def person(email: str, weight: float) -> _Person:
        profile = profiles[email]
        area = by_pk.get(profile.home_area_id) or by_pk[min(by_pk)]
        return _Person(
            user=profile.user,
            handle=profile.handle,
            name=profile.display_name,
            first=profile.display_name.split()[0],
            area=area,
            town=TOWNS.get(area.slug, [area.name])[0],
            bio=profile.bio.split("\n")[0],
            weight=weight,
        )

    # The demo's own people (the three login accounts and the nine members) are
    # among the busiest; the forum's regulars range from chatty to quiet. The
    # stories' newcomers are left out: nothing of theirs is published yet.
    emails = [DEMO_LOGIN, MODERATOR, ADMIN] + [f"demo{n}@example.org" for n in range(1, 10)]
    people = [person(email, 8.0) for email in emails if email in profiles]
    people += [
        person(f"forum{n}@example.org", rng.choice([0.5, 1, 1, 2, 2, 3, 4, 6]))
        for n in range(1, len(FORUM_PEOPLE) + 1)
    ]
    newcomers = [person(newcomer[0], 0) for newcomer in FORUM_NEWCOMERS]
    return people, newcomers


# --- Planning the conversation ---------------------------------------------------------


@dataclass
class _PostPlan:
    author: _Person
    when: datetime
    text: str
    reply_to: int | None = None  # the number of the post it answers
    quote: int | None = None  # the number of the post it quotes
    status: str = Status.PUBLISHED
    likes: int = 0
    edit_note: str = ""
    by_email: bool = False


@dataclass
class _TopicPlan:
    category: str  # the category's slug
    voice: str  # which replies it gets (REPLIES)
    title: str
    tags: str
    author: _Person
    area_id: int | None
    posts: list[_PostPlan] = field(default_factory=list)
    status: str = Status.PUBLISHED
    pinned: bool = False
    locked: bool = False
    closed: bool = False
    conclusions: str = ""
    subject: object | None = None


class _Writer:
    """Plans posts: who writes what, when, in answer to whom, quoting and mentioning whom."""

    def __init__(self, rng: random.Random, people: list[_Person], now: datetime, links):
        self.rng = rng
        self.people = people
        self.weights = [person.weight for person in people]
        self.now = now
        self.links = links  # (kind, title, path) of public pages on the site
        self.used_titles: set[str] = set()

    def someone(self, *, besides: _Person | None = None, region_id: int | None = None) -> _Person:
        candidates, weights = self.people, self.weights
        if region_id is not None:
            local = [person for person in self.people if person.area.region_id == region_id]
            if local:
                candidates, weights = local, [person.weight for person in local]
        while True:
            person = self.rng.choices(candidates, weights)[0]
            if person is not besides:
                return person

    def times(self, start: datetime, count: int, *, spread_days: float) -> list[datetime]:
        """Up to `count` moments from `start` on, slowing down as a conversation does.

        A conversation that would run on past now stops there: it is still going.
        """
        gaps = [self.rng.expovariate(1.0) * (1 + index * 0.15) for index in range(count - 1)]
        scale = spread_days * 86400 * self.rng.uniform(0.4, 1.0) / (sum(gaps) or 1.0)
        latest = self.now - timedelta(minutes=5)
        moments = [start]
        for gap in gaps:
            moment = moments[-1] + timedelta(seconds=max(60.0, gap * scale))
            if moment > latest:
                break
            moments.append(moment)
        return moments

    def reply_text(self, voice: str, *, replier: _Person, opener: _Person) -> str:
        rng = self.rng
        pool = REPLIES[voice]
        parts = []
        if rng.random() < 0.3 and replier is not opener:
            parts.append(rng.choice(OPENERS))
        parts.append(rng.choice(pool))
        if rng.random() < 0.35:
            extra = rng.choice(pool)
            if extra not in parts:
                parts.append(extra)
        if rng.random() < 0.25:
            parts.append(rng.choice(CLOSERS))
        text = " ".join(parts)
        if rng.random() < 0.12:
            second = rng.choice(pool)
            if second not in parts:
                text += "\n\n" + second
        return text.replace("{town}", replier.town).replace("{name}", opener.first)

    def replies(self, topic: _TopicPlan, count: int, *, start: datetime, spread_days: float):
        """Add `count` replies after `start`: answers, quotes, mentions and links among them."""
        rng = self.rng
        opener = topic.author
        moments = self.times(start, count + 1, spread_days=spread_days)
        # A topic's conversation is among a handful of people, its opener among them.
        circle = [opener] + [self.someone(besides=opener) for _ in range(rng.randint(2, 9))]
        for moment in moments[1:]:
            number = len(topic.posts) + 1
            previous = topic.posts[-1].author
            author = opener if rng.random() < 0.15 else rng.choice(circle)
            if author is previous:
                author = self.someone(besides=previous)
            plan = _PostPlan(
                author=author,
                when=moment,
                text=self.reply_text(topic.voice, replier=author, opener=opener),
            )
            roll = rng.random()
            if roll < 0.09 and number > 2:
                plan.quote = plan.reply_to = rng.randint(1, number - 1)
                plan.text = rng.choice(QUOTE_ANSWERS) + " " + plan.text
            elif roll < 0.4:
                plan.reply_to = number - 1 if rng.random() < 0.6 else rng.randint(1, number - 1)
            if rng.random() < 0.06:
                others = [person for person in circle if person is not author]
                handle = rng.choice(others or [self.someone(besides=author)]).handle
                plan.text += "\n\n" + rng.choice(MENTIONS).format(handle=handle)
            if rng.random() < 0.035 and self.links:
                kind, title, path = rng.choice(self.links)
                plan.text += "\n\n" + rng.choice(LINKS[kind]).format(title=title, path=path)
            topic.posts.append(plan)

    def title(self, titles: list[str], *, town: str, region: str) -> str | None:
        """A title not used yet: the first as it is, then the others for a town."""
        for title in titles:
            text = title.format(town=town, region=region)
            if text not in self.used_titles:
                self.used_titles.add(text)
                return text
        return None


def _likes(rng: random.Random, *, opening: bool) -> int:
    roll = rng.random() * (0.7 if opening else 1.0)  # opening posts are liked more often
    if roll < 0.62:
        return 0
    if roll < 0.82:
        return 1
    if roll < 0.91:
        return 2
    if roll < 0.98:
        return rng.randint(3, 6)
    return rng.randint(7, 18)


def _welcome(rng, writer: _Writer, people: list[_Person], host: _Person, now) -> _TopicPlan:
    """The pinned welcome, six months ago: everyone introduces themselves over time."""
    start = now - timedelta(days=DAYS)
    topic = _TopicPlan(
        category="welcome",
        voice="welcome",
        title=WELCOME_TITLE,
        tags="welcome, introductions",
        author=host,
        area_id=None,
        pinned=True,
    )
    topic.posts.append(_PostPlan(author=host, when=start, text=WELCOME_BODY, likes=12))
    newcomers = [person for person in people if person is not host]
    rng.shuffle(newcomers)
    moments = writer.times(start + timedelta(hours=3), len(newcomers), spread_days=DAYS - 1)
    for person, moment in zip(newcomers, moments, strict=False):
        topic.posts.append(
            _PostPlan(
                author=person,
                when=moment,
                text=WELCOME_INTRO.format(first=person.first, town=person.town, bio=person.bio),
                reply_to=1,
                likes=rng.randint(0, 6),
            )
        )
    return topic


def _debate(rng, writer: _Writer, people: list[_Person], by_email, now) -> _TopicPlan:
    """The debate, ten weeks ago, closed by a moderator with its conclusions."""
    topic = _TopicPlan(
        category="funding",
        voice="funding",
        title=DEBATE_TITLE,
        tags=DEBATE_TAGS,
        author=by_email[ADMIN],
        area_id=None,
        closed=True,
        conclusions=DEBATE_CONCLUSIONS,
    )
    extra = DEBATE_EXTRA + rng.sample(DEBATE_EXTRA, 4)
    moments = writer.times(now - timedelta(days=72), len(DEBATE) + len(extra), spread_days=24)
    voices = rng.sample([person for person in people if person.weight < 8], 8)
    for (who, text, quote, reply_to), moment in zip(DEBATE, moments, strict=False):
        author = by_email[who] if isinstance(who, str) else voices[who]
        topic.posts.append(
            _PostPlan(
                author=author,
                when=moment,
                text=text,
                quote=quote,
                reply_to=reply_to,
                likes=rng.randint(2, 14),
            )
        )
    for text, moment in zip(extra, moments[len(DEBATE) :], strict=False):
        topic.posts.append(
            _PostPlan(
                author=writer.someone(besides=topic.posts[-1].author),
                when=moment,
                text=text,
                reply_to=rng.choice([None, None, 1, 7]),
                likes=rng.randint(0, 8),
            )
        )
    return topic


def _locked(writer: _Writer, locker: _Person, now) -> _TopicPlan:
    """A heated topic a month ago, locked by a moderator with a note."""
    starter = writer.someone(besides=locker)
    topic = _TopicPlan(
        category="campaigns",
        voice="campaigns",
        title=LOCKED_TITLE,
        tags="food banks, council, press",
        author=starter,
        area_id=starter.area.pk,
        locked=True,
    )
    moments = writer.times(now - timedelta(days=31), len(LOCKED_REPLIES) + 2, spread_days=2)
    topic.posts.append(_PostPlan(author=starter, when=moments[0], text=LOCKED_BODY, likes=4))
    for number, text in enumerate(LOCKED_REPLIES, start=2):
        last = number == len(LOCKED_REPLIES) + 1
        author = locker if last else writer.someone(besides=topic.posts[-1].author)
        topic.posts.append(
            _PostPlan(author=author, when=moments[number - 1], text=text, reply_to=number - 1)
        )
    topic.posts.append(_PostPlan(author=locker, when=moments[-1], text=LOCK_NOTE, likes=9))
    return topic


def _discussion(rng, writer: _Writer, subject, kind: str, now) -> _TopicPlan:
    """A discussion under a story or a cut, begun a little after it was published."""
    published = subject.published_at or now - timedelta(days=30)
    begin = max(published + timedelta(hours=rng.randint(3, 96)), now - timedelta(days=DAYS))
    begin = min(begin, now - timedelta(hours=12))
    author = writer.someone()
    voice = f"discussion-{kind}"
    topic = _TopicPlan(
        category="discussions",
        voice=voice,
        title=Truncator(title_for(subject)).chars(Topic.TITLE_MAX - 2),
        tags="",
        author=author,
        area_id=getattr(subject, "local_authority_id", None),
        subject=subject,
    )
    text = rng.choice(REPLIES[voice]).replace("{town}", author.town)
    topic.posts.append(_PostPlan(author=author, when=begin, text=text, likes=rng.randint(0, 4)))
    writer.replies(topic, rng.randint(1, 9), start=begin, spread_days=20)
    return topic


CATEGORY_WEIGHTS = {
    "welcome": 10, "ideas": 40, "funding": 42, "digital": 38, "events": 30, "volunteering": 30,
    "campaigns": 28, "food-and-warm-spaces": 32, "buildings": 26, "running-a-group": 30,
    "this-site": 8, "region": 66,
}  # fmt: skip


def _ordinary(rng, writer: _Writer, regions: list[Region], now) -> _TopicPlan | None:
    """A topic in a category chosen by weight; None when that category has run out of titles."""
    voice = rng.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()))[0]
    region = rng.choice(regions) if voice == "region" else None
    region_name = region.name if region else ""
    for _attempt in range(30):
        author = writer.someone(region_id=region.pk if region else None)
        area = author.area if region is not None or rng.random() < 0.8 else None
        town = _town(rng, area) if area is not None else author.town
        titles, body, tags = rng.choice(TOPICS[voice])
        title = writer.title(titles, town=town, region=region_name)
        if title is not None:
            break
    else:
        return None
    topic = _TopicPlan(
        category=region.slug if region else voice,
        voice=voice,
        title=title,
        tags=tags_normalise(tags),
        author=author,
        area_id=area.pk if area is not None else None,
    )
    begin = now - timedelta(seconds=rng.uniform(3600, DAYS * 86400))
    text = body.format(town=town, region=region_name, bio=author.bio)
    topic.posts.append(
        _PostPlan(author=author, when=begin, text=text, likes=_likes(rng, opening=True))
    )
    # Most topics get a few replies, some none, a few run past a page of posts.
    count = rng.choices(
        [0, rng.randint(1, 4), rng.randint(4, 11), rng.randint(12, 28), rng.randint(29, 60)],
        [8, 32, 40, 16, 4],
    )[0]
    writer.replies(topic, count, start=begin, spread_days=rng.choice([2, 7, 21, 60]))
    return topic


def _plan(rng, writer: _Writer, people, newcomers, regions, subjects, now) -> list[_TopicPlan]:
    by_email = {person.user.email: person for person in people}
    moderator = by_email[MODERATOR]
    plans = [
        _welcome(rng, writer, people, moderator, now),
        _debate(rng, writer, people, by_email, now),
        _locked(writer, moderator, now),
    ]
    # A new member's first topic, waiting for a moderator.
    connor, stacey = newcomers
    title, body, tags = REVIEW_TOPIC
    plans.append(
        _TopicPlan(
            category="volunteering",
            voice="volunteering",
            title=title,
            tags=tags_normalise(tags),
            author=connor,
            area_id=connor.area.pk,
            status=Status.IN_REVIEW,
            posts=[_PostPlan(author=connor, when=now - timedelta(hours=3), text=body)],
        )
    )
    plans += [_discussion(rng, writer, subject, kind, now) for subject, kind in subjects]
    for _attempt in range(TOPIC_COUNT * 50):
        if len(plans) >= TOPIC_COUNT:
            break
        topic = _ordinary(rng, writer, regions, now)
        if topic is not None:
            plans.append(topic)
    else:
        raise RuntimeError("The forum demo ran out of topic titles.")

    # Enough posts: quiet older topics get a second wind until there are.
    quiet = [
        plan
        for plan in plans
        if plan.voice in CATEGORY_WEIGHTS and plan.posts[-1].when < now - timedelta(days=7)
    ]
    for _attempt in range(POST_TARGET):
        if sum(len(plan.posts) for plan in plans) >= POST_TARGET:
            break
        topic = rng.choice(quiet)
        writer.replies(topic, 5, start=topic.posts[-1].when, spread_days=5)

    # Likes, edits and the occasional reply sent by email.
    for plan in plans:
        for post in plan.posts[1:]:
            if not post.likes and plan is not plans[0]:
                post.likes = _likes(rng, opening=False)
            if rng.random() < 0.02:
                post.edit_note = rng.choice(EDIT_NOTES)
            post.by_email = rng.random() < 0.02

    # A newcomer's first reply, in the liveliest topic about money or buildings, waiting
    # for review.
    recent = max(
        (
            plan
            for plan in plans
            if plan.voice in ("funding", "buildings") and not (plan.closed or plan.locked)
        ),
        key=lambda plan: plan.posts[-1].when,
    )
    recent.posts.append(
        _PostPlan(
            author=stacey,
            when=min(now - timedelta(minutes=2), recent.posts[-1].when + timedelta(minutes=30)),
            text=REVIEW_REPLY,
            reply_to=1,
            status=Status.IN_REVIEW,
        )
    )
    return plans


# --- Writing it ------------------------------------------------------------------------


def load_forum_demo() -> DemoResult:
    """The demo forum, loaded after the people (and the stories and cuts, when installed)."""
    if Topic.objects.exists():
        # Loaded already, or a forum in use: never add to it.
        return DemoResult()
    counts = load_forum()
    return DemoResult(
        summary=[
            "Forum: {categories} categories, {topics} topics ({discussions} of them "
            "discussions under stories and cuts, {topics_in_review} waiting for review), "
            "{posts} posts by {people} people ({posts_in_review} waiting for review), "
            "{likes} likes, one debate closed with its conclusions.".format(**counts)
        ]
    )


def load_forum() -> dict:
    """Write the whole demo forum; returns the counts for the summary."""
    rng = random.Random(SEED)
    now = timezone.now()
    regions = list(Region.objects.order_by("name"))
    categories = _categories(regions)
    people, newcomers = _forum_people(rng)
    writer = _Writer(rng, people, now, _site_links())
    plans = _plan(rng, writer, people, newcomers, regions, _subjects(now), now)
    moderator = next(person.user for person in people if person.user.email == MODERATOR)
    with transaction.atomic():
        topics = _topics_write(plans, categories, moderator)
        posts = _posts_write(rng, plans, topics)
        _dates_write(plans, topics, posts)
        # The search index (topics; posts are parts of them, indexed with nothing).
        every_post = [post for row in posts for post in row]
        contents_added_in_bulk(every_post)
        contents_added_in_bulk(topics)
        likes = _likes_write(rng, plans, posts, people)
        _reading_write(rng, plans, topics, posts, people, categories, now)
        _joined_move_back(plans, newcomers, now)
        for category in categories.values():
            category_counts_refresh(category.pk)
        bulk_additions_done()
    return {
        "categories": len(categories),
        "topics": len(topics),
        "topics_in_review": sum(1 for topic in topics if topic.status != Status.PUBLISHED),
        "discussions": sum(1 for plan in plans if plan.subject is not None),
        "posts": len(every_post),
        "posts_in_review": sum(1 for post in every_post if post.status != Status.PUBLISHED),
        "people": len({post.author_id for post in every_post}),
        "likes": likes,
    }


def _categories(regions: list[Region]) -> dict[str, Category]:
    """The topical categories, one per region, and Discussions: fifteen in all."""
    categories = {}
    for slug, name, description, position in CATEGORIES:
        categories[slug], _created = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    for index, region in enumerate(regions):
        categories[region.slug], _created = Category.objects.get_or_create(
            slug=region.slug,
            defaults={
                "name": region.name,
                "description": f"Groups across {region.name_in_sentence}: news, questions, "
                "lift shares and meet-ups.",
                "position": REGION_POSITION + index,
                "region": region,
            },
        )
    categories["discussions"] = discussions_category()
    return categories


def _content(app_label: str, model_name: str):
    """Another type's model, when its app is installed (named here, never imported)."""
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def _subjects(now: datetime) -> list[tuple[object, str]]:
    """The newest public stories and threats and cuts (of a day ago or more), to be discussed."""
    found = []
    for app_label, model_name, kind, count in (("stories", "Story", "story", 8),
                                               ("cuts", "Cut", "cut", 6)):  # fmt: skip
        model = _content(app_label, model_name)
        if model is not None:
            newest = (
                model.objects.public()
                .filter(published_at__lt=now - timedelta(days=1))
                .order_by("-published_at", "-pk")[:count]
            )
            found += [(subject, kind) for subject in newest]
    return found


def _site_links() -> list[tuple[str, str, str]]:
    """(kind, title, path) of public pages that posts link to, shown under them as cards."""
    links = []
    for app_label, model_name, kind in (("stories", "Story", "story"), ("cuts", "Cut", "cut"),
                                        ("directory", "Entry", "entry")):  # fmt: skip
        model = _content(app_label, model_name)
        if model is not None:
            for obj in model.objects.public().order_by("pk")[:40]:
                links.append((kind, title_for(obj), obj.get_absolute_url()))
    return links


def _slug(title: str) -> str:
    return slugify(title)[:170].strip("-") or "topic"


def _topics_write(plans: list[_TopicPlan], categories, moderator) -> list[Topic]:
    """The topics, with what their lists read worked out as the posts' change hook would."""
    topics = []
    for plan in plans:
        first, last = plan.posts[0], plan.posts[-1]
        public = [
            (number, post)
            for number, post in enumerate(plan.posts, start=1)
            if post.status == Status.PUBLISHED
        ]
        last_number, last_public = public[-1] if public else (0, first)
        likes = sum(post.likes for _number, post in public)
        topic = Topic(
            author=plan.author.user,
            category=categories[plan.category],
            title=plan.title,
            slug=_slug(plan.title),
            tags=plan.tags,
            local_authority_id=plan.area_id,
            pinned_at=first.when if plan.pinned else None,
            locked_at=last.when if plan.locked else None,
            closed_at=last.when + timedelta(days=6) if plan.closed else None,
            closed_by=moderator if plan.closed else None,
            conclusions=plan.conclusions,
            numbers_given=len(plan.posts),
            post_count=len(public),
            last_public_number=last_number,
            like_count=likes,
            score=max(0, len(public) - 1) + likes,
            last_posted_at=last_public.when,
            last_poster=last_public.author.user,
        )
        if plan.subject is not None:
            topic.subject_type = ContentType.objects.get_for_model(plan.subject)
            topic.subject_id = plan.subject.pk
        topics.append(topic)
    _stamp(topics, [plan.status for plan in plans])
    Topic.objects.bulk_create(topics, batch_size=500)
    return topics


def _stamp(objs: list, statuses: list[str]) -> None:
    """Each object's status through the lifecycle, a batch per status."""
    for status in dict.fromkeys(statuses):
        chosen = [obj for obj, wanted in zip(objs, statuses, strict=True) if wanted == status]
        lifecycle.status_stamp_many(chosen, status)


def _first_sentence(body: str) -> str:
    lines = [line for line in body.splitlines() if line.strip() and not line.startswith(">")]
    first = lines[0] if lines else body
    end = first.find(". ")
    return first[: end + 1] if end > 0 else first


def _posts_write(rng, plans: list[_TopicPlan], topics: list[Topic]) -> list[list[Post]]:
    """Every topic's posts, a number at a time, so that a reply can quote an earlier post."""
    known = set(Profile.objects.values_list("handle", flat=True))
    posts: list[list[Post]] = [[] for _plan in plans]
    revisions = []
    for number in range(1, max(len(plan.posts) for plan in plans) + 1):
        batch, statuses = [], []
        for index, plan in enumerate(plans):
            if len(plan.posts) < number:
                continue
            spec = plan.posts[number - 1]
            body = spec.text
            if spec.quote:
                quoted = posts[index][spec.quote - 1]
                body = (
                    quote_block(
                        body=quoted.body,
                        author_name=plan.posts[spec.quote - 1].author.name,
                        post_url=quoted.get_absolute_url(),
                        part=_first_sentence(quoted.body),
                    )
                    + body
                )
            first_text = body
            if spec.edit_note:
                body = f"{body}\n\n{spec.edit_note}"
            text = post_text_read(body)
            post = Post(
                topic=topics[index],
                author=spec.author.user,
                number=number,
                body=body,
                reply_to=posts[index][spec.reply_to - 1] if spec.reply_to else None,
                like_count=spec.likes if spec.status == Status.PUBLISHED else 0,
                by_email=spec.by_email,
                # Only people who exist are mentioned, as the services check.
                mentions=[handle for handle in text.handles if handle in known],
                site_paths=text.site_paths[:20],
            )
            if spec.edit_note:
                post.edited_at = spec.when + timedelta(minutes=rng.randint(5, 600))
                post.edit_count = 1
                revisions.append(
                    PostRevision(
                        post=post,
                        body=first_text,
                        edited_by=spec.author.user,
                        replaced_at=post.edited_at,
                    )
                )
            batch.append(post)
            statuses.append(spec.status)
            posts[index].append(post)
        _stamp(batch, statuses)
        Post.objects.bulk_create(batch, batch_size=500)
    PostRevision.objects.bulk_create(revisions, batch_size=500)
    return posts


def _dates_write(plans: list[_TopicPlan], topics: list[Topic], posts: list[list[Post]]) -> None:
    """Six months of dates: when each post and topic was written, published and last changed."""
    post_dates, topic_dates = [], []
    for plan, topic, row in zip(plans, topics, posts, strict=True):
        for spec, post in zip(plan.posts, row, strict=True):
            post.created_at, post.updated_at = spec.when, post.edited_at or spec.when
            post_dates.append((post.pk, post.created_at, post.updated_at))
        topic.created_at = plan.posts[0].when
        topic.updated_at = topic.closed_at or plan.posts[-1].when
        topic_dates.append((topic.pk, topic.created_at, topic.updated_at))
    _created_set(Post, post_dates)
    _created_set(Topic, topic_dates)
    # Published when written: the lifecycle stamped one moment for the whole batch.
    ids = [topic.pk for topic in topics]
    moved = {"published_at": F("created_at"), "first_published_at": F("created_at")}
    Topic.objects.filter(pk__in=ids, published_at__isnull=False).update(**moved)
    Post.objects.filter(topic_id__in=ids, published_at__isnull=False).update(**moved)


def _created_set(model, rows: list[tuple[int, datetime, datetime]]) -> None:
    """Set `created_at` (which saving always makes now) and `updated_at` on many rows at once.

    One statement run for every row: `bulk_update` builds a CASE expression per
    row and field, seconds of work for a few thousand posts.
    """
    ops = connection.ops
    meta = model._meta
    # Only the model's own names are formatted in, quoted; the values are parameters.
    sql = "UPDATE {table} SET {created} = %s, {updated} = %s WHERE {pk} = %s".format(  # noqa: S608
        table=ops.quote_name(meta.db_table),
        created=ops.quote_name(meta.get_field("created_at").column),
        updated=ops.quote_name(meta.get_field("updated_at").column),
        pk=ops.quote_name(meta.pk.column),
    )
    values = [
        (ops.adapt_datetimefield_value(created), ops.adapt_datetimefield_value(updated), pk)
        for pk, created, updated in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def _likes_write(rng, plans, posts: list[list[Post]], people: list[_Person]) -> int:
    """Each public post's likes, by as many people as its count says (never its author)."""
    likes = []
    users = [person.user for person in people]
    for plan, row in zip(plans, posts, strict=True):
        if plan.status != Status.PUBLISHED:
            continue
        for post in row:
            if post.like_count:
                others = [user for user in users if user.pk != post.author_id]
                likes += [
                    PostLike(post=post, user=user) for user in rng.sample(others, post.like_count)
                ]
    PostLike.objects.bulk_create(likes, batch_size=1000)
    return len(likes)


def _reading_write(rng, plans, topics, posts, people, categories, now) -> None:
    """How far people have read, and what they watch: the demo login's lists have news."""
    public = [
        (plan, topic, row)
        for plan, topic, row in zip(plans, topics, posts, strict=True)
        if plan.status == Status.PUBLISHED
    ]
    # Everyone has read a topic up to their own last post in it, at least.
    positions: dict[tuple[int, int], int] = {}
    for _plan, topic, row in public:
        for post in row:
            if post.status == Status.PUBLISHED:
                positions[(post.author_id, topic.pk)] = post.number
    # The demo login has read older topics too: some to the end, some part of the way,
    # so "unread" lists a few; of the last fortnight's she has opened none, so "new" does.
    member = next(person.user for person in people if person.user.email == DEMO_LOGIN)
    fortnight = now - timedelta(days=14)
    for _plan, topic, _row in public:
        if topic.created_at >= fortnight:
            positions.pop((member.pk, topic.pk), None)
            continue
        roll = rng.random()
        if roll < 0.25:
            positions[(member.pk, topic.pk)] = topic.last_public_number
        elif roll < 0.35:
            positions[(member.pk, topic.pk)] = rng.randint(1, topic.last_public_number)
    TopicRead.objects.bulk_create(
        [
            TopicRead(user_id=user_id, topic_id=topic_id, last_read_number=number)
            for (user_id, topic_id), number in positions.items()
        ],
        batch_size=1000,
    )
    # Topic starters watch their topics; the demo login watches a few more and has
    # muted the one that got heated.
    watches = {(topic.author_id, topic.pk): Level.WATCHING for _plan, topic, _row in public}
    for _plan, topic, _row in rng.sample(public, 12):
        watches.setdefault((member.pk, topic.pk), Level.TRACKING)
    heated = next(topic for plan, topic, _row in public if plan.locked)
    if heated.author_id != member.pk:
        watches[(member.pk, heated.pk)] = Level.MUTED
    TopicWatch.objects.bulk_create(
        [
            TopicWatch(user_id=user_id, topic_id=topic_id, level=level)
            for (user_id, topic_id), level in watches.items()
        ],
        batch_size=1000,
    )
    # People watch their region's category; a few track the topical ones they care for.
    by_region = {
        category.region_id: category for category in categories.values() if category.region_id
    }
    levels = {}
    for person in people:
        region_category = by_region.get(person.area.region_id)
        if region_category is not None and rng.random() < 0.4:
            levels[(person.user.pk, region_category.pk)] = Level.WATCHING
        if rng.random() < 0.2:
            topical = categories[rng.choice([row[0] for row in CATEGORIES])]
            levels.setdefault((person.user.pk, topical.pk), Level.TRACKING)
    levels[(member.pk, categories["digital"].pk)] = Level.WATCHING
    levels[(member.pk, categories["ideas"].pk)] = Level.TRACKING
    CategoryWatch.objects.bulk_create(
        [
            CategoryWatch(user_id=user_id, category_id=category_id, level=level)
            for (user_id, category_id), level in levels.items()
        ]
    )


def _joined_move_back(plans, newcomers: list[_Person], now) -> None:
    """People joined before they first posted: a regular months ago, a newcomer this week."""
    first_post: dict[int, datetime] = {}
    for plan in plans:
        for post in plan.posts:
            user_id = post.author.user.pk
            first_post[user_id] = min(first_post.get(user_id, post.when), post.when)
    joined = dict(User.objects.filter(pk__in=first_post).values_list("pk", "date_joined"))
    newcomer_ids = {person.user.pk for person in newcomers}
    for user_id, first in first_post.items():
        days = 2 if user_id in newcomer_ids else 10 + user_id % 40
        when = first - timedelta(days=days)
        if when < joined[user_id]:
            User.objects.filter(pk=user_id).update(date_joined=when)
