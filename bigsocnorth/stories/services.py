"""Writes for stories: writing, sharing a link, pictures, publishing.

`check_story_fields` validates and normalises everything first; each write
then happens in one transaction that ends with moderation's change fan-out
(`content_changed`), so search, the map and notices are kept in step with
the story. Only `moderation.lifecycle` sets a story's status and dates. Files are stored only
once the transaction can commit and removed again if it does not.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bigsocnorth.core.files import writing_with_file
from bigsocnorth.core.geo import publishable_point
from bigsocnorth.core.images import ImageRules, image_clean
from bigsocnorth.core.tags import tags_check
from bigsocnorth.core.text import without_control_characters
from bigsocnorth.directory.models import Entry
from bigsocnorth.directory.permissions import can_edit_entry
from bigsocnorth.moderation import lifecycle, limits
from bigsocnorth.moderation.changes import content_changed
from bigsocnorth.moderation.models import Status
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.services import place_check
from bigsocnorth.stories.canonical import canonical_key
from bigsocnorth.stories.models import PreviewState, Story, StoryKind, StoryPicture, StoryTag
from bigsocnorth.stories.permissions import check_story_edit_permission

PICTURE_RULES = ImageRules(
    max_bytes=10 * 1_048_576, max_side=8000, output_side=1600, output_format="JPEG"
)
PICTURES_MAX = 20
ABOUT_MAX = 10
TAGS_MAX_COUNT = 10
# Addresses under /stories/ that are pages, not stories.
RESERVED_SLUGS = {"new", "share", "feeds", "tag", "area", "entry", "mine", "feed"}
_url_validator = URLValidator(schemes=["http", "https"])


class Action:
    """What the person asked for when they sent the form."""

    SAVE_DRAFT = "draft"
    PUBLISH = "publish"


@dataclass
class StoryFields:
    title: str
    summary: str
    body: str
    tags: str
    place_name: str
    latitude: float | None
    longitude: float | None
    local_authority: object | None
    approximate_location: bool
    about: list[Entry]
    on_behalf_of: Entry | None
    image_alt: str
    source_name: str = ""
    source_published_at: object | None = None


def _text(value, *, max_length: int, field: str, errors: dict, label: str, newlines=False) -> str:
    value = without_control_characters(str(value or ""), keep_newlines=newlines).strip()
    if not newlines:
        value = " ".join(value.split())
    if len(value) > max_length:
        errors.setdefault(field, []).append(
            _("%(label)s can be at most %(max)s characters; it has %(count)s.")
            % {"label": label, "max": f"{max_length:,}", "count": f"{len(value):,}"}
        )
    return value


def _check_tags(raw: str, errors: dict) -> str:
    try:
        return tags_check(raw, max_count=TAGS_MAX_COUNT, max_total=Story.TAGS_MAX)
    except ValidationError as error:
        errors.setdefault("tags", []).extend(error.messages)
        return ""


def _check_place(latitude, longitude, local_authority, approximate, errors: dict):
    """(latitude, longitude, local authority, approximate): a point (rounded to
    about 1 km when `approximate`), the whole of an authority, or nothing."""
    try:
        point = place_check(latitude=latitude, longitude=longitude)
    except ValidationError as error:
        errors.setdefault("place", []).extend(error.messages)
        return None, None, None, False
    if point is not None:
        approximate = bool(approximate)
        shown = publishable_point(
            latitude=point.latitude, longitude=point.longitude, approximate=approximate
        )
        return *shown, point.local_authority, approximate
    if local_authority is None:
        return None, None, None, False
    if not isinstance(local_authority, LocalAuthority):
        errors.setdefault("place", []).append(_("Choose the area from the North's areas."))
        return None, None, None, False
    return None, None, local_authority, False


def _check_about(about, errors: dict) -> list[Entry]:
    entries = list(dict.fromkeys(about or []))
    if len(entries) > ABOUT_MAX:
        errors.setdefault("about", []).append(
            _("Choose at most %(max)d groups the story is about.") % {"max": ABOUT_MAX}
        )
    for entry in entries:
        if not isinstance(entry, Entry) or not is_public(entry):
            errors.setdefault("about", []).append(
                _("Only groups published in the directory can be chosen.")
            )
            break
    return entries


def _check_on_behalf_of(author, entry, errors: dict) -> Entry | None:
    if entry is None:
        return None
    if not is_public(entry) or not can_edit_entry(user=author, entry=entry):
        errors.setdefault("on_behalf_of", []).append(
            _("You can tell a story on behalf of a published group only if you are its editor.")
        )
    return entry


def check_story_fields(
    *,
    author,
    action: str,
    kind: str,
    title: str = "",
    summary: str = "",
    body: str = "",
    tags: str = "",
    place_name: str = "",
    latitude=None,
    longitude=None,
    local_authority=None,
    approximate_location: bool = False,
    about=(),
    on_behalf_of=None,
    image_alt: str = "",
    has_image: bool = False,
    source_name: str = "",
    source_published_at=None,
) -> StoryFields:
    """The story's fields checked and tidied, or ValidationError with a message per field.

    A draft may be unfinished; publishing needs a title, and the story
    itself for a story told here. The place is a point (`latitude`,
    `longitude`: its area is found from it), or with no point the whole of
    `local_authority`, or nothing.
    """
    errors: dict[str, list[str]] = {}
    title = _text(
        title, max_length=Story.TITLE_MAX, field="title", errors=errors, label=_("The title")
    )
    summary = _text(
        summary,
        max_length=Story.SUMMARY_MAX,
        field="summary",
        errors=errors,
        label=_("The summary"),
    )
    body = _text(
        body, max_length=Story.BODY_MAX, field="body", errors=errors, label=_("The story"),
        newlines=True,
    )  # fmt: skip
    source_name = _text(
        source_name, max_length=Story.SOURCE_MAX, field="source_name", errors=errors,
        label=_("Where it was told"),
    )  # fmt: skip
    image_alt = _text(
        image_alt, max_length=Story.ALT_MAX, field="image_alt", errors=errors,
        label=_("The description of the picture"),
    )  # fmt: skip
    place_name = _text(
        place_name, max_length=Story.PLACE_NAME_MAX, field="place", errors=errors,
        label=_("The name of the place"),
    )  # fmt: skip
    tags = _check_tags(tags, errors)
    latitude, longitude, area, approximate_location = _check_place(
        latitude, longitude, local_authority, approximate_location, errors
    )
    about = _check_about(about, errors)
    on_behalf_of = _check_on_behalf_of(author, on_behalf_of, errors)
    if action == Action.PUBLISH:
        if not title:
            errors.setdefault("title", []).append(_("Give the story a title."))
        if kind == StoryKind.OWN and not body:
            errors.setdefault("body", []).append(_("Write the story before you publish it."))
        if kind == StoryKind.LINKED and not summary:
            errors.setdefault("summary", []).append(
                _("Say in a sentence or two what the story is about.")
            )
    if has_image and not image_alt:
        errors.setdefault("image_alt", []).append(
            _("Describe the picture for people who cannot see it.")
        )
    if errors:
        raise ValidationError(errors)
    return StoryFields(
        title=title,
        summary=summary,
        body=body,
        tags=tags,
        place_name=place_name if area is not None else "",
        latitude=latitude,
        longitude=longitude,
        local_authority=area,
        approximate_location=approximate_location,
        about=about,
        on_behalf_of=on_behalf_of,
        image_alt=image_alt if has_image else "",
        source_name=source_name,
        source_published_at=source_published_at,
    )


def check_picture(*, image, field: str = "image") -> ContentFile | None:
    """The cleaned picture (EXIF and GPS gone, resized), None when no file was sent."""
    if not image:
        return None
    try:
        return image_clean(upload=image, rules=PICTURE_RULES)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


def story_unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:200].strip("-") or "story"
    slug = base
    number = 2
    taken = Story.objects.exclude(pk=exclude_pk) if exclude_pk else Story.objects.all()
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def _write(
    story: Story,
    fields: StoryFields,
    *,
    image: ContentFile | None,
    remove_image: bool,
    slug_follows_title: bool,
):
    """Save the story's fields and the entries it is about. Call inside a transaction.

    `slug_follows_title`: the story has never been public, so its address may
    still follow its title; once public, the address never changes.
    """
    for name in (
        "title", "summary", "body", "tags", "place_name", "latitude", "longitude",
        "approximate_location", "local_authority", "on_behalf_of", "image_alt",
    ):  # fmt: skip
        setattr(story, name, getattr(fields, name))
    if story.kind == StoryKind.LINKED:
        story.source_name = fields.source_name
        story.source_published_at = fields.source_published_at
    if image is not None:
        story.image.save("picture.jpg", image, save=False)
    elif remove_image:
        story.image = ""
        story.image_alt = ""
    if not story.slug or slug_follows_title:
        story.slug = story_unique_slug(story.title or "story", exclude_pk=story.pk)
    story.save()
    story.about.set(fields.about)


def _publish_status(story: Story, *, author) -> None:
    lifecycle.status_stamp(story, lifecycle.initial_status(author=author))


def _check_all(values: dict, *, image) -> tuple[StoryFields, ContentFile | None]:
    """Fields and picture checked together, so a person sees every problem at once."""
    errors: dict[str, list[str]] = {}
    fields = clean = None
    try:
        fields = check_story_fields(**values)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        clean = check_picture(image=image)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return fields, clean


def story_create(*, author, action: str = Action.SAVE_DRAFT, image=None, **values) -> Story:
    """A story told here by `author`: a draft, or sent for publishing.

    Publishing puts a new member's first stories in review (moderation's
    rule) and publishes the rest at once. One transaction.
    """
    has_image = bool(image)
    fields, clean = _check_all(
        {
            **values,
            "author": author,
            "action": action,
            "kind": StoryKind.OWN,
            "has_image": has_image,
        },
        image=image,
    )
    story = Story(author=author, kind=StoryKind.OWN)

    def write() -> Story:
        with transaction.atomic():
            if action == Action.PUBLISH:
                _publish_status(story, author=author)
            _write(story, fields, image=clean, remove_image=False, slug_follows_title=True)
            content_changed(story, previous_status=None)
        return story

    return writing_with_file(story, "image", write)


def story_update(
    *,
    actor,
    story: Story,
    action: str = Action.SAVE_DRAFT,
    image=None,
    remove_image=False,
    **values,
) -> Story:
    """Change a story; `action` PUBLISH also sends a draft for publishing.

    Its author and moderators only. A published story stays published (and
    keeps its address); a story in review stays in review.
    """
    check_story_edit_permission(user=actor, story=story)
    if story.is_linked and action == Action.PUBLISH and lifecycle.is_draft(story):
        _check_not_shared_already(story)
    has_image = bool(image) or (bool(story.image) and not remove_image)
    fields, clean = _check_all(
        {**values, "author": story.author or actor, "action": action, "kind": story.kind,
         "has_image": has_image},
        image=image,
    )  # fmt: skip
    previous = story.status

    never_public = not lifecycle.was_ever_public(story)
    before = lifecycle.StatusSnapshot.of(story)

    def write() -> Story:
        try:
            return _update()
        except IntegrityError:
            # Another person's share of the same story was published meanwhile:
            # the instance goes back to what the database still holds.
            if not story.is_linked:
                raise
            before.put_back(story)
            _check_not_shared_already(story)
            raise

    def _update() -> Story:
        with transaction.atomic():
            if action == Action.PUBLISH and lifecycle.is_draft(story):
                _publish_status(story, author=story.author or actor)
            _write(
                story,
                fields,
                image=clean,
                remove_image=remove_image,
                slug_follows_title=never_public,
            )
            content_changed(story, previous_status=previous)
        return story

    return writing_with_file(story, "image", write)


def _check_not_shared_already(story: Story) -> None:
    """Refuse to publish a link someone else has shared meanwhile; point to theirs."""
    first = story.duplicate_of or shared_story_with_address(
        story.canonical_url, exclude_pk=story.pk
    )
    if first is None:
        return
    if story.duplicate_of_id != first.pk:
        story.duplicate_of = first
        story.preview_state = PreviewState.DUPLICATE
        Story.objects.filter(pk=story.pk).update(
            duplicate_of=first, preview_state=PreviewState.DUPLICATE
        )
    raise ValidationError(
        {"url": [_("This story is already shared here, so it cannot be published twice.")]}
    )


def story_picture_add(*, actor, story: Story, image, alt: str) -> StoryPicture:
    """Add a picture for use in the story's text (see `picture_markdown`); returns it."""
    check_story_edit_permission(user=actor, story=story)
    errors: dict[str, list[str]] = {}
    alt = _text(alt, max_length=Story.ALT_MAX, field="picture_alt", errors=errors,
                label=_("The description of the picture"))  # fmt: skip
    if not image:
        errors.setdefault("picture", []).append(_("Choose a picture to add."))
    if not alt:
        errors.setdefault("picture_alt", []).append(
            _("Describe the picture for people who cannot see it.")
        )
    if story.pictures.count() >= PICTURES_MAX:
        errors.setdefault("picture", []).append(
            _("A story can have at most %(max)d pictures.") % {"max": PICTURES_MAX}
        )
    clean = None
    if image and "picture" not in errors:
        try:
            clean = check_picture(image=image, field="picture")
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    picture = StoryPicture(story=story, alt=alt)
    picture.image.save("picture.jpg", clean, save=False)
    try:
        picture.save()
    except BaseException:
        picture.image.storage.delete(picture.image.name)
        raise
    return picture


