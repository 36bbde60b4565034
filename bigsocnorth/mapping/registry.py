"""Which content types are on the map, as which layer, and where each one's points are.

The owning app registers its model from its AppConfig.ready():

    register(Entry, key="directory", label=_("Directory"), points=entry_map_points, ...)

`points(obj)` returns the object's publishable points. The owning app then
calls `mapping.services.map_items_sync(obj=...)` inside every transaction
that changes such an object (moderation's status changes included), so the
map is exact when the transaction commits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models.signals import post_delete
from django.utils.functional import Promise


@dataclass(frozen=True)
class MapPoint:
    """One publishable point of an object, with what the map shows and filters on."""

    place_key: int
    title: str
    url: str
    kind: str
    categories: tuple[str, ...]
    local_authority_id: int
    latitude: float
    longitude: float
    published_at: datetime | None = None


# Marker symbols: SVG path data on a 24 by 24 grid, drawn in white on the
# layer's colour. A layer names one; a new symbol is one line here.
MARKER_ICONS: dict[str, str] = {
    "dot": "M12 7a5 5 0 1 0 0 10a5 5 0 1 0 0-10z",
    # People together: two heads and shoulders.
    "group": (
        "M8 5a3 3 0 1 0 0 6a3 3 0 1 0 0-6z M16 6a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 0-5z "
        "M2 19c0-3.3 2.7-6 6-6s6 2.7 6 6z M14.5 13.2c.5-.1 1-.2 1.5-.2c3 0 5.5 2.5 5.5 5.5V19h-5.6"
        "c0-2.3-.5-4.2-1.4-5.8z"
    ),
    # A speech bubble: something told.
    "story": "M4 4h16a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H10l-5 4v-4H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1z",
    # A falling arrow: something taken away.
    "cut": "M11 3h2v12.2l4.6-4.6 1.4 1.4-7 7-7-7 1.4-1.4 4.6 4.6z",
    # A heart: help given and asked for.
    "help": (
        "M12 21l-1.5-1.3C5 15 2 12.3 2 8.8C2 6 4.2 4 7 4c1.7 0 3.5.8 5 2.3C13.5 4.8 15.3 4 17 4"
        "c2.8 0 5 2 5 4.8c0 3.5-3 6.2-8.5 10.9z"
    ),
    # A calendar page: somewhere to meet.
    "gathering": (
        "M7 2h2v2h6V2h2v2h2a1 1 0 0 1 1 1v15a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1h2z "
        "M6 9v10h12V9z"
    ),
    # A hand held open: a need or an offer.
    "hand": (
        "M9 3a1.5 1.5 0 0 1 3 0v7h1V4.5a1.5 1.5 0 0 1 3 0V10h1V6.5a1.5 1.5 0 0 1 3 0V15"
        "c0 3.9-3.1 7-7 7c-2.6 0-4.6-1.2-6-3.2L3.3 13a1.5 1.5 0 0 1 2.4-1.8L9 14z"
    ),
}
DEFAULT_COLOUR = "#0b5563"
DEFAULT_ICON = "dot"
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# White text on a marker must reach this contrast (WCAG 2.x AA, normal text).
MIN_CONTRAST_WITH_WHITE = 4.5


def _relative_luminance(colour: str) -> float:
    channels = []
    for start in (1, 3, 5):
        value = int(colour[start : start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_with_white(colour: str) -> float:
    """The WCAG contrast ratio of white on this #rrggbb colour."""
    return 1.05 / (_relative_luminance(colour) + 0.05)


