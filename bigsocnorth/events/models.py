"""Gatherings: people meeting in person, online or both, and who is coming.

A gathering has two states that never mix: its moderation status (the
content contract's lifecycle, `ModeratedContent`) and its own state
(tentative, confirmed, postponed, cancelled), which only its organisers
move. Times are stored in UTC and shown in Europe/London.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigsocnorth.core.tags import Tagged
from bigsocnorth.moderation.models import ModeratedContent


class GatheringState(models.TextChoices):
    TENTATIVE = "tentative", _("To be confirmed")
    CONFIRMED = "confirmed", _("Confirmed")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


class Gathering(Tagged, ModeratedContent):
    """One gathering (or a bounded series of them), organised by a member."""

    TITLE_MAX = 160
    DESCRIPTION_MAX = 10_000
    VENUE_MAX = 200
    ADDRESS_MAX = 500
    URL_MAX = 2_000
    CAPACITY_MAX = 10_000
    PLUS_ONES_MAX = 5
    ACCESS_TEXT_MAX = 300
    ACCESS_NOTES_MAX = 2_000
    NOTE_MAX = 500
    OUTCOME_MAX = 10_000

    uuid = models.UUIDField(_("open data identifier"), default=uuid.uuid4, unique=True)
    slug = models.SlugField(_("web address name"), max_length=180, unique=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("what it is"), max_length=DESCRIPTION_MAX)
    tags = models.CharField(_("tags"), max_length=400, blank=True)

    # The member who organises it is `author`; others who look after it with them:
    co_organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="gatherings_co_organised",
        verbose_name=_("co-organisers"),
    )
    # Groups in the directory that organise it.
    entries = models.ManyToManyField(
        "directory.Entry",
        blank=True,
        related_name="gatherings",
        verbose_name=_("groups organising it"),
    )

    # When, stored in UTC. `recurrence` is a bounded RRULE (recurrence.py);
    # `last_ends_at` is when the last time of the series ends (ends_at when it
    # does not repeat), so "upcoming" and "past" are one indexed comparison.
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    recurrence = models.CharField(_("repeats"), max_length=200, blank=True)
    last_ends_at = models.DateTimeField(_("last time ends"))
    state = models.CharField(
        _("state"), max_length=12, choices=GatheringState.choices, default=GatheringState.CONFIRMED
    )
    # When it was postponed, the start it had before; and what the organisers said.
    postponed_from = models.DateTimeField(_("was to start"), null=True, blank=True)
    state_note = models.CharField(_("what the organisers said"), max_length=NOTE_MAX, blank=True)

    # In person: a venue (or "venue wanted": the area is known, the venue not yet).
    in_person = models.BooleanField(_("in person"), default=True)
    venue_wanted = models.BooleanField(_("venue wanted"), default=False)
    venue_name = models.CharField(_("venue"), max_length=VENUE_MAX, blank=True)
    venue_address = models.CharField(_("address"), max_length=ADDRESS_MAX, blank=True)
    place_name = models.CharField(_("name of the place"), max_length=120, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    approximate_location = models.BooleanField(_("show only roughly where"), default=False)
    # None only for a gathering that is online and nowhere in particular.
    local_authority = models.ForeignKey(
        "places.LocalAuthority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gatherings",
        verbose_name=_("area"),
    )

    # Online: a link, perhaps shown only to people who are going.
    online = models.BooleanField(_("online"), default=False)
    online_url = models.URLField(_("link to join"), max_length=URL_MAX, blank=True)
    online_url_going_only = models.BooleanField(
        _("show the link only to people going"), default=True
    )

    # Places: None is "no limit". Plus-ones each person may bring (0 to 5).
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    plus_ones_allowed = models.PositiveSmallIntegerField(_("guests each may bring"), default=0)
    ask_dietary = models.BooleanField(_("ask about dietary needs"), default=False)
    ask_access = models.BooleanField(_("ask about access needs"), default=False)

    # Accessibility: None is "not known", so "step-free only" never lists a guess.
    step_free = models.BooleanField(_("step-free access"), null=True, blank=True)
    accessible_toilet = models.BooleanField(_("accessible toilet"), null=True, blank=True)
    hearing_loop = models.BooleanField(_("hearing loop"), null=True, blank=True)
    bsl_interpretation = models.BooleanField(_("BSL interpretation"), null=True, blank=True)
    quiet_room = models.BooleanField(_("quiet room"), null=True, blank=True)
    seating = models.BooleanField(_("seating available"), null=True, blank=True)
    parking = models.BooleanField(_("parking"), null=True, blank=True)
    public_transport = models.CharField(
        _("nearest public transport"), max_length=ACCESS_TEXT_MAX, blank=True
    )
    access_contact = models.CharField(
        _("who to ask about access"), max_length=ACCESS_TEXT_MAX, blank=True
    )
    access_notes = models.TextField(_("more about access"), max_length=ACCESS_NOTES_MAX, blank=True)

    # The day-before reminder: the start of the time it was last sent for
    # (a series has one per time), so a scheduler tick never sends it twice.
    reminded_for = models.DateTimeField(null=True, blank=True, editable=False)

    # Afterwards: what the organisers recorded, and the story they told from it.
    attended = models.PositiveIntegerField(_("how many came"), null=True, blank=True)
    outcome = models.TextField(_("notes and outcomes"), max_length=OUTCOME_MAX, blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    story = models.ForeignKey(
        "stories.Story",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gatherings",
        verbose_name=_("story told about it"),
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("gathering")
        verbose_name_plural = _("gatherings")
        indexes = [
            models.Index(fields=["status", "last_ends_at", "starts_at"], name="gathering_when_idx"),
            models.Index(
                fields=["status", "local_authority", "last_ends_at"], name="gathering_area_idx"
            ),
            models.Index(fields=["author", "status", "starts_at"], name="gathering_author_idx"),
            # Lists and the month calendar read one-offs in the order of their start and series
            # (recurrence > '') apart, checking last_ends_at in the index itself.
            models.Index(
                fields=["status", "recurrence", "starts_at", "last_ends_at"],
                name="gathering_starts_idx",
            ),
            models.Index(
                fields=["status", "local_authority", "recurrence", "starts_at", "last_ends_at"],
                name="gathering_area_starts_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:gathering_detail", kwargs={"slug": self.slug})

    @property
    def has_place(self) -> bool:
        return self.latitude is not None

    @property
    def is_cancelled(self) -> bool:
        return self.state == GatheringState.CANCELLED

    @property
    def is_postponed(self) -> bool:
        return self.state == GatheringState.POSTPONED

    @property
    def places_left(self) -> int | None:
        """Places still free, None for no limit. Reads the `taken` the list selectors add."""
        if self.capacity is None:
            return None
        return max(self.capacity - getattr(self, "taken", 0), 0)


# The access features people can filter by, with what the list says for each.
ACCESS_FEATURES = (
    ("step_free", _("Step-free access")),
    ("accessible_toilet", _("Accessible toilet")),
    ("hearing_loop", _("Hearing loop")),
    ("bsl_interpretation", _("BSL interpretation")),
    ("quiet_room", _("Quiet room")),
    ("seating", _("Seating")),
    ("parking", _("Parking")),
)


class RsvpState(models.TextChoices):
    PENDING = "pending", _("Waiting for the email to be confirmed")
    GOING = "going", _("Going")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Not going")


class Rsvp(models.Model):
    """One person's answer to a gathering: a member, or a guest with a confirmed email.

    A guest's address is used only to write to them (the confirmation link,
    changes, a place freed on the waiting list); it is never shown to the
    organisers.
    """

    NAME_MAX = 100
    ANSWER_MAX = 500

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rsvps",
    )
    guest_name = models.CharField(_("name"), max_length=NAME_MAX, blank=True)
    guest_email = models.EmailField(_("email"), blank=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    # Random secrets the emailed links are signed with (links.py): changing
    # one makes every link made with it stop working.
    confirm_key = models.CharField(max_length=32, blank=True)
    cancel_key = models.CharField(max_length=32, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=RsvpState.choices)
    plus_ones = models.PositiveSmallIntegerField(_("guests coming with them"), default=0)
    # Only for the organisers: {"dietary": "...", "access": "..."}.
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the person joined the going list or the waiting list: the queue's order.
    joined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        constraints = [
            models.UniqueConstraint(
                fields=["gathering", "user"],
                condition=models.Q(user__isnull=False),
                name="rsvp_once_per_member",
            ),
            models.UniqueConstraint(
                fields=["gathering", "guest_email"],
                condition=~models.Q(guest_email=""),
                name="rsvp_once_per_guest_email",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(guest_email=""),
                name="rsvp_member_or_guest",
            ),
        ]
        indexes = [
            models.Index(fields=["gathering", "state", "joined_at"], name="rsvp_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name}: {self.gathering}"

    @property
    def is_guest(self) -> bool:
        return self.user_id is None

    @property
    def places(self) -> int:
        return 1 + self.plus_ones

    @property
    def display_name(self) -> str:
        if self.user_id is not None:
            return str(self.user)
        return self.guest_name


# --- Needs and offers: what a gathering needs, and people offering to fill it ----------------


class NeedKind(models.TextChoices):
    VENUE = "venue", _("A venue")
    REFRESHMENTS = "refreshments", _("Tea, cakes and refreshments")
    HELPERS = "helpers", _("Helpers")
    NOTE_TAKING = "note_taking", _("Someone to take notes")
    LIFT = "lift", _("A lift")
    INTERPRETER = "interpreter", _("An interpreter")
    OTHER = "other", _("Something else")


class GatheringNeed(models.Model):
    """Something a gathering needs, and how many (a venue is always one).

    It is met when the accepted offers cover `wanted`; a venue need is also
    met once the gathering no longer wants a venue (its organisers found one).
    """

    DESCRIPTION_MAX = 300
    WANTED_MAX = 50

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="needs")
    kind = models.CharField(_("what is needed"), max_length=20, choices=NeedKind.choices)
    description = models.CharField(_("more about it"), max_length=DESCRIPTION_MAX, blank=True)
    wanted = models.PositiveSmallIntegerField(_("how many"), default=1)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("gathering need")
        verbose_name_plural = _("gathering needs")
        indexes = [models.Index(fields=["kind", "gathering"], name="gathering_need_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.gathering}"

    @property
    def is_venue(self) -> bool:
        return self.kind == NeedKind.VENUE


class OfferState(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The offers still standing: one of these per member and need at most.
OFFERS_STANDING = (OfferState.OFFERED, OfferState.ACCEPTED)


class GatheringOffer(models.Model):
    """A member offering to fill a need, perhaps for a group in the directory they look after.

    A venue offer names the venue and where it is (a place chosen with the
    place picker, or the group's own place); accepting it makes it the
    gathering's place.
    """

    MESSAGE_MAX = 1_000

    need = models.ForeignKey(GatheringNeed, on_delete=models.CASCADE, related_name="offers")
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gathering_offers"
    )
    entry = models.ForeignKey(
        "directory.Entry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gathering_offers",
        verbose_name=_("on behalf of"),
    )
    message = models.TextField(_("message"), max_length=MESSAGE_MAX, blank=True)
    covers = models.PositiveSmallIntegerField(_("how many you can cover"), default=1)
    venue_name = models.CharField(_("venue"), max_length=Gathering.VENUE_MAX, blank=True)
    venue_address = models.CharField(_("address"), max_length=Gathering.ADDRESS_MAX, blank=True)
    place_name = models.CharField(_("name of the place"), max_length=120, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    approximate_location = models.BooleanField(default=False)
    local_authority = models.ForeignKey(
        "places.LocalAuthority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gathering_offers",
        verbose_name=_("area"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=OfferState.choices, default=OfferState.OFFERED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            # The database refuses a second standing offer even if two arrive at once.
            models.UniqueConstraint(
                fields=["need", "offered_by"],
                condition=models.Q(state__in=["offered", "accepted"]),
                name="gathering_offer_once_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offered_by}: {self.need}"
