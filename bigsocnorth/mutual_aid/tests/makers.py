"""Quick ways to make needs, offers, trusted members and matches through the services."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from bigsocnorth.mutual_aid import services
from bigsocnorth.mutual_aid.models import Match, Post
from bigsocnorth.places.services import PlaceValue

# In Walkley, Sheffield: the exact point a poster gives (the public never sees it).
WALKLEY = (53.39123, -1.50456)
CONTACT = "call 07700 900123"


def sheffield():
    from bigsocnorth.places.models import LocalAuthority

    return LocalAuthority.objects.get(code="E08000039")


def authority(code: str):
    """Another local authority: E08000018 Rotherham, E08000035 Leeds (both in Sheffield's
    region), E08000003 Manchester (in the North West)."""
    from bigsocnorth.places.models import LocalAuthority

    return LocalAuthority.objects.select_related("region").get(code=code)


def walkley(area, *, latitude: float | None = WALKLEY[0], longitude: float | None = WALKLEY[1]):
    """A point in the area (or, with latitude None, the whole of it)."""
    if latitude is None:
        return PlaceValue(name="", local_authority=area)
    return PlaceValue(
        name="Walkley",
        local_authority=area,
        latitude=latitude,
        longitude=longitude,
        approximate=False,
    )


def whole(area) -> PlaceValue:
    return PlaceValue(name="", local_authority=area)


def days_from_today(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def post_values(area, **overrides) -> dict:
    """A need for a lift in Walkley that safeguarding has nothing to say about."""
    values = {
        "kind": "need",
        "category": "lifts-and-transport",
        "title": "Lift to hospital appointments",
        "description": "Weekly physio at the Northern General, back by lunchtime.",
        "urgency": "2",
        "when": "ongoing",
        "times": 4,
        "place": walkley(area),
    }
    values.update(overrides)
    return values


def make_post(author, *, area=None, entry=None, **overrides) -> Post:
    """A post through post_create: public when `author` is a moderator or trusted."""
    area = area or sheffield()
    return services.post_create(author=author, values=post_values(area, **overrides), entry=entry)


def make_trusted(**kwargs):
    """A member with enough published contributions that new posts are public at once."""
    from bigsocnorth.accounts.tests.factories import UserFactory
    from bigsocnorth.directory.tests.factories import EntryFactory

    person = UserFactory(**kwargs)
    EntryFactory.create_batch(settings.NEW_MEMBER_REVIEW_COUNT, author=person)
    return person


def make_match(post: Post, responder=None, *, contact: str = CONTACT) -> Match:
    """Someone answers the post ("I can help" or "I'd like this")."""
    from bigsocnorth.accounts.tests.factories import UserFactory

    return services.match_request(
        responder=responder or UserFactory(),
        post=post,
        message="I drive past there most days and would be glad to.",
        contact=contact,
    )
