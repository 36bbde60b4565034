"""Helpers for map tests: entries on the map, and brute-force counts to check clusters against."""

from __future__ import annotations

import pytest

from bigsocnorth.directory.models import Category, EntryKind
from bigsocnorth.mapping.geo import MAX_ZOOM, cell_of
from bigsocnorth.mapping.models import MapAreaCell, MapCell, MapItem
from bigsocnorth.mapping.selectors import check_map_query, map_feature_collection
from bigsocnorth.mapping.services import map_counts_rebuild

# A box around the whole North.
NORTH = "-3.7,53.2,0.2,55.9"


@pytest.fixture
def moderator_author(db):
    from bigsocnorth.accounts.models import Role
    from bigsocnorth.accounts.tests.factories import UserFactory

    return UserFactory(role=Role.MODERATOR)


@pytest.fixture
def add_entry(moderator_author):
    """Create a published entry through the directory's own service (which maps it)."""
    from bigsocnorth.directory.entries import services

    def add(name, *points, kind="organisation", categories=(), approximate=False):
        return services.entry_create(
            author=moderator_author,
            not_a_duplicate=True,
            name=name,
            kind=EntryKind.objects.get(slug=kind),
            sector="voluntary",
            categories=list(Category.objects.filter(slug__in=categories)),
            places=[{"latitude": lat, "longitude": lon} for lat, lon in points],
            approximate_location=approximate,
        )

    return add


def brute_force_count(query) -> int:
    """Items inside the covered box that the filters keep, counted one by one."""
    return len(brute_force_items(query))


def brute_force_items(query) -> list[MapItem]:
    """Items inside the covered box that the filters keep, checked one by one."""
    mx_min, mx_max, my_min, my_max = query.cells.mercator_bounds()
    kept = []
    for item in MapItem.objects.all():
        if not (mx_min <= item.mx <= mx_max and my_min <= item.my <= my_max):
            continue
        if query.layers and item.layer not in query.layers:
            continue
        if query.kinds and item.kind not in query.kinds:
            continue
        if query.categories and not set(query.categories) & set(item.category_set.slugs):
            continue
        if query.area is not None and item.local_authority_id not in query.area_ids:
            continue
        if query.since_at is not None and (
            item.published_at is None or item.published_at < query.since_at
        ):
            continue
        kept.append(item)
    return kept


def assert_counts_exact(**filters) -> None:
    """At every zoom, the features add up to the brute-force count, and the stored
    counts are exactly what a recount from the items gives."""
    for zoom in range(0, MAX_ZOOM + 1):
        query = check_map_query(bbox=NORTH, zoom=zoom, max_cells=None, **filters)
        collection = map_feature_collection(query=query)
        features = collection["features"]
        total = sum(f["properties"]["count"] if f["properties"]["cluster"] else 1 for f in features)
        kept = brute_force_items(query)
        assert total == collection["count"] == len(kept), (zoom, filters, total, len(kept))
        # Each single is one of those items, at its own place.
        places = {
            (item.layer, item.object_id, round(item.longitude, 6), round(item.latitude, 6),
             item.title)
            for item in kept
        }  # fmt: skip
        for feature in features:
            properties = feature["properties"]
            if properties["cluster"]:
                # It splits at the first zoom where its items fall into two cells.
                _, _, cx, cy = feature["id"].split("-")
                inside = [
                    item for item in kept if cell_of(item.mx, item.my, zoom) == (int(cx), int(cy))
                ]
                assert len(inside) == properties["count"], (zoom, filters, feature)
                split = next(
                    (
                        level
                        for level in range(zoom + 1, MAX_ZOOM + 1)
                        if len({cell_of(item.mx, item.my, level) for item in inside}) > 1
                    ),
                    None,
                )
                assert properties["split_zoom"] == split, (zoom, filters, feature)
            else:
                single = (
                    properties["layer"],
                    properties["object_id"],
                    *feature["geometry"]["coordinates"],
                    properties["title"],
                )
                assert single in places, (zoom, filters, single)
    stored = _stored_counts()
    map_counts_rebuild()
    assert _stored_counts() == stored


def _stored_counts():
    def rows(model, *extra):
        return {
            tuple(key): (count, item_ids)
            for *key, count, item_ids in model.objects.filter(count__gt=0).values_list(
                "zoom",
                "cx",
                "cy",
                "layer",
                "kind",
                "category_set_id",
                *extra,
                "count",
                "sum_item_id",
            )
        }

    return rows(MapCell), rows(MapAreaCell, "local_authority_id")
