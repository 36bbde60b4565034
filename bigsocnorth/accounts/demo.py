"""Demo people: three accounts to log in with, and members across the North.

Everyone here is invented. The areas are real local authorities. The three
login accounts get random passwords, returned once (the demo loader prints
them on the run that creates them); everyone else cannot log in.
"""

from __future__ import annotations

import secrets

from allauth.account.models import EmailAddress

from bigsocnorth.accounts.models import Role, User
from bigsocnorth.accounts.services import (
    profile_create_for_new_user,
    profile_update,
    user_set_role,
)
from bigsocnorth.core.demo.registry import DemoLogin, DemoResult
from bigsocnorth.places.models import LocalAuthority

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


def load_people() -> DemoResult:
    """Create the login accounts and the members; their passwords come back as DemoLogins."""
    areas = {la.code: la for la in LocalAuthority.objects.all()}
    logins = []
    admin = None
    # The admin is made first, so the other roles are given through the
    # same service an admin uses.
    for email, role, name, pronouns, area_code, bio in sorted(
        LOGIN_ACCOUNTS, key=lambda account: account[1] != Role.ADMIN
    ):
        password = secrets.token_urlsafe(12)
        if role == Role.ADMIN:
            admin = User.objects.create_superuser(email=email, password=password)
            _describe(admin, email, name, pronouns, areas[area_code], bio)
        else:
            user = demo_person_create(
                email, name, pronouns, areas[area_code], bio, password=password
            )
            user_set_role(actor=admin, user=user, role=role)
        logins.append(DemoLogin(email=email, role=role, password=password))
    order = [account[0] for account in LOGIN_ACCOUNTS]
    logins.sort(key=lambda login: order.index(login.email))
    for number, (name, pronouns, area_code, bio) in enumerate(MEMBERS, start=1):
        demo_person_create(f"demo{number}@example.org", name, pronouns, areas[area_code], bio)
    return DemoResult(logins=logins)


def demo_person_create(
    email: str, name: str, pronouns: str, area: LocalAuthority, bio: str, *, password=None
) -> User:
    """An invented person with a verified email and a profile; no password unless given."""
    user = User.objects.create_user(email=email, password=password)
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return _describe(user, email, name, pronouns, area, bio)


def _describe(user: User, email, name, pronouns, area, bio) -> User:
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    profile = getattr(user, "profile", None) or profile_create_for_new_user(
        user=user, display_name=name, home_area=area
    )
    profile_update(profile=profile, display_name=name, pronouns=pronouns, home_area=area, bio=bio)
    return user
