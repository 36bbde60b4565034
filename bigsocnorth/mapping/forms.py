"""The map's filter form: what the address asks for, the view it shows, checked by the selectors.

The query string is the whole state of a map page, so a view can be shared:
`bbox` (or `lat`, `lon`), `zoom`, `layer`, `kind`, `category` (each
repeatable), `area`, `q` and `since`. This form fills in what the address leaves out
(the chosen area's extent, or the whole North) and then hands everything to
`selectors.check_map_query`, so the page, the API and the exports accept
the same values and explain a mistake in the same words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bigsocnorth.core.widgets import QuickSelect
from bigsocnorth.mapping.geo import (
    MAX_LATITUDE,
    MAX_ZOOM,
    MERCATOR_SIZE,
    MIN_ZOOM,
    mercator_x,
    mercator_y,
)
from bigsocnorth.mapping.selectors import (
    MAX_VIEWPORT_CELLS,
    QUERY_MAX_LENGTH,
    MapQuery,
    category_choices,
    check_map_query,
    kind_choices,
    layer_choices,
    since_choices,
)
from bigsocnorth.places.forms import area_choices
from bigsocnorth.places.models import LocalAuthority, Region
from bigsocnorth.places.outlines import area_outlines_get
from bigsocnorth.places.selectors import PLACE_QUERY_MAX_LENGTH, area_get_by_slug

Box = tuple[float, float, float, float]  # west, south, east, north in degrees

# A typical laptop's map, in pixels: the view an address without a zoom gets,
# so the list without JavaScript covers about what the map would show.
NOMINAL_WIDTH = 1024
NOMINAL_HEIGHT = 640
# `lat` and `lon` without a zoom: a town and its surroundings.
POINT_ZOOM = 13
# If no boundaries are loaded (a fresh database), still a sensible North.
NORTH_FALLBACK: Box = (-3.65, 52.95, 0.2, 55.85)
WORLD: Box = (-180.0, -90.0, 180.0, 90.0)


@dataclass(frozen=True)
class MapView:
    """The part of the map a page shows."""

    bbox: str  # "west,south,east,north", as the selectors take it
    zoom: int
    # The address named this view (bbox, or lat and lon) rather than leaving it to us.
    explicit: bool
    # The zoom the address asked for, if any: the map never zooms in further.
    asked_zoom: int | None


def box_text(box: Box) -> str:
    return ",".join(f"{value:.6f}".rstrip("0").rstrip(".") for value in box)


def _parse_box(text: str) -> Box | None:
    """Four finite numbers, or None (check_map_query then says what is wrong)."""
    parts = text.split(",")
    if len(parts) != 4:
        return None
    try:
        values = tuple(float(part) for part in parts)
    except ValueError:
        return None
    if not all(math.isfinite(value) for value in values):
        return None
    return values  # type: ignore[return-value]


def _parse_zoom(text: str) -> int | None:
    try:
        value = int(text.strip())
    except ValueError:
        return None
    return value if MIN_ZOOM <= value <= MAX_ZOOM else None


def _longitude(mx: float) -> float:
    return mx / MERCATOR_SIZE * 360.0 - 180.0


def _latitude(my: float) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * my / MERCATOR_SIZE))))


def _pixels_per_unit(zoom: int) -> float:
    """Screen pixels per Mercator unit at a zoom (256-pixel tiles)."""
    return 256 * 2**zoom / MERCATOR_SIZE


def fit_zoom(box: Box) -> int:
    """The largest zoom at which the box fits on a nominal screen."""
    west, south, east, north = box
    width = mercator_x(east) - mercator_x(west)
    height = mercator_y(south) - mercator_y(north)
    for zoom in range(MAX_ZOOM, MIN_ZOOM, -1):
        scale = _pixels_per_unit(zoom)
        if width * scale <= NOMINAL_WIDTH and height * scale <= NOMINAL_HEIGHT:
            return zoom
    return MIN_ZOOM


def box_around(*, latitude: float, longitude: float, zoom: int) -> Box:
    """The box a nominal screen shows, centred on a point at a zoom."""
    half_width = NOMINAL_WIDTH / 2 / _pixels_per_unit(zoom)
    half_height = NOMINAL_HEIGHT / 2 / _pixels_per_unit(zoom)
    mx, my = mercator_x(longitude), mercator_y(latitude)
    last = MERCATOR_SIZE - 1
    west = _longitude(max(0, mx - half_width))
    east = _longitude(min(last, mx + half_width))
    north = min(MAX_LATITUDE, _latitude(max(0, my - half_height)))
    south = max(-MAX_LATITUDE, _latitude(min(last, my + half_height)))
    return west, south, east, north


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]


def _well_formed(box: Box) -> bool:
    west, south, east, north = box
    return -180 <= west < east <= 180 and -90 <= south < north <= 90


def area_extent(area: LocalAuthority | Region | None) -> Box:
    """The box around an area (its outline), or around the whole North."""
    if isinstance(area, LocalAuthority):
        return (area.min_longitude, area.min_latitude, area.max_longitude, area.max_latitude)
    if isinstance(area, Region):
        authorities = list(area.local_authorities.all())
        if authorities:
            return (
                min(a.min_longitude for a in authorities),
                min(a.min_latitude for a in authorities),
                max(a.max_longitude for a in authorities),
                max(a.max_latitude for a in authorities),
            )
    outlines = area_outlines_get()
    return outlines.bbox if outlines is not None else NORTH_FALLBACK


class OpenMultipleChoiceField(forms.MultipleChoiceField):
    """Checkboxes whose values check_map_query judges, in the API's words."""

    def valid_value(self, value) -> bool:
        return True


