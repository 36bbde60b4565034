"""Open data pages: aggregate counts of needs and offers, as a page, CSV and JSON."""

from __future__ import annotations

from dataclasses import asdict

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bigsocnorth.core.csv import csv_response
from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.mutual_aid.opendata import MIN_CELL, category_totals, count_rows
from bigsocnorth.places.selectors import area_get_by_slug

HEADER = ["month", "area", "area_code", "category", "kind", "posts", "met"]


def _area(request):
    slug = request.GET.get("area", "").strip()
    if not slug:
        return None
    area = area_get_by_slug(slug=slug[:100], boundaries=False)
    if area is None:
        raise Http404
    return area


@require_GET
@cached_for_visitors
def open_data(request):
    area = _area(request)
    suffix = f"?area={area.slug}" if area is not None else ""
    return render(
        request,
        "mutual_aid/open_data.html",
        {
            "area": area,
            "bars": category_totals(area=area),
            "min_cell": MIN_CELL,
            "suffix": suffix,
        },
    )


@require_GET
@cached_for_visitors
def counts_csv(request):
    area = _area(request)
    rows = ([getattr(row, name) for name in HEADER] for row in count_rows(area=area))
    name = f"needs-and-offers-{area.slug}.csv" if area is not None else "needs-and-offers.csv"
    return csv_response(filename=name, header=HEADER, rows=rows)


@require_GET
@cached_for_visitors
def counts_json(request):
    area = _area(request)
    return JsonResponse(
        {
            "withheld_below": MIN_CELL,
            "area": area.slug if area is not None else None,
            "rows": [asdict(row) for row in count_rows(area=area)],
        }
    )
