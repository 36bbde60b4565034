"""Stories of community action: told here by the people involved, or linked from elsewhere.

An own story is written here in Markdown. A linked story points at a story
told somewhere else (a newspaper, a blog, a video, a post); its preview
(title, summary, image, source, date) is fetched in the background and can
be corrected by the person sharing it. Stories from a directory entry's own
news feed are linked stories too, attributed to that entry.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigsocnorth.core.tags import Tagged
from bigsocnorth.moderation.models import ModeratedContent


class StoryKind(models.TextChoices):
    OWN = "own", _("Told here")
    LINKED = "linked", _("Told elsewhere")


class PreviewState(models.TextChoices):
    """Where fetching a linked story's preview has got to."""

    NONE = "", _("Not a linked story")
    FETCHING = "fetching", _("Fetching the preview")
    READY = "ready", _("Preview ready")
    FAILED = "failed", _("The preview could not be fetched")
    DUPLICATE = "duplicate", _("Already shared here")


def story_image_path(instance, filename: str) -> str:
    # A fresh name per upload: never served from a stale cache, never guessable from the story.
    return f"stories/images/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class Story(Tagged, ModeratedContent):
    """One story. Only published stories are public (moderation's one rule)."""

    TITLE_MAX = 200
    SUMMARY_MAX = 500
    BODY_MAX = 50_000
    TAGS_MAX = 500
    URL_MAX = 2_000
    SOURCE_MAX = 200
    ALT_MAX = 300
    PLACE_NAME_MAX = 120

    uuid = models.UUIDField(_("open data identifier"), default=uuid.uuid4, unique=True)
    kind = models.CharField(_("kind of story"), max_length=10, choices=StoryKind.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    slug = models.SlugField(_("web address name"), max_length=220, unique=True)
    summary = models.TextField(_("summary"), max_length=SUMMARY_MAX, blank=True)
    # Markdown; own stories only.
    body = models.TextField(_("the story"), max_length=BODY_MAX, blank=True)
    # Normalised: lower case, trimmed, unique, joined by ", " (as directory tags).
    tags = models.CharField(_("tags"), max_length=TAGS_MAX, blank=True)

    # Where it happened (optional): a point puts the story on the map, and
    # its local authority puts it on the area's page. An area without a
    # point is "the whole of" it. The point is rounded to about 1 km when it
    # is saved if `approximate_location` (the exact one is never kept).
    place_name = models.CharField(_("name of the place"), max_length=PLACE_NAME_MAX, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    approximate_location = models.BooleanField(_("show only roughly where"), default=False)
    local_authority = models.ForeignKey(
        "places.LocalAuthority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name=_("area"),
    )

    about = models.ManyToManyField(
        "directory.Entry",
        blank=True,
        related_name="stories_about",
        verbose_name=_("directory entries it is about"),
    )
    # Told by the author for a group they edit; shown as "by <entry>".
    on_behalf_of = models.ForeignKey(
        "directory.Entry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories_told",
        verbose_name=_("on behalf of"),
    )

    # The lead picture: the preview image of a linked story, stored here so
    # readers' browsers never ask the other site for it.
    image = models.ImageField(
        _("picture"), upload_to=story_image_path, blank=True, width_field="image_width",
        height_field="image_height",
    )  # fmt: skip
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(_("description of the picture"), max_length=ALT_MAX, blank=True)

    # Linked stories: where the story is, as shared and as the site names it.
    url = models.URLField(_("web address of the story"), max_length=URL_MAX, blank=True)
    # The page's canonical address, normalised (see stories.canonical.canonical_key):
    # the same story is never shared twice (drafts aside, see Meta).
    canonical_url = models.CharField(max_length=URL_MAX, blank=True, editable=False)
    source_name = models.CharField(_("where it was told"), max_length=SOURCE_MAX, blank=True)
    source_published_at = models.DateTimeField(_("first told on"), null=True, blank=True)
    preview_state = models.CharField(
        max_length=10, choices=PreviewState.choices, blank=True, default=PreviewState.NONE
    )
    preview_error = models.CharField(max_length=500, blank=True)
    # Set when the page turned out to be a story already shared here (its
    # canonical address, found only once fetched, is another story's).
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Stories taken from a directory entry's news feed.
    feed = models.ForeignKey(
        "stories.FeedSource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
    )
    feed_item_id = models.CharField(max_length=URL_MAX, blank=True)

    # The author's first published story: "a new voice".
    is_new_voice = models.BooleanField(_("a new voice"), default=False)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        # A page of ids is read from an index alone, for each way the list is
        # filtered or ordered (docs/benchmarks.md, stories at 100,000).
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="story_list_idx"),
            models.Index(fields=["status", "kind", "-published_at", "-id"], name="story_kind_idx"),
            models.Index(
                fields=["status", "-is_new_voice", "-published_at", "-id"], name="story_voice_idx"
            ),
            models.Index(
                fields=["status", "local_authority", "-published_at", "-id"],
                name="story_area_idx",
            ),
            # A person's profile: their newest stories.
            models.Index(
                fields=["author", "status", "-published_at", "-id"], name="story_author_idx"
            ),
        ]
        constraints = [
            # Drafts do not count: someone's abandoned draft must not stop
            # everyone else sharing that story. Publishing checks again.
            models.UniqueConstraint(
                fields=["canonical_url"],
                condition=~Q(canonical_url="") & ~Q(status="draft"),
                name="story_canonical_url_once_shared",
            ),
            models.UniqueConstraint(
                fields=["feed", "feed_item_id"],
                condition=~Q(feed_item_id=""),
                name="story_feed_item_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stories:story_detail", kwargs={"slug": self.slug})

    @property
    def is_linked(self) -> bool:
        return self.kind == StoryKind.LINKED

    @property
    def has_place(self) -> bool:
        return self.latitude is not None and self.local_authority_id is not None


class StoryTag(models.Model):
    """One tag of one published story, so "stories tagged floods" is an index look-up.

    Kept by the story change hook (content.py) with the story's status and tags; only published
    stories have rows, so a tag's row count is its number of stories.
    """

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="tag_rows")
    tag = models.CharField(max_length=Story.TAGS_MAX)

    class Meta:
        indexes = [models.Index(fields=["tag", "story"], name="story_tag_idx")]

    def __str__(self) -> str:
        return self.tag


class StoryPicture(models.Model):
    """A picture uploaded for use inside an own story's text (cleaned by core.images)."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="pictures")
    image = models.ImageField(
        upload_to=story_image_path, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    alt = models.CharField(_("description of the picture"), max_length=Story.ALT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.alt


class FeedSource(models.Model):
    """A directory entry's RSS or Atom feed, polled by the task worker with its editors' consent.

    Its health is kept here for the entry's editors and the moderators: when
    it last worked, the last error, how many stories it has given. A failing
    feed is polled less and less often (`next_poll_at`).
    """

    entry = models.OneToOneField(
        "directory.Entry", on_delete=models.CASCADE, related_name="feed_source"
    )
    url = models.URLField(_("feed address"), max_length=Story.URL_MAX)
    enabled = models.BooleanField(_("take stories from this feed"), default=False)
    enabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    enabled_at = models.DateTimeField(null=True, blank=True)
    # Conditional requests: what the site sent last time.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Set while a worker polls it, so two workers never poll one feed at once.
    polling_since = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    items_taken = models.PositiveIntegerField(default=0)
    last_items_taken = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("news feed")
        verbose_name_plural = _("news feeds")

    def __str__(self) -> str:
        return self.url