def picture_markdown(picture: StoryPicture) -> str:
    alt = picture.alt.replace("[", "(").replace("]", ")")
    return f"![{alt}]({picture.image.url})"


def story_images_prefix() -> str:
    """Where this site's own story pictures are served from (see core.markdown)."""
    return f"{settings.MEDIA_URL.rstrip('/')}/stories/images/"


def story_delete(*, actor, story: Story) -> None:
    """Delete a draft (or a story stuck in review) with its pictures. Published stories are
    hidden or archived by moderators instead, so links to them keep working."""
    check_story_edit_permission(user=actor, story=story)
    if story.status not in (Status.DRAFT, Status.IN_REVIEW):
        raise ValidationError(_("Only drafts and stories waiting for review can be deleted."))
    names = [story.image.name] if story.image else []
    names += [picture.image.name for picture in story.pictures.all()]
    storage = story.image.storage
    with transaction.atomic():
        story.delete()
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


# --- Linked stories -------------------------------------------------------------------------


class AlreadyShared(Exception):
    """That story is already linked here; `story` is the first one."""

    def __init__(self, story: Story) -> None:
        super().__init__(story.slug)
        self.story = story


def check_story_url(url: str) -> tuple[str, str]:
    """The address and its canonical key, or ValidationError on "url"."""
    url = without_control_characters(str(url or ""), keep_newlines=False).strip()
    if not url:
        raise ValidationError({"url": [_("Paste the web address of the story.")]})
    if len(url) > Story.URL_MAX:
        raise ValidationError(
            {"url": [_("The address can be at most %(max)s characters.") % {"max": "2,000"}]}
        )
    try:
        _url_validator(url)
    except ValidationError:
        raise ValidationError(
            {"url": [_("Enter a full web address starting with http:// or https://.")]}
        ) from None
    key = canonical_key(url)
    if not key:
        raise ValidationError(
            {"url": [_("Enter a full web address starting with http:// or https://.")]}
        )
    return url, key


