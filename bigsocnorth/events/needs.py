"""Needs and offers: what a gathering needs (a venue, tea and cakes, helpers...) and people
offering to fill it.

Who may do what is decided in permissions.py: the organisers (and moderators) list needs and answer
offers; any other member may offer, for themselves or for a group whose
directory entry they look after; the member who offered may take it back.

Every write checks everything first (a ValidationError with plain messages),
then writes in one transaction. Offers are made and accepted under the
gathering's row lock (on SQLite the IMMEDIATE transaction's write lock), so
two accepts at once cannot cover a need more than it wants. Accepting a
venue makes it the gathering's place and tells the people going.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.db.models import F, Max, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from bigsocnorth.events import notices
from bigsocnorth.events.checks import add_error, bounded_number, bounded_text
from bigsocnorth.events.models import (
    OFFERS_STANDING,
    Gathering,
    GatheringNeed,
    GatheringOffer,
    GatheringState,
    NeedKind,
    OfferState,
)
from bigsocnorth.events.permissions import (
    can_manage_needs,
    check_manage_permission,
    is_active_member,
    is_organiser,
)
from bigsocnorth.events.selectors import gatherings_in_area, upcoming_gatherings
from bigsocnorth.moderation.changes import content_changed
from bigsocnorth.moderation.permissions import is_public

NEEDS_MAX = 20
PER_PAGE = 20

# --- Checks ----------------------------------------------------------------------------------


def _check_still_to_come(gathering: Gathering, *, now: datetime) -> None:
    if gathering.state == GatheringState.CANCELLED:
        raise ValidationError({"__all__": [_("This gathering is cancelled.")]})
    if gathering.last_ends_at <= now:
        raise ValidationError({"__all__": [_("This gathering has already happened.")]})


def _check_need(values: dict, *, gathering: Gathering, kind: str) -> dict:
    errors: dict = {}
    if kind not in NeedKind.values:
        add_error(errors, "kind", _("Choose what the gathering needs."))
    description = bounded_text(
        errors, "description", values.get("description"),
        maximum=GatheringNeed.DESCRIPTION_MAX,
        required=_("Say what is needed.") if kind == NeedKind.OTHER else "",
    )  # fmt: skip
    wanted = 1
    if kind != NeedKind.VENUE:
        wanted = bounded_number(
            errors, "wanted", values.get("wanted"), low=1, high=GatheringNeed.WANTED_MAX, empty=1,
            message=_("Give a number from 1 to %(max)d.") % {"max": GatheringNeed.WANTED_MAX},
        )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    return {"description": description, "wanted": wanted}


def _covered(need: GatheringNeed) -> int:
    found = need.offers.filter(state=OfferState.ACCEPTED).aggregate(total=Sum("covers"))
    return found["total"] or 0


def _locked(gathering: Gathering) -> Gathering:
    return Gathering.objects.select_for_update().get(pk=gathering.pk)


# --- Needs -----------------------------------------------------------------------------------


def need_add(*, actor, gathering: Gathering, values: dict, now=None) -> GatheringNeed:
    """The organisers list something the gathering needs, with how many."""
    check_manage_permission(actor, gathering)
    now = now or timezone.now()
    kind = str(values.get("kind") or "")
    fields = _check_need(values, gathering=gathering, kind=kind)
    with transaction.atomic():
        locked = _locked(gathering)
        _check_still_to_come(locked, now=now)
        needs = locked.needs.all()
        if needs.count() >= NEEDS_MAX:
            raise ValidationError(
                {"__all__": [_("A gathering can list at most %(max)d needs.") % {"max": NEEDS_MAX}]}
            )
        if kind == NeedKind.VENUE:
            # "Venue wanted" and a venue need say the same thing, so they go together.
            if not locked.in_person:
                raise ValidationError({"kind": [_("An online gathering needs no venue.")]})
            if not locked.venue_wanted:
                raise ValidationError(
                    {"kind": [_("This gathering has a venue. To look for another, tick “venue "
                                "wanted” in its details first.")]}
                )  # fmt: skip
            if needs.filter(kind=NeedKind.VENUE).exists():
                raise ValidationError({"kind": [_("A venue is already on the list.")]})
        position = (needs.aggregate(last=Max("position"))["last"] or 0) + 1
        return GatheringNeed.objects.create(
            gathering=locked, kind=kind, position=position, **fields
        )


def need_edit(*, actor, need: GatheringNeed, values: dict) -> GatheringNeed:
    """Change the words or how many (never below what accepted offers already cover)."""
    gathering = need.gathering
    check_manage_permission(actor, gathering)
    fields = _check_need(values, gathering=gathering, kind=need.kind)
    with transaction.atomic():
        _locked(gathering)
        covered = _covered(need)
        if fields["wanted"] < covered:
            raise ValidationError(
                {"wanted": [_("Accepted offers already cover %(count)d: it cannot be fewer.")
                            % {"count": covered}]}
            )  # fmt: skip
        for name, value in fields.items():
            setattr(need, name, value)
        need.save(update_fields=list(fields))
    return need


def need_remove(*, actor, need: GatheringNeed) -> None:
    """Take a need off the list; people with offers standing are thanked and told."""
    gathering = need.gathering
    check_manage_permission(actor, gathering)
    with transaction.atomic():
        offerers = list(
            need.offers.filter(state__in=OFFERS_STANDING).values_list("offered_by_id", flat=True)
        )
        notices.need_removed_tell(need=need, offerer_ids=offerers, actor=actor)
        need.delete()


# --- Offers ----------------------------------------------------------------------------------


def _check_entry(errors: dict, user, entry):
    from bigsocnorth.directory.permissions import can_edit_entry

    if entry is None or entry == "":
        return None
    if isinstance(entry, str) or not is_public(entry):
        add_error(errors, "entry", _("Choose a group from the directory."))
        return None
    if not can_edit_entry(user=user, entry=entry):
        add_error(
            errors,
            "entry",
            _("You can offer for “%(name)s” only if you look after its directory entry.")
            % {"name": entry.name},
        )
        return None
    return entry


def _venue_place(errors: dict, values: dict, entry) -> dict:
    """Where an offered venue is: the place picked, else the group's own first place."""
    from bigsocnorth.places.services import place_check

    place = values.get("place")
    where = {
        "place_name": "", "latitude": None, "longitude": None, "approximate_location": False,
        "local_authority": None,
    }  # fmt: skip
    if place is None and entry is not None:
        found = entry.places.select_related("local_authority").first()
        if found is not None:
            where.update(
                place_name=found.name[:120], latitude=found.public_latitude,
                longitude=found.public_longitude, local_authority=found.local_authority,
                approximate_location=bool(entry.approximate_location),
            )  # fmt: skip
            return where
    if place is None:
        add_error(errors, "place", _("Say where the venue is: a place on the map, or its area."))
        return where
    where.update(
        place_name=str(place.name or "").strip()[:120],
        local_authority=place.local_authority,
        approximate_location=bool(place.approximate),
    )
    if place.latitude is not None:
        try:
            checked = place_check(latitude=place.latitude, longitude=place.longitude)
        except ValidationError as error:
            add_error(errors, "place", error.messages[0])
        else:
            where["latitude"], where["longitude"] = place.public_point
            where["local_authority"] = checked.local_authority
    return where


