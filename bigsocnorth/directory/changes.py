"""Kept only until every caller uses moderation.changes directly."""

from bigsocnorth.moderation.changes import (  # noqa: F401
    bulk_additions_done,
    content_changed,
)
from bigsocnorth.moderation.changes import contents_added_in_bulk as entries_added_in_bulk  # noqa: F401


def entry_changed(entry, *, previous_status):
    content_changed(entry, previous_status=previous_status)
