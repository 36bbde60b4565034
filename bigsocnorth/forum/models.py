"""The open forum: categories, topics and their posts, likes, edits, and each member's reading.

A topic is content (the content contract's lifecycle, `ModeratedContent`);
its posts are parts of it, moderated one by one and shown on its page. The
topic's first post is its opening text: public exactly when the topic is.
Replies are flat, in time order, numbered from 1 within the topic; a reply
names the post it answers rather than nesting under it.

What the lists need (counts, the last public post, a score for "top") is
kept on the topic by the posts' change hook, so a list of topics reads one
table, and "unread" is one comparison of two numbers per topic.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from bigsocnorth.core.tags import Tagged
from bigsocnorth.moderation.models import ModeratedContent, ModeratedQuerySet
from bigsocnorth.moderation.permissions import public_condition


class Category(models.Model):
    """A place for one kind of conversation, set by moderators."""

    NAME_MAX = 80
    DESCRIPTION_MAX = 500

    name = models.CharField(_("name"), max_length=NAME_MAX, unique=True)
    slug = models.SlugField(_("web address name"), max_length=90, unique=True)
    description = models.CharField(_("what it is for"), max_length=DESCRIPTION_MAX, blank=True)
    position = models.PositiveSmallIntegerField(_("position in the list"), default=100)
    # A region's own category ("Yorkshire and the Humber"): new topics there
    # reach the region's followers.
    region = models.ForeignKey(
        "places.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forum_categories",
        verbose_name=_("region"),
    )
    # Kept by the topics' change hook: what the list of categories shows.
    topic_count = models.PositiveIntegerField(default=0)
    last_posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("forum category")
        verbose_name_plural = _("forum categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:category", kwargs={"slug": self.slug})


class Topic(Tagged, ModeratedContent):
    """A conversation: a title, an opening post, and replies in time order."""

    TITLE_MAX = 160
    CONCLUSIONS_MAX = 10_000

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="topics", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    slug = models.SlugField(max_length=180)
    tags = models.CharField(_("tags"), max_length=500, blank=True)
    local_authority = models.ForeignKey(
        "places.LocalAuthority",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forum_topics",
        verbose_name=_("area"),
    )

    # A discussion of something else on the platform (an entry, a story, a
    # cut, a gathering): at most one topic per thing, linked both ways.
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")

    # Moderators' tools.
    pinned_at = models.DateTimeField(_("pinned"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    conclusions = models.TextField(_("conclusions"), max_length=CONCLUSIONS_MAX, blank=True)

    # Kept by the posts' change hook (see services.topic_counts_refresh).
    numbers_given = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    last_public_number = models.PositiveIntegerField(default=0)
    last_posted_at = models.DateTimeField(_("last post"), null=True, blank=True, db_index=False)
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    like_count = models.PositiveIntegerField(default=0)
    # Replies and likes together: what "top" orders by.
    score = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("forum topic")
        verbose_name_plural = _("forum topics")
        indexes = [
            models.Index(fields=["status", "-last_posted_at", "-id"], name="forum_topic_latest"),
            models.Index(
                fields=["category", "status", "-last_posted_at", "-id"],
                name="forum_topic_category",
            ),
            models.Index(fields=["status", "-score", "-id"], name="forum_topic_top"),
            models.Index(fields=["status", "-created_at"], name="forum_topic_new"),
            models.Index(
                fields=["status", "local_authority", "-last_posted_at"], name="forum_topic_area"
            ),
            models.Index(fields=["pinned_at"], name="forum_topic_pinned"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=models.Q(subject_type__isnull=False),
                name="forum_one_discussion_per_subject",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:topic", kwargs={"pk": self.pk, "slug": self.slug or "-"})

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def is_pinned(self) -> bool:
        return self.pinned_at is not None

    @property
    def reply_count(self) -> int:
        return max(0, self.post_count - 1)

    @cached_property
    def body(self) -> str:
        """The opening post's text: what a moderator reads in the review queue."""
        return self.posts.filter(number=1).values_list("body", flat=True).first() or ""


class PostQuerySet(ModeratedQuerySet):
    def public(self):
        """A post is public when it is published and so is its topic."""
        return super().public().filter(public_condition(through="topic__"))


