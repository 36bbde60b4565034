"""What the map and search know of a gathering: registered with them in content.py."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from bigsocnorth.events.calendar import description_text
from bigsocnorth.events.models import Gathering
from bigsocnorth.mapping.registry import MapPoint
from bigsocnorth.search.registry import SearchFields

# Search reads the words, not the Markdown: each text whole (both are at most this long).
PLAIN_MAX = max(Gathering.DESCRIPTION_MAX, Gathering.OUTCOME_MAX)


def gathering_index_queryset() -> QuerySet[Gathering]:
    return (
        Gathering.objects.select_related("local_authority")
        .defer("local_authority__boundary")
        .prefetch_related("entries")
    )


def gathering_kind(gathering: Gathering) -> str:
    if gathering.in_person and gathering.online:
        return "both"
    return "online" if gathering.online else "in_person"


def gathering_map_points(gathering: Gathering) -> list[MapPoint]:
    """Its venue's point while it is still to come (and not cancelled); none for a whole
    area or an online gathering.

    The map keeps what this said at the gathering's last change: one that
    has since ended stays until it changes again (see docs/events.md).
    """
    if not gathering.in_person or not gathering.has_place or gathering.is_cancelled:
        return []
    if gathering.last_ends_at <= timezone.now():
        return []
    return [
        MapPoint(
            place_key=0,
            title=gathering.title,
            url=gathering.get_absolute_url(),
            kind=gathering_kind(gathering),
            categories=(),
            local_authority_id=gathering.local_authority_id,
            latitude=gathering.latitude,
            longitude=gathering.longitude,
            published_at=gathering.published_at,
        )
    ]


def gathering_search_fields(gathering: Gathering) -> SearchFields:
    """Its description and what happened (as plain text), and what it is found by: where, the
    venue, the groups, its words."""
    area = gathering.local_authority
    parts = (gathering.description, gathering.outcome)
    return SearchFields(
        title=gathering.title,
        body="\n\n".join(description_text(part, chars=PLAIN_MAX) for part in parts if part),
        url=gathering.get_absolute_url(),
        categories=(),
        area_ids=[area.pk] if area is not None else [],
        published_at=gathering.published_at,
        facets=[
            gathering.venue_name,
            gathering.place_name,
            area.name if area is not None else "",
            gathering.tags,
            *(entry.name for entry in gathering.entries.all()),
        ],
    )
