"""What search knows of a forum topic: its title, its opening post, its category and area."""

from __future__ import annotations

from bigsocnorth.forum.models import Post, Topic
from bigsocnorth.search.registry import SearchFields


def topic_search_queryset():
    return Topic.objects.select_related("category", "local_authority")


def topic_search_fields(topic: Topic) -> SearchFields:
    opening = Post.objects.filter(topic=topic, number=1).values_list("body", flat=True).first()
    return SearchFields(
        title=topic.title,
        body=opening or "",
        url=topic.get_absolute_url(),
        categories=(topic.category.slug,),
        area_ids=[topic.local_authority_id] if topic.local_authority_id else [],
        published_at=topic.published_at,
        facets=[
            topic.category.name,
            topic.tags,
            topic.local_authority.name if topic.local_authority_id else "",
        ],
    )
