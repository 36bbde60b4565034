"""What else must happen when a story changes, in the same transaction as the change.

Every write to a story (the services here, feed polling, and moderation's
status changes through the hook registered in apps.py) ends by calling
`story_changed`, so search, the map, the new-voice mark and notices are
never out of step with the story itself.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects

from bigsocnorth.mapping.services import map_items_sync
from bigsocnorth.moderation.models import Status
from bigsocnorth.search.services import search_document_sync
from bigsocnorth.stories import notices
from bigsocnorth.stories.models import Story, StoryKind, StoryTag


def story_changed(story: Story, *, previous_status: str | None) -> None:
    """Bring everything derived from the story up to date.

    `previous_status` is None for a new story. Call inside the transaction
    that changed it, after its fields and the entries it is about are saved.
    """
    if notices.story_is_first_publication(story=story, previous_status=previous_status):
        _mark_new_voice(story)
        actor = story.author if previous_status is None else None
        notices.story_published_notify(story=story, actor=actor)
    cache = getattr(story, "_prefetched_objects_cache", {})
    cache.pop("about", None)
    prefetch_related_objects([story], "about")
    search_document_sync(obj=story)
    map_items_sync(obj=story)
    story_tags_sync(story)


def story_tags_sync(story: Story) -> None:
    """The story's tag rows: its tags while it is published, none otherwise."""
    StoryTag.objects.filter(story=story).delete()
    if story.status == Status.PUBLISHED:
        StoryTag.objects.bulk_create(StoryTag(story=story, tag=tag) for tag in story.tag_list)


def _mark_new_voice(story: Story) -> None:
    """A person's first published story told here is a new voice.

    Sharing a link to a story told elsewhere does not count: the voice is
    the other site's (and stories from feeds have no person at all).
    """
    if story.author_id is None or story.kind != StoryKind.OWN:
        return
    told_before = (
        Story.objects.filter(author_id=story.author_id, kind=StoryKind.OWN, status=Status.PUBLISHED)
        .exclude(pk=story.pk)
        .exists()
    )
    if not told_before and not story.is_new_voice:
        story.is_new_voice = True
        Story.objects.filter(pk=story.pk).update(is_new_voice=True)
