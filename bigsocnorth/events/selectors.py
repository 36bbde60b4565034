"""Reads for gatherings: upcoming and past lists with their filters, one gathering, who is
coming. Lists cost the same few queries however many gatherings they show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from bigsocnorth.directory.models import Entry
from bigsocnorth.events.models import ACCESS_FEATURES, Gathering, Rsvp, RsvpState
from bigsocnorth.moderation.permissions import check_view_permission
from bigsocnorth.places.models import LocalAuthority, Region
from bigsocnorth.places.selectors import area_get_by_slug

PER_PAGE = 20
ACCESS_KEYS = tuple(key for key, _label in ACCESS_FEATURES)
MODES = ("in_person", "online")


@dataclass(frozen=True)
class GatheringFilters:
    """A list's filters, as the list pages take them (and the API will)."""

    area: str = ""
    organiser: str = ""  # a member's profile handle
    entry: int | None = None  # a directory entry organising it
    mode: str = ""  # "in_person" or "online" (gatherings that are both match either)
    access: tuple[str, ...] = field(default_factory=tuple)  # each feature must be a yes
    needs_help: bool = False  # only those with a need not met yet (needs.py)


def _going_places():
    going = Q(rsvps__state=RsvpState.GOING)
    return Coalesce(Count("rsvps", filter=going), Value(0)) + Coalesce(
        Sum("rsvps__plus_ones", filter=going), Value(0), output_field=IntegerField()
    )


def gathering_cards() -> QuerySet[Gathering]:
    """What a card shows: where, who organises it, places taken. Three queries for any number."""
    return (
        # Never an area's boundary: a card shows its name, and decoding one costs milliseconds.
        Gathering.objects.select_related("local_authority", "author__profile")
        .defer("local_authority__boundary")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=Entry.objects.public()
                .only("pk", "name", "slug", "status")
                .order_by("name"),
                to_attr="public_entries",
            )
        )
        .annotate(taken=_going_places())
    )


def gatherings_in_area(gatherings: QuerySet[Gathering], area) -> QuerySet[Gathering]:
    """Gatherings in a local authority or region (an object, or its slug); unknown: none."""
    found = area_get_by_slug(slug=area, boundaries=False) if isinstance(area, str) else area
    if isinstance(found, LocalAuthority):
        return gatherings.filter(local_authority=found)
    if isinstance(found, Region):
        # Its authorities' ids, not a join: the per-area index then answers each of them.
        ids = list(LocalAuthority.objects.filter(region=found).values_list("pk", flat=True))
        return gatherings.filter(local_authority_id__in=ids)
    return gatherings.none()


def gatherings_filter(gatherings: QuerySet[Gathering], filters: GatheringFilters):
    if filters.area:
        gatherings = gatherings_in_area(gatherings, filters.area)
    if filters.organiser:
        gatherings = gatherings.filter(author__profile__handle=filters.organiser)
    if filters.entry:
        gatherings = gatherings.filter(entries__pk=filters.entry)
    if filters.mode == "online":
        gatherings = gatherings.filter(online=True)
    elif filters.mode == "in_person":
        gatherings = gatherings.filter(in_person=True)
    for key in filters.access:
        if key in ACCESS_KEYS:
            gatherings = gatherings.filter(**{key: True})
    if filters.needs_help:
        from bigsocnorth.events.needs import gatherings_needing_help  # needs.py reads this module

        gatherings = gatherings_needing_help(gatherings)
    return gatherings


def upcoming_gatherings(*, now: datetime | None = None) -> QuerySet[Gathering]:
    """Public gatherings not over yet (a series until its last time ends), soonest first."""
    now = now or timezone.now()
    return Gathering.objects.public().filter(last_ends_at__gt=now).order_by("starts_at", "pk")


def past_gatherings(*, now: datetime | None = None) -> QuerySet[Gathering]:
    now = now or timezone.now()
    return Gathering.objects.public().filter(last_ends_at__lte=now).order_by("-starts_at", "-pk")


# Lists count this many pages past the one shown ("Page 1 of 100+"): counting every row of a
# long list costs more than showing a page of it.
LOOK_AHEAD_PAGES = 100


class _CountedPaginator(Paginator):
    """A paginator whose count was made elsewhere, at most up to a look-ahead."""

    def __init__(self, *, count: int, more: bool, per_page: int):
        super().__init__([], per_page)
        self.count = count  # a cached_property on Paginator: set here, never asked again
        self.more = more


def _in_order(gatherings: QuerySet[Gathering], *, past: bool, now: datetime):
    """The list as two queries an index answers in order, stopping early: one-offs by their
    start (gathering_starts_idx; a one-off lasts at most services.LENGTH_MAX, so one not over
    yet started after now minus that), and the few series apart. Merged by the caller."""
    from bigsocnorth.events.services import LENGTH_MAX

    if past:
        one_offs = gatherings.filter(recurrence="", starts_at__lte=now, last_ends_at__lte=now)
        series = gatherings.filter(recurrence__gt="", last_ends_at__lte=now)
        order = ("-starts_at", "-pk")
    else:
        one_offs = gatherings.filter(
            recurrence="", starts_at__gt=now - LENGTH_MAX, last_ends_at__gt=now
        )
        series = gatherings.filter(recurrence__gt="", last_ends_at__gt=now)
        order = ("starts_at", "pk")
    return one_offs.order_by(*order), series.order_by(*order)


