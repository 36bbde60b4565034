"""What else must happen when an entry changes, in the same transaction as the change.

Every write to an entry (services here, and moderation's status changes
through the hook registered in apps.py) ends by calling `entry_changed`, so
the search index, notices and (later) the map are never out of step with
the entry itself.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects

from bigsocnorth.directory import notices
from bigsocnorth.directory.models import Entry
from bigsocnorth.mapping.services import map_items_sync, map_items_sync_many
from bigsocnorth.search.services import (
    search_document_sync,
    search_documents_sync,
    search_index_optimise,
)


def entry_changed(entry: Entry, *, previous_status: str | None) -> None:
    """Bring everything derived from the entry up to date.

    `previous_status` is None for a new entry. Call inside the transaction
    that changed the entry, after its fields, places and categories are saved.
    """
    if notices.entry_is_first_publication(entry=entry, previous_status=previous_status):
        # A new entry published at once was published by its author, who is
        # not told of their own action; otherwise a moderator approved it.
        actor = entry.author if previous_status is None else None
        notices.entry_published_notify(entry=entry, actor=actor)
    # Read once, fresh, for both the search document and the map (each would
    # otherwise read them again: a query apiece, about a millisecond on PostgreSQL).
    cache = getattr(entry, "_prefetched_objects_cache", {})
    cache.pop("categories", None)
    cache.pop("places", None)
    prefetch_related_objects([entry], "categories", "places")
    # Indexed and on the map while published; removed once hidden, archived or merged away.
    search_document_sync(obj=entry)
    map_items_sync(obj=entry)


def entries_added_in_bulk(entries: list[Entry]) -> None:
    """What entry_changed does for new published entries, for a whole batch (CSV import).

    The search index is written in bulk: a few statements per batch instead
    of several per entry. Followers are not sent a "new entry" notice per
    imported entry: at 100,000 rows that is thousands of notices for each
    follower of an area, and it made the import 7 to 14 times slower
    (docs/benchmarks.md). Call inside the import's transaction.
    """
    search_documents_sync(objs=entries)
    map_items_sync_many(objs=entries)


def bulk_additions_done() -> None:
    """After the last batch of a bulk addition, in its transaction: tidy the indexes."""
    search_index_optimise()
