"""schema.org Event for a gathering's page: what search engines and apps read as an event.

Only for public gatherings, and only what the page shows a visitor: the
online link is given only when the organiser shows it to everyone.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from bigsocnorth.core.feeds import absolute_url
from bigsocnorth.core.jsonld import json_ld_script_content
from bigsocnorth.events.calendar import description_text
from bigsocnorth.events.models import Gathering, GatheringState
from bigsocnorth.events.recurrence import LONDON
from bigsocnorth.moderation.permissions import is_public

SCHEMA = "https://schema.org/"
# A postponed gathering always has its new date, which schema.org calls rescheduled
# (EventPostponed is for "later, date not known yet").
EVENT_STATUS = {
    GatheringState.TENTATIVE: "EventScheduled",
    GatheringState.CONFIRMED: "EventScheduled",
    GatheringState.POSTPONED: "EventRescheduled",
    GatheringState.CANCELLED: "EventCancelled",
}


def _when(value) -> str:
    """With the London offset, as the page shows it: 2026-10-20T19:00:00+01:00."""
    return timezone.localtime(value, LONDON).isoformat()


def attendance_mode(gathering: Gathering) -> str:
    if gathering.in_person and gathering.online:
        return SCHEMA + "MixedEventAttendanceMode"
    if gathering.online:
        return SCHEMA + "OnlineEventAttendanceMode"
    return SCHEMA + "OfflineEventAttendanceMode"


def _place(gathering: Gathering) -> dict:
    area = gathering.local_authority
    address: dict = {"@type": "PostalAddress", "addressCountry": "GB"}
    if gathering.venue_address:
        address["streetAddress"] = gathering.venue_address
    if area is not None:
        address["addressLocality"] = area.name
    place: dict = {
        "@type": "Place",
        "name": gathering.venue_name or gathering.place_name or (area.name if area else ""),
        "address": address,
    }
    if gathering.has_place:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": gathering.latitude,
            "longitude": gathering.longitude,
        }
    return place


def _virtual(gathering: Gathering) -> dict:
    virtual: dict = {"@type": "VirtualLocation"}
    if gathering.online_url and not gathering.online_url_going_only:
        virtual["url"] = gathering.online_url
    else:
        virtual["name"] = _("Online: the link is given to people going")
    return virtual


def _organisers(gathering: Gathering, entries) -> list[dict]:
    organisers = []
    profile = getattr(gathering.author, "profile", None) if gathering.author_id else None
    if profile is not None:
        organisers.append(
            {
                "@type": "Person",
                "name": profile.display_name,
                "url": absolute_url(profile.get_absolute_url()),
            }
        )
    for entry in entries:
        organisers.append(
            {
                "@type": "Organization",
                "name": entry.name,
                "url": absolute_url(entry.get_absolute_url()),
            }
        )
    return organisers


def gathering_data(gathering: Gathering, *, entries=()) -> dict:
    """The Event as a dict. `entries`: the public groups organising it, already read."""
    url = absolute_url(gathering.get_absolute_url())
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": url,
        "url": url,
        "name": gathering.title,
        "description": description_text(gathering.description, chars=2000),
        "startDate": _when(gathering.starts_at),
        "endDate": _when(gathering.ends_at),
        "eventStatus": SCHEMA + EVENT_STATUS.get(gathering.state, "EventScheduled"),
        "eventAttendanceMode": attendance_mode(gathering),
    }
    if gathering.is_postponed and gathering.postponed_from:
        data["previousStartDate"] = _when(gathering.postponed_from)
    locations = []
    if gathering.in_person:
        locations.append(_place(gathering))
    if gathering.online:
        locations.append(_virtual(gathering))
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    organisers = _organisers(gathering, entries)
    if organisers:
        data["organizer"] = organisers[0] if len(organisers) == 1 else organisers
    if gathering.capacity is not None:
        data["maximumAttendeeCapacity"] = gathering.capacity
    return data


def gathering_jsonld(gathering: Gathering, *, entries=()) -> str:
    """The contents of the page's <script type="application/ld+json">, or "" when not public."""
    if not is_public(gathering):
        return ""
    return json_ld_script_content(gathering_data(gathering, entries=entries))
