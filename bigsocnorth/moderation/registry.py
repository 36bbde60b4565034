"""Which models are moderated content, so the queue and flags work with any of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

# Called as on_change(obj, previous_status=...) inside the transaction that
# changed obj's status, so the content's own indexes (search, map) and
# notices stay exact with it.
ChangeHook = Callable[..., None]


@dataclass(frozen=True)
class RegisteredType:
    model: type[models.Model]
    title_attr: str
    on_change: ChangeHook | None = None


_registry: dict[type[models.Model], RegisteredType] = {}


def register(
    model: type[models.Model], *, title_attr: str = "name", on_change: ChangeHook | None = None
) -> None:
    """Make a ModeratedContent subclass known to flags, the queue and the status counts.

    `on_change(obj, previous_status=...)` runs after moderation changes the
    status of one of its objects, inside the same transaction. Call from the
    owning app's AppConfig.ready(). Registering twice is harmless.
    """
    _registry[model] = RegisteredType(model=model, title_attr=title_attr, on_change=on_change)


def registered_types() -> list[RegisteredType]:
    return list(_registry.values())


def is_registered(model: type[models.Model]) -> bool:
    return model in _registry


def title_for(obj: models.Model) -> str:
    registered = _registry.get(type(obj))
    if registered is None:
        return str(obj)
    return str(getattr(obj, registered.title_attr, obj))


def status_changed(obj: models.Model, *, previous_status: str) -> None:
    """Tell the content's app that moderation changed its status (inside the transaction)."""
    registered = _registry.get(type(obj))
    if registered is not None and registered.on_change is not None:
        registered.on_change(obj, previous_status=previous_status)
