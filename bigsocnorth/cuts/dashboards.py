"""The figures of a dashboard (the North, a region, a council), read from the tallies.

`dashboard_figures` reads a few dozen `Tally` rows, whatever the number of
cuts; `dashboard_figures_counted` adds up the cuts themselves, the way a
dashboard would without tallies. Both give the same figures: the property
test holds them equal, and the benchmark compares their cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from bigsocnorth.cuts.choices import CutKind, CutState, Sector, state_group
from bigsocnorth.cuts.models import Cut, Tally, financial_year_label
from bigsocnorth.cuts.tallies import MEASURES, NORTH, authority_scope, region_scope
from bigsocnorth.places.models import LocalAuthority, Region


@dataclass(frozen=True)
class Figures:
    cuts: int = 0
    money_yearly: int = 0  # pence
    money_one_off: int = 0
    posts_lost: int = 0
    people_affected: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, m) + getattr(other, m) for m in MEASURES))


@dataclass(frozen=True)
class Breakdown:
    value: str
    label: str
    figures: Figures


@dataclass(frozen=True)
class DashboardFigures:
    total: Figures
    by_state: tuple[Breakdown, ...]
    by_kind: tuple[Breakdown, ...]
    by_sector: tuple[Breakdown, ...]
    by_year: tuple[Breakdown, ...]
    # State groups: "open", "carried-out", "stopped".
    by_group: dict[str, Figures] = field(default_factory=dict)

    def as_comparable(self) -> dict:
        """Every figure as plain data, rows with nothing left out (for comparing two ways)."""

        def rows(breakdowns):
            return {b.value: b.figures for b in breakdowns if b.figures.cuts}

        return {
            "total": self.total,
            "state": rows(self.by_state),
            "kind": rows(self.by_kind),
            "sector": rows(self.by_sector),
            "year": rows(self.by_year),
        }


def scope_of(area: LocalAuthority | Region | None) -> str:
    if area is None:
        return NORTH
    if isinstance(area, Region):
        return region_scope(area.pk)
    return authority_scope(area.pk)


def _breakdowns(found: dict[str, Figures], choices) -> tuple[Breakdown, ...]:
    return tuple(
        Breakdown(value=value, label=str(label), figures=found.get(value, Figures()))
        for value, label in choices
    )


def _years(found: dict[str, Figures]) -> tuple[Breakdown, ...]:
    known = sorted((value for value in found if value), key=int)
    rows = [Breakdown(value, financial_year_label(int(value)), found[value]) for value in known]
    if found.get("", Figures()).cuts:
        rows.append(Breakdown("", "Year not known", found[""]))
    return tuple(rows)


def _assemble(rows: dict[tuple[str, str], Figures]) -> DashboardFigures:
    def of(dimension):
        return {value: figures for (dim, value), figures in rows.items() if dim == dimension}

    by_state = _breakdowns(of("state"), CutState.choices)
    groups: dict[str, Figures] = {"open": Figures(), "carried-out": Figures(), "stopped": Figures()}
    for row in by_state:
        group = state_group(row.value)
        groups[group] = groups[group] + row.figures
    return DashboardFigures(
        total=rows.get(("all", ""), Figures()),
        by_state=by_state,
        by_kind=_breakdowns(of("kind"), CutKind.choices),
        by_sector=_breakdowns(of("sector"), Sector.choices),
        by_year=_years(of("year")),
        by_group=groups,
    )


def dashboard_figures(area: LocalAuthority | Region | None) -> DashboardFigures:
    """The dashboard's figures from the tallies: one query, a few dozen rows."""
    rows = {
        (tally.dimension, tally.value): Figures(*(getattr(tally, m) for m in MEASURES))
        for tally in Tally.objects.filter(scope=scope_of(area))
    }
    return _assemble(rows)


def _counted_cuts(area):
    cuts = Cut.objects.public().filter(merged_into__isnull=True)
    if isinstance(area, Region):
        return cuts.filter(local_authority__region=area)
    if isinstance(area, LocalAuthority):
        return cuts.filter(local_authority=area)
    return cuts


_SUMS = {
    "cuts": Count("pk"),
    "money_yearly": Coalesce(Sum("money_yearly"), 0),
    "money_one_off": Coalesce(Sum("money_one_off"), 0),
    "posts_lost": Coalesce(Sum("posts_lost"), 0),
    "people_affected": Coalesce(Sum("people_affected"), 0),
}


def dashboard_figures_counted(area: LocalAuthority | Region | None) -> DashboardFigures:
    """The same figures, added up from every public cut in the area (the naive way)."""
    cuts = _counted_cuts(area)
    rows: dict[tuple[str, str], Figures] = {}
    total = cuts.aggregate(**_SUMS)
    if total["cuts"]:
        rows[("all", "")] = Figures(**total)
    for dimension, column in (
        ("state", "state"),
        ("kind", "kind"),
        ("sector", "sector"),
        ("year", "financial_year"),
    ):
        for row in cuts.values(column).annotate(**_SUMS).order_by():
            value = row.pop(column)
            rows[(dimension, "" if value is None else str(value))] = Figures(**row)
    return _assemble(rows)


def authority_figures(*, region: Region | None = None) -> dict[int, Figures]:
    """Each council's figures (for the choropleth), by local authority id, from the tallies."""
    tallies = Tally.objects.filter(dimension="all", scope__startswith="authority:")
    figures = {
        int(tally.scope.split(":", 1)[1]): Figures(*(getattr(tally, m) for m in MEASURES))
        for tally in tallies
    }
    if region is not None:
        wanted = set(region.local_authorities.values_list("pk", flat=True))
        figures = {pk: value for pk, value in figures.items() if pk in wanted}
    return figures
