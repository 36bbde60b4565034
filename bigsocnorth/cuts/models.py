"""Threats and cuts to community work: what is being lost, who decides, and the evidence.

A cut has two states that never mix: the report's moderation status (the
content contract's lifecycle, `ModeratedContent`) and the state of the cut
itself (rumoured … carried out, withdrawn, reversed, saved). The cut's state
is never typed in: it is the state of the newest public entry on its
timeline that records one, so hiding a false update puts it back.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigsocnorth.cuts.choices import CutKind, CutState, EntryKind, Sector, Verification
from bigsocnorth.moderation.models import ModeratedContent


def financial_year_label(year: int | None) -> str:
    """2026 → "2026/27": the UK public sector's year, April to March."""
    if year is None:
        return ""
    return f"{year}/{(year + 1) % 100:02d}"


class Cut(ModeratedContent):
    """One threat or cut, reported by a member or a visitor."""

    TITLE_MAX = 160
    SUMMARY_MAX = 3_000
    NAME_MAX = 200
    BASIS_MAX = 500

    uuid = models.UUIDField(_("open data identifier"), default=uuid.uuid4, unique=True)
    slug = models.SlugField(_("web address name"), max_length=180, unique=True)
    title = models.CharField(_("what is threatened"), max_length=TITLE_MAX)
    summary = models.TextField(_("what is happening"), max_length=SUMMARY_MAX)

    # What is affected: a directory entry, or a service or place named in words.
    entry = models.ForeignKey(
        "directory.Entry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cuts",
        verbose_name=_("group or service in the directory"),
    )
    affected_name = models.CharField(
        _("service or place affected"), max_length=NAME_MAX, blank=True
    )

    # Who decides: a local authority from the shipped list, or another body in words.
    decided_by_authority = models.ForeignKey(
        "places.LocalAuthority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cuts_decided",
        verbose_name=_("council deciding"),
    )
    decided_by_name = models.CharField(_("other body deciding"), max_length=NAME_MAX, blank=True)

    kind = models.CharField(_("kind of cut"), max_length=20, choices=CutKind.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)

    # Money in pence, so sums are exact; either or both may be unknown.
    money_yearly = models.BigIntegerField(_("money a year (pence)"), null=True, blank=True)
    money_one_off = models.BigIntegerField(_("one-off money (pence)"), null=True, blank=True)
    # The start year of the financial year the cut falls in (2026 is 2026/27).
    financial_year = models.PositiveSmallIntegerField(_("financial year"), null=True, blank=True)
    posts_lost = models.PositiveIntegerField(_("posts lost"), null=True, blank=True)
    people_affected = models.PositiveIntegerField(_("people affected"), null=True, blank=True)
    people_basis = models.CharField(
        _("how the number of people was estimated"), max_length=BASIS_MAX, blank=True
    )

    announced_on = models.DateField(_("announced"), null=True, blank=True)
    consultation_closes_on = models.DateField(_("consultation closes"), null=True, blank=True)
    decision_due_on = models.DateField(_("decision due"), null=True, blank=True)
    takes_effect_on = models.DateField(_("takes effect"), null=True, blank=True)

    # Where: a point (rounded when approximate) or the whole of an area.
    place_name = models.CharField(_("name of the place"), max_length=120, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    approximate_location = models.BooleanField(_("show only roughly where"), default=False)
    local_authority = models.ForeignKey(
        "places.LocalAuthority",
        on_delete=models.PROTECT,
        related_name="cuts",
        verbose_name=_("area"),
    )

    # The cut's own state, derived from its timeline (see timeline.state_refresh).
    state = models.CharField(_("state"), max_length=20, choices=CutState.choices)
    state_since = models.DateField(_("in this state since"), null=True, blank=True)

    verification = models.CharField(
        _("verification"),
        max_length=12,
        choices=Verification.choices,
        default=Verification.UNVERIFIED,
    )
    verification_note = models.CharField(_("moderator's note"), max_length=1_000, blank=True)
    confirmation_count = models.PositiveIntegerField(_("confirmations"), default=0)

    # People who work for the body making the cut may not be named in public.
    author_name_hidden = models.BooleanField(_("do not show my name"), default=False)
    # A visitor's address, to be told when the report is published: never shown.
    reporter_email = models.EmailField(_("email"), blank=True)
    reporter_email_confirmed = models.BooleanField(default=False)

    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    # What this cut adds to the dashboards' tallies now (see tallies.py), so a
    # change takes away exactly what it added before.
    tallied = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("threat or cut")
        verbose_name_plural = _("threats and cuts")
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="cut_list_idx"),
            models.Index(
                fields=["status", "local_authority", "-published_at", "-id"], name="cut_area_idx"
            ),
            models.Index(
                fields=["status", "decided_by_authority", "-published_at", "-id"],
                name="cut_body_idx",
            ),
            models.Index(fields=["status", "state", "-published_at", "-id"], name="cut_state_idx"),
            models.Index(
                fields=["status", "sector", "-published_at", "-id"], name="cut_sector_idx"
            ),
            models.Index(fields=["status", "kind", "-published_at", "-id"], name="cut_kind_idx"),
            models.Index(fields=["status", "decision_due_on"], name="cut_due_idx"),
            models.Index(fields=["status", "-money_yearly"], name="cut_money_idx"),
            models.Index(fields=["author", "status", "-published_at"], name="cut_author_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cuts:cut_detail", kwargs={"slug": self.slug})

    @property
    def has_place(self) -> bool:
        return self.latitude is not None

    @property
    def financial_year_label(self) -> str:
        return financial_year_label(self.financial_year)

    @property
    def decided_by(self) -> str:
        if self.decided_by_authority_id:
            return self.decided_by_authority.name
        return self.decided_by_name

    @property
    def affected(self) -> str:
        return self.entry.name if self.entry_id else self.affected_name


