"""The map page, the embeddable map, and downloads of what is filtered.

The page says everything without JavaScript: the filter form, the count and
a list of what is in the part of the map being shown, a page at a time.
mapping/map.js draws the map from /api/v1/map, keeps the address (the whole
state of the page) and the list in step as the map moves, and offers "add a
group here" where the map is clicked or a place is found.
"""

from __future__ import annotations

from urllib.parse import urlencode

import nh3
from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET

from bigsocnorth.core.csv import csv_response
from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.mapping import exports, registry
from bigsocnorth.mapping.forms import MapExportForm, MapFilterForm, PlaceGoForm
from bigsocnorth.mapping.selectors import LIST_NEWEST_MAX, MapQuery, map_item_list
from bigsocnorth.places.selectors import PlaceKind, PlaceQueryTooLong, place_search

LIST_PAGE_SIZE = 50
# A cluster holding more than one layer: a dark neutral (white on it passes AA).
MIXED_COLOUR = "#2e3a42"
PLACE_RESULTS = 5
# How close the map goes to a place found by name.
PLACE_ZOOMS = {PlaceKind.REGION: 8, PlaceKind.LOCAL_AUTHORITY: 11, PlaceKind.TOWN: 13}
COORDINATE_DECIMALS = 5  # about a metre: plenty for a place, and a short address

# Other sites may put the embeddable map in a frame; every other page keeps
# frame-ancestors 'none' (and X-Frame-Options DENY).
EMBED_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}


def _tile_attribution() -> str:
    # A deployer's setting that ends up as HTML (under the map and in
    # Leaflet's attribution control), so only plain links survive.
    return nh3.clean(
        settings.MAP_TILE_ATTRIBUTION,
        tags={"a"},
        attributes={"a": {"href"}},
        link_rel="noopener noreferrer",
    )


def _filter_params(query: MapQuery) -> list[tuple[str, str]]:
    """The checked filters as query-string pairs (the view aside)."""
    params = [("layer", value) for value in query.layers]
    params += [("kind", value) for value in query.kinds]
    params += [("category", value) for value in query.categories]
    if query.area is not None:
        params.append(("area", query.area.slug))
    if query.q:
        params.append(("q", query.q))
    if query.since:
        params.append(("since", query.since))
    return params


def _state_params(form: MapFilterForm) -> list[tuple[str, str]]:
    """The filters and, when the address named one, the view: what a shared link keeps."""
    params = _filter_params(form.query)
    if form.view.explicit:
        params += [("bbox", form.view.bbox), ("zoom", str(form.view.zoom))]
    return params


def _with_params(url: str, params: list[tuple[str, str]]) -> str:
    # Commas left as they are: bbox stays readable in a shared address.
    return f"{url}?{urlencode(params, safe=',')}" if params else url


def _add_links(latitude: float, longitude: float) -> list[dict]:
    """What can be added at a place, each layer's form with the place filled in."""
    params = urlencode(
        {
            "latitude": f"{latitude:.{COORDINATE_DECIMALS}f}",
            "longitude": f"{longitude:.{COORDINATE_DECIMALS}f}",
        }
    )
    return [
        {"label": label, "url": f"{reverse(url_name)}?{params}"}
        for label, url_name in registry.add_choices()
    ]


