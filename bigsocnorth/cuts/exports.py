"""Threats and cuts as open data: the rows of a CSV, GeoJSON features, read in chunks.

Any filtered list can be downloaded: the rows are read in keyset-paged
chunks and written as they come, so a download of every cut costs the same
memory as one of ten. Councils are identified by their ONS GSS codes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import QuerySet

from bigsocnorth.core.feeds import absolute_url
from bigsocnorth.cuts.models import Cut
from bigsocnorth.cuts.selectors import CutFilters, cuts_filter

CHUNK = 1_000

CSV_HEADER = [
    "id", "url", "title", "state", "state_since", "kind", "sector", "affected",
    "decided_by", "decided_by_code", "local_authority", "local_authority_code",
    "money_yearly_gbp", "money_one_off_gbp", "financial_year", "posts_lost", "people_affected",
    "people_estimate_basis", "announced_on", "consultation_closes_on", "decision_due_on",
    "takes_effect_on", "verification", "confirmations", "place_name", "latitude", "longitude",
    "published_at",
]  # fmt: skip


def _pounds(pence: int | None):
    return None if pence is None else Decimal(pence) / 100


def export_cuts(filters: CutFilters) -> Iterator[Cut]:
    """Every public cut matching the filters, newest first, in chunks by id."""
    cuts: QuerySet[Cut] = cuts_filter(Cut.objects.public(), filters).select_related(
        "entry", "decided_by_authority", "local_authority"
    ).defer("local_authority__boundary", "decided_by_authority__boundary", "tallied")  # fmt: skip
    last = None
    while True:
        chunk = cuts.order_by("-pk")
        if last is not None:
            chunk = chunk.filter(pk__lt=last)
        rows = list(chunk[:CHUNK])
        yield from rows
        if len(rows) < CHUNK:
            return
        last = rows[-1].pk


def csv_row(cut: Cut) -> list:
    council = cut.decided_by_authority
    return [
        cut.uuid,
        absolute_url(cut.get_absolute_url()),
        cut.title,
        cut.state,
        cut.state_since,
        cut.kind,
        cut.sector,
        cut.affected,
        cut.decided_by,
        council.code if council else "",
        cut.local_authority.name,
        cut.local_authority.code,
        _pounds(cut.money_yearly),
        _pounds(cut.money_one_off),
        cut.financial_year_label,
        cut.posts_lost,
        cut.people_affected,
        cut.people_basis,
        cut.announced_on,
        cut.consultation_closes_on,
        cut.decision_due_on,
        cut.takes_effect_on,
        cut.verification,
        cut.confirmation_count,
        cut.place_name,
        cut.latitude,
        cut.longitude,
        cut.published_at,
    ]


def csv_rows(filters: CutFilters) -> Iterator[list]:
    for cut in export_cuts(filters):
        yield csv_row(cut)


def _feature(cut: Cut) -> dict:
    properties = dict(zip(CSV_HEADER, csv_row(cut), strict=True))
    for name in ("latitude", "longitude"):
        properties.pop(name)
    for name, value in properties.items():
        if not isinstance(value, str | int | float | type(None)):
            properties[name] = str(value) if not isinstance(value, Decimal) else float(value)
    return {
        "type": "Feature",
        "id": f"cuts-{cut.pk}",
        # A cut of a whole area has no point: RFC 7946 allows a feature without a geometry.
        "geometry": {"type": "Point", "coordinates": [cut.longitude, cut.latitude]}
        if cut.has_place
        else None,
        "properties": properties,
    }


def geojson_chunks(filters: CutFilters) -> Iterator[str]:
    """An RFC 7946 FeatureCollection, piece by piece (one feature per line)."""
    yield '{"type": "FeatureCollection", "features": [\n'
    first = True
    for cut in export_cuts(filters):
        yield ("" if first else ",\n") + json.dumps(_feature(cut), ensure_ascii=False)
        first = False
    yield "\n]}\n"