def gathering_list(
    *, filters: GatheringFilters, past: bool = False, page: int = 1, per_page: int = PER_PAGE,
    now: datetime | None = None,
) -> Page:  # fmt: skip
    """A page of upcoming (or past) public gatherings: the page's ids, then their cards.

    Counted LOOK_AHEAD_PAGES past the page asked for; ids come from the two
    ordered halves (_in_order), each read only as far as the page ends.
    """
    now = now or timezone.now()
    gatherings = gatherings_filter(Gathering.objects.public(), filters)
    halves = _in_order(gatherings, past=past, now=now)
    counted_rows = (max(1, page) + LOOK_AHEAD_PAGES) * per_page
    found = sum(half.order_by()[:counted_rows].count() for half in halves)
    paginator = _CountedPaginator(
        count=min(found, counted_rows), more=found >= counted_rows, per_page=per_page
    )
    number = paginator.validate_number(min(max(1, page), paginator.num_pages))
    start = (number - 1) * per_page
    rows = sorted(
        (row for half in halves for row in half.values_list("starts_at", "pk")[: start + per_page]),
        reverse=past,
    )
    wanted = [pk for _starts_at, pk in rows[start : start + per_page]]
    cards = gathering_cards().in_bulk(wanted)
    return Page([cards[pk] for pk in wanted if pk in cards], number, paginator)


def gathering_get(*, user, slug: str) -> Gathering:
    """The gathering with what its page shows, if this person may see it (else 404)."""
    try:
        gathering = (
            gathering_cards()
            .select_related("local_authority__region")
            .prefetch_related("co_organisers")
            .get(slug=slug)
        )
    except Gathering.DoesNotExist:
        raise Http404 from None
    check_view_permission(user=user, obj=gathering)
    return gathering


def rsvp_for(*, user, gathering: Gathering) -> Rsvp | None:
    """The member's own answer, if they gave one."""
    if user is None or not user.is_authenticated:
        return None
    return Rsvp.objects.filter(gathering=gathering, user=user).first()


def waiting_position(rsvp: Rsvp) -> int:
    """1 for the first person waiting."""
    return (
        Rsvp.objects.filter(gathering_id=rsvp.gathering_id, state=RsvpState.WAITING)
        .filter(Q(joined_at__lt=rsvp.joined_at) | Q(joined_at=rsvp.joined_at, pk__lt=rsvp.pk))
        .count()
        + 1
    )


@dataclass(frozen=True)
class Attendees:
    going: list[Rsvp]
    waiting: list[Rsvp]
    pending: int  # guests who have not confirmed yet (not counted, not named)

    @property
    def places_taken(self) -> int:
        return sum(rsvp.places for rsvp in self.going)


def attendees(*, gathering: Gathering) -> Attendees:
    """Who is coming and who is waiting, in the order they answered, for the organisers.

    Never reads guests' email addresses: the list and its CSV cannot show them.
    """
    rsvps = list(
        Rsvp.objects.filter(gathering=gathering, state__in=(RsvpState.GOING, RsvpState.WAITING))
        .select_related("user__profile")
        .defer("guest_email", "confirm_key", "cancel_key")
        .order_by("joined_at", "pk")
    )
    pending = Rsvp.objects.filter(gathering=gathering, state=RsvpState.PENDING).count()
    return Attendees(
        going=[rsvp for rsvp in rsvps if rsvp.state == RsvpState.GOING],
        waiting=[rsvp for rsvp in rsvps if rsvp.state == RsvpState.WAITING],
        pending=pending,
    )


# How many of each a member's own page shows: far more than anyone organises or goes to at once.
YOURS_MAX = 100


@dataclass(frozen=True)
class YourGatherings:
    """A member's own gatherings page: what they organise and what they answered."""

    organising: list[Gathering]  # to come, any moderation status (theirs to see)
    going: list[tuple[Gathering, Rsvp]]  # to come and public, with their answer
    past: list[Gathering]  # organised or gone to, most recent first


def your_gatherings(*, user, now: datetime | None = None) -> YourGatherings:
    """What a signed-in member organises (even while it waits for review: it is theirs) and
    what they are going to or waiting for. The same few queries however many."""
    from bigsocnorth.moderation.permissions import public_condition

    now = now or timezone.now()
    mine = Gathering.objects.filter(Q(author=user) | Q(co_organisers=user)).values("pk")
    cards = gathering_cards()
    organising = list(
        cards.filter(pk__in=mine, last_ends_at__gt=now).order_by("starts_at", "pk")[:YOURS_MAX]
    )
    answers = {
        rsvp.gathering_id: rsvp
        for rsvp in Rsvp.objects.filter(
            user=user,
            state__in=(RsvpState.GOING, RsvpState.WAITING),
            gathering__in=upcoming_gatherings(now=now).values("pk"),
        ).only("pk", "gathering_id", "state", "plus_ones", "joined_at")[:YOURS_MAX]
    }
    going_rows = cards.in_bulk(list(answers))
    going = sorted(
        ((going_rows[pk], rsvp) for pk, rsvp in answers.items() if pk in going_rows),
        key=lambda pair: (pair[0].starts_at, pair[0].pk),
    )
    gone_to = Rsvp.objects.filter(user=user, state=RsvpState.GOING).values("gathering_id")
    past = list(
        cards.filter(Q(pk__in=mine) | (Q(pk__in=gone_to) & public_condition()))
        .filter(last_ends_at__lte=now)
        .order_by("-starts_at", "-pk")[:YOURS_MAX]
    )
    return YourGatherings(organising=organising, going=going, past=past)