class KnownCountPaginator(Paginator):
    """Pages of a list whose length is already known (the map's counts), without a COUNT."""

    def __init__(self, object_list, per_page, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


def _layer_symbols() -> dict[str, dict]:
    """Each layer's name, colour and symbol, for the legend, the list and the markers."""
    return {
        layer.key: {
            "key": layer.key,
            "label": str(layer.label),
            "colour": layer.colour,
            "icon_path": registry.MARKER_ICONS[layer.icon],
        }
        for layer in registry.map_layers()
    }


def _list_rows(form: MapFilterForm, page) -> list[dict]:
    """What the list shows of each item, with names for the slugs the index keeps."""
    symbols = _layer_symbols()
    layers = dict(form.fields["layer"].choices)
    kinds = dict(form.fields["kind"].choices)
    categories = dict(form.fields["category"].choices)
    return [
        {
            "title": item.title,
            "url": item.url,
            "layer": layers.get(item.layer, item.layer),
            "kind": kinds.get(item.kind, item.kind),
            "category": categories.get(item.category, item.category),
            "area": item.local_authority.name,
            "symbol": symbols.get(item.layer),
        }
        for item in page.object_list
    ]


def _place_results(request, form: MapFilterForm):
    """Go to a place without JavaScript: the gazetteer's matches, each a link."""
    if "place" not in request.GET:
        return PlaceGoForm(), None
    place_form = PlaceGoForm(request.GET)
    if not place_form.is_valid():
        return place_form, None
    try:
        found = place_search(query=place_form.cleaned_data["place"], limit=PLACE_RESULTS)
    except PlaceQueryTooLong as error:
        place_form.add_error("place", str(error))
        return place_form, None
    filters = _filter_params(form.query) if form.query is not None else []
    results = []
    for place in found:
        view = [
            ("lat", f"{place.latitude:.{COORDINATE_DECIMALS}f}"),
            ("lon", f"{place.longitude:.{COORDINATE_DECIMALS}f}"),
            ("zoom", str(PLACE_ZOOMS.get(place.kind, 13))),
        ]
        results.append(
            {
                "place": place,
                "map_url": _with_params(request.path, [*filters, *view]),
                "add_links": _add_links(place.latitude, place.longitude),
            }
        )
    return place_form, results


def _map_config(request, form: MapFilterForm, *, embed: bool) -> dict:
    """What map.js needs, as JSON in the page (the CSP allows no inline script)."""
    query, view = form.query, form.view
    return {
        "embed": embed,
        "bbox": [float(value) for value in view.bbox.split(",")],
        "zoom": view.asked_zoom,
        "filters": _filter_params(query),
        "layers": list(_layer_symbols().values()),
        "mixedColour": MIXED_COLOUR,
        # The API names kinds and categories by slug; the popups by name.
        "names": {
            "kind": dict(form.fields["kind"].choices),
            "category": dict(form.fields["category"].choices),
        },
        "urls": {
            "api": reverse("api:map_features"),
            "outlines": reverse("api:places_area_outlines"),
            "places": reverse("api:places_place_search"),
            "page": request.build_absolute_uri(reverse("mapping:map")),
            "embed": request.build_absolute_uri(reverse("mapping:embed")),
        },
        # "Add something here": each layer's form, with the place appended by map.js.
        "add": [
            {"label": str(label), "url": reverse(url_name)}
            for label, url_name in registry.add_choices()
        ],
        "tiles": {"url": settings.MAP_TILE_URL, "attribution": _tile_attribution()},
        # Leaflet joins attributions with commas: without the sentence's final stop.
        "boundaryAttribution": settings.BOUNDARY_ATTRIBUTION.rstrip("."),
        "text": {
            "map": _("Map: pan with the arrow keys, zoom with + and -."),
            "addHereIntro": _("Is something here that is not on the map yet?"),
            "coordinates": _("Latitude {latitude}, longitude {longitude}"),
            "itemsHereOne": ngettext("{count} item here", "{count} items here", 1),
            "itemsHereMany": ngettext("{count} item here", "{count} items here", 2),
            "samePlace": _("{count} items at the same place:"),
            "moreInList": _("The list below the map has them all."),
            "loading": _("Loading…"),
            "mapFailed": _("The map could not load what is here. Try again, or use the list."),
            "placeNone": _("No place in the North matches “{query}”."),
            "placeFailed": _("The place search did not answer. Try again."),
            "placeGo": _("Show {name} on the map"),
            "placeShown": _("The map now shows {name}."),
            "skipMap": _("Skip the map, to the list of what is here"),
            "placeOthers": _("Or one of these places:"),
            "opensInNewTab": _("(opens in a new tab)"),
        },
    }


def _embed_code(request, form: MapFilterForm) -> str:
    """The <iframe> for partners' pages, as text to copy (the template escapes it for show)."""
    src = _with_params(request.build_absolute_uri(reverse("mapping:embed")), _state_params(form))
    title = _("Map of community action in the North, from %(site)s") % {"site": settings.SITE_NAME}
    return (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="100%" height="600" '
        'style="border: 0" loading="lazy"></iframe>'
    )


def _map_page(request, *, template: str, embed: bool):
    """One view for the map page and the embeddable map, and for their list fragment."""
    form = MapFilterForm(request.GET)
    valid = form.is_valid()
    # A history restore after a reload needs the whole page, not a fragment.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context = {
        "form": form,
        "embed": embed,
        "partial": partial,
        "view": form.view,
        "page_obj": None,
        "items": [],
        "query_without_page": query_without_page.urlencode(),
        # One layer is no choice; shown anyway when the address chose one.
        "show_layers": len(form.fields["layer"].choices) > 1 or bool(form.chosen("layer")),
        "legend_layers": list(_layer_symbols().values()),
        "mixed_colour": MIXED_COLOUR,
    }
    if valid:
        listed = map_item_list(query=form.query)
        paginator = KnownCountPaginator(
            listed.items, LIST_PAGE_SIZE, count=min(listed.total, LIST_NEWEST_MAX)
        )
        page = paginator.get_page(request.GET.get("page"))
        context.update(
            page_obj=page,
            items=_list_rows(form, page),
            total=listed.total,
            by_name=listed.by_name,
            newest_max=LIST_NEWEST_MAX,
        )
    if partial:
        # Both pages share the list fragment; `embed` says how its links open.
        response = render(request, "mapping/map/index.html#results", context)
        patch_vary_headers(response, ("HX-Request",))
        return response
    form.with_area_choices()
    place_form, place_results = _place_results(request, form)
    context.update(
        place_form=place_form,
        place_results=place_results,
        tile_attribution_html=mark_safe(_tile_attribution()),  # noqa: S308 - sanitised above
        boundary_attribution=settings.BOUNDARY_ATTRIBUTION,
        # Without the view: start again from the chosen area, or the whole North.
        reset_view_url=_with_params(request.path, _raw_filter_params(request)),
        filter_params=_filter_params(form.query) if valid else [],
        active_filters=len(_raw_filter_params(request)),
    )
    if valid:
        state = _state_params(form)
        filters = _filter_params(form.query)
        context.update(
            map_config=_map_config(request, form, embed=embed),
            page_url=_with_params(request.build_absolute_uri(reverse("mapping:map")), state),
            embed_url=_with_params(reverse("mapping:embed"), state),
            embed_code=_embed_code(request, form),
            geojson_url=_with_params(reverse("mapping:export_geojson"), filters),
            csv_url=_with_params(reverse("mapping:export_csv"), filters),
        )
    # htmx swaps only successful responses, so a fragment carries its errors
    # with a 200; the whole page says 400 like any invalid request.
    response = render(request, template, context, status=200 if valid else 400)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _raw_filter_params(request) -> list[tuple[str, str]]:
    """The filters as asked, valid or not (to start again with the same filters)."""
    names = ("layer", "kind", "category", "area", "q", "since")
    return [(name, value) for name in names for value in request.GET.getlist(name) if value]