class Post(ModeratedContent):
    """One post in a topic: the opening one (number 1) or a reply."""

    BODY_MAX = 20_000

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField(_("number in the topic"))
    body = models.TextField(_("text"), max_length=BODY_MAX)
    # The post this one answers, shown above it and expandable in place.
    reply_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    like_count = models.PositiveIntegerField(default=0)
    edited_at = models.DateTimeField(_("last edited"), null=True, blank=True)
    edit_count = models.PositiveIntegerField(default=0)
    objects = PostQuerySet.as_manager()

    # Written as a reply to a notification email.
    by_email = models.BooleanField(default=False)
    # Read from the text when it is written (forum.text): the people it
    # mentions (profile handles) and the addresses on this site it links to,
    # shown as cards.
    mentions = models.JSONField(default=list, blank=True)
    site_paths = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("forum post")
        verbose_name_plural = _("forum posts")
        constraints = [
            models.UniqueConstraint(fields=["topic", "number"], name="forum_post_number_once")
        ]
        indexes = [
            models.Index(fields=["topic", "status", "number"], name="forum_post_in_topic"),
            models.Index(fields=["author", "-created_at"], name="forum_post_by_author"),
        ]

    def __str__(self) -> str:
        return f"{self.topic.title} #{self.number}"

    @property
    def title(self) -> str:
        return str(self)

    @property
    def anchor(self) -> str:
        return f"post-{self.number}"

    def get_absolute_url(self) -> str:
        # The permalink finds the page the post is on, however long the topic.
        return reverse("forum:post", kwargs={"pk": self.pk})


class PostRevision(models.Model):
    """A post's text before an edit: edits keep their history, visible to everyone."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # When this text was replaced by the next one.
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["replaced_at", "pk"]

    def __str__(self) -> str:
        return f"{self.post_id} before {self.replaced_at:%Y-%m-%d %H:%M}"


class PostLike(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="forum_like_once")]
        indexes = [models.Index(fields=["user", "post"], name="forum_like_by_user")]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.post_id}"


class TopicRead(models.Model):
    """How far one member has read one topic: the number of the last post they saw."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="reads")
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="forum_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.topic_id} to {self.last_read_number}"


class Level(models.IntegerChoices):
    """How much a member hears about a topic or a category."""

    MUTED = 0, _("Muted: never tell me, and leave it out of my lists")
    NORMAL = 1, _("Normal: tell me only when someone replies to me or mentions me")
    TRACKING = 2, _("Tracking: count unread posts for me, and tell me of replies to me")
    WATCHING = 3, _("Watching: tell me of every new post")


class TopicWatch(models.Model):
    """A member's level for one topic. No row: tracking once they have posted, else normal."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="watches")
    level = models.PositiveSmallIntegerField(choices=Level.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="forum_topic_watch_once")
        ]
        indexes = [models.Index(fields=["topic", "level"], name="forum_topic_watchers")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.topic_id}: {self.level}"


class CategoryWatch(models.Model):
    """A member's level for a whole category: watching hears of every new topic and post."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="watches")
    level = models.PositiveSmallIntegerField(choices=Level.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="forum_category_watch_once")
        ]
        indexes = [models.Index(fields=["category", "level"], name="forum_category_watchers")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.category_id}: {self.level}"


class DiscussionOff(models.Model):
    """Its owner turned discussion off for one thing (an entry, a story, a cut, a gathering)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    turned_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="forum_discussion_off_once"
            )
        ]

    def __str__(self) -> str:
        return f"off: {self.content_type_id}:{self.object_id}"


def post_picture_path(instance, filename: str) -> str:
    # A fresh name per upload: never served from a stale cache, never guessable from the post.
    return f"forum/pictures/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class PostPicture(models.Model):
    """A picture under a post, shown only with it; re-encoded without metadata (forum.pictures)."""

    ALT_MAX = 300
    PER_POST_MAX = 4

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="pictures")
    image = models.ImageField(
        _("picture"), upload_to=post_picture_path, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    alt = models.CharField(_("description of the picture"), max_length=ALT_MAX)
    position = models.PositiveSmallIntegerField(_("position under the post"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("forum post picture")
        verbose_name_plural = _("forum post pictures")

    def __str__(self) -> str:
        return self.alt
