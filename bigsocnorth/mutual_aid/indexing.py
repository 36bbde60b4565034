"""What the map and search know of a need or an offer: its words and its area, nothing more."""

from __future__ import annotations

from django.db.models import QuerySet

from bigsocnorth.mapping.registry import MapPoint
from bigsocnorth.mutual_aid.models import Post, PostState
from bigsocnorth.search.registry import SearchFields


def post_index_queryset() -> QuerySet[Post]:
    return Post.objects.select_related("local_authority", "category")


def post_map_points(post: Post) -> list[MapPoint]:
    """While it is open: one point at its area's centre, never its own rough point (the map
    shows needs and offers at area level only)."""
    if post.state != PostState.OPEN:
        return []
    area = post.local_authority
    return [
        MapPoint(
            place_key=0,
            title=f"{post.get_kind_display()}: {post.title}",
            url=post.get_absolute_url(),
            kind=post.kind,
            categories=(post.category.slug,),
            local_authority_id=post.local_authority_id,
            latitude=area.centre_latitude,
            longitude=area.centre_longitude,
            published_at=post.published_at,
        )
    ]


def post_search_fields(post: Post) -> SearchFields:
    """Found by its title and description only, and filtered by its area."""
    return SearchFields(
        title=post.title,
        body=post.description,
        url=post.get_absolute_url(),
        area_ids=[post.local_authority_id],
        published_at=post.published_at,
    )
