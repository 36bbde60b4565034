"""Where a story is on the map: the place it happened, if it has one (the "stories" layer)."""

from __future__ import annotations

from django.db.models import QuerySet

from bigsocnorth.mapping.registry import MapPoint
from bigsocnorth.stories.models import Story


def story_map_queryset() -> QuerySet[Story]:
    return Story.objects.all()


def story_map_points(story: Story) -> list[MapPoint]:
    """One point at the story's place (already rounded when it was saved), or none."""
    if not story.has_place:
        return []
    return [
        MapPoint(
            place_key=0,
            title=story.title,
            url=story.get_absolute_url(),
            kind=story.kind,
            categories=(),
            local_authority_id=story.local_authority_id,
            latitude=story.latitude,
            longitude=story.longitude,
            published_at=story.published_at,
        )
    ]
