"""Which models people may follow, so follows and notices work with any content type.

Each owning app registers its followable models in its `content.py`, which
core imports at start-up the way the admin imports `admin.py` (see
docs/adding-a-content-type.md); areas are registered in apps.py. The `key`
("directory.entry") is what forms and URLs carry instead of database ids of
content types, which differ between installations.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise

if TYPE_CHECKING:
    from bigsocnorth.notifications.models import Notification

_KEY = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Followable:
    model: type[models.Model]
    key: str
    label: str | Promise
    # The rows to load when showing followed things; lets a model leave out
    # heavy columns (an area's boundary) from the "what you follow" page.
    queryset: Callable[[], QuerySet] | None = None
    # Where one of them is shown, for models without get_absolute_url()
    # (a category is a filtered directory list, not a page of its own).
    url: Callable[[models.Model], str] | None = None
    # The type's own rule on who may follow one of them (nobody follows
    # themselves): check(user, obj) raises ValidationError with a message
    # the person can act on.
    check: Callable[[Any, models.Model], None] | None = None

    def objects(self) -> QuerySet:
        if self.queryset is not None:
            return self.queryset()
        return self.model._default_manager.all()

    def url_for(self, obj: models.Model) -> str | None:
        if self.url is not None:
            return self.url(obj)
        get_url = getattr(obj, "get_absolute_url", None)
        return get_url() if get_url is not None else None


_by_model: dict[type[models.Model], Followable] = {}
_by_key: dict[str, Followable] = {}


def register(
    model: type[models.Model],
    *,
    key: str,
    label: str | Promise,
    queryset: Callable[[], QuerySet] | None = None,
    url: Callable[[models.Model], str] | None = None,
    check: Callable[[Any, models.Model], None] | None = None,
) -> None:
    """Let people follow objects of `model`. Registering the same model again is harmless.

    `key` is "app.name" in lower case, unique across models; `label` says
    what one of them is, in words ("area", "directory entry"). Optional:
    `queryset()` for the rows to load (to leave out heavy columns) and
    `url(obj)` for models without get_absolute_url(); `check(user, obj)`,
    raising ValidationError, for a rule of the type's own on following one.
    """
    if not _KEY.fullmatch(key):
        raise ValueError(f"A followable key looks like 'app.name', not {key!r}.")
    taken = _by_key.get(key)
    if taken is not None and taken.model is not model:
        raise ValueError(f"{key!r} is already registered for {taken.model.__name__}.")
    followable = Followable(
        model=model, key=key, label=label, queryset=queryset, url=url, check=check
    )
    previous = _by_model.get(model)
    if previous is not None and previous.key != key:
        del _by_key[previous.key]
    _by_model[model] = followable
    _by_key[key] = followable


def unregister(model: type[models.Model]) -> None:
    """Forget a model (for tests that register a throwaway one)."""
    followable = _by_model.pop(model, None)
    if followable is not None:
        _by_key.pop(followable.key, None)


def is_registered(model: type[models.Model]) -> bool:
    return model in _by_model


def followable_for_model(model: type[models.Model]) -> Followable | None:
    return _by_model.get(model)


def followable_for(obj: models.Model) -> Followable | None:
    """The registration for an object's model (a proxy counts as its concrete model)."""
    return _by_model.get(type(obj)) or _by_model.get(obj._meta.concrete_model)


def followable_for_key(key: str) -> Followable | None:
    return _by_key.get(key)


def followable_types() -> list[Followable]:
    return list(_by_model.values())


# --- Reply-To on notification emails --------------------------------------------

# (kind prefix, maker): an app that can take answers to its notification
# emails (the forum: a reply posts in the topic) gives them a Reply-To.
_reply_to_makers: list[tuple[str, Callable[[Notification], str | None]]] = []


def register_reply_to(kind_prefix: str, make: Callable[[Notification], str | None]) -> None:
    """Give emails of notifications whose kind starts with `kind_prefix` a Reply-To.

    `make(notification)` returns the address, or None for an email nobody
    can answer. The longest matching prefix decides. Registering a prefix
    again replaces its maker.
    """
    if not kind_prefix:
        raise ValueError("A Reply-To maker needs a kind prefix, such as 'forum.'.")
    unregister_reply_to(kind_prefix)
    _reply_to_makers.append((kind_prefix, make))
    _reply_to_makers.sort(key=lambda pair: len(pair[0]), reverse=True)


def unregister_reply_to(kind_prefix: str) -> None:
    """Forget a prefix's maker (for tests that register a throwaway one)."""
    _reply_to_makers[:] = [pair for pair in _reply_to_makers if pair[0] != kind_prefix]


def reply_to_for(notification: Notification) -> str | None:
    """The Reply-To address for a notification's email, or None when it has none."""
    kind = str(notification.kind or "")
    for prefix, make in _reply_to_makers:
        if kind.startswith(prefix):
            return make(notification) or None
    return None
