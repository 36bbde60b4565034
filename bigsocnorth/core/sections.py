"""Sections: what each content type shows on the pages that gather other types' content.

Pages that gather (an area, a directory entry, a person's profile, the home
page) know nothing of the types shown on them. Each type registers a
builder from its app's `content.py`:

    register_section(ENTRY, "stories", build=entry_stories_section, order=30)

`build(obj=..., user=...)` returns a Section, or None when it has nothing to
show; the page renders every section in order. An app that is not installed
registers nothing, so it shows nowhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# The pages that gather sections. `obj` passed to a builder is the area, the
# entry, the user whose profile it is, or None for the home page.
AREA = "area"
ENTRY = "entry"
PROFILE = "profile"
HOME = "home"
PAGES = (AREA, ENTRY, PROFILE, HOME)


@dataclass(frozen=True)
class Section:
    template: str
    context: dict = field(default_factory=dict)
    # Rendered in the page's <head> with the same context: <link rel="alternate"> to a feed, say.
    head_template: str = ""


# Called as build(obj=..., user=...); returns None when there is nothing to show.
SectionBuilder = Callable[..., Section | None]

_sections: dict[str, dict[str, tuple[int, SectionBuilder]]] = {page: {} for page in PAGES}


def register_section(page: str, key: str, *, build: SectionBuilder, order: int = 100) -> None:
    """Add (or replace) the section `key` on `page`. Registering twice is harmless."""
    if page not in _sections:
        raise ValueError(f"No page gathers sections called {page!r}; choose from {PAGES}.")
    _sections[page][key] = (order, build)


def unregister_section(page: str, key: str) -> None:
    """Forget a section (for tests that register a throwaway one)."""
    _sections.get(page, {}).pop(key, None)


def section_keys(page: str) -> list[str]:
    return [key for key, _ in sorted(_sections[page].items(), key=lambda item: item[1][0])]


def sections_for(page: str, *, obj, user) -> list[Section]:
    """The sections of `page` about `obj` that have something to show, in order."""
    built = []
    for _key, (_order, build) in sorted(_sections[page].items(), key=lambda item: item[1][0]):
        section = build(obj=obj, user=user)
        if section is not None:
            built.append(section)
    return built
