"""Writes to the map: items and their cluster counts, always together, in the caller's transaction.

Every change is a set of signed deltas (+1 for a point that appears in a
cell, -1 for one that leaves it) applied to both count tables in one
multi-row upsert each, so an edit costs a handful of statements whatever
the zoom levels. The object's own row is locked first: two edits of the
same thing queue instead of both subtracting the same old points.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Model

from bigsocnorth.mapping import registry
from bigsocnorth.mapping.geo import AGGREGATE_ZOOMS, cell_shift, mercator_x, mercator_y
from bigsocnorth.mapping.models import MapAreaCell, MapCategorySet, MapCell, MapItem
from bigsocnorth.mapping.registry import MapPoint
from bigsocnorth.moderation.permissions import is_visible_to

UPSERT_CHUNK = 300
BULK_CHUNK = 2000

# What the counts of an item depend on: a change in any of these moves it
# between cells or filters; anything else is a plain update of the item.
_COUNTED = ("layer", "kind", "category_set_id", "local_authority_id", "latitude", "longitude")


@dataclass
class SyncCounts:
    added: int = 0
    removed: int = 0
    updated: int = 0


class _Deltas:
    """Signed changes to the two count tables, merged by key before they are written."""

    def __init__(self) -> None:
        self.cells: dict[tuple, list] = defaultdict(lambda: [0, 0.0, 0.0, 0])
        self.area_cells: dict[tuple, list] = defaultdict(lambda: [0, 0.0, 0.0, 0])

    def add(self, item: MapItem, sign: int) -> None:
        """Count the item in (+1) or out (-1); it must be saved (its id is summed)."""
        for zoom in AGGREGATE_ZOOMS:
            shift = cell_shift(zoom)
            key = (zoom, item.mx >> shift, item.my >> shift, item.layer, item.kind,
                   item.category_set_id)  # fmt: skip
            for table, full_key in (
                (self.cells, key),
                (self.area_cells, (*key, item.local_authority_id)),
            ):
                delta = table[full_key]
                delta[0] += sign
                delta[1] += sign * item.latitude
                delta[2] += sign * item.longitude
                delta[3] += sign * item.pk

    def write(self) -> None:
        statements = _upserts(
            MapCell, ["zoom", "cx", "cy", "layer", "kind", "category_set_id"], self.cells
        ) + _upserts(
            MapAreaCell,
            ["zoom", "cx", "cy", "layer", "kind", "category_set_id", "local_authority_id"],
            self.area_cells,
        )
        if connection.vendor == "postgresql" and len(statements) == 2:
            # An edit's two upserts in one round trip: a data-modifying WITH
            # runs to completion whether or not the main statement reads it.
            (first, first_params), (second, second_params) = statements
            statements = [(f"WITH cells AS ({first}) {second}", first_params + second_params)]
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)


def _upserts(model: type[Model], key_columns: list[str], deltas: dict[tuple, list]) -> list:
    """The statements, with their parameters, that add the deltas to a count table."""
    rows = sorted((key, delta) for key, delta in deltas.items() if any(delta))
    table = model._meta.db_table
    columns = [*key_columns, "count", "sum_latitude", "sum_longitude", "sum_item_id"]
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # Sorted keys: concurrent writers lock rows in the same order (no deadlock).
    statements = []
    for start in range(0, len(rows), UPSERT_CHUNK):
        chunk = rows[start : start + UPSERT_CHUNK]
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - names are constants
            f"VALUES {', '.join([placeholder] * len(chunk))} "
            f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET "
            f"count = {table}.count + excluded.count, "
            f"sum_latitude = {table}.sum_latitude + excluded.sum_latitude, "
            f"sum_longitude = {table}.sum_longitude + excluded.sum_longitude, "
            f"sum_item_id = {table}.sum_item_id + excluded.sum_item_id"
        )
        params: list = []
        for key, (count, latitude, longitude, item_ids) in chunk:
            params += [*key, int(count), latitude, longitude, int(item_ids)]
        statements.append((sql, params))
    return statements


class _CategorySets:
    """Category combination ids, looked up once per sync (one query for many items)."""

    def __init__(self) -> None:
        self._ids: dict[str, int] | None = None

    def id_for(self, slugs: Iterable[str]) -> int:
        if self._ids is None:
            self._ids = dict(MapCategorySet.objects.values_list("key", "pk"))
        key = " ".join(sorted(set(slugs)))
        if key not in self._ids:
            self._ids[key] = MapCategorySet.objects.get_or_create(key=key)[0].pk
        return self._ids[key]


def _item(
    layer: str, content_type: ContentType, object_id: int, point: MapPoint, sets: _CategorySets
) -> MapItem:
    return MapItem(
        layer=layer,
        content_type=content_type,
        object_id=object_id,
        place_key=point.place_key,
        title=point.title[:300],
        url=point.url[:500],
        kind=point.kind,
        category=point.categories[0] if point.categories else "",
        category_set_id=sets.id_for(point.categories),
        local_authority_id=point.local_authority_id,
        published_at=point.published_at,
        latitude=point.latitude,
        longitude=point.longitude,
        mx=mercator_x(point.longitude),
        my=mercator_y(point.latitude),
    )


def _wanted_points(layer: registry.MapLayer, obj: Model) -> list[MapPoint]:
    """The points the object should have on the map: none unless it is public."""
    if not is_visible_to(user=None, obj=obj):
        return []
    return layer.points(obj)


def _sync(
    layer: registry.MapLayer,
    content_type: ContentType,
    obj_pk: int,
    points: list[MapPoint],
    existing: list[MapItem],
    deltas: _Deltas,
    counts: SyncCounts,
    sets: _CategorySets,
) -> tuple[list[MapItem], list[MapItem]]:
    """Work out what changes for one object; returns (items to create, items to update).

    The items to create are counted in by the caller once they are saved.
    """
    by_key = {item.place_key: item for item in existing}
    to_create: list[MapItem] = []
    to_update: list[MapItem] = []
    to_delete: list[int] = []
    for point in points:
        new = _item(layer.key, content_type, obj_pk, point, sets)
        old = by_key.pop(point.place_key, None)
        if old is None:
            to_create.append(new)
            counts.added += 1
            continue
        new.pk = old.pk
        if any(getattr(old, name) != getattr(new, name) for name in _COUNTED):
            deltas.add(old, -1)
            deltas.add(new, +1)
            to_update.append(new)
            counts.updated += 1
        elif any(
            getattr(old, name) != getattr(new, name)
            for name in ("title", "url", "category", "published_at")
        ):
            to_update.append(new)
            counts.updated += 1
    for old in by_key.values():
        deltas.add(old, -1)
        to_delete.append(old.pk)
        counts.removed += 1
    if to_delete:
        MapItem.objects.filter(pk__in=to_delete).delete()
    return to_create, to_update


_UPDATABLE = [
    "title", "url", "kind", "category", "category_set_id", "local_authority_id",
    "published_at", "latitude", "longitude", "mx", "my",
]  # fmt: skip


def map_items_sync(*, obj: Model) -> SyncCounts:
    """Make the object's points on the map what it is now (none unless published).

    Call inside the transaction that changed the object, after it is saved.
    Locks the object's row, so two changes of the same object apply one
    after the other. A model that is not a map layer is left alone.
    """
    layer = registry.layer_for_model(type(obj))
    counts = SyncCounts()
    if layer is None:
        return counts
    content_type = ContentType.objects.get_for_model(obj)
    # No savepoint of its own: a failure here fails the caller's transaction
    # anyway, and the savepoint's two round trips were a tenth of an edit.
    with transaction.atomic(savepoint=False):
        # Serialise changes of one object (PostgreSQL); SQLite's writers queue anyway.
        type(obj).objects.select_for_update().filter(pk=obj.pk).values_list("pk").first()
        existing = list(MapItem.objects.filter(content_type=content_type, object_id=obj.pk))
        deltas = _Deltas()
        points = _wanted_points(layer, obj)
        to_create, to_update = _sync(
            layer, content_type, obj.pk, points, existing, deltas, counts, _CategorySets()
        )
        for item in MapItem.objects.bulk_create(to_create):
            deltas.add(item, +1)
        if len(to_update) == 1:
            # The usual edit: Django builds bulk_update's CASE per field even
            # for one row, 3-4 ms on PostgreSQL against 1 ms for this.
            to_update[0].save(update_fields=_UPDATABLE)
        elif to_update:
            MapItem.objects.bulk_update(to_update, _UPDATABLE)
        deltas.write()
    return counts


def map_items_remove(*, obj: Model) -> SyncCounts:
    """Take every point of the object off the map (it is deleted, or no longer a layer)."""
    content_type = ContentType.objects.get_for_model(obj)
    counts = SyncCounts()
    with transaction.atomic():
        existing = list(MapItem.objects.filter(content_type=content_type, object_id=obj.pk))
        deltas = _Deltas()
        for item in existing:
            deltas.add(item, -1)
        MapItem.objects.filter(pk__in=[item.pk for item in existing]).delete()
        deltas.write()
        counts.removed = len(existing)
    return counts


def map_items_sync_many(*, objs: Iterable[Model]) -> SyncCounts:
    """map_items_sync for many objects of one layer at once (imports, rebuilds).

    Reads the existing items in chunks and writes the counts once per chunk.
    Call inside a transaction; the objects should come from the layer's
    queryset so that reading their points makes no query per object.
    """
    counts = SyncCounts()
    batch: list[Model] = []
    for obj in objs:
        batch.append(obj)
        if len(batch) >= BULK_CHUNK:
            _sync_batch(batch, counts)
            batch = []
    if batch:
        _sync_batch(batch, counts)
    return counts


def _sync_batch(objs: list[Model], counts: SyncCounts) -> None:
    layer = registry.layer_for_model(type(objs[0]))
    if layer is None:
        return
    pks = [obj.pk for obj in objs]
    # Read again through the layer's queryset: fresh, and with what points() reads
    # prefetched (one query per relation for the batch, not per object). An
    # object that is gone keeps no points.
    fresh = {obj.pk: obj for obj in layer.objects().filter(pk__in=pks)}
    content_type = ContentType.objects.get_for_model(layer.model)
    existing: dict[int, list[MapItem]] = defaultdict(list)
    for item in MapItem.objects.filter(content_type=content_type, object_id__in=pks):
        existing[item.object_id].append(item)
    deltas = _Deltas()
    sets = _CategorySets()
    to_create: list[MapItem] = []
    to_update: list[MapItem] = []
    with transaction.atomic():
        for pk in pks:
            obj = fresh.get(pk)
            points = _wanted_points(layer, obj) if obj is not None else []
            created, updated = _sync(
                layer, content_type, pk, points, existing.get(pk, []), deltas, counts, sets
            )
            to_create += created
            to_update += updated
        for item in MapItem.objects.bulk_create(to_create, batch_size=1000):
            deltas.add(item, +1)
        if to_update:
            MapItem.objects.bulk_update(to_update, _UPDATABLE, batch_size=1000)
        deltas.write()


def map_counts_rebuild() -> None:
    """Recount every cell from the items, in SQL (operators; after a bulk load).

    One transaction: the counts are replaced as a whole. Rows are written
    in key order, so a cell's rows share disk pages: a viewport then reads
    two to three times fewer pages (docs/benchmarks.md).
    """
    item_table = MapItem._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        for model, extra in ((MapCell, ""), (MapAreaCell, ", local_authority_id")):
            table = model._meta.db_table
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - names are constants
            for zoom in AGGREGATE_ZOOMS:
                shift = cell_shift(zoom)
                dimensions = f"layer, kind, category_set_id{extra}"
                cursor.execute(
                    f"INSERT INTO {table} (zoom, cx, cy, {dimensions}, "  # noqa: S608
                    "count, sum_latitude, sum_longitude, sum_item_id) "
                    f"SELECT %s, mx >> {shift}, my >> {shift}, {dimensions}, "
                    "COUNT(*), SUM(latitude), SUM(longitude), SUM(id) "
                    f"FROM {item_table} GROUP BY mx >> {shift}, my >> {shift}, {dimensions} "
                    f"ORDER BY mx >> {shift}, my >> {shift}, {dimensions}",
                    [zoom],
                )


def map_rebuild(*, layer_keys: Iterable[str] | None = None) -> SyncCounts:
    """Re-derive the map from the content itself (operators: `manage.py map_rebuild`)."""
    counts = SyncCounts()
    wanted = set(layer_keys) if layer_keys is not None else None
    for layer in registry.map_layers():
        if wanted is not None and layer.key not in wanted:
            continue
        with transaction.atomic():
            result = map_items_sync_many(objs=layer.objects().iterator(chunk_size=BULK_CHUNK))
        counts.added += result.added
        counts.removed += result.removed
        counts.updated += result.updated
    with transaction.atomic():
        for layer in registry.map_layers():
            gone = MapItem.objects.filter(
                content_type=ContentType.objects.get_for_model(layer.model)
            ).exclude(object_id__in=layer.model.objects.values("pk"))
            counts.removed += gone.delete()[0]
        map_counts_rebuild()
        MapCell.objects.filter(count=0).delete()
        MapAreaCell.objects.filter(count=0).delete()
    return counts
