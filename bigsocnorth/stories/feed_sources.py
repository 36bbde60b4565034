"""Taking stories from a directory entry's own news feed: its editors' consent, and reads.

Nothing is taken from a feed until one of the entry's editors (or a
moderator) switches it on here; the task worker then polls it
(stories.feed_polling).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bigsocnorth.directory.models import Entry
from bigsocnorth.directory.permissions import check_entry_edit_permission
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.stories.models import FeedSource

# What a source forgets when its address changes: these describe the old feed.
_FEED_STATE_FIELDS = {
    "etag": "",
    "last_modified": "",
    "last_success_at": None,
    "last_error": "",
    "last_error_at": None,
    "consecutive_failures": 0,
    "last_items_taken": 0,
}


def feed_source_for_entry(entry: Entry) -> FeedSource | None:
    return FeedSource.objects.filter(entry=entry).first()


def feed_source_follow_entry(source: FeedSource, *, feed_url: str) -> list[str]:
    """Point the source at the entry's current feed address; returns the fields changed.

    A new address is a new feed: what was known about the old one (its
    ETag, when it last worked, its errors) no longer applies, and its first
    poll takes only the newest few items again. The total taken is kept.
    """
    if source.url == feed_url:
        return []
    source.url = feed_url
    for name, value in _FEED_STATE_FIELDS.items():
        setattr(source, name, value)
    return ["url", *_FEED_STATE_FIELDS]


def feed_source_consent_set(*, actor, entry: Entry, enabled: bool) -> FeedSource:
    """Switch taking stories from the entry's feed on or off.

    Only the entry's editors and moderators may (PermissionDenied otherwise).
    Switching on needs a published entry with a feed address
    (ValidationError otherwise) and schedules the first poll at once;
    switching off is always allowed.
    """
    check_entry_edit_permission(user=actor, entry=entry)
    now = timezone.now()
    with transaction.atomic():
        # Locked so two editors pressing the button at once make one source.
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        source = FeedSource.objects.select_for_update().filter(entry=entry).first()
        if enabled:
            _check_can_take_stories(entry)
        creating = source is None
        if creating:
            if not entry.feed_url:
                raise ValidationError(
                    _("This entry has no news feed address to take stories from.")
                )
            source = FeedSource(entry=entry, url=entry.feed_url)
        changed = ["enabled"]
        if entry.feed_url:
            changed += feed_source_follow_entry(source, feed_url=entry.feed_url)
        if enabled and not source.enabled:
            source.enabled_by = actor
            source.enabled_at = now
            source.next_poll_at = now
            changed += ["enabled_by", "enabled_at", "next_poll_at"]
        source.enabled = enabled
        # Only what this changes: a poll may be recording the feed's health meanwhile.
        source.save(update_fields=None if creating else changed)
    return source


def _check_can_take_stories(entry: Entry) -> None:
    if not entry.feed_url:
        raise ValidationError(
            _(
                "This entry has no news feed address. Add the address of your RSS or Atom "
                "feed to the entry first."
            )
        )
    if not is_public(entry):
        raise ValidationError(
            _(
                "Stories can be taken from the feed once the entry is published. "
                "It is not published now."
            )
        )
