"""The one change fan-out: after any create, edit or status change of content.

Every write path of every content type ends with `content_changed(obj, ...)`
inside its transaction (the lifecycle does it for status changes), so the
search index, the map and every other registered index are exact when the
transaction commits, and the type's own hook (its notices) runs once.
No content app calls an index itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model, prefetch_related_objects

from bigsocnorth.core.pagecache import forget_pages
from bigsocnorth.moderation import registry

# Set on an instance by lifecycle.status_stamp when that stamp was the
# object's first publication ever; read (and cleared) by content_changed.
FIRST_PUBLICATION_MARK = "_moderation_first_publication"


@dataclass(frozen=True)
class Change:
    """What changed, for a type's on_change hook."""

    obj: Model
    # None for a new object.
    previous_status: str | None
    # True exactly when this change published the object for the first time
    # ever (first_published_at was set by it): announce it, once.
    first_publication: bool

    @property
    def is_new(self) -> bool:
        return self.previous_status is None


def _refresh(obj: Model, relations) -> None:
    if not relations:
        return
    cache = getattr(obj, "_prefetched_objects_cache", {})
    for relation in relations:
        cache.pop(relation, None)
    prefetch_related_objects([obj], *relations)


def content_changed(obj: Model, *, previous_status: str | None) -> Change:
    """Bring everything derived from `obj` up to date, then call its type's own hook.

    `previous_status` is None for a new object. Call inside the transaction
    of the change, after the object and its related rows are saved.
    """
    registered = registry.registered_type_for(type(obj))
    if registered is None:
        raise LookupError(f"{type(obj).__name__} is not registered content (moderation.register).")
    first = bool(obj.__dict__.pop(FIRST_PUBLICATION_MARK, False))
    change = Change(obj=obj, previous_status=previous_status, first_publication=first)
    _refresh(obj, registered.refresh)
    for index in registry.indexes():
        if index.covers(type(obj)):
            index.sync(obj)
    if registered.on_change is not None:
        registered.on_change(change)
    forget_pages()
    return change


def contents_added_in_bulk(objs: list[Model]) -> None:
    """The indexes' part of content_changed for a batch of new objects (an import).

    Each index writes the batch in a few statements. The types' own hooks
    are not called: announcing thousands of imported rows one by one would
    flood followers and make an import many times slower. Call inside the
    batch's transaction.
    """
    if not objs:
        return
    for index in registry.indexes():
        if not index.covers(type(objs[0])):
            continue
        if index.sync_many is not None:
            index.sync_many(objs)
        else:
            for obj in objs:
                index.sync(obj)


def bulk_additions_done() -> None:
    """After the last batch of a bulk addition, in its transaction: let each index tidy up."""
    for index in registry.indexes():
        if index.bulk_done is not None:
            index.bulk_done()
    forget_pages()
