"""Which content types search covers, and what each one puts in the index.

Each owning app registers its model from its AppConfig.ready():

    register(Entry, key="entry", label=_("Directory entry"), build=entry_search_fields)

`build(obj)` returns SearchFields for one published object. The owning app
then calls `search.services.search_document_sync(obj=...)` inside every
transaction that changes such an object (moderation's status changes
included), so the index is exact when the transaction commits.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.db.models.signals import post_delete
from django.utils.functional import Promise

# The `type` filter value in URLs and the API: short, lower case, stable.
_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass(frozen=True)
class SearchFields:
    """What is indexed for one object. Text is plain text (no HTML, no Markdown).

    `body` is what a person wrote, in sentences; line breaks between its
    paragraphs are kept, and a result's snippet is the sentence of it that
    matched. `facets` are the other words it is found by (its tags, kind,
    categories, the names of its places and of the groups it is about):
    searched like the body, never shown as a snippet.
    """

    title: str
    body: str
    url: str
    # Category slugs, matched by the `category` filter.
    categories: Sequence[str] = ()
    # Primary keys of the places.LocalAuthority rows the thing is in or
    # serves; the `area` filter matches an authority, or any in a region.
    area_ids: Sequence[int] = ()
    published_at: datetime.datetime | None = None
    facets: Sequence[str] = ()


@dataclass(frozen=True)
class SearchableType:
    model: type[models.Model]
    key: str
    label: str | Promise
    build: Callable[[models.Model], SearchFields]
    # The rows to index in bulk, with what build() reads prefetched, so that
    # indexing many objects costs a few queries, not a few per object.
    queryset: Callable[[], QuerySet] | None = None
    # (slug, name) of the categories this type uses, for the category filter.
    categories: Callable[[], Iterable[tuple[str, str]]] | None = None

    def objects(self) -> QuerySet:
        if self.queryset is not None:
            return self.queryset()
        return self.model._default_manager.all()


_by_model: dict[type[models.Model], SearchableType] = {}
_by_key: dict[str, SearchableType] = {}


def _removed(sender, instance, **kwargs) -> None:
    # Deletions do not all go through a service (the admin, cascades from a
    # deleted author or content type), and a result must never lead to a
    # page that is gone; this runs inside the deleting transaction.
    from bigsocnorth.search.services import search_document_remove

    search_document_remove(obj=instance)


def register(
    model: type[models.Model],
    *,
    key: str,
    label: str | Promise,
    build: Callable[[models.Model], SearchFields],
    queryset: Callable[[], QuerySet] | None = None,
    categories: Callable[[], Iterable[tuple[str, str]]] | None = None,
) -> None:
    """Make `model` searchable. Call from the owning app's AppConfig.ready().

    `key` is the `type` filter value ("entry"): lower case letters, digits
    and underscores. `label` names one of them ("Directory entry").
    `build(obj)` returns SearchFields. Optional: `queryset()` for bulk
    indexing with related rows prefetched, and `categories()` listing
    (slug, name) pairs for the category filter. Registering the same model
    again is harmless.
    """
    if not _KEY.fullmatch(key):
        raise ValueError(f"A search type key is lower case letters, digits and _, not {key!r}.")
    if not isinstance(model._meta.pk, models.IntegerField):
        # SearchDocument.object_id is a number, as every content model's key is.
        raise ValueError(f"{model.__name__} needs an integer primary key to be searchable.")
    taken = _by_key.get(key)
    if taken is not None and taken.model is not model:
        raise ValueError(f"{key!r} is already registered for {taken.model.__name__}.")
    previous = _by_model.get(model)
    if previous is not None and previous.key != key:
        del _by_key[previous.key]
    searchable = SearchableType(
        model=model,
        key=key,
        label=label,
        build=build,
        queryset=queryset,
        categories=categories,
    )
    _by_model[model] = searchable
    _by_key[key] = searchable
    post_delete.connect(_removed, sender=model, dispatch_uid=f"search-removed-{key}")


def unregister(model: type[models.Model]) -> None:
    """Forget a model (for tests that register a throwaway one)."""
    searchable = _by_model.pop(model, None)
    if searchable is not None:
        _by_key.pop(searchable.key, None)
        post_delete.disconnect(sender=model, dispatch_uid=f"search-removed-{searchable.key}")


def searchable_types() -> list[SearchableType]:
    return list(_by_key.values())


def searchable_type_for_model(model: type[models.Model]) -> SearchableType | None:
    return _by_model.get(model)


def searchable_type_for_key(key: str) -> SearchableType | None:
    return _by_key.get(key)
