"""Writes to the search index: keep one object's document exact, or many at once.

Content apps call these inside the transaction that changes their objects
(through moderation.changes.content_changed, for every type), so the index
commits or rolls back with the content. The full-text index is written by
the database in the same statements (see models.py); the vocabulary of
words behind "Did you mean" (SearchWord) is kept here, from the words a
document gains and loses, in the same transaction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Model, QuerySet

from bigsocnorth.moderation.permissions import filter_visible_to, is_visible_to
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.search import registry
from bigsocnorth.search.backends import search_backend
from bigsocnorth.search.models import SearchDocument, SearchWord
from bigsocnorth.search.query import (
    BODY_MAX,
    TITLE_MAX,
    facet_token,
    search_words,
    text_clean,
    text_clean_lines,
)

# Objects loaded, built and written per round trip when indexing in bulk.
BULK_CHUNK = 2000
# After this many documents written at once, the index is merged and its
# statistics refreshed (backends.optimise) before the transaction ends:
# searches straight after a big import are then as fast as any others.
BULK_OPTIMISE_AFTER = 10_000
_UPDATED_FIELDS = [
    "type_key", "title", "body", "facets", "url", "published_at", "categories", "area_ids",
    "facet_tokens", "indexed_at",
]  # fmt: skip


def _searchable(model: type[Model]) -> registry.SearchableType:
    searchable = registry.searchable_type_for_model(model)
    if searchable is None:
        raise LookupError(
            f"{model.__name__} is not registered with search (search.registry.register)."
        )
    return searchable


def _is_public(obj: Model) -> bool:
    # Search is public: a thing is indexed exactly when an anonymous visitor
    # may see it, as moderation decides for every list and page.
    return is_visible_to(user=None, obj=obj)


def _regions_of(area_ids: set[int]) -> dict[int, int]:
    """Region id of each local authority id: one query, whatever the number."""
    if not area_ids:
        return {}
    return dict(LocalAuthority.objects.filter(pk__in=area_ids).values_list("pk", "region_id"))


def _documents(
    searchable: registry.SearchableType, content_type: ContentType, objs: Iterable[Model]
) -> list[SearchDocument]:
    built = [(obj, searchable.build(obj)) for obj in objs]
    regions = _regions_of({int(pk) for _obj, fields in built for pk in fields.area_ids})
    documents = []
    for obj, fields in built:
        categories = sorted({str(slug) for slug in fields.categories})
        area_ids = sorted({int(pk) for pk in fields.area_ids})
        tokens = [facet_token("type", searchable.key)]
        tokens += [facet_token("category", slug) for slug in categories]
        tokens += [facet_token("area", pk) for pk in area_ids]
        # A region is a facet of its own (derived from the authorities), so
        # "anywhere in the North West" is one token to match, not an OR of
        # its 35 authorities, which made region searches the slowest of all
        # on PostgreSQL (docs/benchmarks.md).
        tokens += [
            facet_token("region", pk)
            for pk in sorted({regions[a] for a in area_ids if a in regions})
        ]
        documents.append(
            SearchDocument(
                content_type=content_type,
                object_id=obj.pk,
                type_key=searchable.key,
                title=text_clean(str(fields.title), max_length=TITLE_MAX),
                body=text_clean_lines(str(fields.body), max_length=BODY_MAX),
                facets=text_clean(
                    " \n".join(str(facet) for facet in fields.facets if facet), max_length=BODY_MAX
                ),
                url=str(fields.url)[:500],
                published_at=fields.published_at,
                categories=" ".join(categories),
                area_ids=" ".join(str(pk) for pk in area_ids),
                facet_tokens=" ".join(tokens),
            )
        )
    return documents


def _document_words(document: SearchDocument) -> set[str]:
    return search_words(document.title, document.body, document.facets)


# Vocabulary rows changed per statement: two parameters each.
_WORDS_BATCH = 1000


def _words_change(change: Counter[str]) -> None:
    """Add to (or, negative, take from) the number of documents each word is in.

    One upsert per batch of words (the same SQL on SQLite and PostgreSQL),
    then the words no document has any more are deleted: the vocabulary is
    exactly the words of the indexed documents, which are all public.
    """
    change = Counter({word: count for word, count in change.items() if count})
    if not change:
        return
    table = SearchWord._meta.db_table
    words = sorted(change)  # one order for every writer: no deadlocks on PostgreSQL
    with connection.cursor() as cursor:
        for start in range(0, len(words), _WORDS_BATCH):
            batch = words[start : start + _WORDS_BATCH]
            values = ", ".join(["(%s, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} (word, documents) VALUES {values} "  # noqa: S608 - constants
                f"ON CONFLICT (word) DO UPDATE "
                f"SET documents = {table}.documents + excluded.documents",
                [value for word in batch for value in (word, change[word])],
            )
    fewer = [word for word in words if change[word] < 0]
    for start in range(0, len(fewer), _WORDS_BATCH):
        SearchWord.objects.filter(
            word__in=fewer[start : start + _WORDS_BATCH], documents__lte=0
        ).delete()


def _locked(documents: QuerySet[SearchDocument]) -> QuerySet[SearchDocument]:
    # Callers write in the content's transaction; outside one there is
    # nothing to hold a lock for (and PostgreSQL would refuse FOR UPDATE).
    return documents.select_for_update() if connection.in_atomic_block else documents


def _documents_write(documents: list[SearchDocument]) -> None:
    """Insert or replace documents by (content type, object id): one statement per batch.

    The vocabulary follows: the words of the documents as they were are
    read first (locked on PostgreSQL, so two writers of one document
    cannot both count its change), and only the difference is written.
    """
    if not documents:
        return
    change: Counter[str] = Counter()
    by_type: dict[int, list[int]] = defaultdict(list)
    for document in documents:
        by_type[document.content_type_id].append(document.object_id)
        change.update(_document_words(document))
    for content_type_id, object_ids in by_type.items():
        old = (
            _locked(SearchDocument.objects)
            .filter(content_type_id=content_type_id, object_id__in=object_ids)
            .only("title", "body", "facets")
        )
        for document in old:
            change.subtract(_document_words(document))
    SearchDocument.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["content_type", "object_id"],
        update_fields=_UPDATED_FIELDS,
        batch_size=500,
    )
    _words_change(change)


def _documents_delete(documents: QuerySet[SearchDocument]) -> int:
    """Delete documents and take their words from the vocabulary. Returns how many."""
    found = list(_locked(documents).only("id", "title", "body", "facets"))
    if not found:
        return 0
    change: Counter[str] = Counter()
    for document in found:
        change.subtract(_document_words(document))
    deleted, _ = SearchDocument.objects.filter(pk__in=[document.pk for document in found]).delete()
    _words_change(change)
    return deleted


def search_document_remove(*, obj: Model) -> bool:
    """Take an object out of search. Returns whether it was there.

    For deleted objects and anything no longer public; safe to call for an
    object that was never indexed. Call inside the transaction of the change.
    """
    content_type = ContentType.objects.get_for_model(obj)
    return bool(
        _documents_delete(
            SearchDocument.objects.filter(content_type=content_type, object_id=obj.pk)
        )
    )


def search_document_sync(*, obj: Model) -> bool:
    """Make the index exact for one object: indexed if published, removed otherwise.

    Call inside the transaction that changed the object, after its related
    rows (categories, areas) are saved. Returns whether it is in the index.
    Raises LookupError for a model that is not registered.
    """
    searchable = _searchable(type(obj))
    if not _is_public(obj):
        search_document_remove(obj=obj)
        return False
    content_type = ContentType.objects.get_for_model(obj)
    _documents_write(_documents(searchable, content_type, [obj]))
    return True


@dataclass(frozen=True)
class SyncCounts:
    indexed: int = 0
    removed: int = 0


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _sync_chunk(searchable: registry.SearchableType, ids: list[int]) -> SyncCounts:
    content_type = ContentType.objects.get_for_model(searchable.model)
    # Reloaded through the type's queryset, with its related rows prefetched:
    # a few queries per chunk instead of a few per object.
    public = filter_visible_to(user=None, queryset=searchable.objects().filter(pk__in=ids))
    documents = _documents(searchable, content_type, public)
    _documents_write(documents)
    indexed = {document.object_id for document in documents}
    gone = [pk for pk in ids if pk not in indexed]
    removed = 0
    if gone:
        removed = _documents_delete(
            SearchDocument.objects.filter(content_type=content_type, object_id__in=gone)
        )
    return SyncCounts(indexed=len(documents), removed=removed)


def search_documents_sync(*, objs: Iterable[Model]) -> SyncCounts:
    """Make the index exact for many objects at once (imports, merges, rebuilds).

    The same rule as search_document_sync for each object, in chunks of
    BULK_CHUNK: each chunk is reloaded with its related rows prefetched,
    built, and written in a few statements. Objects may be of several
    registered types. Runs in one transaction (a savepoint inside the
    caller's): all of it is indexed, or none. Past BULK_OPTIMISE_AFTER
    documents it also optimises the index. Returns how many documents were
    indexed and removed.
    """
    by_type: dict[type[Model], list[int]] = defaultdict(list)
    for obj in objs:
        by_type[type(obj)].append(obj.pk)
    indexed = removed = 0
    with transaction.atomic():
        for model, ids in by_type.items():
            searchable = _searchable(model)
            for chunk in _chunks(dict.fromkeys(ids), BULK_CHUNK):
                counts = _sync_chunk(searchable, chunk)
                indexed += counts.indexed
                removed += counts.removed
        if indexed + removed >= BULK_OPTIMISE_AFTER:
            search_index_optimise()
    return SyncCounts(indexed=indexed, removed=removed)


def search_index_optimise() -> None:
    """Merge the index and refresh its statistics, after writing many documents.

    search_documents_sync does it itself past BULK_OPTIMISE_AFTER documents;
    an import that syncs in smaller batches calls this once at the end, in
    its transaction. Seconds for 100,000 documents (docs/benchmarks.md).
    """
    search_backend().optimise()


def search_index_rebuild(*, keys: Iterable[str] | None = None) -> SyncCounts:
    """Re-derive the index from the content itself, for operators (`manage.py search_rebuild`).

    Indexes every public object of the registered types (or those with the
    given keys), and removes documents of objects that are gone, not public,
    or of types no longer registered. One transaction per type, so a site
    stays searchable while it runs.
    """
    types = registry.searchable_types()
    if keys is not None:
        wanted = set(keys)
        unknown = wanted - {searchable.key for searchable in types}
        if unknown:
            raise LookupError(f"No search type called {', '.join(sorted(unknown))}.")
        types = [searchable for searchable in types if searchable.key in wanted]
    indexed = removed = 0
    for searchable in types:
        content_type = ContentType.objects.get_for_model(searchable.model)
        with transaction.atomic():
            ids = searchable.model._default_manager.values_list("pk", flat=True).order_by("pk")
            for chunk in _chunks(ids.iterator(chunk_size=BULK_CHUNK), BULK_CHUNK):
                counts = _sync_chunk(searchable, chunk)
                indexed += counts.indexed
                removed += counts.removed
            # Documents whose object no longer exists at all.
            orphans = _documents_delete(
                SearchDocument.objects.filter(content_type=content_type).exclude(
                    object_id__in=searchable.model._default_manager.values("pk")
                )
            )
            removed += orphans
    if keys is None:
        registered = [
            ContentType.objects.get_for_model(searchable.model).pk for searchable in types
        ]
        stale = _documents_delete(SearchDocument.objects.exclude(content_type_id__in=registered))
        removed += stale
    search_words_recount()
    search_index_optimise()
    return SyncCounts(indexed=indexed, removed=removed)


def search_words_recount() -> int:
    """Count the vocabulary again from the documents themselves; returns how many words.

    The vocabulary is kept exact by every write; this puts it right should
    anything have written documents some other way (search_index_rebuild
    ends with it). One transaction; seconds for 100,000 documents.
    """
    counts: Counter[str] = Counter()
    rows = SearchDocument.objects.values_list("title", "body", "facets").order_by()
    for title, body, facets in rows.iterator(chunk_size=BULK_CHUNK):
        counts.update(search_words(title, body, facets))
    with transaction.atomic():
        SearchWord.objects.all().delete()
        SearchWord.objects.bulk_create(
            [SearchWord(word=word, documents=count) for word, count in sorted(counts.items())],
            batch_size=_WORDS_BATCH,
        )
    return len(counts)
