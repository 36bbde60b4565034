"""Reads for search: check what a person asked for, then a page of ranked, highlighted results.

Only public things are in the index (see services), so results are the
same for everyone and need no further visibility check. A search that
finds nothing looks for a spelling that finds something ("Did you mean"),
in the vocabulary of public words only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from bigsocnorth.places.models import LocalAuthority, Region
from bigsocnorth.places.selectors import area_get_by_slug
from bigsocnorth.search import registry
from bigsocnorth.search.backends import RANK_CANDIDATES, search_backend
from bigsocnorth.search.highlight import highlight_all, highlight_snippet, stem
from bigsocnorth.search.models import SearchDocument
from bigsocnorth.search.query import (
    SearchFilters,
    SearchQueryError,
    SearchTerms,
    facet_token,
    fold,
    is_vocabulary_word,
    search_terms_parse,
    trigram_similarity,
)

PER_PAGE = 20
# Results beyond this are not ranked (backends.RANK_CANDIDATES): a search
# with more matches says "more than 1,000" and asks for a narrower search.
MAX_RESULTS = RANK_CANDIDATES
# An unknown filter value is echoed in its error; ten thousand characters need not be.
_ECHO_LIMIT = 60
# A suggestion shares at least this part of its trigrams with the word typed
# (pg_trgm's default threshold for `%`), and is at most this many letters
# added, removed, changed or swapped away: one for words of four letters or
# fewer, two for longer ones.
SUGGEST_SIMILARITY = 0.3
SUGGEST_EDITS_SHORT, SUGGEST_EDITS = 1, 2
_TYPED_WORD = re.compile(r"[^\W_]+")


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


def _edits(first: str, second: str, limit: int) -> int:
    """Letters added, removed, changed or two swapped between two words; limit + 1 past limit."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    before: list[int] | None = None
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, 1):
        current = [i] + [0] * len(second)
        for j, b in enumerate(second, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            if before is not None and i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def _closest(word: str, candidates: list[tuple[str, int]]) -> str | None:
    """The vocabulary word to suggest for `word` (folded), or None when it is known or no match."""
    limit = SUGGEST_EDITS_SHORT if len(word) <= 4 else SUGGEST_EDITS
    stemmed = stem(word)
    best: tuple | None = None
    for candidate, documents in candidates:
        if candidate == word or stem(candidate) == stemmed:
            return None  # in the index as it is, or in another form the index also finds
        similarity = trigram_similarity(word, candidate)
        if similarity < SUGGEST_SIMILARITY:
            continue
        edits = _edits(word, candidate, limit)
        if edits > limit:
            continue
        # Fewest edits, then the word more documents use (as people's
        # spelling correctors do: "hebdon" is Hebden, with five documents,
        # before Hedon, with two), then the closer spelling.
        key = (edits, -documents, -similarity, candidate)
        if best is None or key < best:
            best = key
    return best[-1] if best is not None else None


def _respelt(typed: str, correction: str) -> str:
    """The correction written like the word typed: Hebdon → Hebden, LEDS → LEEDS."""
    if typed.isupper() and len(typed) > 1:
        return correction.upper()
    if typed[:1].isupper():
        return correction[:1].upper() + correction[1:]
    return correction


def search_suggestion(*, terms: SearchTerms) -> SearchTerms | None:
    """The search with each word that is in no public document replaced by the nearest that is.

    None when every word is known (as typed, or in a form the index finds),
    or no word is near enough. Words of fewer than three letters, numbers
    and very common words are left as they are. One query, whatever the
    number of words; the vocabulary holds the words of public documents
    only, so a suggestion never shows a word of anything unpublished.
    """
    looked_up = [
        word
        for word in dict.fromkeys(fold(word) for word in terms.words)
        if is_vocabulary_word(word)
    ]
    if not looked_up:
        return None
    candidates: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for index, word, documents in search_backend().similar_words(words=looked_up):
        candidates[looked_up[index]].append((word, documents))
    corrections = {}
    for word in looked_up:
        correction = _closest(word, candidates[word])
        if correction is not None:
            corrections[word] = correction
    if not corrections:
        return None

    # The words typed, each misspelt one corrected; punctuation, symbols and
    # markup are left behind, so the suggestion is words a person can read.
    typed = _TYPED_WORD.findall(terms.text)
    respelt = [
        _respelt(word, corrections[fold(word.lower())])
        if fold(word.lower()) in corrections
        else word
        for word in typed
    ]
    try:
        return search_terms_parse(" ".join(respelt))
    except SearchQueryError:  # pragma: no cover - a correction is a word like the one it replaces
        return None


@dataclass(frozen=True)
class SearchPage:
    """One page of results. `count` stops at MAX_RESULTS; `more` says there were more.

    `did_you_mean` is set when the search found nothing and a corrected
    spelling finds something: the results are then those of that search.
    """

    page: Page
    count: int
    more: bool
    did_you_mean: SearchTerms | None = None

    @property
    def results(self) -> list[SearchResult]:
        return list(self.page.object_list)


def search_result_list(
    *, search: SearchInput, page: int | str = 1, per_page: int = PER_PAGE
) -> SearchPage:
    """A page of results for a checked search (see check_search_input), best first.

    Two queries: the count (up to MAX_RESULTS + 1) and the page. A page past
    the end is the last page; one that is not a number is the first.

    When nothing matches, one more query looks for a corrected spelling
    (search_suggestion); when there is one, its count and page are the
    results, and `did_you_mean` says which search they are for. So at most
    four queries, however many words and results.
    """
    ranked = _RankedDocuments(search)
    suggestion = None
    if ranked.count() == 0:
        suggestion = search_suggestion(terms=search.terms)
        if suggestion is not None:
            corrected = _RankedDocuments(replace(search, terms=suggestion))
            if corrected.count() > 0:
                ranked = corrected
            else:
                suggestion = None
    result_page = Paginator(ranked, per_page).get_page(page)
    return SearchPage(
        page=result_page, count=ranked.count(), more=ranked.more, did_you_mean=suggestion
    )
