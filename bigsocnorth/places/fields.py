"""The place picker: one form field for everything located.

    place = PlaceField(label=_("Name of the place"), required=False)

Its cleaned value is a places.services.PlaceValue (or None when left
empty): a point with its local authority, or "no exact place: the whole of"
an authority, with "only roughly where" and the person's short name for
the place. Nobody has to type coordinates:

- with JavaScript (static/places/place-picker.js) the name box suggests
  towns, villages and areas as one types, a small map takes a click or a
  dragged pin, and "Use my location" asks the browser;
- without it, a name sent on its own comes back with the places it may
  mean as radio buttons ("Did you mean…"), everything else in the form
  kept; choosing one and sending again is enough.

Coordinates can still be typed, under "Advanced: coordinates". Every point,
however it came, goes through places.services.place_check. Render the
field like any other (its widget draws the whole picker) and put
`{{ form.media }}` (or the formset's) in the page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import Script
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bigsocnorth.core.text import without_control_characters
from bigsocnorth.places.boundaries import area_index_get
from bigsocnorth.places.gazetteer import PlaceKind, PlaceResult, name_normalise
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.services import (
    PLACE_NAME_MAX,
    CheckedPoint,
    PlaceValue,
    local_authority_get,
    place_check,
    place_get,
    place_options,
)

KEEP = "keep"  # the "did you mean" choice that keeps the place chosen before
_ECHO_MAX = 60  # of a name that matched nothing, quoted back in the message
_TEXT_PARTS = (
    "latitude",
    "longitude",
    "area",
    "chosen",
    "pick",
    "typed_latitude",
    "typed_longitude",
)
_FLAG_PARTS = ("whole_area", "roughly")


@dataclass(frozen=True)
class PlaceInput:
    """What a picker sent, as text: see PlacePickerWidget for the inputs."""

    text: str = ""
    latitude: str = ""  # the point chosen (hidden: set by choosing, or kept by the server)
    longitude: str = ""
    area: str = ""  # the slug of an authority chosen as a whole, with no point
    chosen: str = ""  # the name in the box when that choice was made
    pick: str = ""  # a "did you mean" radio: a PlaceResult.key, or KEEP
    whole_area: bool = False
    roughly: bool = False
    typed_latitude: str = ""  # "Advanced: coordinates"
    typed_longitude: str = ""

    @classmethod
    def from_mapping(cls, data) -> PlaceInput:
        """From a dict of the parts (keys as the attributes); anything odd counts as empty."""

        def text(value) -> str:
            if isinstance(value, str):
                return value
            if isinstance(value, int | float) and not isinstance(value, bool):
                return str(value)
            return ""

        return cls(
            text=text(data.get("text")),
            **{part: text(data.get(part)) for part in _TEXT_PARTS},
            **{part: bool(data.get(part)) for part in _FLAG_PARTS},
        )

    @classmethod
    def from_value(cls, value: PlaceValue) -> PlaceInput:
        """A saved place, shown again: chosen already, under its own name."""
        point = value.latitude is not None
        return cls(
            text=value.name,
            latitude=_coordinate_text(value.latitude) if point else "",
            longitude=_coordinate_text(value.longitude) if point else "",
            area="" if point else value.local_authority.slug,
            chosen=value.name,
            whole_area=not point,
            roughly=value.approximate,
        )


def _coordinate_text(number: float | None) -> str:
    return "" if number is None else f"{number:.6f}".rstrip("0").rstrip(".")


def _clean_text(value: str) -> str:
    return " ".join(without_control_characters(value or "", keep_newlines=False).split())


@dataclass(frozen=True)
class PlaceOption:
    """A place a name may mean, as a "did you mean" radio button."""

    key: str
    name: str
    where: str

    @classmethod
    def of(cls, result: PlaceResult) -> PlaceOption:
        region = result.region.name
        if result.kind == PlaceKind.LOCAL_AUTHORITY:
            where = _("the whole local authority area, %(region)s") % {"region": region}
        else:
            where = _("in %(area)s, %(region)s") % {
                "area": result.local_authority.name,
                "region": region,
            }
        return cls(key=result.key, name=result.name, where=where)


@dataclass(frozen=True)
class Resolution:
    """What a picker's input comes to: a value, or an error and what to choose from."""

    value: PlaceValue | None = None
    error: ValidationError | None = None
    options: list[PlaceOption] = field(default_factory=list)
    matched: bool = True  # the options match the name (else they are near matches)
    keep: str = ""  # the place chosen before, offered again when the name changed