def offer_make(*, user, need: GatheringNeed, values: dict, now=None) -> GatheringOffer:
    """A member offers to fill a need (for a venue: which, and where); the organisers hear."""
    gathering = need.gathering
    if not is_active_member(user):
        raise PermissionDenied(_("Sign in to offer help."))
    if is_organiser(user, gathering):
        raise PermissionDenied(
            _("You organise this gathering: change what it needs instead of offering.")
        )
    now = now or timezone.now()
    errors: dict = {}
    message = bounded_text(
        errors, "message", values.get("message"), maximum=GatheringOffer.MESSAGE_MAX,
        newlines=True,
    )  # fmt: skip
    entry = _check_entry(errors, user, values.get("entry"))
    fields: dict = {"message": message, "entry": entry, "covers": 1}
    if need.is_venue:
        fields["venue_name"] = bounded_text(
            errors, "venue_name", values.get("venue_name"), maximum=Gathering.VENUE_MAX,
            required=_("Name the venue you offer."),
        )  # fmt: skip
        fields["venue_address"] = bounded_text(
            errors, "venue_address", values.get("venue_address"), maximum=Gathering.ADDRESS_MAX
        )
        fields.update(_venue_place(errors, values, entry))
    else:
        fields["covers"] = bounded_number(
            errors, "covers", values.get("covers"), low=1, high=need.wanted, empty=1,
            message=_("Give a number from 1 to %(max)d.") % {"max": need.wanted},
        )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(gathering)
        if not is_public(locked):
            raise ValidationError({"__all__": [_("This gathering is not published yet.")]})
        _check_still_to_come(locked, now=now)
        need = GatheringNeed.objects.get(pk=need.pk)
        if _covered(need) >= need.wanted or (need.is_venue and not locked.venue_wanted):
            raise ValidationError({"__all__": [_("This need is met already. Thank you!")]})
        if need.offers.filter(offered_by=user, state__in=OFFERS_STANDING).exists():
            raise ValidationError({"__all__": [_("You have already offered to help with this.")]})
        try:
            with transaction.atomic():
                offer = GatheringOffer.objects.create(need=need, offered_by=user, **fields)
        except IntegrityError:
            # Two offers from the same member at once: the database kept the first.
            raise ValidationError(
                {"__all__": [_("You have already offered to help with this.")]}
            ) from None
        need.gathering = locked
        offer.need = need
        notices.offer_made_tell(offer=offer)
    return offer


