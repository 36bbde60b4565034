"""Reads for threats and cuts: lists, filters, one cut with its timeline, decisions due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bigsocnorth.cuts.choices import OPEN_STATES
from bigsocnorth.cuts.models import Cut, Evidence, TimelineEntry
from bigsocnorth.moderation.permissions import check_view_permission
from bigsocnorth.places.models import LocalAuthority, Region
from bigsocnorth.places.selectors import area_get_by_slug

PER_PAGE = 20
DUE_SOON_DAYS = 60

# What a cut's card (cuts/includes/cut_card.html) and the API's list show, and nothing more.
_CARD_FIELDS = (
    "id", "uuid", "status", "latitude", "longitude", "announced_on", "consultation_closes_on",
    "people_basis", "author_name_hidden", "slug", "title", "summary", "kind", "sector", "state",
    "state_since", "verification", "confirmation_count", "money_yearly", "money_one_off",
    "financial_year", "posts_lost", "people_affected", "decision_due_on", "takes_effect_on",
    "published_at", "affected_name", "decided_by_name", "place_name", "entry__id", "entry__name",
    "entry__slug", "entry__status", "decided_by_authority__id", "decided_by_authority__name",
    "decided_by_authority__slug", "local_authority__id", "local_authority__name",
    "local_authority__slug", "decided_by_authority__code", "local_authority__code",
)  # fmt: skip


def cut_cards() -> QuerySet[Cut]:
    return Cut.objects.select_related("entry", "decided_by_authority", "local_authority").only(
        *_CARD_FIELDS
    )


@dataclass(frozen=True)
class CutFilters:
    """A list's filters, as the list page, the API and the downloads all take them."""

    area: str = ""
    body: str = ""  # a council's slug or GSS code, or words naming another body
    kind: str = ""
    sector: str = ""
    state: str = ""  # a state, or "open", "stopped", "carried-out"
    verification: str = ""
    decision_from: date | None = None
    decision_to: date | None = None
    announced_from: date | None = None
    announced_to: date | None = None
    money_at_least: int | None = None  # pence a year
    entry: int | None = None


def cuts_in_area(cuts: QuerySet[Cut], area) -> QuerySet[Cut]:
    """Cuts in a local authority or region (an object, or its slug); an unknown slug: none."""
    found = area_get_by_slug(slug=area, boundaries=False) if isinstance(area, str) else area
    if isinstance(found, LocalAuthority):
        return cuts.filter(local_authority=found)
    if isinstance(found, Region):
        return cuts.filter(local_authority_id__in=found.local_authorities.values("pk"))
    return cuts.none()


def _body_filter(cuts: QuerySet[Cut], body: str) -> QuerySet[Cut]:
    council = LocalAuthority.objects.filter(Q(slug=body) | Q(code=body.upper())).first()
    if council is not None:
        return cuts.filter(decided_by_authority=council)
    return cuts.filter(decided_by_name__iexact=body)


def _state_filter(cuts: QuerySet[Cut], state: str) -> QuerySet[Cut]:
    from bigsocnorth.cuts.choices import CutState, state_group

    if state in ("open", "stopped", "carried-out"):
        return cuts.filter(state__in=[s for s in CutState.values if state_group(s) == state])
    return cuts.filter(state=state)


def cuts_filter(cuts: QuerySet[Cut], filters: CutFilters) -> QuerySet[Cut]:
    """Narrow a queryset of cuts; an unknown area matches nothing."""
    if filters.area:
        cuts = cuts_in_area(cuts, filters.area)
    if filters.body:
        cuts = _body_filter(cuts, filters.body)
    for name in ("kind", "sector", "verification"):
        if getattr(filters, name):
            cuts = cuts.filter(**{name: getattr(filters, name)})
    if filters.state:
        cuts = _state_filter(cuts, filters.state)
    if filters.decision_from:
        cuts = cuts.filter(decision_due_on__gte=filters.decision_from)
    if filters.decision_to:
        cuts = cuts.filter(decision_due_on__lte=filters.decision_to)
    if filters.announced_from:
        cuts = cuts.filter(announced_on__gte=filters.announced_from)
    if filters.announced_to:
        cuts = cuts.filter(announced_on__lte=filters.announced_to)
    if filters.money_at_least:
        # Compared as an expression, not a column: most cuts pass a money
        # filter, and SQLite (without statistics) would otherwise walk the
        # money index for it rather than the far narrower sector, area or
        # state one, then sort what it found (240 ms at 100,000 cuts).
        cuts = cuts.alias(money_a_year=F("money_yearly") + 0).filter(
            money_a_year__gte=filters.money_at_least
        )
    if filters.entry:
        cuts = cuts.filter(entry_id=filters.entry)
    return cuts


