"""Follows, in-app notifications, each person's email preference, and digest bookkeeping."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailFrequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Straight away: one email for each notification")
    DAILY = "daily", _("A daily digest: at most one email a day")
    WEEKLY = "weekly", _("A weekly digest: at most one email a week")
    NEVER = "never", _("Never: only show notifications on this site")


# A daily digest unless the person chooses otherwise: following something
# should reach people who do not visit every day, but one email a day at
# most never floods an inbox, and nobody gets a stream of single emails they
# did not ask for. Until a person changes it there is no preference row:
# everyone without one is on this default.
DEFAULT_EMAIL_FREQUENCY = EmailFrequency.DAILY

DIGEST_FREQUENCIES = (EmailFrequency.DAILY, EmailFrequency.WEEKLY)


class NotificationPreference(models.Model):
    """How often a person wants notifications by email. No row means the default."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_frequency = models.CharField(
        _("email me"),
        max_length=20,
        choices=EmailFrequency.choices,
        default=DEFAULT_EMAIL_FREQUENCY,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email_frequency}"


class Follow(models.Model):
    """A person following one thing: an area, a category, an entry, later a topic or event."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("followed since"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="notifications_follow_once"
            )
        ]
        # "Who follows these things?" is the query every notice makes.
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.content_type_id}:{self.object_id}"


class Notification(models.Model):
    """One notice to one person, shown on the site and, by their preference, emailed.

    The message is stored as written when it was made, so it still reads
    right after the thing it is about changes or goes. It never names the
    actor: the page shows the actor from `actor`, which goes away with their
    account.
    """

    KIND_MAX = 60
    MESSAGE_MAX = 500
    URL_MAX = 500

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=KIND_MAX)
    message = models.CharField(_("message"), max_length=MESSAGE_MAX)
    # A path on this site ("/directory/walkley-repair-cafe/"); emails add SITE_URL.
    url = models.CharField(_("link"), max_length=URL_MAX)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    target_content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_content_type", "target_object_id")
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Set when the notification went into an email (on its own or in a
    # digest); the conditional update that sets it is what stops two
    # workers emailing it twice.
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notifications_by_recipient"),
            # The unread count in every page header reads only this index.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notifications_unread",
            ),
            models.Index(
                fields=["recipient", "created_at"],
                condition=models.Q(emailed_at__isnull=True, read_at__isnull=True),
                name="notifications_to_email",
            ),
            models.Index(
                fields=["target_content_type", "target_object_id", "kind"],
                name="notifications_by_target",
            ),
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Announcement(models.Model):
    """Proof that a once-only notice (such as "a new entry") went out for an object.

    The unique constraint makes the notice at-most-once even when a status
    goes back and forth (published, hidden, restored) or two requests race.
    """

    KEY_MAX = 60

    key = models.CharField(max_length=KEY_MAX)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "content_type", "object_id"], name="notifications_announce_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.content_type_id}:{self.object_id}"


class DigestRun(models.Model):
    """One scheduled sending of the daily or weekly digests, for one period.

    The scheduler starts a run once its period is due and no finished run
    exists; `period` is the London date the period starts on.
    """

    frequency = models.CharField(max_length=20, choices=EmailFrequency.choices)
    period = models.DateField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    digests_sent = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-period", "frequency"]
        constraints = [
            models.UniqueConstraint(fields=["frequency", "period"], name="notifications_run_once")
        ]

    def __str__(self) -> str:
        return f"{self.frequency} {self.period}"


class DigestDelivery(models.Model):
    """One person's digest for one period: its row is written with the email, or not at all.

    The unique constraint is what keeps two senders (cron twice, or two
    processes at once) from sending the same person two digests for one day
    or week.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    frequency = models.CharField(max_length=20, choices=EmailFrequency.choices)
    period = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    notification_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "frequency", "period"], name="notifications_digest_once"
            )
        ]
        indexes = [models.Index(fields=["sent_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.frequency} {self.period}"