def shared_story_with_address(key: str, *, exclude_pk: int | None = None) -> Story | None:
    """The story already shared with this canonical address, if any (drafts aside)."""
    stories = Story.objects.filter(canonical_url=key).exclude(status=Status.DRAFT)
    if exclude_pk is not None:
        stories = stories.exclude(pk=exclude_pk)
    return stories.order_by("pk").first()


def linked_story_start(*, author, url: str, address: str = "") -> Story:
    """Start sharing a link: a draft with the address, its preview fetched in the
    background (`linked_story_preview_task`).

    Raises AlreadyShared when the same story (by canonical address) is here
    already. A person who shares again a link of their own draft gets that draft.
    Other people's drafts do not count: a draft nobody finishes must not stop
    anyone else sharing the story. A new share counts against the member's and
    the `address`'s (where they shared from) limits: LinkSharesRateLimited.
    """
    url, key = check_story_url(url)
    existing = shared_story_with_address(key)
    if existing is not None:
        raise AlreadyShared(existing)
    own_draft = Story.objects.filter(canonical_url=key, author=author, status=Status.DRAFT).first()
    if own_draft is not None:
        return own_draft
    limits.link_shares_count(member=author, address=address, field="url")
    host = key.split("/")[2]
    story = Story(
        author=author,
        kind=StoryKind.LINKED,
        url=url,
        canonical_url=key,
        title="",
        source_name=host,
        preview_state=PreviewState.FETCHING,
    )
    story.slug = story_unique_slug(f"link {host}")
    with transaction.atomic():
        story.save()
        content_changed(story, previous_status=None)
        transaction.on_commit(lambda: _enqueue_preview(story.pk))
    return story