@dataclass(frozen=True)
class PickerChoices:
    """Which of the picker's choices a content type offers."""

    whole_area: bool = True  # "no exact place: the whole of" an area (else a point is needed)
    roughly: bool = True  # "only roughly where" (a type may ask it once for all its places)


def _finish(
    raw: PlaceInput, choices: PickerChoices, *, name: str, authority, point: CheckedPoint | None
) -> Resolution:
    if point is None and not choices.whole_area:
        return Resolution(
            error=ValidationError(
                _(
                    "%(area)s is a whole local authority area. Choose a town or village, "
                    "or put the pin on the map."
                )
                % {"area": authority.name},
                code="area_not_point",
            )
        )
    if raw.whole_area and choices.whole_area:
        point = None
    return Resolution(
        value=PlaceValue(
            name=name,
            local_authority=authority,
            latitude=point.latitude if point else None,
            longitude=point.longitude if point else None,
            approximate=raw.roughly and choices.roughly and point is not None,
        )
    )


def _name_for(text: str, result: PlaceResult) -> str:
    """The typed name when it says more than the place's ("Hebden Bridge Town Hall")."""
    return text if name_normalise(result.name) in name_normalise(text) else result.name


def _previous(raw: PlaceInput) -> tuple[LocalAuthority, CheckedPoint | None] | None:
    """The place chosen before (hidden inputs); ValidationError if they were tampered with."""
    point = place_check(latitude=raw.latitude, longitude=raw.longitude)
    if point is not None:
        return point.local_authority, point
    if raw.area.strip():
        authority = local_authority_get(slug=raw.area.strip())
        if authority is None:
            raise ValidationError(
                _("That area is not one of the North's. Type the name of the place again."),
                code="invalid_area",
            )
        return authority, None
    return None


def _keep_label(previous: tuple[LocalAuthority, CheckedPoint | None], chosen: str) -> str:
    authority, point = previous
    if point is None:
        return _("Keep the place chosen before: the whole of %(area)s") % {"area": authority.name}
    return _("Keep the place chosen before: %(name)s in %(area)s") % {
        "name": chosen or _("the point"),
        "area": authority.name,
    }


def _ask(text: str, choices: PickerChoices, *, keep: str = "") -> Resolution:
    """The form comes back with what the name may mean, to choose from."""
    results, matched = place_options(query=text, towns_only=not choices.whole_area)
    options = [PlaceOption.of(result) for result in results]
    if keep:
        message = _(
            "You changed the name of the place. Choose what it is below, or keep the place "
            "chosen before, then send the form again."
        )
    elif matched:
        message = _("Choose which place you mean from the list below, then send the form again.")
    else:
        quoted = text if len(text) <= _ECHO_MAX else f"{text[:_ECHO_MAX]}…"
        message = _("There is no place called “%(name)s” in the North; try a nearby town.") % {
            "name": quoted
        }
        if options:
            message += " " + _("Or choose one of the places below, whose names are close.")
    code = "changed" if keep else ("choose" if matched else "unknown")
    return Resolution(
        error=ValidationError(message, code=code), options=options, matched=matched, keep=keep
    )


def place_input_resolve(
    raw: PlaceInput, *, name_max: int = PLACE_NAME_MAX, choices: PickerChoices = PickerChoices()
) -> Resolution:
    """Turn what a picker sent into a PlaceValue, None, or an error (with choices).

    In order: coordinates typed under "Advanced" (they say exactly where);
    a "did you mean" choice; the place chosen before (by the script, or on
    an earlier round), as long as the name was not changed since; else the
    name alone, which comes back with the places it may mean. Pure and
    cheap: the widget calls it again to draw the choices.
    """
    text = _clean_text(raw.text)
    if len(text) > name_max:
        error = _("Use at most %(max)d characters for the name of the place (it has %(count)s).")
        return Resolution(
            error=ValidationError(
                error % {"max": name_max, "count": f"{len(text):,}"}, code="max_length"
            )
        )
    try:
        point = place_check(latitude=raw.typed_latitude, longitude=raw.typed_longitude)
        if point is not None:
            return _finish(raw, choices, name=text, authority=point.local_authority, point=point)
        if raw.pick and raw.pick != KEEP:
            result = place_get(key=raw.pick)
            if result is None:
                return replace(
                    _ask(text, choices),
                    error=ValidationError(
                        _("Choose one of the places listed, or type the name again."),
                        code="invalid_choice",
                    ),
                )
            point = None
            if result.kind == PlaceKind.TOWN:
                point = CheckedPoint(result.latitude, result.longitude, result.local_authority)
            return _finish(
                raw, choices, name=_name_for(text, result), authority=result.local_authority,
                point=point,
            )  # fmt: skip
        previous = _previous(raw)
    except ValidationError as error:
        return Resolution(error=error)
    if previous is not None:
        authority, point = previous
        if raw.pick == KEEP or not text or text == _clean_text(raw.chosen):
            return _finish(raw, choices, name=text, authority=authority, point=point)
        return _ask(text, choices, keep=_keep_label(previous, _clean_text(raw.chosen)))
    if text:
        return _ask(text, choices)
    return Resolution(value=None)