def public_cuts() -> QuerySet[Cut]:
    """Every public cut (merged ones are hidden), newest first."""
    return Cut.objects.public().order_by("-published_at", "-pk")


def cut_list(*, filters: CutFilters, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """A page of public cuts, newest first: the page's ids from an index, then their cards."""
    ids = cuts_filter(public_cuts(), filters).values_list("pk", flat=True)
    found = Paginator(ids, per_page).get_page(page)
    wanted = list(found.object_list)
    rows = cut_cards().in_bulk(wanted)
    found.object_list = [rows[pk] for pk in wanted if pk in rows]
    return found


def cut_get(*, user, slug: str) -> Cut:
    """The cut with what its page shows, if this person may see it."""
    try:
        cut = Cut.objects.select_related(
            "author__profile",
            "entry",
            "decided_by_authority",
            "local_authority__region",
            "merged_into",
        ).get(slug=slug)
    except Cut.DoesNotExist:
        raise Http404 from None
    check_view_permission(user=user, obj=cut)
    return cut


def cut_timeline(*, cut: Cut, user) -> list[TimelineEntry]:
    """The timeline in the order things happened: public entries, and the viewer's own."""
    entries = TimelineEntry.objects.filter(cut=cut)
    if not (user.is_authenticated and user.is_moderator):
        mine = Q(author=user) if user.is_authenticated else Q(pk__in=[])
        entries = entries.filter(Q(pk__in=cut.timeline.public()) | mine)
    return list(
        entries.select_related("author__profile")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
        .order_by("happened_on", "pk")
    )


def _due_soon(*, area=None, days: int = DUE_SOON_DAYS) -> QuerySet[Cut]:
    today = timezone.localdate()
    cuts = Cut.objects.public().filter(
        state__in=OPEN_STATES,
        decision_due_on__gte=today,
        decision_due_on__lte=today + timedelta(days=days),
    )
    if area is not None:
        cuts = cuts_in_area(cuts, area)
    return cuts.order_by("decision_due_on", "pk")


def decisions_due(*, area=None, days: int = DUE_SOON_DAYS, limit: int = 10) -> list[Cut]:
    """The first open cuts whose decision is due in the next `days`, soonest first."""
    ids = list(_due_soon(area=area, days=days).values_list("pk", flat=True)[:limit])
    rows = cut_cards().in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def decisions_due_page(*, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """A page of the open cuts whose decision is due soon, soonest first."""
    found = Paginator(_due_soon().values_list("pk", flat=True), per_page).get_page(page)
    wanted = list(found.object_list)
    rows = cut_cards().in_bulk(wanted)
    found.object_list = [rows[pk] for pk in wanted if pk in rows]
    return found


def biggest_open_threats(*, area=None, limit: int = 5) -> list[Cut]:
    """The open cuts with the most money a year at stake."""
    cuts = cut_cards().public().filter(state__in=OPEN_STATES, money_yearly__isnull=False)
    if area is not None:
        cuts = cuts_in_area(cuts, area)
    return list(cuts.order_by("-money_yearly", "pk")[:limit])


def similar_cuts(*, local_authority_id: int | None, title: str, decided_by_authority_id=None,
                 limit: int = 5) -> list[Cut]:  # fmt: skip
    """Public cuts that may be the same one: in the same area or by the same body, with a word
    of the title in common. Offered before a report is sent ("is it one of these?")."""
    words = [word for word in title.lower().split() if len(word) > 3][:6]
    if not words or (local_authority_id is None and decided_by_authority_id is None):
        return []
    where = Q()
    if local_authority_id is not None:
        where |= Q(local_authority_id=local_authority_id)
    if decided_by_authority_id is not None:
        where |= Q(decided_by_authority_id=decided_by_authority_id)
    matching = Q()
    for word in words:
        matching |= Q(title__icontains=word) | Q(affected_name__icontains=word)
    return list(
        cut_cards().public().filter(where).filter(matching).order_by("-published_at")[:limit]
    )
