"""Matches marked in titles and text snippets, as HTML that is safe to show.

Done here rather than by the databases (FTS5 snippet(), ts_headline()) so
that both give the same result, and because FTS5 can only make a snippet
while it scans its matches, which is what the capped ranking avoids.
Everything is escaped first; only the <mark> elements added here are HTML.

Which words count as a match is an approximation of the index's stemming
(the plural, -ing and -ed forms of a word): a result found through a rarer
form of a word shows its text without a mark, never a wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from bigsocnorth.search.query import fold

SNIPPET_WORDS = 30
SNIPPET_SCAN = 5_000
_TOKEN = re.compile(r"[^\W_]+")
_VOWEL = re.compile(r"[aeiouy]")
# Between two sentences: a line break, or . ! ? (and any closing quotes or
# brackets, group 1) then spaces before a capital letter or a digit.
_BOUNDARY = re.compile(
    r"\s*\n\s*|(?<=[.!?\u2026])([\"'\u201d\u2019)\]]*)[ \t]+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])"
)
# What ends a sentence after its last word: punctuation, closing quotes and brackets.
_CLOSING = re.compile(r"[.!?\u2026,;:]*[\"'\u201d\u2019)\]]*[.!?\u2026]?")


def stem(word: str) -> str:
    """A rough English stem of a folded word: volunteers, volunteering → volunteer."""
    if len(word) <= 3:
        return word
    if word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("ies"):
        word = word[:-3] + "i"
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 3 and _VOWEL.search(base):
            word = base
            if word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # running → run
            break
    if word.endswith("y") and len(word) > 3:
        word = word[:-1] + "i"  # community, communities → communiti
    if word.endswith("e") and len(word) >= 4:
        word = word[:-1]  # house, housing → hous
    return word


def _wanted(words: Iterable[str]) -> set[str]:
    return {stem(fold(word)) for word in words}


def _is_match(token: str, wanted: set[str], starts: set[str]) -> bool:
    lower = token.lower()
    # Cheap first: a stem keeps the first two letters of its word, so most
    # words are ruled out without folding or stemming them.
    if lower.isascii() and lower[:2] not in starts:
        return False
    return stem(fold(token)) in wanted


def _spans(text: str, wanted: set[str]) -> tuple[list[re.Match], list[bool]]:
    starts = {word[:2] for word in wanted}
    tokens = list(_TOKEN.finditer(text))
    return tokens, [_is_match(token.group(), wanted, starts) for token in tokens]


def _marked(text: str, start: int, end: int, tokens, matched) -> str:
    out: list[str] = []
    position = start
    for token, is_match in zip(tokens, matched, strict=True):
        if not is_match or token.start() < start or token.end() > end:
            continue
        out.append(escape(text[position : token.start()]))
        out.append(f"<mark>{escape(token.group())}</mark>")
        position = token.end()
    out.append(escape(text[position:end]))
    return "".join(out)


def highlight_all(text: str, words: Iterable[str]) -> SafeString:
    """The whole text, escaped, with every matching word in <mark>."""
    tokens, matched = _spans(text, _wanted(words))
    return mark_safe(_marked(text, 0, len(text), tokens, matched))  # noqa: S308 - escaped above


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: a line is a paragraph, and . ! ? before a capital end one."""
    spans, start = [], 0
    for boundary in _BOUNDARY.finditer(text):
        end = boundary.end(1) if boundary.group(1) is not None else boundary.start()
        if end > start:
            spans.append((start, end))
        start = boundary.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _window(matched: list[bool], first: int, last: int, size: int) -> tuple[int, int]:
    """The `size` tokens of [first, last] with the most matches, starting a little before one."""
    best, best_count, count = first, -1, 0
    for index in range(first, last + 1):
        count += matched[index]
        if index - first >= size:
            count -= matched[index - size]
        start = max(first, index - size + 1)
        if count > best_count:
            best, best_count = start, count
    first_match = next((i for i in range(best, min(best + size, last + 1)) if matched[i]), best)
    start = max(first, min(first_match - 3, last + 1 - size))
    return start, min(last, start + size - 1)


def highlight_snippet(text: str, words: Iterable[str], *, size: int = SNIPPET_WORDS) -> SafeString:
    """The sentence of the text with the most of the words, escaped and marked.

    A sentence longer than about `size` words is cut to the `size` around
    its matches. Without a match (a title or facet match) it is the first
    sentences, up to `size` words. "…" shows where text was left out.
    """
    # Matches are looked for in the first SNIPPET_SCAN characters: enough for
    # any description people write, and a 30,000-character text on every
    # result of a page would otherwise cost more than the search itself.
    scanned = text[:SNIPPET_SCAN]
    tokens, matched = _spans(scanned, _wanted(words))
    if not tokens:
        return mark_safe("")
    # The tokens of each sentence, as [first, last] indexes into tokens.
    ranges: list[tuple[int, int]] = []
    index = 0
    for _start, end in _sentences(scanned):
        first = index
        while index < len(tokens) and tokens[index].end() <= end:
            index += 1
        if index > first:
            ranges.append((first, index - 1))
    if index < len(tokens):
        ranges.append((index, len(tokens) - 1))
    best, best_score = None, (0, 0)
    for first, last in ranges:
        hits = [stem(fold(tokens[i].group())) for i in range(first, last + 1) if matched[i]]
        score = (len(set(hits)), len(hits))
        if score > best_score:
            best, best_score = (first, last), score
    if best is None:
        # No match in the text: whole sentences from the start, as many as fit.
        first, last = ranges[0]
        for _first, next_last in ranges[1:]:
            if next_last - first + 1 > size:
                break
            last = next_last
    else:
        first, last = best
    if last - first + 1 > size * 3 // 2:
        first, last = _window(matched, first, last, size)
    start = 0 if first == 0 else tokens[first].start()
    end = len(scanned) if last == len(tokens) - 1 else _sentence_end(scanned, tokens, last)
    html = _marked(scanned, start, end, tokens, matched)
    if start > 0:
        html = "… " + html
    if end < len(text.rstrip()):
        html += " …"
    return mark_safe(html)  # noqa: S308 - every piece of the text is escaped in _marked


def _sentence_end(text: str, tokens: list[re.Match], last: int) -> int:
    """Where a snippet ending at token `last` stops: after its full stop and closing quote."""
    end = tokens[last].end()
    closing = _CLOSING.match(text, end)
    return closing.end() if closing else end
