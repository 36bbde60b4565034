"""The site's main menu, made of the items installed apps register.

Each app adds its item from its `content.py` (or its AppConfig) with
`register_menu_item`; an app that is not installed adds nothing, so the
menu never names a page that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    order: int = 100


_items: dict[str, NavItem] = {}


def register_menu_item(url_name: str, *, label: str | Promise, order: int = 100) -> None:
    """Add (or replace) a main menu item leading to the page named `url_name`."""
    _items[url_name] = NavItem(label=label, url_name=url_name, order=order)


def menu_items() -> list[NavItem]:
    return sorted(_items.values(), key=lambda item: item.order)


def navigation_for(request) -> list[dict]:
    current = request.path if request is not None else ""
    items = []
    for item in menu_items():
        url = reverse(item.url_name)
        items.append({"label": item.label, "url": url, "current": current.startswith(url)})
    return items