def _offer_locked(offer: GatheringOffer) -> tuple[Gathering, GatheringOffer]:
    """Lock the gathering, then read the offer again: its state may have moved meanwhile."""
    locked = _locked(offer.need.gathering)
    current = (
        # Only the offer's row: PostgreSQL cannot lock the optional group it may join.
        GatheringOffer.objects.select_for_update(of=("self",))
        .select_related("need", "entry", "offered_by__profile")
        .get(pk=offer.pk)
    )
    current.need.gathering = locked
    return locked, current


def offer_accept(*, actor, offer: GatheringOffer, now=None) -> GatheringOffer:
    """The organisers accept: never past what the need wants. A venue becomes the place."""
    check_manage_permission(actor, offer.need.gathering)
    now = now or timezone.now()
    with transaction.atomic():
        locked, offer = _offer_locked(offer)
        _check_still_to_come(locked, now=now)
        if offer.state != OfferState.OFFERED:
            raise ValidationError(
                {"__all__": [_("This offer is %(state)s: it cannot be accepted.")
                             % {"state": offer.get_state_display().lower()}]}
            )  # fmt: skip
        need = offer.need
        left = need.wanted - _covered(need)
        if need.is_venue and not locked.venue_wanted:
            left = 0
        if offer.covers > left:
            raise ValidationError(
                {"__all__": [_("This need is met already.") if left <= 0 else
                             _("Only %(count)d more are wanted: this offer covers %(covers)d.")
                             % {"count": left, "covers": offer.covers}]}
            )  # fmt: skip
        offer.state = OfferState.ACCEPTED
        offer.save(update_fields=["state", "updated_at"])
        notices.offer_answered_tell(offer=offer, actor=actor, accepted=True)
        if need.is_venue:
            _venue_set(locked, offer, actor=actor)
    return offer


def _venue_set(gathering: Gathering, offer: GatheringOffer, *, actor) -> None:
    """The accepted venue is the gathering's place now; the people going hear where."""
    gathering.in_person = True
    gathering.venue_wanted = False
    gathering.venue_name = offer.venue_name
    gathering.venue_address = offer.venue_address
    gathering.place_name = offer.place_name
    gathering.latitude, gathering.longitude = offer.latitude, offer.longitude
    gathering.approximate_location = offer.approximate_location
    if offer.local_authority_id is not None:
        gathering.local_authority_id = offer.local_authority_id
    gathering.save()
    content_changed(gathering, previous_status=gathering.status)
    where = offer.venue_name + (f", {offer.venue_address}" if offer.venue_address else "")
    notices.people_going_tell(
        gathering=gathering,
        message=_("“%(title)s” has a venue: %(where)s.")
        % {"title": gathering.title, "where": where},
        actor=actor,
    )


def offer_decline(*, actor, offer: GatheringOffer) -> GatheringOffer:
    """The organisers say no thank you to an offer not yet answered."""
    check_manage_permission(actor, offer.need.gathering)
    with transaction.atomic():
        _locked_gathering, offer = _offer_locked(offer)
        if offer.state != OfferState.OFFERED:
            raise ValidationError(
                {"__all__": [_("This offer is %(state)s: it cannot be declined.")
                             % {"state": offer.get_state_display().lower()}]}
            )  # fmt: skip
        offer.state = OfferState.DECLINED
        offer.save(update_fields=["state", "updated_at"])
        notices.offer_answered_tell(offer=offer, actor=actor, accepted=False)
    return offer


def offer_withdraw(*, user, offer: GatheringOffer) -> GatheringOffer:
    """The member who offered takes it back, answered or not; the organisers hear.

    An accepted venue taken back leaves the gathering wanting a venue again
    (in the same area), and the people going are told.
    """
    if not is_active_member(user) or offer.offered_by_id != user.pk:
        raise PermissionDenied(_("Only the member who offered can take it back."))
    with transaction.atomic():
        locked, offer = _offer_locked(offer)
        if offer.state not in OFFERS_STANDING:
            raise ValidationError({"__all__": [_("This offer is no longer standing.")]})
        was_accepted = offer.state == OfferState.ACCEPTED
        offer.state = OfferState.WITHDRAWN
        offer.save(update_fields=["state", "updated_at"])
        notices.offer_withdrawn_tell(offer=offer)
        if was_accepted and offer.need.is_venue and not locked.venue_wanted:
            locked.venue_wanted = True
            locked.venue_name, locked.venue_address = "", ""
            locked.save()
            content_changed(locked, previous_status=locked.status)
            notices.people_going_tell(
                gathering=locked,
                message=_("The venue for “%(title)s” is no longer available: the organisers "
                          "are looking for another, and will tell you.") % {"title": locked.title},
                actor=user,
            )  # fmt: skip
    return offer


