"""What the map and search know of a cut: registered with them in content.py."""

from __future__ import annotations

from django.db.models import QuerySet

from bigsocnorth.cuts.models import Cut
from bigsocnorth.mapping.registry import MapPoint
from bigsocnorth.search.registry import SearchFields


def cut_index_queryset() -> QuerySet[Cut]:
    return Cut.objects.select_related("local_authority", "decided_by_authority", "entry")


def cut_map_points(cut: Cut) -> list[MapPoint]:
    """One point where the cut is (already rounded when saved), or none for a whole area.

    Merged reports are hidden, so only the report kept is on the map.
    """
    if not cut.has_place:
        return []
    return [
        MapPoint(
            place_key=0,
            title=f"{cut.title} ({cut.get_state_display()})",
            url=cut.get_absolute_url(),
            kind=cut.kind,
            categories=(cut.sector,),
            local_authority_id=cut.local_authority_id,
            latitude=cut.latitude,
            longitude=cut.longitude,
            published_at=cut.published_at,
        )
    ]


def cut_search_fields(cut: Cut) -> SearchFields:
    """The summary, and what it is found by: who decides, what is affected, where, its words."""
    return SearchFields(
        title=cut.title,
        body=cut.summary,
        url=cut.get_absolute_url(),
        categories=(cut.sector,),
        area_ids=[cut.local_authority_id],
        published_at=cut.published_at,
        facets=[
            cut.affected,
            cut.decided_by,
            cut.place_name,
            cut.local_authority.name,
            cut.get_kind_display(),
            cut.get_sector_display(),
            cut.get_state_display(),
        ],
    )
