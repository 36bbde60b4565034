"""Which offers fit a need, which needs an offer could meet, and the needs near a helper.

A match is the mirror kind, open and public, in the same category, near
enough: the post's own area first, then the other councils of its region,
nearest first. Candidates come from an index (kind, state, category, area),
so what is read grows with one category in a few councils, not with every
open post; CANDIDATES_MAX of them, each council's most pressing and newest
first, are scored here:

- distance: the rough points (or the areas' centres), as the crow flies;
- dates: whether the two posts' days overlap (ongoing overlaps anything);
- words in common: the share of the shorter post's words found in the other.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

from django.db.models import QuerySet
from django.utils import timezone

from bigsocnorth.mutual_aid.models import Post, PostKind, PostState

CANDIDATES_MAX = 400
SHOWN = 10
NEAR_KM = 40.0
WORDS_MAX = 40
NEAR_SPARE = 20
REGION_WALK = 400

_COMMON = frozenset(
    """a about an and any anyone are as at be been but by can could do for from get have help
    i if in into is it its just me my need needed needs of offer offers on or our please so some
    someone that the their them there this to up us we week what when who will with would you
    your""".split()  # noqa: SIM905 (a word list reads best as words)
)
_WORD = re.compile(r"[a-z][a-z'-]{2,}")


def words_of(*texts: str) -> str:
    """The distinct words that say what a post is about, as stored for matching."""
    seen: list[str] = []
    for text in texts:
        for word in _WORD.findall(text.lower()):
            word = word.strip("'-")
            if word.endswith("s") and len(word) > 4:
                word = word[:-1]  # "lifts" and "lift" are the same thing
            if word not in _COMMON and word not in seen:
                seen.append(word)
    return " ".join(seen[:WORDS_MAX])[:600]


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(h))


class Candidate(NamedTuple):
    """What scoring reads of a post, as the database gives it: no model object is made for
    the hundreds scored, only for the few shown."""

    pk: int
    urgency: str
    starts_on: date | None
    ends_on: date | None
    words: str
    latitude: float | None
    longitude: float | None
    local_authority_id: int
    expires_on: date


CANDIDATE_FIELDS = Candidate._fields


def _point(post, centres: dict[int, tuple[float, float]] | None = None) -> tuple[float, float]:
    """Its rough point, or its area's centre (from `centres`, else from the post's area)."""
    if post.latitude is not None and post.longitude is not None:
        return (post.latitude, post.longitude)
    if centres is not None and post.local_authority_id in centres:
        return centres[post.local_authority_id]
    area = post.local_authority
    return (area.centre_latitude, area.centre_longitude)


def _days(post) -> tuple[date, date] | None:
    if post.starts_on is None:
        return None  # ongoing
    return (post.starts_on, post.ends_on or post.starts_on)


def _dates_fit(a, b) -> bool:
    first, second = _days(a), _days(b)
    if first is None or second is None:
        return True
    return first[0] <= second[1] and second[0] <= first[1]


def _words_shared(a: str, b: str) -> float:
    first, second = set(a.split()), set(b.split())
    if not first or not second:
        return 0.0
    return len(first & second) / min(len(first), len(second))


@dataclass(frozen=True)
class Scored:
    post: Post  # or a Candidate, until the shown ones are loaded
    score: float
    km: float
    dates_fit: bool
    words: float


def score(post, other, centres: dict[int, tuple[float, float]] | None = None) -> Scored:
    """Higher is better: near, at the same time, about the same thing, pressing. `post` and
    `other` are posts or Candidates (with `centres`, their areas' centres by id)."""
    km = _km(_point(post, centres), _point(other, centres))
    dates_fit = _dates_fit(post, other)
    words = _words_shared(post.words, other.words)
    value = (
        40.0 * max(0.0, 1 - km / NEAR_KM)
        + (20.0 if dates_fit else 0.0)
        + 30.0 * words
        + 10.0 * (3 - int(other.urgency)) / 2
    )
    return Scored(post=other, score=value, km=km, dates_fit=dates_fit, words=words)


def _open(queryset: QuerySet[Post]) -> QuerySet[Post]:
    """Open and public. A post past its day that the lapse job has not closed yet is left out
    by the callers, in Python: a range on the day in SQL would lead SQLite's planner (which
    has no statistics) to the expiry index, reading every open post."""
    return queryset.public().filter(state=PostState.OPEN)


def _not_past(rows, today: date):
    return [row for row in rows if row.expires_on >= today]


CARD_FIELDS = (
    "pk", "slug", "title", "kind", "urgency", "when", "starts_on", "ends_on", "words",
    "latitude", "longitude", "place_name", "created_at", "category__slug", "category__name",
    "local_authority__slug", "local_authority__name", "local_authority__centre_latitude",
    "local_authority__centre_longitude",
)  # fmt: skip


def _region(local_authority_id: int) -> dict[int, tuple[float, float]]:
    """The centres of the councils of this council's region, by id (one query)."""
    from bigsocnorth.places.models import LocalAuthority

    region = LocalAuthority.objects.filter(pk=local_authority_id).values("region_id")
    rows = LocalAuthority.objects.filter(region_id__in=region).values_list(
        "pk", "centre_latitude", "centre_longitude"
    )
    return {pk: (latitude, longitude) for pk, latitude, longitude in rows}


def candidates(post: Post, *, limit: int = CANDIDATES_MAX, centres=None) -> list[Candidate]:
    """Open public posts of the mirror kind in the same category: the post's own area's
    first, then its region's other councils, nearest first, each the most pressing and
    newest first, until `limit`.

    One council at a time, each read from `aid_match_idx` by equality: asked for all of a
    region's councils at once, SQLite's planner (without statistics) walks the North's
    posts in order instead, reading thousands to find a few hundred.
    """
    other = PostKind.OFFER if post.kind == PostKind.NEED else PostKind.NEED
    today = timezone.localdate()
    base = _open(Post.objects.filter(kind=other, category_id=post.category_id)).exclude(pk=post.pk)
    order = ("urgency", "-created_at")

    def rows(area_id: int, count: int) -> list[Candidate]:
        found = base.filter(local_authority_id=area_id).order_by(*order)
        return _not_past(map(Candidate._make, found.values_list(*CANDIDATE_FIELDS)[:count]), today)

    found = rows(post.local_authority_id, limit)
    if len(found) >= limit:
        return found
    centres = centres if centres is not None else _region(post.local_authority_id)
    here = centres.get(post.local_authority_id)
    others = sorted(
        (area_id for area_id in centres if area_id != post.local_authority_id),
        key=lambda area_id: _km(here, centres[area_id]) if here else 0.0,
    )
    for area_id in others:
        if len(found) >= limit:
            break
        found += rows(area_id, limit - len(found))
    return found


def matches_for(post: Post, *, shown: int = SHOWN) -> list[Scored]:
    """The best fits for a post, best first: scored as rows, and only those shown loaded."""
    centres = _region(post.local_authority_id)
    scored = [score(post, row, centres) for row in candidates(post, centres=centres)]
    scored.sort(key=lambda each: (-each.score, -each.post.pk))
    best = scored[:shown]
    loaded = (
        Post.objects.select_related("category", "local_authority")
        .only(*CARD_FIELDS)
        .in_bulk([each.post.pk for each in best])
    )
    return [replace(each, post=loaded[each.post.pk]) for each in best if each.post.pk in loaded]


def needs_near(*, area, category=None, limit: int = 20) -> list[Post]:
    """Open needs in an area (a council, or a region's councils), most pressing and newest
    first: what a helper or a group can pick up."""
    from bigsocnorth.places.models import Region

    needs = _open(Post.objects.filter(kind=PostKind.NEED))
    if category is not None:
        needs = needs.filter(category=category)
    if isinstance(area, Region) and category is None:
        return _region_needs(needs, area, limit=limit)
    if isinstance(area, Region):
        from bigsocnorth.mutual_aid.selectors import region_area_ids

        needs = needs.filter(local_authority_id__in=region_area_ids(area))
    else:
        needs = needs.filter(local_authority_id=area.pk)
    today = timezone.localdate()
    # A few more than shown, for any past their day and not yet closed by the lapse job.
    found = list(
        needs.select_related("category", "local_authority")
        .only(*CARD_FIELDS, "expires_on")
        .order_by("urgency", "-created_at", "-pk")[: limit + NEAR_SPARE]
    )
    return [post for post in found if post.expires_on >= today][:limit]


def _region_needs(needs: QuerySet[Post], region, *, limit: int) -> list[Post]:
    """A region's needs in the North's order, walked from the index on it (`aid_open_idx`)
    until enough are in the region: a third of the North's are, so a walk or two. Asking for
    the region's councils in SQL instead reads and sorts every open need in the region."""
    from bigsocnorth.mutual_aid.selectors import region_area_ids

    areas = set(region_area_ids(region))
    today = timezone.localdate()
    ordered = needs.order_by("urgency", "-created_at", "-pk").values_list(
        "pk", "local_authority_id", "expires_on"
    )
    found: list[int] = []
    start = 0
    while len(found) < limit:
        rows = list(ordered[start : start + REGION_WALK])
        found += [
            pk for pk, area_id, expires_on in rows if area_id in areas and expires_on >= today
        ]
        if len(rows) < REGION_WALK:
            break
        start += REGION_WALK
    found = found[:limit]
    loaded = (
        Post.objects.select_related("category", "local_authority")
        .only(*CARD_FIELDS, "expires_on")
        .in_bulk(found)
    )
    return [loaded[pk] for pk in found if pk in loaded]
