"""Open data pages: downloads of any filtered list, feeds, and the embeddable council list."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import feedgenerator
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET

from bigsocnorth.core.csv import csv_response
from bigsocnorth.core.feeds import JsonFeed, absolute_url
from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.cuts import exports
from bigsocnorth.cuts.forms import CutFilterForm
from bigsocnorth.cuts.models import Cut
from bigsocnorth.cuts.money import money_format
from bigsocnorth.cuts.selectors import CutFilters, cut_cards, cuts_filter
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.selectors import area_get_by_slug

FEED_SIZE = 50
EMBED_SIZE = 30


class BadFilters(Exception):
    """Filters a download or feed cannot follow: it must not quietly give everything."""


def _filters(request) -> CutFilters:
    form = CutFilterForm(request.GET)
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        raise BadFilters(problems)
    return form.filters()


def _bad_filters(error: BadFilters) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(
        _("These filters cannot be used: %(problems)s") % {"problems": error},
        content_type="text/plain; charset=utf-8",
    )


@require_GET
def cuts_csv(request):
    try:
        filters = _filters(request)
    except BadFilters as error:
        return _bad_filters(error)
    return csv_response(
        filename="threats-and-cuts.csv", header=exports.CSV_HEADER, rows=exports.csv_rows(filters)
    )


@require_GET
def cuts_geojson(request):
    try:
        filters = _filters(request)
    except BadFilters as error:
        return _bad_filters(error)
    response = StreamingHttpResponse(
        exports.geojson_chunks(filters), content_type="application/geo+json"
    )
    response["Content-Disposition"] = 'attachment; filename="threats-and-cuts.geojson"'
    return response


class CutFeed(Feed):
    """The newest public cuts of one filtered list (the whole North, an area, a body)."""

    def __init__(self, *, feed_format: str) -> None:
        self.feed_format = feed_format
        self.feed_type = JsonFeed if feed_format == "json" else feedgenerator.Atom1Feed

    def get_object(self, request):
        try:
            filters = _filters(request)
        except BadFilters:
            raise Http404 from None
        area = area_get_by_slug(slug=filters.area, boundaries=False) if filters.area else None
        return {"filters": filters, "area": area, "query": request.GET.urlencode()}

    def title(self, scope) -> str:
        if scope["area"] is not None:
            return _("Threats and cuts in %(area)s") % {"area": scope["area"].name}
        if scope["filters"].body:
            return _("Threats and cuts decided by %(body)s") % {"body": scope["filters"].body}
        return _("Threats and cuts in the North")

    def description(self, scope) -> str:
        return _("New reports of threats and cuts to community work, as they are published.")

    def link(self, scope) -> str:
        query = scope["query"]
        return absolute_url("/cuts/" + (f"?{query}" if query else ""))

    def feed_url(self, scope) -> str:
        name = "feed.json" if self.feed_format == "json" else "feed.atom"
        query = scope["query"]
        return absolute_url(f"/cuts/{name}" + (f"?{query}" if query else ""))

    def author_name(self) -> str:
        return settings.SITE_NAME

    def items(self, scope) -> list[Cut]:
        cuts = cuts_filter(cut_cards().public(), scope["filters"])
        return list(cuts.order_by("-published_at", "-pk")[:FEED_SIZE])

    def item_title(self, cut: Cut) -> str:
        return f"{cut.title} ({cut.get_state_display()})"

    def item_description(self, cut: Cut) -> str:
        facts = [cut.local_authority.name, cut.get_kind_display(), cut.get_sector_display()]
        if cut.money_yearly:
            facts.append(_("%(money)s a year") % {"money": money_format(cut.money_yearly)})
        return " · ".join(facts) + "\n\n" + cut.summary

    def item_link(self, cut: Cut) -> str:
        return absolute_url(cut.get_absolute_url())

    def item_guid(self, cut: Cut) -> str:
        return absolute_url(cut.get_absolute_url())

    def item_pubdate(self, cut: Cut):
        return cut.published_at

    def item_categories(self, cut: Cut) -> list[str]:
        return [cut.get_kind_display(), cut.get_sector_display()]

    def item_extra_kwargs(self, cut: Cut) -> dict:
        return {"summary_text": cut.summary}


@require_GET
@cached_for_visitors
def cuts_feed(request, *, format: str):
    return CutFeed(feed_format=format)(request)


# Any site may show this page in a frame (and only this page).
@xframe_options_exempt
@csp_override({**settings.SECURE_CSP, "frame-ancestors": ["*"]})
@require_GET
def council_embed(request, slug: str):
    """One council's cuts, for partner sites to show in a frame: plain, light, linking back."""
    council = LocalAuthority.objects.filter(slug=slug).defer("boundary").first()
    if council is None:
        raise Http404
    cuts = list(
        cuts_filter(cut_cards().public(), CutFilters(area=council.slug)).order_by(
            "-published_at", "-pk"
        )[:EMBED_SIZE]
    )
    return render(
        request,
        "cuts/embed.html",
        {"council": council, "cuts": cuts, "site_url": settings.SITE_URL},
    )
