"""Dashboards for the North, each region and each council: figures, charts, a map, a PNG.

The figures come from the tallies (dashboards.py); the charts are drawn on
the server as SVG with a table under each and the CSV behind it, so they
read without JavaScript, at 360 px and in print.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from bigsocnorth.core.csv import csv_response
from bigsocnorth.core.feeds import absolute_url
from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.cuts import selectors
from bigsocnorth.cuts.charts import AreaValue, Bar, BarChart, choropleth_build, share_image_png
from bigsocnorth.cuts.dashboards import DashboardFigures, authority_figures, dashboard_figures
from bigsocnorth.cuts.money import money_format
from bigsocnorth.cuts.sections import dashboard_url
from bigsocnorth.places.models import LocalAuthority, Region

BIGGEST = 5


def _area_for(scope: str):
    """ "north", "region-<slug>" or "council-<slug>" → (area or None); Http404 if unknown."""
    if scope == "north":
        return None
    kind, _sep, slug = scope.partition("-")
    model = {"region": Region, "council": LocalAuthority}.get(kind)
    if model is None:
        raise Http404
    area = (
        model.objects.filter(slug=slug)
        .defer(*(["boundary"] if model is LocalAuthority else []))
        .first()
    )
    if area is None:
        raise Http404
    return area


def scope_key(area) -> str:
    if area is None:
        return "north"
    return f"{'region' if isinstance(area, Region) else 'council'}-{area.slug}"


def _name(area) -> str:
    return _("the North") if area is None else area.name


def _list_url(area, **query) -> str:
    if area is not None:
        query = {"area": area.slug, **query}
    return reverse("cuts:cut_list") + (f"?{urlencode(query)}" if query else "")


# Each chart: what it breaks down, by which measure, and how it is titled.
CHARTS = {
    "by-state": ("by_state", "cuts", "state", gettext_lazy("Cuts by state")),
    "money-by-state": ("by_state", "money_yearly", "state", gettext_lazy("Money a year by state")),
    "by-kind": ("by_kind", "cuts", "kind", gettext_lazy("Cuts by kind")),
    "by-sector": ("by_sector", "cuts", "sector", gettext_lazy("Cuts by sector")),
    "money-by-sector": (
        "by_sector",
        "money_yearly",
        "sector",
        gettext_lazy("Money a year by sector"),
    ),
    "by-year": ("by_year", "cuts", "", gettext_lazy("Cuts by financial year")),
    "money-by-year": (
        "by_year",
        "money_yearly",
        "",
        gettext_lazy("Money a year by financial year"),
    ),
}


LABEL_HEADINGS = {
    "by_state": gettext_lazy("State"),
    "by_kind": gettext_lazy("Kind"),
    "by_sector": gettext_lazy("Sector"),
    "by_year": gettext_lazy("Financial year"),
}


def _display(measure: str, value: int) -> str:
    return money_format(value) if measure.startswith("money") else f"{value:,}"


def _chart(key: str, figures: DashboardFigures, area) -> BarChart:
    attribute, measure, filter_name, title = CHARTS[key]
    breakdowns = [b for b in getattr(figures, attribute) if getattr(b.figures, measure)]
    bars = tuple(
        Bar(
            label=b.label,
            value=getattr(b.figures, measure),
            display=_display(measure, getattr(b.figures, measure)),
            url=_list_url(area, **{filter_name: b.value}) if filter_name else "",
        )
        for b in breakdowns
    )
    top = max(bars, key=lambda bar: bar.value, default=None)
    description = (
        _("%(title)s in %(area)s. The largest is %(label)s: %(value)s.")
        % {"title": title, "area": _name(area), "label": top.label, "value": top.display}
        if top
        else _("Nothing to show yet.")
    )
    return BarChart(
        key=key,
        title=str(title),
        description=description,
        value_heading=_("Money a year") if measure.startswith("money") else _("Cuts"),
        bars=bars,
        csv_url=reverse("cuts:chart_csv", kwargs={"scope": scope_key(area), "chart": key}),
        label_heading=LABEL_HEADINGS[attribute],
    )


def _choropleth(area):
    if isinstance(area, LocalAuthority):
        return None
    figures = authority_figures(region=area)
    return choropleth_build(
        key="cuts-by-council",
        title=_("Cuts reported by council"),
        description=_("The number of public reports of threats and cuts in each council's area."),
        value_heading=_("Cuts"),
        values=[
            AreaValue(local_authority_id=pk, value=f.cuts, display=f"{f.cuts:,}")
            for pk, f in figures.items()
            if f.cuts
        ],
        area_url=lambda slug: reverse("cuts:dashboard_council", kwargs={"slug": slug}),
        region_id=area.pk if isinstance(area, Region) else None,
    )


def _iframe(src: str, title: str, height: int) -> str:
    """An <iframe> for a partner's page, as text to copy (the template escapes it for show)."""
    return (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="100%" height="{height}" '
        'style="border: 0" loading="lazy"></iframe>'
    )