def _coordinate(text: str, *, limit: float, field: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise ValidationError(
            {
                field: _("%(field)s must be a number of degrees from -%(limit)d to %(limit)d.")
                % {"field": field, "limit": limit}
            }
        )
    return value


class MapFilterForm(forms.Form):
    """The filters and the view of a map page, from its query string (always bound)."""

    q = forms.CharField(
        label=gettext_lazy("Words"),
        help_text=gettext_lazy("In the name or description, for example food bank."),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "maxlength": QUERY_MAX_LENGTH, "enterkeyhint": "search"}
        ),
    )
    area = forms.CharField(label=gettext_lazy("Area"), required=False, widget=QuickSelect)
    layer = OpenMultipleChoiceField(
        label=gettext_lazy("What to show"), required=False, widget=forms.CheckboxSelectMultiple
    )
    kind = OpenMultipleChoiceField(
        label=gettext_lazy("Kinds"), required=False, widget=forms.CheckboxSelectMultiple
    )
    category = OpenMultipleChoiceField(
        label=gettext_lazy("Categories"), required=False, widget=forms.CheckboxSelectMultiple
    )
    # Any value goes on to check_map_query, which explains a wrong one.
    since = forms.CharField(
        label=gettext_lazy("Added"), required=False, strip=True, widget=forms.RadioSelect
    )
    # The view: rendered by hand as hidden inputs; fields here to carry their errors.
    bbox = forms.CharField(required=False, strip=True)
    zoom = forms.CharField(required=False, strip=True)
    lat = forms.CharField(required=False, strip=True)
    lon = forms.CharField(required=False, strip=True)

    # Exports take any box (a million items stream in flat memory); a page a screen's worth.
    max_cells: int | None = MAX_VIEWPORT_CELLS

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.query: MapQuery | None = None
        self.view: MapView | None = None
        self.fields["layer"].choices = list(layer_choices().items())
        self.fields["kind"].choices = list(kind_choices().items())
        self.fields["category"].choices = list(category_choices().items())
        self.fields["since"].widget.choices = [("", _("Any time")), *since_choices().items()]

    def with_area_choices(self) -> MapFilterForm:
        """Fill the area list (read once per process), for forms that are shown."""
        self.fields["area"].widget.choices = area_choices()
        return self

    # --- the view -----------------------------------------------------------------

    def default_box(self, area) -> Box:
        return area_extent(area)

    def _view(self, data: dict, errors: dict) -> MapView:
        asked_zoom = _parse_zoom(data["zoom"]) if data["zoom"] else None
        area = area_get_by_slug(slug=data["area"][:100]) if data["area"] else None
        extent = self.default_box(area)
        if data["bbox"]:
            box = _parse_box(data["bbox"])
            if (
                box is not None
                and _well_formed(box)
                and area is not None
                and not _overlaps(box, extent)
            ):
                # The area was changed while the map showed somewhere else:
                # show the area, not an empty view far from it.
                return MapView(box_text(extent), fit_zoom(extent), False, None)
            zoom = asked_zoom if asked_zoom is not None else (fit_zoom(box) if box else 0)
            return MapView(data["bbox"], zoom, True, asked_zoom)
        if data["lat"] or data["lon"]:
            try:
                latitude = _coordinate(data["lat"], limit=90, field="lat")
                longitude = _coordinate(data["lon"], limit=180, field="lon")
            except ValidationError as error:
                errors.update(error.message_dict)
            else:
                zoom = asked_zoom if asked_zoom is not None else POINT_ZOOM
                box = box_around(latitude=latitude, longitude=longitude, zoom=zoom)
                return MapView(box_text(box), zoom, True, asked_zoom)
        if asked_zoom is not None:
            centre_latitude = (extent[1] + extent[3]) / 2
            centre_longitude = (extent[0] + extent[2]) / 2
            box = box_around(latitude=centre_latitude, longitude=centre_longitude, zoom=asked_zoom)
            return MapView(box_text(box), asked_zoom, True, asked_zoom)
        return MapView(box_text(extent), fit_zoom(extent), False, None)

    def clean(self):
        cleaned = super().clean()
        # A field Django refused (a NUL character) counts as not given; its error stays.
        data = {
            name: cleaned.get(name, [] if name in ("layer", "kind", "category") else "")
            for name in self.fields
        }
        errors: dict[str, str | list] = {}
        view = self._view(data, errors)
        try:
            query = check_map_query(
                bbox=view.bbox,
                # A zoom that is not a whole number 0..18 goes on as typed: the check says so.
                zoom=data["zoom"] if data["zoom"] and view.asked_zoom is None else view.zoom,
                layer=data["layer"],
                kind=data["kind"],
                category=data["category"],
                area=data["area"],
                q=data["q"],
                since=data["since"],
                max_cells=self.max_cells,
            )
        except ValidationError as error:
            errors.update(error.message_dict)
        else:
            if not errors and not self.errors:
                self.query, self.view = query, view
        for field, messages in errors.items():
            self.add_error(field if field in self.fields else None, messages)
        return cleaned

    # --- what the page shows about the filters ----------------------------------------

    def chosen(self, name: str) -> list[str]:
        """The values of a repeatable filter, as asked (for the page's state and links)."""
        return [value for value in self.data.getlist(name) if value]


class MapExportForm(MapFilterForm):
    """The same filters for a download: the box is optional and may be the whole world."""

    max_cells = None

    def default_box(self, area) -> Box:
        return WORLD

    def _view(self, data: dict, errors: dict) -> MapView:
        if data["bbox"]:
            asked_zoom = _parse_zoom(data["zoom"]) if data["zoom"] else None
            # No zoom: the tightest cells, so the download is the box itself.
            zoom = asked_zoom if asked_zoom is not None else MAX_ZOOM
            return MapView(data["bbox"], zoom, True, asked_zoom)
        return MapView(box_text(WORLD), MIN_ZOOM, False, None)


class PlaceGoForm(forms.Form):
    """Go to a place: the gazetteer's search, so the map can move there (and a group be added)."""

    place = forms.CharField(
        label=gettext_lazy("Go to a town, city or area"),
        help_text=gettext_lazy("For example Hebden Bridge or Sunderland."),
        max_length=PLACE_QUERY_MAX_LENGTH,
        error_messages={
            "required": gettext_lazy("Type the name of a town, city or area to go to."),
            "max_length": gettext_lazy(
                "Use at most %(limit_value)d characters to search for a place "
                "(this search has %(show_value)d)."
            ),
        },
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
