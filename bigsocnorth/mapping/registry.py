"""Which content types are on the map, as which layer, and where each one's points are.

The owning app registers its model from its AppConfig.ready():

    register(Entry, key="directory", label=_("Directory"), points=entry_map_points, ...)

`points(obj)` returns the object's publishable points. The owning app then
calls `mapping.services.map_items_sync(obj=...)` inside every transaction
that changes such an object (moderation's status changes included), so the
map is exact when the transaction commits.
"""

from __future__ import annotations

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
) -> None:
    """Put a content type on the map as a layer. Registering twice replaces.

    With `add_label` and `add_url_name`, the map offers to add one of these
    at any place (the form opens with ?latitude=&longitude= filled in).
    """
    if key != key.lower() or not key.isidentifier():
        raise ValueError(f"A map layer key is a lower-case identifier, not {key!r}.")
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