def _enqueue_preview(story_id: int) -> None:
    from bigsocnorth.stories.link_tasks import linked_story_preview_task

    linked_story_preview_task.enqueue(story_id)


def linked_story_preview_retry(*, actor, story: Story) -> Story:
    """Fetch the preview again (after the site was down, say)."""
    check_story_edit_permission(user=actor, story=story)
    if not story.is_linked or story.preview_state == PreviewState.DUPLICATE:
        raise PermissionDenied(_("There is no preview to fetch for this story."))
    Story.objects.filter(pk=story.pk).update(preview_state=PreviewState.FETCHING, preview_error="")
    story.preview_state = PreviewState.FETCHING
    story.preview_error = ""
    transaction.on_commit(lambda: _enqueue_preview(story.pk))
    return story


def linked_story_update(
    *,
    actor,
    story: Story,
    action: str = Action.SAVE_DRAFT,
    image=None,
    remove_image=False,
    **values,
) -> Story:
    """Correct a linked story's preview and details; PUBLISH sends it for publishing."""
    if action == Action.PUBLISH and story.preview_state == PreviewState.FETCHING:
        raise ValidationError(
            {"__all__": [_("The preview is still being fetched. Wait a moment and try again.")]}
        )
    return story_update(
        actor=actor, story=story, action=action, image=image, remove_image=remove_image, **values
    )


