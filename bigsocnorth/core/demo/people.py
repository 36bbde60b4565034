"""Demo people: three accounts to log in with, and members across the North.

Everyone here is invented. The areas are real local authorities.
"""

from __future__ import annotations

# (email, role, display name, pronouns, home area GSS code, bio)
LOGIN_ACCOUNTS = [
    (
        "member@example.org",
        "member",
        "Aisha Rahman",
        "she/her",
        "E08000039",  # Sheffield
        "I run a Saturday repair café in Burngreave with a handful of neighbours. "
        "We fix toasters, bikes and school uniforms, and we drink a lot of tea.\n\n"
        "Interested in **sharing tools** and meeting other repair groups.",
    ),
    (
        "moderator@example.org",
        "moderator",
        "Tom Hebblethwaite",
        "he/him",
        "E08000021",  # Newcastle upon Tyne
        "Volunteer moderator. By day I coordinate a food bank network on Tyneside; "
        "by night I read everything people post here so it stays a kind place.",
    ),
    (
        "admin@example.org",
        "admin",
        "Joanne Whitfield",
        "she/they",
        "E08000035",  # Leeds
        "I look after the platform for the network. Tell me when something is broken.",
    ),
]

MEMBERS = [
    (
        "Dev Patel",
        "he/him",
        "E08000003",
        "Community organiser in Levenshulme. Allotments, "
        "street parties and the occasional protest about bus routes.",
    ),
    (
        "Mary O'Connor",
        "",
        "E06000010",
        "Retired nurse, now running a befriending scheme for older people in west Hull.",
    ),
    (
        "Kwame Mensah",
        "he/him",
        "E08000032",
        "Youth worker in Bradford. Football on Tuesdays, homework club on Thursdays.",
    ),
    (
        "Siân Edwards",
        "she/her",
        "E06000063",
        "Parish councillor turned hyperlocal blogger in west Cumbria.",
    ),
    (
        "Fatima Begum",
        "she/her",
        "E08000033",
        "Calderdale mums' network: we swap baby clothes and advice, and we lobby for better buses.",
    ),
    (
        "Gary Lamb",
        "he/him",
        "E06000002",
        "Ex-steelworker. I help run a men's shed in Middlesbrough: woodwork, tea and talk.",
    ),
    (
        "Rosa Lindqvist",
        "they/them",
        "E06000065",
        "Dales farmer's daughter. Setting up a community broadband co-op in the Craven dales.",
    ),
    (
        "Peter Nwosu",
        "",
        "E08000012",
        "Church hall caretaker in Liverpool who ended up "
        "running the warm space. Come for the soup.",
    ),
    (
        "Helen Marsh",
        "she/her",
        "E06000047",
        "County Durham community archivist: old photos, miners' banners and new stories.",
    ),
]
