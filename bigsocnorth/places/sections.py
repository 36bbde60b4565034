"""What each content type shows on an area page, registered by the app that owns it.

The places app knows nothing of entries, stories or events; each app
registers a builder from its AppConfig.ready(), and the area page shows
every section that has something to show, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AreaSection:
    template: str
    context: dict = field(default_factory=dict)
    # Rendered in the page's <head> with the same context: <link rel="alternate"> to a feed, say.
    head_template: str = ""


# Called as build(area=..., user=...); returns None when there is nothing to show.
SectionBuilder = Callable[..., AreaSection | None]

_sections: dict[str, tuple[int, SectionBuilder]] = {}


def register_area_section(key: str, *, build: SectionBuilder, order: int = 100) -> None:
    """Add (or replace) the section `key` on area pages. Registering twice is harmless."""
    _sections[key] = (order, build)


def area_sections_for(*, area, user) -> list[AreaSection]:
    built = []
    for _key, (_order, build) in sorted(_sections.items(), key=lambda item: item[1][0]):
        section = build(area=area, user=user)
        if section is not None:
            built.append(section)
    return built
