"""What gatherings hold about a person, for their data export (accounts/personal_data.py):
the gatherings they organise, their RSVPs and answers, and the help they offered."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigsocnorth.accounts.personal_data import register_personal_data, rows, site_url
from bigsocnorth.events.models import Gathering, GatheringNeed, GatheringOffer, Rsvp

GATHERING_FIELDS = (
    "id",
    "uuid",
    "slug",
    "title",
    "description",
    "tags",
    "starts_at",
    "ends_at",
    "recurrence",
    "state",
    "state_note",
    "in_person",
    "venue_name",
    "venue_address",
    "place_name",
    "latitude",
    "longitude",
    "local_authority__name",
    "online",
    "online_url",
    "capacity",
    "access_contact",
    "access_notes",
    "attended",
    "outcome",
    "status",
    "created_at",
    "updated_at",
    "published_at",
    "author_id",
)


def _page(slug: str) -> str | None:
    return site_url(reverse("events:gathering_detail", kwargs={"slug": slug}))


def events_personal_data(user):
    co_organiser = Gathering.co_organisers.through.objects.filter(
        gathering_id=OuterRef("pk"), user_id=user.pk
    )
    gatherings = rows(
        Gathering.objects.filter(Q(author=user) | Q(Exists(co_organiser))).order_by(
            "starts_at", "pk"
        ),
        *GATHERING_FIELDS,
    )
    needs: dict[int, list[dict]] = {}
    for need in (
        GatheringNeed.objects.filter(gathering_id__in=[g["id"] for g in gatherings])
        .order_by("position", "pk")
        .values("gathering_id", "kind", "description", "wanted")
    ):
        needs.setdefault(need.pop("gathering_id"), []).append(need)
    for gathering in gatherings:
        gathering["you_started_it"] = gathering.pop("author_id") == user.pk
        gathering["page"] = _page(gathering["slug"])
        gathering["needs"] = needs.get(gathering["id"], [])
    # Answers given before joining, as a guest with one of the person's addresses, are theirs too.
    addresses = {
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    }
    addresses.discard("")
    rsvps = rows(
        Rsvp.objects.filter(
            Q(user=user) | Q(user__isnull=True, guest_email__in=addresses)
        ).order_by("created_at", "pk"),
        "gathering__title",
        "gathering__slug",
        "guest_name",
        "guest_email",
        "state",
        "plus_ones",
        "answers",
        "created_at",
        "updated_at",
        "joined_at",
    )
    for rsvp in rsvps:
        rsvp["page"] = _page(rsvp.pop("gathering__slug"))
    offers = rows(
        GatheringOffer.objects.filter(offered_by=user).order_by("created_at", "pk"),
        "need__gathering__title",
        "need__kind",
        "entry__name",
        "message",
        "covers",
        "venue_name",
        "venue_address",
        "place_name",
        "latitude",
        "longitude",
        "state",
        "created_at",
        "updated_at",
    )
    return {"gatherings_organised": gatherings, "rsvps": rsvps, "offers_of_help": offers}, []


register_personal_data(
    "events",
    describe=_(
        "The gatherings you started or help organise (with what they need), your RSVPs and "
        "the answers you gave (such as dietary or access needs), and the help you offered "
        "to gatherings."
    ),
    collect=events_personal_data,
    covers=(Gathering,),
)