def _tile_attribution() -> str:
    import nh3

    # A deployer's setting that Leaflet shows as HTML: only plain links survive.
    return nh3.clean(
        settings.MAP_TILE_ATTRIBUTION,
        tags={"a"},
        attributes={"a": {"href"}},
        link_rel="noopener noreferrer",
    )


def _north_bounds() -> list[float]:
    """[south, west, north, east] of the North's authorities: where the map starts."""
    authorities = area_index_get().authorities
    return [
        min(a.min_latitude for a in authorities),
        min(a.min_longitude for a in authorities),
        max(a.max_latitude for a in authorities),
        max(a.max_longitude for a in authorities),
    ]


def _start_view(value: PlaceValue | None) -> dict | None:
    """Where the small map opens: on the place chosen, else (None) on the whole North."""
    if value is None:
        return None
    if value.latitude is not None:
        return {"latitude": value.latitude, "longitude": value.longitude, "zoom": 15, "pin": True}
    authority = value.local_authority
    return {
        "latitude": authority.centre_latitude,
        "longitude": authority.centre_longitude,
        "zoom": 10,
        "pin": False,
    }


def _script_config(value: PlaceValue | None, choices: PickerChoices) -> dict:
    """What place-picker.js needs, the texts already translated."""
    return {
        "start": _start_view(value),
        "pointsOnly": not choices.whole_area,
        "urls": {
            "places": reverse("api:places_place_search"),
            "locate": reverse("api:places_area_locate"),
        },
        "tiles": {"url": settings.MAP_TILE_URL, "attribution": _tile_attribution()},
        "north": _north_bounds(),
        "text": {
            "map": _(
                "Map for choosing the place: click or tap to put the pin, drag the pin to "
                "move it. Arrow keys move the map."
            ),
            "pinCentre": _("Put the pin in the middle of the map"),
            "suggestions": _("Places with that name"),
            "found": _("{count} places found. Use the up and down arrows to choose one."),
            "foundOne": _("1 place found. Use the down arrow to choose it."),
            "none": _("No place in the North matches. Try a nearby town."),
            "failed": _("The place search did not answer. Type the name and send the form."),
            "townIn": _("{area}, {region}"),
            "areaWhole": _("Local authority, {region}"),
            "chosenPoint": _("The pin is in {area}."),
            "chosenArea": _("The place is the whole of {area}."),
            "chosenNowhere": _("No place chosen yet."),
            "outside": _(
                "That point is outside the North of England. Put the pin in the North East, "
                "the North West, or Yorkshire and The Humber."
            ),
            "locating": _("Finding where you are…"),
            "geoUnsupported": _(
                "Your browser cannot tell us where you are. Type the name of a place instead."
            ),
            "geoDenied": _(
                "You did not let this site know your location. Type the name of a place, or "
                "click the map, instead."
            ),
            "geoUnavailable": _(
                "Your device could not find where you are. Type the name of a place instead."
            ),
            "geoTimeout": _(
                "Finding where you are took too long. Try again, or type the name of a place."
            ),
            "wholeOf": _("the whole of {area}"),
            "wholeOfItsArea": _("the whole of its local authority area"),
        },
    }