def unpublished_stories_of_author_delete(*, author) -> int:
    """Delete an author's drafts and stories never published, with their pictures.

    Called when their account is deleted (apps.py): those were only theirs.
    Published stories stay, without an author, as other contributions do.
    Returns how many were deleted. Runs in the deleting transaction.
    """
    stories = list(
        Story.objects.filter(author=author, first_published_at__isnull=True).prefetch_related(
            "pictures"
        )
    )
    names = [story.image.name for story in stories if story.image]
    names += [picture.image.name for story in stories for picture in story.pictures.all()]
    storage = Story._meta.get_field("image").storage
    Story.objects.filter(pk__in=[story.pk for story in stories]).delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return len(stories)


def story_tags_sync(story: Story) -> None:
    """The story's tag rows: its tags while it is public, none otherwise."""
    StoryTag.objects.filter(story=story).delete()
    if is_public(story):
        StoryTag.objects.bulk_create(StoryTag(story=story, tag=tag) for tag in story.tag_list)


def story_new_voice_mark(story: Story) -> None:
    """A person's first published story told here is a new voice.

    Sharing a link to a story told elsewhere does not count: the voice is
    the other site's (and stories from feeds have no person at all).
    """
    if story.author_id is None or story.kind != StoryKind.OWN:
        return
    told_before = (
        Story.objects.public()
        .filter(author_id=story.author_id, kind=StoryKind.OWN)
        .exclude(pk=story.pk)
        .exists()
    )
    if not told_before and not story.is_new_voice:
        story.is_new_voice = True
        Story.objects.filter(pk=story.pk).update(is_new_voice=True)