@require_GET
@cached_for_visitors
def map_page(request):
    return _map_page(request, template="mapping/map/index.html", embed=False)


@require_GET
@xframe_options_exempt
@csp_override(EMBED_CSP)
def map_embed(request):
    """The map for other sites' pages: no site header or footer, links open in a new tab."""
    return _map_page(request, template="mapping/embed/index.html", embed=True)


# --- Downloads ------------------------------------------------------------------------


def _export_form(request) -> MapExportForm:
    return MapExportForm(request.GET)


def _problems(form: MapExportForm) -> dict[str, str]:
    return {field: " ".join(messages) for field, messages in form.errors.items()}


def _filename(extension: str) -> str:
    return f"bigsocnorth-map-{timezone.localdate().isoformat()}.{extension}"


@require_GET
def export_geojson(request):
    """Everything the filters keep (in `bbox`, if given), as one streamed GeoJSON file."""
    form = _export_form(request)
    if not form.is_valid():
        problems = _problems(form)
        return JsonResponse(
            {"message": " ".join(problems.values()), "errors": problems}, status=400
        )
    response = StreamingHttpResponse(
        exports.geojson_chunks(query=form.query), content_type="application/geo+json"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("geojson")}"'
    return response


@require_GET
def export_csv(request):
    """Everything the filters keep (in `bbox`, if given), as one streamed CSV file."""
    form = _export_form(request)
    if not form.is_valid():
        return HttpResponse(
            "\n".join(_problems(form).values()) + "\n",
            content_type="text/plain; charset=utf-8",
            status=400,
        )
    return csv_response(
        filename=_filename("csv"),
        header=exports.CSV_HEADER,
        rows=exports.csv_rows(query=form.query),
    )
