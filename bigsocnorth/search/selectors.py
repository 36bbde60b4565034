"""Reads for search: check what a person asked for, then a page of ranked, highlighted results.

Only public things are in the index (see services), so results are the
same for everyone and need no further visibility check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from bigsocnorth.places.models import LocalAuthority, Region
from bigsocnorth.places.selectors import area_get_by_slug
from bigsocnorth.search import registry
from bigsocnorth.search.backends import RANK_CANDIDATES, search_backend
from bigsocnorth.search.highlight import highlight_all, highlight_snippet
from bigsocnorth.search.models import SearchDocument
from bigsocnorth.search.query import (
    SearchFilters,
    SearchQueryError,
    SearchTerms,
    facet_token,
    search_terms_parse,
)

PER_PAGE = 20
# Results beyond this are not ranked (backends.RANK_CANDIDATES): a search
# with more matches says "more than 1,000" and asks for a narrower search.
MAX_RESULTS = RANK_CANDIDATES
# An unknown filter value is echoed in its error; ten thousand characters need not be.
_ECHO_LIMIT = 60


@dataclass(frozen=True)
class SearchInput:
    """A checked search: its words, and the filters as chosen and as index tokens."""

    terms: SearchTerms
    type: registry.SearchableType | None = None
    category: str = ""
    area: LocalAuthority | Region | None = None
    filters: SearchFilters = field(default_factory=SearchFilters)


@dataclass(frozen=True)
class SearchResult:
    document: SearchDocument
    type_label: str | Promise
    title_html: SafeString
    snippet_html: SafeString

    @property
    def title(self) -> str:
        return self.document.title

    @property
    def url(self) -> str:
        return self.document.url

    @property
    def published_at(self):
        return self.document.published_at

    @property
    def type_key(self) -> str:
        return self.document.type_key


def type_choices() -> list[tuple[str, str | Promise]]:
    """(key, label) of every searchable type, for the type filter."""
    return [(searchable.key, searchable.label) for searchable in registry.searchable_types()]


def category_choices() -> list[tuple[str, str]]:
    """(slug, name) of every category any searchable type uses, by name, each slug once."""
    found: dict[str, str] = {}
    for searchable in registry.searchable_types():
        if searchable.categories is not None:
            for slug, name in searchable.categories():
                found.setdefault(slug, name)
    return sorted(found.items(), key=lambda item: (item[1].lower(), item[0]))


def _echo(value: str) -> str:
    return value if len(value) <= _ECHO_LIMIT else value[:_ECHO_LIMIT] + "…"


def check_search_input(
    *, q: str, type: str = "", category: str = "", area: str = ""
) -> SearchInput:
    """Check a search as typed; ValidationError with a message per field if it cannot run.

    `type` is a registry key, `category` a category slug, `area` a local
    authority or region slug (a region means any of its authorities).
    Empty filters mean "any".
    """
    errors: dict[str, str] = {}
    terms = None
    try:
        terms = search_terms_parse(q)
    except SearchQueryError as error:
        errors["q"] = str(error)
    searchable = None
    if type:
        searchable = registry.searchable_type_for_key(type)
        if searchable is None:
            errors["type"] = _(
                "There is no type “%(type)s” to search. Choose one of: %(types)s, or any type."
            ) % {
                "type": _echo(type),
                "types": ", ".join(f"{label} ({key})" for key, label in type_choices()),
            }
    if category and category not in dict(category_choices()):
        errors["category"] = _(
            "There is no category “%(category)s”. Choose a category from the list, or any category."
        ) % {"category": _echo(category)}
    found_area = None
    if area:
        found_area = area_get_by_slug(slug=area)
        if found_area is None:
            errors["area"] = _(
                "There is no area “%(area)s” in the North. Choose a local authority or a "
                "region, such as leeds or north-east, or anywhere."
            ) % {"area": _echo(area)}
    if errors:
        raise ValidationError(errors)
    all_of: list[str] = []
    if searchable is not None:
        all_of.append(facet_token("type", searchable.key))
    if category:
        all_of.append(facet_token("category", category))
    if isinstance(found_area, LocalAuthority):
        all_of.append(facet_token("area", found_area.pk))
    elif isinstance(found_area, Region):
        all_of.append(facet_token("region", found_area.pk))
    return SearchInput(
        terms=terms,
        type=searchable,
        category=category,
        area=found_area,
        filters=SearchFilters(all_of=tuple(all_of)),
    )


class _RankedDocuments:
    """The ranked matches of a search as a sequence a Paginator can count and slice."""

    def __init__(self, search: SearchInput) -> None:
        self.search = search
        self.more = False
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            found = search_backend().count(
                terms=self.search.terms, filters=self.search.filters, limit=MAX_RESULTS + 1
            )
            self.more = found > MAX_RESULTS
            self._count = min(found, MAX_RESULTS)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[SearchResult]:
        start, stop = window.start or 0, window.stop
        if stop is None or stop <= start:
            return []
        documents = search_backend().page(
            terms=self.search.terms, filters=self.search.filters, offset=start, limit=stop - start
        )
        words = self.search.terms.words
        return [
            SearchResult(
                document=document,
                type_label=_type_label(document.type_key),
                title_html=highlight_all(document.title, words),
                snippet_html=highlight_snippet(document.body, words),
            )
            for document in documents
        ]


def _type_label(key: str) -> str | Promise:
    searchable = registry.searchable_type_for_key(key)
    return searchable.label if searchable is not None else key


@dataclass(frozen=True)
class SearchPage:
    """One page of results. `count` stops at MAX_RESULTS; `more` says there were more."""

    page: Page
    count: int
    more: bool

    @property
    def results(self) -> list[SearchResult]:
        return list(self.page.object_list)


def search_result_list(
    *, search: SearchInput, page: int | str = 1, per_page: int = PER_PAGE
) -> SearchPage:
    """A page of results for a checked search (see check_search_input), best first.

    Two queries: the count (up to MAX_RESULTS + 1) and the page. A page past
    the end is the last page; one that is not a number is the first.
    """
    ranked = _RankedDocuments(search)
    result_page = Paginator(ranked, per_page).get_page(page)
    return SearchPage(page=result_page, count=ranked.count(), more=ranked.more)
