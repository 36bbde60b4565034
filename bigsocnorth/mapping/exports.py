"""What is filtered on the map, as GeoJSON and CSV, streamed so memory stays flat.

Every feature has an RFC 7946 `id` that is unique and stable ("directory-5-0":
layer, object, which of its places), so GIS tools can take it as the feature
id; the object's own id is the property `object_id` (it repeats across layers).

Both read the items in keyset-paged chunks (selectors.map_item_export) and
write each as it comes, so a million items cost the same memory as ten.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.conf import settings

from bigsocnorth.mapping.models import MapItem
from bigsocnorth.mapping.selectors import MapQuery, feature_id, map_item_export

CSV_HEADER = [
    "feature_id", "layer", "object_id", "title", "url", "kind", "category", "latitude",
    "longitude", "published_at",
]  # fmt: skip


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def _feature(item: MapItem) -> dict:
    return {
        "type": "Feature",
        # Unique across layers and places, and stable: GIS tools take it as the feature id.
        "id": feature_id(item),
        "geometry": {"type": "Point", "coordinates": [item.longitude, item.latitude]},
        "properties": {
            "layer": item.layer,
            "object_id": item.object_id,
            "title": item.title,
            "url": _absolute(item.url),
            "kind": item.kind,
            "category": item.category,
            "published_at": item.published_at.isoformat() if item.published_at else None,
        },
    }


def geojson_chunks(*, query: MapQuery) -> Iterator[str]:
    """An RFC 7946 FeatureCollection, piece by piece (one feature per line)."""
    yield '{"type": "FeatureCollection", "features": [\n'
    first = True
    for item in map_item_export(query=query):
        yield ("" if first else ",\n") + json.dumps(_feature(item), ensure_ascii=False)
        first = False
    yield "\n]}\n"


def csv_rows(*, query: MapQuery) -> Iterator[list]:
    for item in map_item_export(query=query):
        yield [
            feature_id(item),
            item.layer,
            item.object_id,
            item.title,
            _absolute(item.url),
            item.kind,
            item.category,
            item.latitude,
            item.longitude,
            item.published_at,
        ]
