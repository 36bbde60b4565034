"""Finding entries that are probably the same group, before a new one is added.

"Is it one of these?": the same website or identifier, a name that reads
the same once case, accents, punctuation and legal suffixes are ignored, a
similar name, or a place within about 100 m.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import reduce
from operator import or_
from urllib.parse import urlsplit

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bigsocnorth.directory.models import Entry, EntryIdentifier, EntryPlace
from bigsocnorth.moderation.permissions import filter_visible_to

# Words that do not tell two groups apart.
_IGNORED_WORDS = {"the", "ltd", "limited", "cic", "cio", "llp", "plc", "inc", "uk", "and", "of"}
_NON_WORD = re.compile(r"[^a-z0-9]+")
SIMILAR_NAME = 0.8
NEARBY_DEGREES_LATITUDE = 0.001  # about 110 m
NEARBY_DEGREES_LONGITUDE = 0.0015  # about 100 m at 54° north
CANDIDATES_MAX = 200


def name_key(name: str) -> str:
    """The name folded for comparison: "The Walkley Repair Café CIC" → "walkley repair cafe"."""
    folded = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    folded = folded.replace("&", " and ")
    words = [word for word in _NON_WORD.split(folded) if word and word not in _IGNORED_WORDS]
    return " ".join(words)[: Entry.NAME_MAX]


def website_key(url: str) -> str:
    """The website without scheme, "www.", query or trailing slash: "example.org/about"."""
    if not url:
        return ""
    parts = urlsplit(url.strip().lower())
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}"[: Entry.URL_MAX]


def _name_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    words_a, words_b = set(a.split()), set(b.split())
    overlap = len(words_a & words_b) / len(words_a | words_b)
    return max(overlap, SequenceMatcher(None, a, b).ratio())


@dataclass
class LikelyDuplicate:
    entry: Entry
    reasons: list[str] = field(default_factory=list)
    similarity: float = 0.0


def entry_likely_duplicates(
    *,
    user,
    name: str,
    website: str = "",
    identifiers: list[tuple[str, str]] = (),
    points: list[tuple[float, float]] = (),
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[LikelyDuplicate]:
    """Entries the person may see that are probably the group being added, best first."""
    key = name_key(name)
    site = website_key(website)
    conditions = []
    if key:
        conditions.append(Q(name_key=key))
        words = sorted((w for w in key.split() if len(w) >= 4), key=len, reverse=True)[:3]
        conditions += [Q(name_key__contains=word) for word in words]
    if site:
        conditions.append(Q(website_key=site))
    if identifiers:
        matching = reduce(or_, (Q(scheme=s, value=v) for s, v in identifiers))
        conditions.append(Q(pk__in=EntryIdentifier.objects.filter(matching).values("entry_id")))
    for latitude, longitude in points:
        nearby = EntryPlace.objects.filter(
            latitude__range=(
                latitude - NEARBY_DEGREES_LATITUDE,
                latitude + NEARBY_DEGREES_LATITUDE,
            ),
            longitude__range=(
                longitude - NEARBY_DEGREES_LONGITUDE,
                longitude + NEARBY_DEGREES_LONGITUDE,
            ),
        )
        conditions.append(Q(pk__in=nearby.values("entry_id")))
    if not conditions:
        return []
    candidates = (
        filter_visible_to(user=user, queryset=Entry.objects.all())
        .filter(merged_into__isnull=True)
        .filter(reduce(or_, conditions))
        .select_related("kind")
        .prefetch_related("identifiers", "places__local_authority")
    )
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    wanted = set(identifiers)
    found: list[LikelyDuplicate] = []
    for entry in candidates[:CANDIDATES_MAX]:
        match = LikelyDuplicate(entry=entry, similarity=_name_similarity(key, entry.name_key))
        if site and entry.website_key == site:
            match.reasons.append(_("the same website"))
        if wanted & {(i.scheme, i.value) for i in entry.identifiers.all()}:
            match.reasons.append(_("the same registration number"))
        if match.similarity >= SIMILAR_NAME:
            match.reasons.append(_("a very similar name"))
        if any(
            abs(place.latitude - latitude) <= NEARBY_DEGREES_LATITUDE
            and abs(place.longitude - longitude) <= NEARBY_DEGREES_LONGITUDE
            for place in entry.places.all()
            for latitude, longitude in points
        ):
            match.reasons.append(_("a place within about 100 m"))
        if match.reasons:
            found.append(match)
    found.sort(key=lambda m: (len(m.reasons), m.similarity), reverse=True)
    return found[:limit]
