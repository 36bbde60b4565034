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
# entry, the user whose profile it is, None for the home page, or the
# content object whose page it is.
AREA = "area"
ENTRY = "entry"
PROFILE = "profile"
HOME = "home"
# The page of one piece of content (an entry, a story, a cut, a gathering):
# what goes under it, such as its discussion. Its template renders them with
# `{% content_sections obj %}`.
CONTENT = "content"
PAGES = (AREA, ENTRY, PROFILE, HOME, CONTENT)


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


# --- The home page: narrowed to an area, and the network's headline figures -------------


@dataclass(frozen=True)
class Scope:
    """What a gathering page is narrowed to (an area, say) and how the person chooses it."""

    obj: object | None
    # Shown before the sections: the form that changes the scope.
    chooser: Section | None = None
    # A value to remember for next time ("" to forget), or None to leave as it is.
    remember: str | None = None


ScopeResolver = Callable[..., Scope]
_scopes: dict[str, ScopeResolver] = {}


def register_scope(page: str, *, resolve: ScopeResolver) -> None:
    """Let an app narrow `page` to something: resolve(request=..., remembered=...) -> Scope.

    The places app narrows the home page to an area; without it, the home
    page is about the whole North.
    """
    _scopes[page] = resolve


def scope_for(page: str, *, request, remembered: str) -> Scope:
    resolve = _scopes.get(page)
    return resolve(request=request, remembered=remembered) if resolve else Scope(obj=None)


@dataclass(frozen=True)
class Figure:
    label: str
    count: int
    url: str


# Called as count(obj=...) with the page's scope; returns (count, url of the list).
FigureBuilder = Callable[..., tuple[int, str]]
_figures: dict[str, tuple[int, object, FigureBuilder]] = {}


def register_figure(key: str, *, label, count: FigureBuilder, order: int = 100) -> None:
    """A headline figure of the network (groups, stories, people…) on the home page.

    `label` is a function of the count (for plurals): label(3) -> "3 groups".
    """
    _figures[key] = (order, label, count)


def figures_for(*, obj) -> list[Figure]:
    figures = []
    for _order, label, count in sorted(_figures.values(), key=lambda figure: figure[0]):
        number, url = count(obj=obj)
        figures.append(Figure(label=label(number), count=number, url=url))
    return figures
