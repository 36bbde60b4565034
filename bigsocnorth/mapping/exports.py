"""What is filtered on the map, as GeoJSON and CSV, streamed so memory stays flat.

Both read the items in keyset-paged chunks (selectors.map_item_export) and
write each as it comes, so a million items cost the same memory as ten.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.conf import settings

from bigsocnorth.mapping.models import MapItem
from bigsocnorth.mapping.selectors import MapQuery, map_item_export

CSV_HEADER = [
    "layer", "id", "title", "url", "kind", "category", "latitude", "longitude", "published_at",
]  # fmt: skip


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def _feature(item: MapItem) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [item.longitude, item.latitude]},
        "properties": {
            "layer": item.layer,
            "id": item.object_id,
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
