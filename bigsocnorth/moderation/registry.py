"""Which models are moderated content, and which indexes follow every change to them.

A content type registers itself from its app's `content.py` (found at
start-up, see `bigsocnorth.core.apps`):

    moderation.register(Entry, title_attr="name", on_change=entry_changed, refresh=("places",))

Shared indexes (search, the map) register once, from their own apps, with
`register_index`; `moderation.changes.content_changed` then brings every
index up to date after any change to any registered type, and calls the
type's own `on_change` hook last (its notices, its own derived rows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from bigsocnorth.moderation.changes import Change

# Called as on_change(change) inside the transaction of the change, after
# the shared indexes are up to date.
ChangeHook = Callable[["Change"], None]


@dataclass(frozen=True)
class RegisteredType:
    model: type[models.Model]
    title_attr: str
    on_change: ChangeHook | None = None
    # Relations the indexes read, loaded fresh once per change (rather than
    # once per index) so a change costs the same whatever the number of indexes.
    refresh: Sequence[str] = ()
    # For a part of another type (a timeline entry of a cut, a reply in a
    # topic): the attribute naming its parent. A part is moderated (review,
    # flags, the audit log) but shown on its parent's page, not on its own:
    # it is not searched, mapped or sectioned by itself.
    part_of: str = ""
    # Whether a person may edit an object of the type (its owners): called as
    # editable_by(user, obj). Shared features that the owner controls (turning
    # an object's discussion off) ask this rather than knowing the type.
    editable_by: Callable[[object, models.Model], bool] | None = None


@dataclass(frozen=True)
class Index:
    """Something derived from published content (search, the map), kept exact by every change."""

    key: str
    covers: Callable[[type[models.Model]], bool]
    sync: Callable[[models.Model], object]
    sync_many: Callable[[list[models.Model]], object] | None = None
    # After a bulk addition is done (an import): tidy up, once.
    bulk_done: Callable[[], object] | None = None
    # For a database from before the index existed: whether it is empty, and
    # how to build it from everything published (`manage.py indexes_fill_empty`).
    is_empty: Callable[[], bool] | None = None
    rebuild: Callable[[], object] | None = None


_registry: dict[type[models.Model], RegisteredType] = {}
_indexes: dict[str, Index] = {}


def register(
    model: type[models.Model],
    *,
    title_attr: str = "name",
    on_change: ChangeHook | None = None,
    refresh: Sequence[str] = (),
    part_of: str = "",
    editable_by: Callable[[object, models.Model], bool] | None = None,
) -> None:
    """Make a ModeratedContent subclass known to the lifecycle, flags, the queue and indexes.

    `on_change(change)` runs after every create, edit and status change of
    one of its objects, inside the same transaction, once the shared
    indexes are up to date. Registering twice replaces.
    """
    _registry[model] = RegisteredType(
        model=model,
        title_attr=title_attr,
        on_change=on_change,
        refresh=tuple(refresh),
        part_of=part_of,
        editable_by=editable_by,
    )


def unregister(model: type[models.Model]) -> None:
    """Forget a model (for tests that register a throwaway one)."""
    _registry.pop(model, None)


def register_index(
    key: str,
    *,
    covers: Callable[[type[models.Model]], bool],
    sync: Callable[[models.Model], object],
    sync_many: Callable[[list[models.Model]], object] | None = None,
    bulk_done: Callable[[], object] | None = None,
    is_empty: Callable[[], bool] | None = None,
    rebuild: Callable[[], object] | None = None,
) -> None:
    """Keep an index exact with every change of the content types it `covers`."""
    _indexes[key] = Index(
        key=key,
        covers=covers,
        sync=sync,
        sync_many=sync_many,
        bulk_done=bulk_done,
        is_empty=is_empty,
        rebuild=rebuild,
    )


def indexes() -> list[Index]:
    return list(_indexes.values())


def registered_types() -> list[RegisteredType]:
    return list(_registry.values())


def registered_type_for(model: type[models.Model]) -> RegisteredType | None:
    return _registry.get(model)


def is_registered(model: type[models.Model]) -> bool:
    return model in _registry


def title_for(obj: models.Model) -> str:
    registered = _registry.get(type(obj))
    if registered is None:
        return str(obj)
    return str(getattr(obj, registered.title_attr, obj))
