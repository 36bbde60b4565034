"""Private messages: conversations between members, or with the moderators, and blocks.

A conversation is private to its members. One "with the moderators" is
between the member who wrote and the moderators as a group: every
moderator may read and answer it while they are a moderator. Other apps
start conversations about something of theirs (a need, an offer) through
the relay, `services.conversation_start(about=...)`, which keeps the
thing's title and address so the conversation still reads right later.
Nobody's email address is ever shown.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    SUBJECT_MAX = 200
    ABOUT_TITLE_MAX = 200
    ABOUT_URL_MAX = 500

    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now)
    to_moderators = models.BooleanField(_("with the moderators"), default=False)
    # What the conversation is about, when another app put people in touch
    # over something of its own. Title and address are kept as they were, so
    # the conversation reads right after the thing changes or goes.
    about_content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    about_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_content_type", "about_object_id")
    about_title = models.CharField(_("about"), max_length=ABOUT_TITLE_MAX, blank=True)
    # A path on this site ("/needs/lift-to-hospital/").
    about_url = models.CharField(
        _("link to what it is about"), max_length=ABOUT_URL_MAX, blank=True
    )

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            # The moderators' inbox: every conversation with the moderators, newest first.
            models.Index(
                fields=["-last_message_at"],
                condition=models.Q(to_moderators=True),
                name="messaging_to_moderators",
            ),
            models.Index(
                fields=["about_content_type", "about_object_id"], name="messaging_by_about"
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("messaging:conversation_detail", kwargs={"pk": self.pk})


class ConversationMember(models.Model):
    """A person in a conversation, and how far they have read it.

    A moderator who opens a conversation with the moderators gets a row with
    `as_moderator` set: it keeps their reading place and archive choice, and
    gives no access by itself (a former moderator reads it no more).
    """

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_memberships"
    )
    as_moderator = models.BooleanField(default=False)
    joined_at = models.DateTimeField(default=timezone.now)
    # Read up to the message written at this time (the conversation's last_message_at then).
    last_read_at = models.DateTimeField(null=True, blank=True)
    # Out of the person's inbox until the next message comes.
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("conversation member")
        verbose_name_plural = _("conversation members")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="messaging_member_once")
        ]
        # The inbox: a person's conversations. (user is indexed as a foreign key.)
        indexes = [models.Index(fields=["user", "archived"], name="messaging_member_inbox")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id}"


class Message(models.Model):
    BODY_MAX = 20_000

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    # Kept when the author's account goes: the others' copy of the conversation stays whole.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    # Markdown, rendered and sanitised when shown.
    body = models.TextField(_("message"), max_length=BODY_MAX)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["conversation", "created_at"], name="messaging_thread")]

    def __str__(self) -> str:
        return f"{self.conversation_id}: {self.pk}"


class Block(models.Model):
    """One person no longer accepting messages from another. The blocked person is not told."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("blocked since"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="messaging_block_once"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")),
                name="messaging_block_not_self",
            ),
        ]
        # "Has any of these people blocked the sender?"
        indexes = [models.Index(fields=["blocked", "blocker"], name="messaging_blocked_by")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"