class TimelineEntry(ModeratedContent):
    """A dated entry on a cut's timeline: a change of state, news, the body's response.

    Anyone signed in can add one; it is moderated like a report. The first
    entry ("reported") is part of the report and public exactly when it is.
    """

    TEXT_MAX = 3_000

    cut = models.ForeignKey(Cut, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(_("what it records"), max_length=15, choices=EntryKind.choices)
    # The new state, for entries that record one; blank for news and responses.
    state = models.CharField(_("new state"), max_length=20, choices=CutState.choices, blank=True)
    happened_on = models.DateField(_("when it happened"))
    text = models.TextField(_("what happened"), max_length=TEXT_MAX, blank=True)
    # For responses: who speaks for the body ("Leeds City Council, press office").
    responder = models.CharField(_("on behalf of"), max_length=Cut.NAME_MAX, blank=True)
    author_name_hidden = models.BooleanField(_("do not show my name"), default=False)

    class Meta:
        ordering = ["happened_on", "pk"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [models.Index(fields=["cut", "status", "happened_on"], name="cut_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.cut.title}: {self.get_kind_display()}"

    @property
    def title(self) -> str:
        return str(self)

    def get_absolute_url(self) -> str:
        return f"{self.cut.get_absolute_url()}#entry-{self.pk}"


def evidence_path(instance, filename: str) -> str:
    # A fresh, unguessable name: the uploader's file name is kept apart, never in the path.
    return f"cuts/evidence/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class Evidence(models.Model):
    """A link or an uploaded document (PDF or picture, cleaned of metadata) for an entry."""

    URL_MAX = 2_000
    TITLE_MAX = 300

    entry = models.ForeignKey(TimelineEntry, on_delete=models.CASCADE, related_name="evidence")
    url = models.URLField(_("web address"), max_length=URL_MAX, blank=True)
    title = models.CharField(_("what it is"), max_length=TITLE_MAX, blank=True)
    document = models.FileField(_("document"), upload_to=evidence_path, blank=True)
    document_type = models.CharField(max_length=50, blank=True)
    document_size = models.PositiveIntegerField(null=True, blank=True)
    # A link's preview, fetched in the background through the safe fetcher:
    # the site's name, and the page's own title when none was given.
    source_name = models.CharField(_("site"), max_length=200, blank=True)
    preview_state = models.CharField(
        max_length=10,
        blank=True,
        choices=[("", "none"), ("fetching", "fetching"), ("ready", "ready"), ("failed", "failed")],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.title or self.url or self.document.name


class Confirmation(models.Model):
    """A member saying "I can confirm this", once per cut, perhaps with a link."""

    cut = models.ForeignKey(Cut, on_delete=models.CASCADE, related_name="confirmations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cut_confirmations"
    )
    note = models.CharField(_("how you know"), max_length=500, blank=True)
    url = models.URLField(_("a link that shows it"), max_length=Evidence.URL_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cut", "user"], name="cut_confirmed_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user} confirms {self.cut}"


class Tally(models.Model):
    """What the public cuts add up to, per area and per figure, kept exact on every change.

    `scope` is "north", "region:<id>" or "authority:<id>"; `dimension` one of
    "all", "state", "kind", "sector" or "year"; `value` its value ("" for
    "all" and for an unknown year). A dashboard reads a few dozen of these
    rows instead of adding up every cut (docs/benchmarks.md).
    """

    scope = models.CharField(max_length=30)
    dimension = models.CharField(max_length=10)
    value = models.CharField(max_length=20, blank=True)
    cuts = models.BigIntegerField(default=0)
    money_yearly = models.BigIntegerField(default=0)
    money_one_off = models.BigIntegerField(default=0)
    posts_lost = models.BigIntegerField(default=0)
    people_affected = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "dimension", "value"], name="cut_tally_once")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.dimension}={self.value}: {self.cuts}"
