"""Every local authority's outline in one GeoJSON FeatureCollection, built once per process.

The map page draws these as a light layer, so the map still shows where
things are when tiles cannot load. The outlines change only with a data
migration (and a restart), so the encoded document and its ETag are kept
in memory and sent as they are: no query, no JSON encoding per request.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings

from bigsocnorth.core.process_cache import BuiltOnce
from bigsocnorth.places.models import Region
from bigsocnorth.places.selectors import area_outline_geojson


@dataclass(frozen=True)
class AreaOutlines:
    body: bytes  # UTF-8 GeoJSON
    etag: str  # a strong validator, quoted as HTTP wants it
    bbox: tuple[float, float, float, float]  # west, south, east, north of the whole North
    count: int  # how many outlines


def _build() -> AreaOutlines | None:
    features: list[dict] = []
    for region in Region.objects.prefetch_related("local_authorities"):
        for feature in area_outline_geojson(area=region)["features"]:
            feature["properties"]["region"] = region.slug
            features.append(feature)
    if not features:
        # An empty database (before the data migration, or between tests):
        # nothing worth keeping for the life of the process.
        return None
    features.sort(key=lambda feature: feature["properties"]["code"])
    bbox = (
        min(feature["bbox"][0] for feature in features),
        min(feature["bbox"][1] for feature in features),
        max(feature["bbox"][2] for feature in features),
        max(feature["bbox"][3] for feature in features),
    )
    collection = {
        "type": "FeatureCollection",
        # Not an RFC 7946 member, but kept with the data as the licence asks.
        "attribution": settings.BOUNDARY_ATTRIBUTION,
        "bbox": list(bbox),
        "features": features,
    }
    body = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return AreaOutlines(body=body, etag=etag, bbox=bbox, count=len(features))


_outlines: BuiltOnce[AreaOutlines | None] = BuiltOnce(_build)


def area_outlines_get() -> AreaOutlines | None:
    """The outlines of all local authorities of the North; None while none are loaded."""
    # BuiltOnce keeps no None: an empty database is looked at again next time.
    return _outlines.get()


def area_outlines_reset() -> None:
    _outlines.reset()
