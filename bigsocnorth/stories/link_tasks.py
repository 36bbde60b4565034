"""Fetching a linked story's preview in the task worker, so the person never waits on
another site: they see "fetching the preview" and the page fills in when it is done."""

from __future__ import annotations

import logging

from django.db import transaction
from django.tasks import task

from bigsocnorth.core.links import LinkPreview, PreviewError, link_preview, preview_image_fetch
from bigsocnorth.moderation import limits
from bigsocnorth.stories.canonical import canonical_key
from bigsocnorth.stories.models import PreviewState, Story
from bigsocnorth.stories.services import shared_story_with_address

logger = logging.getLogger(__name__)

TOO_MANY_FETCHES = (
    "Too many previews were fetched for your links in the last hour, so this one was not. "
    "Fill in the details yourself, or try again later."
)


@task()
def linked_story_preview_task(story_id: int) -> str:
    """Fetch and fill in the preview of one linked story; returns its preview state."""
    return linked_story_preview_fill(story_id)


def linked_story_preview_fill(story_id: int) -> str:
    story = Story.objects.select_related("author").filter(pk=story_id).first()
    if story is None or story.preview_state != PreviewState.FETCHING:
        return "gone" if story is None else story.preview_state
    if not limits.link_fetch_allowed(member=story.author):
        # A flood of shares (or of "try again") must not become a flood of fetches.
        logger.info(
            "Preview of story %s not fetched: its sharer's fetches for the hour are used up",
            story.pk,
        )
        Story.objects.filter(pk=story.pk, preview_state=PreviewState.FETCHING).update(
            preview_state=PreviewState.FAILED, preview_error=TOO_MANY_FETCHES
        )
        return PreviewState.FAILED
    try:
        preview = link_preview(story.url)
    except PreviewError as error:
        Story.objects.filter(pk=story.pk, preview_state=PreviewState.FETCHING).update(
            preview_state=PreviewState.FAILED, preview_error=str(error)[:500]
        )
        return PreviewState.FAILED
    except Exception:
        logger.exception("Fetching the preview of story %s failed", story.pk)
        Story.objects.filter(pk=story.pk, preview_state=PreviewState.FETCHING).update(
            preview_state=PreviewState.FAILED,
            preview_error="Something went wrong while fetching the preview. Try again, "
            "or fill in the details yourself.",
        )
        return PreviewState.FAILED
    # The picture is fetched outside the transaction: it can take seconds.
    image = preview_image_fetch(preview.image_url) if preview.image_url else None
    return _fill(story.pk, preview, image)


def _site(key: str) -> str:
    return key.split("/")[2] if key.count("/") >= 2 else ""


def _dedupe_key(story: Story, preview: LinkPreview) -> str:
    """The key the story is known by: the page's canonical address, if on the same site.

    A page can name any address as its canonical one. Trusted across sites, a
    hostile page shared first could claim a real article's address and have
    that article refused as a duplicate; so another site's canonical address
    is not taken, and the address that was shared (after redirects) is kept.
    """
    final = canonical_key(preview.final_url) or story.canonical_url
    canonical = canonical_key(preview.canonical_url)
    if canonical and _site(canonical) == _site(final):
        return canonical
    return final


def _fill(story_id: int, preview: LinkPreview, image) -> str:
    with transaction.atomic():
        story = Story.objects.select_for_update().filter(pk=story_id).first()
        if story is None or story.preview_state != PreviewState.FETCHING:
            return "gone" if story is None else story.preview_state
        key = _dedupe_key(story, preview)
        if key != story.canonical_url:
            first = shared_story_with_address(key, exclude_pk=story.pk)
            if first is not None:
                # The page says it is a story already shared here under another address.
                story.preview_state = PreviewState.DUPLICATE
                story.duplicate_of = first
                story.save(update_fields=["preview_state", "duplicate_of", "updated_at"])
                return PreviewState.DUPLICATE
        # What the person typed meanwhile is theirs: fill only what is empty.
        story.title = story.title or preview.title
        story.summary = story.summary or preview.summary
        if preview.source_name and (not story.source_name or story.source_name in story.url):
            story.source_name = preview.source_name
        story.source_published_at = story.source_published_at or preview.published_at
        story.preview_state = PreviewState.READY
        story.preview_error = ""
        # Still a draft (it cannot be published while fetching), so the address
        # is only checked against shared stories again when it is published.
        story.canonical_url = key
        if image is not None and not story.image:
            story.image.save(image.name or "preview.jpg", image, save=False)
            story.image_alt = story.image_alt or preview.title[: Story.ALT_MAX]
        story.save()
    return PreviewState.READY