# --- Reads -----------------------------------------------------------------------------------


def _covered_subquery():
    accepted = (
        GatheringOffer.objects.filter(need=OuterRef("pk"), state=OfferState.ACCEPTED)
        .order_by()
        .values("need")
        .annotate(total=Sum("covers"))
        .values("total")[:1]
    )
    return Coalesce(Subquery(accepted), Value(0))


def needs_open() -> QuerySet[GatheringNeed]:
    """Needs the accepted offers do not cover yet (a venue: while a venue is still wanted)."""
    return (
        GatheringNeed.objects.annotate(covered=_covered_subquery())
        .filter(covered__lt=F("wanted"))
        .exclude(kind=NeedKind.VENUE, gathering__venue_wanted=False)
    )


def gatherings_needing_help(gatherings: QuerySet[Gathering]) -> QuerySet[Gathering]:
    """The "needs help" filter: gatherings not cancelled with at least one open need."""
    # From the needs (few) to the gatherings, not a check of every gathering in the list.
    return gatherings.exclude(state=GatheringState.CANCELLED).filter(
        pk__in=needs_open().values("gathering_id")
    )


@dataclass(frozen=True)
class NeedFilters:
    kind: str = ""
    area: str = ""  # a local authority's or a region's slug


def open_needs(*, filters: NeedFilters, page: int = 1, per_page: int = PER_PAGE, now=None) -> Page:
    """Open needs across public gatherings still to come (not cancelled), soonest first.
    Three queries for any number: the count, the page, nothing per row."""
    gatherings = upcoming_gatherings(now=now).exclude(state=GatheringState.CANCELLED)
    if filters.area:
        gatherings = gatherings_in_area(gatherings, filters.area)
    needs = needs_open().filter(gathering__in=gatherings.values("pk"))
    if filters.kind in NeedKind.values:
        needs = needs.filter(kind=filters.kind)
    needs = needs.select_related("gathering__local_authority").defer(
        "gathering__local_authority__boundary"
    )
    needs = needs.order_by("gathering__starts_at", "gathering_id", "position", "pk")
    return Paginator(needs, per_page).get_page(page)


@dataclass
class NeedShown:
    """One need as the gathering page shows it to this person."""

    need: GatheringNeed
    covered: int
    met: bool
    offers: list  # standing offers: shown to the organisers only
    mine: GatheringOffer | None  # this member's latest offer, if any


def needs_of(*, gathering: Gathering, user) -> list[NeedShown]:
    """A gathering's needs with their offers, for its page: two queries for any number."""
    offers = GatheringOffer.objects.select_related("offered_by__profile", "entry").order_by(
        "created_at", "pk"
    )
    needs = list(
        gathering.needs.prefetch_related(Prefetch("offers", queryset=offers, to_attr="all_offers"))
    )
    organiser = can_manage_needs(user, gathering)
    user_id = user.pk if user is not None and user.is_authenticated else None
    shown = []
    for need in needs:
        need.gathering = gathering
        covered = sum(o.covers for o in need.all_offers if o.state == OfferState.ACCEPTED)
        met = covered >= need.wanted or (need.is_venue and not gathering.venue_wanted)
        mine = None
        for offer in need.all_offers:
            if user_id is not None and offer.offered_by_id == user_id:
                mine = offer
        standing = [o for o in need.all_offers if o.state in OFFERS_STANDING] if organiser else []
        shown.append(NeedShown(need=need, covered=covered, met=met, offers=standing, mine=mine))
    return shown


def need_get(*, gathering: Gathering, pk) -> GatheringNeed:
    """One need of this gathering (404 otherwise)."""
    from django.shortcuts import get_object_or_404

    need = get_object_or_404(GatheringNeed, gathering=gathering, pk=pk)
    need.gathering = gathering
    return need


def offer_get(*, gathering: Gathering, pk) -> GatheringOffer:
    from django.shortcuts import get_object_or_404

    offer = get_object_or_404(
        GatheringOffer.objects.select_related("need", "offered_by__profile", "entry"),
        need__gathering=gathering,
        pk=pk,
    )
    offer.need.gathering = gathering
    return offer