def _embed_codes(area) -> list[tuple[str, str]]:
    """A council's cuts for partner sites: the list, and the map's cuts layer for its area."""
    if not isinstance(area, LocalAuthority):
        return []
    list_src = absolute_url(reverse("cuts:council_embed", kwargs={"slug": area.slug}))
    map_src = (
        absolute_url(reverse("mapping:embed"))
        + "?"
        + urlencode({"layer": "cuts", "area": area.slug})
    )
    return [
        (
            _("The list"),
            _iframe(list_src, _("Threats and cuts in %(area)s") % {"area": area.name}, 480),
        ),
        (
            _("The map"),
            _iframe(map_src, _("Map of threats and cuts in %(area)s") % {"area": area.name}, 600),
        ),
    ]


def _dashboard(request, area):
    figures = dashboard_figures(area)
    scope = scope_key(area)
    return render(
        request,
        "cuts/dashboard.html",
        {
            "area": area,
            "area_name": _name(area),
            "is_council": isinstance(area, LocalAuthority),
            "figures": figures,
            "open": figures.by_group["open"],
            "carried_out": figures.by_group["carried-out"],
            "stopped": figures.by_group["stopped"],
            "charts": [_chart(key, figures, area) for key in CHARTS],
            "choropleth": _choropleth(area),
            "biggest": selectors.biggest_open_threats(area=area, limit=BIGGEST),
            "due": selectors.decisions_due(area=area, limit=10),
            "list_url": _list_url(area),
            "csv_url": reverse("cuts:cuts_csv") + (f"?area={area.slug}" if area else ""),
            "share_url": reverse("cuts:share_image", kwargs={"scope": scope}),
            "share_image_url": absolute_url(reverse("cuts:share_image", kwargs={"scope": scope})),
            "regions": Region.objects.order_by("name") if area is None else [],
            "page_url": dashboard_url(area),
            "embed_codes": _embed_codes(area),
        },
    )


@require_GET
@cached_for_visitors
def dashboard_north(request):
    return _dashboard(request, None)


@require_GET
@cached_for_visitors
def dashboard_region(request, slug: str):
    return _dashboard(request, _area_for(f"region-{slug}"))


@require_GET
@cached_for_visitors
def dashboard_council(request, slug: str):
    return _dashboard(request, _area_for(f"council-{slug}"))


@require_GET
def chart_csv(request, scope: str, chart: str):
    """The table behind one chart, as CSV (money in pounds, as a spreadsheet adds it up)."""
    if chart not in CHARTS:
        raise Http404
    area = _area_for(scope)
    attribute, _measure, _filter, _title = CHARTS[chart]
    rows = [
        (
            b.label,
            b.figures.cuts,
            b.figures.money_yearly / 100,
            b.figures.money_one_off / 100,
            b.figures.posts_lost,
            b.figures.people_affected,
        )
        for b in getattr(dashboard_figures(area), attribute)
    ]
    return csv_response(
        filename=f"{scope}-{chart}.csv",
        header=[
            "",
            "cuts",
            "money_yearly_gbp",
            "money_one_off_gbp",
            "posts_lost",
            "people_affected",
        ],
        rows=rows,
    )


@require_GET
@cached_for_visitors
def share_image(request, scope: str):
    """A PNG of the headline figures and the state chart, for posts and OpenGraph."""
    area = _area_for(scope)
    figures = dashboard_figures(area)
    open_ = figures.by_group["open"]
    png = share_image_png(
        title=_("Threats and cuts in %(area)s") % {"area": _name(area)},
        subtitle=_("Reported by the people who use the services"),
        figures=[
            (f"{open_.cuts:,}", _("open threats")),
            (money_format(open_.money_yearly) or "£0", _("a year at stake")),
            (f"{figures.total.posts_lost:,}", _("posts lost or at risk")),
        ],
        chart=_chart("by-state", figures, area),
    )
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response