class PlacePickerWidget(forms.Widget):
    """Draws the whole picker; its parts are named after the field (`place`, `place_latitude`…).

    - `<name>`: the name of the place, which is also what is searched for;
    - `<name>_latitude`, `<name>_longitude`, `<name>_area`, `<name>_chosen`:
      hidden, the place chosen (by the script, or kept from an earlier round);
    - `<name>_pick`: "did you mean" radio buttons, when a name was sent alone;
    - `<name>_whole_area`, `<name>_roughly`: the two choices;
    - `<name>_typed_latitude`, `<name>_typed_longitude`: under "Advanced".
    """

    template_name = "places/includes/place_picker.html"

    class Media:
        css = {"all": ["vendor/leaflet/leaflet.css", "places/place-picker.css"]}
        js = [
            Script("vendor/leaflet/leaflet.js", defer=True),
            Script("places/place-picker.js", defer=True),
        ]

    def __init__(
        self,
        attrs=None,
        *,
        name_max: int = PLACE_NAME_MAX,
        choices: PickerChoices = PickerChoices(),
    ):
        super().__init__(attrs)
        self.name_max = name_max
        self.choices = choices

    def _names(self, name: str) -> dict[str, str]:
        return {part: f"{name}_{part}" for part in (*_TEXT_PARTS, *_FLAG_PARTS)}

    def value_from_datadict(self, data, files, name):
        if self.value_omitted_from_data(data, files, name):
            return None

        def text(key: str) -> str:
            value = data.get(key)
            return value if isinstance(value, str) else ""

        parts = self._names(name)
        return PlaceInput(
            text=text(name),
            **{part: text(key) for part, key in parts.items() if part in _TEXT_PARTS},
            **{part: bool(text(key)) for part, key in parts.items() if part in _FLAG_PARTS},
        )

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(key in data for key in self._names(name).values())

    def format_value(self, value):
        return value

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if isinstance(value, PlaceValue):
            raw, resolution = PlaceInput.from_value(value), Resolution(value=value)
        elif isinstance(value, PlaceInput):
            raw = value
            resolution = place_input_resolve(value, name_max=self.name_max, choices=self.choices)
        else:
            raw, resolution = PlaceInput(), Resolution()
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"]["attrs"].setdefault("maxlength", str(self.name_max))
        shown, status = self._status(raw, resolution)
        context["picker"] = {
            "id": base_id,
            "names": self._names(name),
            "input": raw,
            "options": resolution.options,
            "matched": resolution.matched,
            "keep": resolution.keep,
            "status": status,
            "area_name": shown.local_authority.name if shown else "",
            "advanced_open": bool(raw.typed_latitude.strip() or raw.typed_longitude.strip()),
            "choices": self.choices,
            "config": json.dumps(_script_config(shown, self.choices)),
        }
        return context

    @staticmethod
    def _status(raw: PlaceInput, resolution: Resolution) -> tuple[PlaceValue | None, str]:
        """The place as it stands (or as chosen before), and a sentence saying what it is."""
        value = resolution.value
        if value is None and resolution.keep:
            try:
                previous = _previous(raw)
            except ValidationError:
                previous = None
            if previous is not None:
                value = PlaceValue(
                    name="",
                    local_authority=previous[0],
                    latitude=previous[1].latitude if previous[1] else None,
                    longitude=previous[1].longitude if previous[1] else None,
                )
        if value is None:
            return None, ""
        if value.whole_area:
            return value, _("The place is the whole of %(area)s.") % {
                "area": value.local_authority.name
            }
        return value, _("The pin is in %(area)s.") % {"area": value.local_authority.name}


class PlaceField(forms.Field):
    """A place picker; cleans to a PlaceValue, or None when nothing was given.

    `name_max`: the longest name the content keeps (120 by default).
    `whole_area=False`: a point is needed (no "whole area" choice, no local
    authorities offered); `roughly=False`: no "only roughly where" choice.
    """

    widget = PlacePickerWidget
    default_error_messages = {
        "required": gettext_lazy(
            "Say where it is: type the name of a town, village or area, and choose it."
        ),
        "invalid": gettext_lazy("Type the name of a town, village or area, and choose it."),
    }

    def __init__(
        self,
        *,
        name_max: int = PLACE_NAME_MAX,
        whole_area: bool = True,
        roughly: bool = True,
        **kwargs,
    ):
        self.name_max = name_max
        self.choices = PickerChoices(whole_area=whole_area, roughly=roughly)
        kwargs.setdefault("widget", PlacePickerWidget(name_max=name_max, choices=self.choices))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, PlaceValue):
            return value
        if isinstance(value, dict):
            value = PlaceInput.from_mapping(value)
        if not isinstance(value, PlaceInput):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        resolution = place_input_resolve(value, name_max=self.name_max, choices=self.choices)
        if resolution.error is not None:
            raise resolution.error
        return resolution.value

    def prepare_value(self, value):
        return value

    def has_changed(self, initial, data):
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True
