"""Where a directory entry is on the map: one point per place, at its publishable position."""

from __future__ import annotations

from django.db.models import QuerySet

from bigsocnorth.directory.models import Entry
from bigsocnorth.mapping.registry import MapPoint


def entry_map_queryset() -> QuerySet[Entry]:
    """Entries with what entry_map_points reads, for putting many on the map at once."""
    return Entry.objects.select_related("kind").prefetch_related("categories", "places")


def entry_map_points(entry: Entry) -> list[MapPoint]:
    """The entry's places as map points (registered in content.py).

    Only the publishable coordinates are used: rounded to about 1 km when
    the entry asks for an approximate location. An online or area-wide
    entry has no point on the map.
    """
    categories = tuple(category.slug for category in entry.categories.all())
    return [
        MapPoint(
            place_key=key,
            title=entry.name,
            url=entry.get_absolute_url(),
            kind=entry.kind.slug,
            categories=categories,
            local_authority_id=place.local_authority_id,
            latitude=place.public_latitude,
            longitude=place.public_longitude,
            published_at=entry.published_at,
        )
        for key, place in enumerate(entry.places.all())
    ]
