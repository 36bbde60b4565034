"""Needs and offers: people and groups helping each other, matched without exposing anyone.

A need and an offer are mirror images (`Post.kind`). What the public sees of
a post is its words, its category and its area: never an address, never a
person's contact details. Those live on a `Match`, written by each side for
the other, and shown only to the two people once the poster has accepted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigsocnorth.moderation.models import ModeratedContent


class AidCategory(models.Model):
    """What kind of help (food, lifts and transport…): reference data, followed like an area."""

    slug = models.SlugField(_("web address name"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("kind of help")
        verbose_name_plural = _("kinds of help")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mutual_aid:post_list") + f"?category={self.slug}"


class PostKind(models.TextChoices):
    NEED = "need", _("Need")
    OFFER = "offer", _("Offer")


class Urgency(models.TextChoices):
    # Ordered from most to least pressing: lists sort by the number.
    URGENT = "1", _("Urgent: in the next day or two")
    SOON = "2", _("Soon: this week")
    WHENEVER = "3", _("When it suits")


class When(models.TextChoices):
    ONGOING = "ongoing", _("Ongoing")
    DATE = "date", _("On a day")
    WINDOW = "window", _("Between two days")


class PostState(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    NOT_NEEDED = "not_needed", _("No longer needed")
    LAPSED = "lapsed", _("Lapsed")


class Post(ModeratedContent):
    """A need or an offer, by a member for themselves or for a directory entry they edit."""

    TITLE_MAX = 120
    DESCRIPTION_MAX = 2_000
    TIMES_MAX = 50

    kind = models.CharField(_("need or offer"), max_length=5, choices=PostKind.choices)
    category = models.ForeignKey(
        AidCategory, on_delete=models.PROTECT, related_name="posts", verbose_name=_("kind of help")
    )
    slug = models.SlugField(_("web address name"), max_length=140, unique=True)
    title = models.CharField(_("what exactly"), max_length=TITLE_MAX)
    description = models.TextField(_("more about it"), max_length=DESCRIPTION_MAX, blank=True)
    entry = models.ForeignKey(
        "directory.Entry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aid_posts",
        verbose_name=_("for the group"),
    )
    # Where, as the public may see it: the area, and at most a point rounded to about 1 km.
    local_authority = models.ForeignKey(
        "places.LocalAuthority",
        on_delete=models.PROTECT,
        related_name="aid_posts",
        verbose_name=_("area"),
    )
    place_name = models.CharField(_("part of the area"), max_length=80, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    when = models.CharField(_("when"), max_length=8, choices=When.choices, default=When.ONGOING)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    urgency = models.CharField(
        _("how urgent"), max_length=1, choices=Urgency.choices, default=Urgency.WHENEVER
    )
    times = models.PositiveSmallIntegerField(_("how many times"), default=1)
    expires_on = models.DateField(_("open until"))
    expiry_warned_on = models.DateField(null=True, blank=True, editable=False)

    state = models.CharField(
        _("state"), max_length=10, choices=PostState.choices, default=PostState.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # Why it waits for a moderator though its author is trusted (safeguarding.py): shown to them.
    held_because = models.CharField(max_length=300, blank=True, editable=False)
    # The post's words, lower-cased and without common ones, for matching (matching.py).
    words = models.CharField(max_length=600, blank=True, editable=False)

    class Meta:
        ordering = ["urgency", "-created_at", "-pk"]
        indexes = [
            # Matches and "needs near you": open public posts of one kind, by category and
            # area, in the order they are read (the most pressing, then the newest).
            models.Index(
                fields=[
                    "kind",
                    "state",
                    "category",
                    "local_authority",
                    "status",
                    "urgency",
                    "-created_at",
                ],
                name="aid_match_idx",
            ),
            models.Index(
                fields=["kind", "state", "local_authority", "status", "urgency", "-created_at"],
                name="aid_near_idx",
            ),
            # A region's needs: the North's, in order, kept where they are in the region.
            models.Index(
                fields=["kind", "state", "status", "urgency", "-created_at"], name="aid_open_idx"
            ),
            models.Index(fields=["state", "expires_on"], name="aid_expiry_idx"),
        ]
        verbose_name = _("need or offer")
        verbose_name_plural = _("needs and offers")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("mutual_aid:post_detail", kwargs={"slug": self.slug})

    @property
    def is_need(self) -> bool:
        return self.kind == PostKind.NEED

    @property
    def is_open(self) -> bool:
        return self.state == PostState.OPEN

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class MatchState(models.TextChoices):
    REQUESTED = "requested", _("Asked")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")


ACTIVE_MATCH_STATES = (MatchState.REQUESTED, MatchState.ACCEPTED)


class Match(models.Model):
    """Someone answering a post ("I can help", "I'd like this"), through private messages.

    Each side's contact details are theirs to write and are shown to the
    other only once the poster has accepted.
    """

    CONTACT_MAX = 300
    REASON_MAX = 500

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="matches")
    responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="aid_matches"
    )
    state = models.CharField(
        max_length=10, choices=MatchState.choices, default=MatchState.REQUESTED
    )
    # What they wrote when answering (also the first message of their conversation), so the
    # poster decides with it in front of them.
    message = models.TextField(_("message"), blank=True)
    responder_contact = models.CharField(_("your contact details"), max_length=CONTACT_MAX)
    poster_contact = models.CharField(_("your contact details"), max_length=CONTACT_MAX, blank=True)
    conversation = models.ForeignKey(
        "messaging.Conversation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    poster_says = models.CharField(max_length=10, blank=True)  # done / not_done, once said
    responder_says = models.CharField(max_length=10, blank=True)
    reason = models.CharField(_("why not"), max_length=REASON_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One live answer per person and post: asking twice is refused, not doubled.
            models.UniqueConstraint(
                fields=["post", "responder"],
                condition=Q(state__in=["requested", "accepted"]),
                name="aid_one_live_match",
            )
        ]
        verbose_name_plural = _("matches")

    def __str__(self) -> str:
        return f"{self.responder} → {self.post}"

    @property
    def is_accepted(self) -> bool:
        return self.state in (MatchState.ACCEPTED, MatchState.DONE, MatchState.NOT_DONE)


class MatchEvent(models.Model):
    """A match's history, for the two people and the moderators: who did what, when."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=20)
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


class VolunteerChecks(models.Model):
    """A group's own word that it checks its volunteers: self-declared, and shown as such."""

    HOW_MAX = 500

    entry = models.OneToOneField(
        "directory.Entry", on_delete=models.CASCADE, related_name="volunteer_checks"
    )
    how = models.CharField(_("how you check your volunteers"), max_length=HOW_MAX)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    declared_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("volunteer checks")

    def __str__(self) -> str:
        return self.how
