"""Which models are moderated content, so the queue and flags work with any of them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class RegisteredType:
    model: type[models.Model]
    title_attr: str


_registry: dict[type[models.Model], RegisteredType] = {}


def register(model: type[models.Model], *, title_attr: str = "name") -> None:
    """Make a ModeratedContent subclass known to flags, the queue and the status counts.

    Call from the owning app's AppConfig.ready(). Registering twice is harmless.
    """
    _registry[model] = RegisteredType(model=model, title_attr=title_attr)


def registered_types() -> list[RegisteredType]:
    return list(_registry.values())


def is_registered(model: type[models.Model]) -> bool:
    return model in _registry


def title_for(obj: models.Model) -> str:
    registered = _registry.get(type(obj))
    if registered is None:
        return str(obj)
    return str(getattr(obj, registered.title_attr, obj))