@dataclass(frozen=True)
class MapLayer:
    key: str
    label: str | Promise
    model: type[models.Model]
    points: Callable[[models.Model], list[MapPoint]]
    # Choices for the filters: (slug, name) pairs.
    kinds: Callable[[], list[tuple[str, str]]]
    categories: Callable[[], list[tuple[str, str]]]
    # Prefetches what `points` reads, for many objects at once.
    queryset: Callable[[], models.QuerySet] | None = None
    # The search registry key of the same model, for the map's text filter.
    search_type: str | None = None
    # "Add something here": what the map offers at a clicked or found place,
    # and the form (a URL name) it opens with the place filled in
    # (?latitude=&longitude=, which the place picker reads).
    add_label: str | Promise | None = None
    add_url_name: str | None = None
    # How its markers look: a fill colour (white numbers and symbols on it
    # must pass WCAG AA, 4.5:1) and a symbol from MARKER_ICONS.
    colour: str = DEFAULT_COLOUR
    icon: str = DEFAULT_ICON

    def objects(self) -> models.QuerySet:
        return self.queryset() if self.queryset else self.model.objects.all()


_layers: dict[str, MapLayer] = {}


def register(
    model: type[models.Model],
    *,
    key: str,
    label: str | Promise,
    points: Callable[[models.Model], list[MapPoint]],
    kinds: Callable[[], list[tuple[str, str]]],
    categories: Callable[[], list[tuple[str, str]]],
    queryset: Callable[[], models.QuerySet] | None = None,
    search_type: str | None = None,
    add_label: str | Promise | None = None,
    add_url_name: str | None = None,
    colour: str = DEFAULT_COLOUR,
    icon: str = DEFAULT_ICON,
) -> None:
    """Put a content type on the map as a layer. Registering twice replaces.

    With `add_label` and `add_url_name`, the map offers to add one of these
    at any place (the form opens with ?latitude=&longitude= filled in).
    `colour` (#rrggbb, dark enough for white on it to pass WCAG AA) and
    `icon` (a key of MARKER_ICONS) are how its markers and its legend entry look.
    """
    if key != key.lower() or not key.isidentifier():
        raise ValueError(f"A map layer key is a lower-case identifier, not {key!r}.")
    if not _HEX_COLOUR.fullmatch(colour):
        raise ValueError(f"A map layer colour is #rrggbb, not {colour!r}.")
    if contrast_with_white(colour) < MIN_CONTRAST_WITH_WHITE:
        raise ValueError(
            f"White on {colour} has a contrast of {contrast_with_white(colour):.2f}:1; a map "
            f"layer colour needs at least {MIN_CONTRAST_WITH_WHITE}:1."
        )
    if icon not in MARKER_ICONS:
        raise ValueError(f"No map marker icon {icon!r}; choose from {sorted(MARKER_ICONS)}.")
    post_delete.connect(_removed, sender=model, dispatch_uid=f"map-removed-{key}")
    _layers[key] = MapLayer(
        key=key,
        label=label,
        model=model,
        points=points,
        kinds=kinds,
        categories=categories,
        queryset=queryset,
        search_type=search_type,
        add_label=add_label,
        add_url_name=add_url_name,
        colour=colour.lower(),
        icon=icon,
    )


def _removed(sender, instance, **kwargs) -> None:
    """A located object deleted by any route (admin, cascade) leaves the map with it.

    A signal, unlike the rest of the map's writes, because deletes do not
    all pass through an app's services; it runs in the deleting transaction.
    """
    from bigsocnorth.mapping.services import map_items_remove

    map_items_remove(obj=instance)


def map_layers() -> list[MapLayer]:
    return list(_layers.values())


def layer_by_key(key: str) -> MapLayer | None:
    return _layers.get(key)


def layer_for_model(model: type[models.Model]) -> MapLayer | None:
    for layer in _layers.values():
        if layer.model is model:
            return layer
    return None


def unregister(key: str) -> None:
    """Forget a layer (for tests that register a throwaway one)."""
    layer = _layers.pop(key, None)
    if layer is not None:
        post_delete.disconnect(sender=layer.model, dispatch_uid=f"map-removed-{key}")


def add_choices() -> list[tuple[str | Promise, str]]:
    """(label, URL name) of every layer that can be added to from the map, in layer order."""
    return [
        (layer.add_label, layer.add_url_name)
        for layer in _layers.values()
        if layer.add_label and layer.add_url_name
    ]
