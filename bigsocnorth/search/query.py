"""From what people type to what the index is asked: words only, never query syntax.

Whatever someone types (quotes, `*`, NEAR, minus signs, brackets, NUL,
emoji, ten thousand characters) becomes a short tuple of plain words, or a
SearchQueryError with a message they can act on. The backends quote each
word themselves, so no input is ever read as FTS5 or tsquery syntax.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

SEARCH_QUERY_MAX_LENGTH = 200
SEARCH_QUERY_MAX_WORDS = 12
# Indexed text is capped: a 20,000-character description is searchable in full.
TITLE_MAX = 300
BODY_MAX = 30_000

# Letters and digits of any script; everything else separates words.
_WORD = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s+")
# A line break, with any spaces around it.
_LINES = re.compile(r"\s*\n\s*")
# Unicode's control characters (category Cc) and lone surrogates (Cs).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

# Words too common to search for. This is PostgreSQL's English list
# (snowball), so both databases ignore exactly the same words: PostgreSQL
# drops them itself, and they are dropped here before SQLite sees them.
_STOP_WORDS_TEXT = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


class SearchQueryError(ValueError):
    """The search text cannot be searched for; str(error) says why, for the person."""


def fold(value: str) -> str:
    """Lower case without accents: "Café" and "cafe" are the same word to search."""
    decomposed = unicodedata.normalize("NFKD", value.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def text_clean(value: str, *, max_length: int) -> str:
    """Indexed text: no control characters (PostgreSQL refuses NUL), spaces collapsed."""
    return _SPACE.sub(" ", _CONTROL.sub(" ", value or "")).strip()[:max_length]


def text_clean_lines(value: str, *, max_length: int) -> str:
    """Indexed body text: as text_clean, but a line break between paragraphs stays one.

    Snippets are whole sentences, and a paragraph, a heading or a list item
    ends one even without a full stop.
    """
    lines = (text_clean(line, max_length=max_length) for line in _LINES.split(value or ""))
    return "\n".join(line for line in lines if line)[:max_length]


# Words a vocabulary (search_words) keeps: letters, 3 to VOCABULARY_WORD_MAX of them;
# numbers, codes and very long strings are never worth suggesting.
VOCABULARY_WORD_MIN = 3
VOCABULARY_WORD_MAX = 40
_fold_cache: dict[str, str] = {}


def _fold_cached(word: str) -> str:
    folded = _fold_cache.get(word)
    if folded is None:
        folded = fold(word)
        if len(_fold_cache) < 100_000:
            _fold_cache[word] = folded
    return folded


def is_vocabulary_word(word: str) -> bool:
    """Whether a folded word is one a suggestion may be made of, or for."""
    return (
        VOCABULARY_WORD_MIN <= len(word) <= VOCABULARY_WORD_MAX
        and word.isalpha()
        and word not in STOP_WORDS
    )


def trigrams(word: str) -> set[str]:
    """A folded word's trigrams as pg_trgm makes them: padded with two spaces before, one after."""
    padded = f"  {word} "
    return {padded[start : start + 3] for start in range(len(padded) - 2)}


def trigram_similarity(first: str, second: str) -> float:
    """Shared trigrams over all trigrams of two words: pg_trgm's similarity()."""
    a, b = trigrams(first), trigrams(second)
    return len(a & b) / len(a | b) if a or b else 0.0


def search_words(*texts: str) -> set[str]:
    """The distinct folded words of some text that "Did you mean" may suggest."""
    found: set[str] = set()
    for text in texts:
        if text:
            found.update(_WORD.findall(text.lower()))
    folded = {_fold_cached(word) for word in found}
    return {word for word in folded if is_vocabulary_word(word)}


@dataclass(frozen=True)
class SearchTerms:
    """A parsed search: the text as typed (tidied), and the words to match, lower case."""

    text: str
    words: tuple[str, ...]


def search_terms_parse(raw: str) -> SearchTerms:
    """The words to search for in what a person typed; SearchQueryError if there are none.

    Every word must match (in the title or the text). Very common words are
    left out; case and accents are ignored by the index itself.
    """
    raw = raw or ""
    if len(raw) > SEARCH_QUERY_MAX_LENGTH:
        raise SearchQueryError(
            _("Use at most %(max)d characters to search (this search has %(count)s).")
            % {"max": SEARCH_QUERY_MAX_LENGTH, "count": f"{len(raw):,}"}
        )
    text = text_clean(unicodedata.normalize("NFKC", raw), max_length=SEARCH_QUERY_MAX_LENGTH)
    if not text:
        raise SearchQueryError(_("Type what you are looking for."))
    words: list[str] = []
    common = False
    for word in _WORD.findall(text.lower()):
        if fold(word) in STOP_WORDS:
            common = True
        elif word not in words:
            words.append(word)
    if not words and common:
        raise SearchQueryError(
            _(
                "Search leaves out very common words such as “the” and “and”, and this "
                "search has only those. Add a word that says what you are looking for."
            )
        )
    if not words:
        raise SearchQueryError(
            _("Search for words or numbers: this search has only punctuation or symbols.")
        )
    if len(words) > SEARCH_QUERY_MAX_WORDS:
        raise SearchQueryError(
            _("Use at most %(max)d words to search (this search has %(count)d).")
            % {"max": SEARCH_QUERY_MAX_WORDS, "count": len(words)}
        )
    return SearchTerms(text=text, words=tuple(words))


def facet_token(kind: str, value: str | int) -> str:
    """The index token for one facet value: ("type", "entry"), ("category", "food"),
    ("area", local authority id) or ("region", region id).

    Digits only, so that neither database's tokenizer, stemmer or stop list
    can split or change it, whatever the slug looks like.
    """
    digest = hashlib.blake2b(f"{kind}:{value}".encode(), digest_size=8).digest()
    return f"{int.from_bytes(digest, 'big'):020d}"


@dataclass(frozen=True)
class SearchFilters:
    """Facet tokens a result must have, every one of them (see facet_token)."""

    all_of: tuple[str, ...] = ()
