"""The status lifecycle every content type shares, flags on content, and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")
    HIDDEN = "hidden", _("Hidden")


# The hidden_reason written when flags from enough people hide something.
HIDDEN_BY_FLAGS = "flags"


class ModeratedQuerySet(models.QuerySet):
    """The one visibility rule, as queryset methods every content type gets."""

    def public(self):
        """What anyone, signed in or not, may see."""
        from bigsocnorth.moderation.permissions import public_condition

        return self.filter(public_condition())

    def visible_to(self, user):
        """What this person may see: the public part, their own, and all of it for moderators."""
        from bigsocnorth.moderation.permissions import filter_visible_to

        return filter_visible_to(user=user, queryset=self)


class ModeratedContent(models.Model):
    """What every content type has so that moderation can work with it.

    Subclasses declare themselves in their app's `content.py` (see
    docs/adding-a-content-type.md). Only `moderation.lifecycle` sets
    `status` and the publication dates; only published content is public.
    """

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="%(app_label)s_%(class)s_authored",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Set once, by the first publication, and never again: a restore after a
    # hide is not news, and "is this the first publication?" is this field.
    first_published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    hidden_reason = models.CharField(_("why it is hidden"), max_length=1000, blank=True)

    objects = ModeratedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    AGENDA = "agenda", _("Promoting an agenda or advert")
    DISRESPECTFUL = "disrespectful", _("Disrespectful")
    INACCURATE = "inaccurate", _("Inaccurate")
    PRIVACY = "privacy", _("A risk to someone's privacy")
    OTHER = "other", _("Something else")


class Flag(models.Model):
    """One person's report that a piece of content breaks the guidelines."""

    NOTE_MAX = 1000

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="flags_made",
        verbose_name=_("flagged by"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(_("flagged"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=40, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "resolved_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "flagger"],
                condition=models.Q(resolved_at__isnull=True),
                name="moderation_one_open_flag_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.content_type_id}:{self.object_id})"


class AuditLog(models.Model):
    """One row per moderation action: who did what to which thing, when and why."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=40)
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    object_repr = models.CharField(_("what"), max_length=300)
    reason = models.TextField(_("why"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.object_repr}"
