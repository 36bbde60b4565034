"""Copies of the demo's rows, for benchmarks that need the demo many times over."""

from __future__ import annotations

import uuid


def story_copy(story, copy: int):
    """An unsaved copy of `story`, number `copy`: its own slug, uuid and source ids."""
    from bigsocnorth.stories.models import Story

    clone = Story(**{
        field.attname: getattr(story, field.attname)
        for field in Story._meta.concrete_fields
        if not field.primary_key
    })  # fmt: skip
    clone.slug = f"{story.slug}-{copy}"[:220]
    clone.uuid = uuid.uuid4()
    clone.canonical_url = f"{story.canonical_url}#{copy}" if story.canonical_url else ""
    clone.feed_item_id = f"{story.feed_item_id}#{copy}" if story.feed_item_id else ""
    return clone
