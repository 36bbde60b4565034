"""Open data, aggregate only: how many needs and offers, of what kind, where, when, and met.

Useful to funders and councils, and identifying nobody: counts only, by
month posted, council, kind of help and need or offer, of public posts. Any
count under MIN_CELL is withheld (None, "fewer than 5"), and a row whose
posts are withheld withholds its met count too, so no small group of
people can be picked out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from bigsocnorth.mutual_aid.models import Post, PostState

MIN_CELL = 5


@dataclass(frozen=True)
class CountRow:
    month: str  # "2026-11"
    area: str  # the council's name
    area_code: str  # its ONS code
    category: str
    kind: str  # need / offer
    posts: int | None  # None: fewer than MIN_CELL
    met: int | None


def _kept(value: int) -> int | None:
    return value if value >= MIN_CELL else None


def _scoped(area):
    from bigsocnorth.places.models import Region

    posts = Post.objects.public()
    if area is None:
        return posts
    if isinstance(area, Region):
        return posts.filter(local_authority__region=area)
    return posts.filter(local_authority=area)


def count_rows(*, area=None) -> list[CountRow]:
    """One row per month, council, category and kind, newest month first."""
    rows = (
        _scoped(area)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "local_authority__name", "local_authority__code", "category__name", "kind")
        .annotate(posts=Count("pk"), met=Count("pk", filter=Q(state=PostState.MET)))
        .order_by("-month", "local_authority__name", "category__name", "kind")
    )
    result = []
    for row in rows:
        posts = _kept(row["posts"])
        result.append(
            CountRow(
                month=row["month"].strftime("%Y-%m"),
                area=row["local_authority__name"],
                area_code=row["local_authority__code"],
                category=row["category__name"],
                kind=row["kind"],
                posts=posts,
                met=_kept(row["met"]) if posts is not None else None,
            )
        )
    return result


@dataclass(frozen=True)
class CategoryBar:
    category: str
    needs: int | None
    offers: int | None
    met: int | None
    share: float  # of the largest, 0 to 1, for the bar's width (0 when withheld)


def category_totals(*, area=None) -> list[CategoryBar]:
    """For the chart: needs, offers and needs met by kind of help, all time, in the area."""
    totals = (
        _scoped(area)
        .values("category__name", "category__order")
        .annotate(
            needs=Count("pk", filter=Q(kind="need")),
            offers=Count("pk", filter=Q(kind="offer")),
            met=Count("pk", filter=Q(kind="need", state=PostState.MET)),
        )
        .order_by("category__order")
    )
    rows = [
        (row["category__name"], _kept(row["needs"]), _kept(row["offers"]), row["met"])
        for row in totals
    ]
    largest = max(
        [needs or 0 for _n, needs, _o, _m in rows] + [offers or 0 for *_x, offers, _m in rows] + [1]
    )
    return [
        CategoryBar(
            category=name,
            needs=needs,
            offers=offers,
            met=_kept(met) if needs is not None else None,
            share=(needs or 0) / largest,
        )
        for name, needs, offers, met in rows
    ]
