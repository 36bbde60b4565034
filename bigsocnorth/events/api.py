"""The gatherings API: public gatherings to come, and one public gathering, read-only.

What /gatherings/ shows a visitor, as data: the list pages' filters (area,
in person or online), 50 to a page, the same few queries however many a
page holds. The online link is given only when the organiser shows it to
everyone; who is coming is never given, only the places left.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view

from bigsocnorth.core.feeds import absolute_url
from bigsocnorth.core.markdown import render_markdown
from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.core.schemas import Message
from bigsocnorth.core.tags import tag_list
from bigsocnorth.events import recurrence, selectors
from bigsocnorth.events.models import ACCESS_FEATURES, Gathering
from bigsocnorth.places.selectors import area_get_by_slug

router = Router(tags=["gatherings"])

PER_PAGE = 50
PAGE_MAX = 100_000
ID_MAX = 2**63 - 1
SLUG_PATTERN = r"^[-a-zA-Z0-9_]*$"
MODE_PATTERN = r"^(in_person|online)?$"


class AreaRef(Schema):
    slug: str = Field(description="Local authority slug, as /api/v1/areas names it.")
    name: str


class Organiser(Schema):
    name: str
    url: str | None = Field(description="Their page on the site; null if it no longer exists.")


class GatheringOut(Schema):
    id: int
    uuid: str = Field(description="A stable identifier; also the iCalendar UID's first part.")
    url: str = Field(description="The gathering's page, where people say they are coming.")
    ics_url: str = Field(description="The gathering as an iCalendar file.")
    title: str
    description: str = Field(description="What it is, in Markdown, as written.")
    description_html: str = Field(description="What it is, as the site shows it: sanitised HTML.")
    tags: list[str]
    starts_at: str = Field(description="The first (or only) start, with the London offset.")
    ends_at: str
    timezone: str = Field(description="Always Europe/London: times repeat on its wall clock.")
    recurrence: str = Field(description="An RFC 5545 RRULE when it repeats, else empty.")
    repeats: str = Field(description="The repeat rule in words, else empty.")
    last_ends_at: str = Field(description="When its last time ends (a series' last time).")
    state: str = Field(description="tentative, confirmed, postponed or cancelled.")
    postponed_from: str | None = Field(description="When postponed, the start it had before.")
    state_note: str = Field(description="What the organisers said when they changed its state.")
    in_person: bool
    online: bool
    online_url: str | None = Field(
        description="The link to join, only when the organiser shows it to everyone."
    )
    venue_wanted: bool = Field(description="In person, but the venue is still being looked for.")
    venue_name: str
    venue_address: str
    place_name: str
    latitude: float | None = Field(description="Rounded to about 1 km when only roughly where.")
    longitude: float | None
    approximate_location: bool
    area: AreaRef | None
    organiser: Organiser
    groups: list[Organiser] = Field(description="Public groups in the directory organising it.")
    capacity: int | None = Field(description="Places in all; null for no limit.")
    places_left: int | None = Field(description="Places still free; null for no limit.")
    plus_ones_allowed: int
    access: dict[str, bool | None] = Field(
        description="Each access feature: true, false, or null when not known."
    )
    public_transport: str
    access_contact: str
    access_notes: str


class GatheringPage(Schema):
    count: int
    page: int
    pages: int
    items: list[GatheringOut]


def _when(value) -> str | None:
    return timezone.localtime(value, recurrence.LONDON).isoformat() if value else None


def _organiser(gathering: Gathering) -> dict:
    profile = getattr(gathering.author, "profile", None) if gathering.author_id else None
    if profile is None:
        return {"name": _("A member"), "url": None}
    return {"name": profile.display_name, "url": absolute_url(profile.get_absolute_url())}


def gathering_out(gathering: Gathering) -> dict:
    """One gathering as the API gives it; reads only what `gathering_cards` has read."""
    area = gathering.local_authority
    public_link = gathering.online and not gathering.online_url_going_only
    return {
        "id": gathering.pk,
        "uuid": str(gathering.uuid),
        "url": absolute_url(gathering.get_absolute_url()),
        "ics_url": absolute_url(reverse("events:gathering_ics", kwargs={"slug": gathering.slug})),
        "title": gathering.title,
        "description": gathering.description,
        "description_html": str(render_markdown(gathering.description)),
        "tags": tag_list(gathering.tags),
        "starts_at": _when(gathering.starts_at),
        "ends_at": _when(gathering.ends_at),
        "timezone": "Europe/London",
        "recurrence": gathering.recurrence,
        "repeats": recurrence.rule_describe(gathering.recurrence),
        "last_ends_at": _when(gathering.last_ends_at),
        "state": gathering.state,
        "postponed_from": _when(gathering.postponed_from) if gathering.is_postponed else None,
        "state_note": gathering.state_note,
        "in_person": gathering.in_person,
        "online": gathering.online,
        "online_url": gathering.online_url if public_link and gathering.online_url else None,
        "venue_wanted": gathering.venue_wanted,
        "venue_name": gathering.venue_name,
        "venue_address": gathering.venue_address,
        "place_name": gathering.place_name,
        "latitude": gathering.latitude,
        "longitude": gathering.longitude,
        "approximate_location": gathering.approximate_location,
        "area": {"slug": area.slug, "name": area.name} if area is not None else None,
        "organiser": _organiser(gathering),
        "groups": [
            {"name": entry.name, "url": absolute_url(entry.get_absolute_url())}
            for entry in gathering.public_entries
        ],
        "capacity": gathering.capacity,
        "places_left": gathering.places_left,
        "plus_ones_allowed": gathering.plus_ones_allowed,
        "access": {key: getattr(gathering, key) for key, _label in ACCESS_FEATURES},
        "public_transport": gathering.public_transport,
        "access_contact": gathering.access_contact,
        "access_notes": gathering.access_notes,
    }


@decorate_view(cached_for_visitors)
@router.get(
    "",
    response={200: GatheringPage, 404: Message},
    url_name="events_gathering_list",
    summary="List public gatherings to come, soonest first",
)
def gathering_list(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=PAGE_MAX, description="Page number, from 1."),
    area: str = Query(
        "",
        max_length=100,
        pattern=SLUG_PATTERN,
        description="A local authority's or a region's slug: gatherings in that area.",
    ),
    mode: str = Query(
        "",
        pattern=MODE_PATTERN,
        description="in_person or online (a gathering that is both matches either).",
    ),
):
    """Public gatherings that have not ended (a series until its last time ends), by
    their first start, 50 to a page.

    An unknown `area` is answered with 404 and a message, so a mistyped
    filter is never mistaken for a quiet area.
    """
    if area and area_get_by_slug(slug=area, boundaries=False) is None:
        raise Http404(
            _('There is no area called "%(slug)s". The areas are listed at %(url)s.')
            % {"slug": area, "url": "/api/v1/areas"}
        )
    found = selectors.gathering_list(
        filters=selectors.GatheringFilters(area=area, mode=mode), page=page, per_page=PER_PAGE
    )
    return {
        "count": found.paginator.count,
        "page": found.number,
        "pages": found.paginator.num_pages,
        "items": [gathering_out(gathering) for gathering in found.object_list],
    }


@decorate_view(cached_for_visitors)
@router.get(
    "/{gathering_id}",
    response={200: GatheringOut, 404: Message},
    url_name="events_gathering_detail",
    summary="One public gathering",
)
def gathering_detail(
    request: HttpRequest,
    gathering_id: int = Path(..., ge=1, le=ID_MAX, description="The gathering's id."),
):
    """A public gathering, to come or past. One waiting for review or hidden is a 404."""
    gathering = selectors.gathering_cards().public().filter(pk=gathering_id).first()
    if gathering is None:
        raise Http404(_("There is no public gathering with this id."))
    return gathering_out(gathering)
