"""Writing, publishing and sharing stories through the services, and what follows from it."""

from __future__ import annotations

import io
import os

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.mapping.models import MapItem
from bigsocnorth.moderation.models import Status
from bigsocnorth.moderation.services import content_approve, content_hide
from bigsocnorth.notifications.models import Notification
from bigsocnorth.notifications.services import follow_create
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.search.models import SearchDocument
from bigsocnorth.stories import services
from bigsocnorth.stories.models import PreviewState, Story, StoryKind
from bigsocnorth.stories.services import Action

HEBDEN_BRIDGE = {"latitude": 53.742, "longitude": -2.014}  # in Calderdale


def _story(author, action=Action.PUBLISH, **values):
    fields = {"title": "We opened a community fridge", "body": "It took a year.", **values}
    return services.story_create(author=author, action=action, **fields)


def _on_map(story) -> bool:
    return MapItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Story), object_id=story.pk
    ).exists()


def _in_search(story) -> bool:
    return SearchDocument.objects.filter(type_key="story", object_id=story.pk).exists()


def jpeg_with_gps() -> SimpleUploadedFile:
    picture = Image.new("RGB", (640, 480), "green")
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (53.0, 44.0, 0.0)}  # GPS
    data = io.BytesIO()
    picture.save(data, "JPEG", exif=exif)
    return SimpleUploadedFile("holiday.jpg", data.getvalue(), content_type="image/jpeg")


# --- Drafts, review, publishing -----------------------------------------------------------


def test_a_draft_is_private_and_nowhere_else(member):
    story = _story(member, action=Action.SAVE_DRAFT, **HEBDEN_BRIDGE)
    assert story.status == Status.DRAFT
    assert story.published_at is None
    assert not _on_map(story)
    assert not _in_search(story)


def test_a_draft_may_be_unfinished_but_publishing_needs_a_title_and_a_story(member):
    draft = services.story_create(author=member, action=Action.SAVE_DRAFT, title="", body="")
    assert draft.status == Status.DRAFT
    with pytest.raises(ValidationError) as error:
        services.story_update(actor=member, story=draft, action=Action.PUBLISH, title="", body="")
    assert set(error.value.message_dict) == {"title", "body"}
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_new_members_first_story_goes_to_review_then_shows_everywhere(member, moderator):
    calderdale = LocalAuthority.objects.get(name="Calderdale")
    follower = UserFactory()
    follow_create(user=follower, target=calderdale)
    story = _story(member, **HEBDEN_BRIDGE, place_name="Town Hall")
    assert story.status == Status.IN_REVIEW
    assert story.local_authority == calderdale
    assert not _on_map(story) and not _in_search(story)

    content_approve(actor=moderator, content=story)
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    assert story.is_new_voice
    assert _on_map(story) and _in_search(story)
    item = MapItem.objects.get(object_id=story.pk, layer="stories")
    assert (item.latitude, item.longitude) == (53.742, -2.014)
    assert item.kind == StoryKind.OWN
    told = Notification.objects.get(recipient=follower)
    assert "A new story in Calderdale" in told.message
    assert Notification.objects.filter(recipient=member, kind="stories.story_published").exists()


def test_hiding_takes_the_story_off_the_map_and_out_of_search(member, moderator):
    story = _story(moderator, **HEBDEN_BRIDGE)
    assert story.status == Status.PUBLISHED and _on_map(story)
    content_hide(actor=moderator, content=story, reason="Wrong place")
    assert not _on_map(story) and not _in_search(story)


def test_only_the_first_published_story_is_a_new_voice(member, moderator, settings):
    settings.NEW_MEMBER_REVIEW_COUNT = 1
    first = _story(member)
    content_approve(actor=moderator, content=first)
    second = _story(member, title="The fridge, a year on")
    assert second.status == Status.PUBLISHED  # trusted after one published contribution
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_new_voice and not second.is_new_voice


def test_followers_of_an_entry_hear_of_a_story_about_it(member, moderator):
    entry = EntryFactory(name="Calder Food Hub")
    follower = UserFactory()
    follow_create(user=follower, target=entry)
    _story(moderator, about=[entry])
    assert "A new story about “Calder Food Hub”" in (
        Notification.objects.get(recipient=follower).message
    )


# --- Bad input ----------------------------------------------------------------------------


def test_hostile_markdown_is_stored_but_never_rendered_as_code(moderator, client):
    story = _story(
        moderator,
        body="<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)>",
    )
    page = client.get(story.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page
    assert 'href="javascript:' not in page
    assert "<img src=x" not in page


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": "x" * 201}, "title"),
        ({"summary": "x" * 501}, "summary"),
        ({"body": "x" * 50_001}, "body"),
        ({"tags": ", ".join(f"tag{n}" for n in range(11))}, "tags"),
        ({"tags": "x" * 41}, "tags"),
        ({"latitude": 53.7}, "place"),
        ({"latitude": 51.5, "longitude": -0.12}, "place"),  # London
        ({"latitude": "north", "longitude": "west"}, "place"),
        ({"latitude": float("nan"), "longitude": 1.0}, "place"),
        ({"latitude": 91, "longitude": 1.0}, "place"),
        ({"local_authority": "leeds"}, "place"),  # an area is a LocalAuthority
    ],
)
def test_bad_fields_get_a_message_and_nothing_is_saved(member, values, field):
    with pytest.raises(ValidationError) as error:
        _story(member, **values)
    assert field in error.value.message_dict
    assert error.value.message_dict[field][0]
    assert not Story.objects.exists()


def test_about_must_be_published_entries(member):
    hidden = EntryFactory(status=Status.HIDDEN)
    with pytest.raises(ValidationError) as error:
        _story(member, about=[hidden])
    assert "about" in error.value.message_dict


def test_only_an_editor_tells_a_story_on_behalf_of_a_group(member):
    entry = EntryFactory()
    with pytest.raises(ValidationError) as error:
        _story(member, on_behalf_of=entry)
    assert "on_behalf_of" in error.value.message_dict
    entry.editors.add(member)
    story = _story(member, on_behalf_of=entry)
    assert story.on_behalf_of == entry


def test_a_picture_loses_its_location_and_needs_a_description(member):
    with pytest.raises(ValidationError) as error:
        _story(member, image=jpeg_with_gps())
    assert "image_alt" in error.value.message_dict
    story = _story(member, image=jpeg_with_gps(), image_alt="Volunteers at the fridge")
    with Image.open(story.image.path) as saved:
        assert not saved.getexif()
        assert saved.size == (640, 480)


def test_an_upload_that_lies_about_its_type_is_refused(member):
    fake = SimpleUploadedFile("photo.jpg", b"<html>not a picture</html>", "image/jpeg")
    with pytest.raises(ValidationError) as error:
        _story(member, image=fake, image_alt="A photo")
    assert "image" in error.value.message_dict
    assert not Story.objects.exists()


def test_pictures_in_the_text_are_kept_and_shown(member, client):
    story = _story(member, action=Action.SAVE_DRAFT)
    picture = services.story_picture_add(
        actor=member, story=story, image=jpeg_with_gps(), alt="The fridge"
    )
    markdown = services.picture_markdown(picture)
    assert markdown.startswith("![The fridge](/media/stories/images/")
    services.story_update(actor=member, story=story, title=story.title, body=markdown)
    client.force_login(member)
    page = client.get(story.get_absolute_url()).content.decode()
    assert f'<img src="{picture.image.url}" alt="The fridge">' in page


def test_only_the_author_and_moderators_edit(member, moderator):
    story = _story(member, action=Action.SAVE_DRAFT)
    with pytest.raises(PermissionDenied):
        services.story_update(actor=UserFactory(), story=story, title="Mine now")
    services.story_update(actor=moderator, story=story, title="Tidied", body="Text")
    story.refresh_from_db()
    assert story.title == "Tidied"


def test_a_published_story_keeps_its_address_when_its_title_changes(moderator):
    story = _story(moderator)
    address = story.get_absolute_url()
    services.story_update(actor=moderator, story=story, title="A new title", body="x")
    story.refresh_from_db()
    assert story.get_absolute_url() == address


def test_only_drafts_and_stories_in_review_can_be_deleted(member, moderator):
    draft = _story(member, action=Action.SAVE_DRAFT)
    services.story_delete(actor=member, story=draft)
    assert not Story.objects.filter(pk=draft.pk).exists()
    published = _story(moderator)
    with pytest.raises(ValidationError):
        services.story_delete(actor=moderator, story=published)


# --- Linked stories -----------------------------------------------------------------------


def test_a_shared_story_is_never_shared_twice_but_drafts_claim_nothing(
    member, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        story = services.linked_story_start(
            author=member, url="https://www.example.org/a?utm_source=x"
        )
    assert story.kind == StoryKind.LINKED
    assert story.status == Status.DRAFT
    assert story.preview_state == PreviewState.FETCHING
    assert story.canonical_url == "https://example.org/a"
    assert len(callbacks) == 1  # the background fetch, queued once the draft exists
    # Sharing it again gives the person their own draft back.
    assert services.linked_story_start(author=member, url="http://example.org/a/") == story

    # Someone else's unfinished draft does not stop anyone else sharing it.
    other = UserFactory()
    rival = services.linked_story_start(author=other, url="http://example.org/a/")
    assert rival != story

    Story.objects.filter(pk=story.pk).update(preview_state=PreviewState.READY)
    story.refresh_from_db()
    services.linked_story_update(
        actor=member, story=story, action=Action.PUBLISH, title="A", summary="B"
    )
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW

    # Once it is shared, a new share is pointed to it, and the rival draft cannot publish.
    with pytest.raises(services.AlreadyShared) as shared:
        services.linked_story_start(author=UserFactory(), url="https://example.org/a#top")
    assert shared.value.story == story
    Story.objects.filter(pk=rival.pk).update(preview_state=PreviewState.READY)
    rival.refresh_from_db()
    with pytest.raises(ValidationError, match="already shared"):
        services.linked_story_update(
            actor=other, story=rival, action=Action.PUBLISH, title="A", summary="B"
        )
    rival.refresh_from_db()
    assert rival.status == Status.DRAFT
    assert rival.preview_state == PreviewState.DUPLICATE
    assert rival.duplicate_of == story


@pytest.mark.parametrize(
    "url",
    [
        "",
        "example.org/story",
        "javascript:alert(1)",
        "ftp://example.org/a",
        "https://" + "a" * 2001,
    ],
)
def test_a_link_that_is_not_a_web_address_is_refused(member, url):
    with pytest.raises(ValidationError) as error:
        services.linked_story_start(author=member, url=url)
    assert "url" in error.value.message_dict
    assert not Story.objects.exists()


def test_a_linked_story_cannot_be_published_while_its_preview_is_fetched(member):
    story = services.linked_story_start(author=member, url="https://example.org/a")
    with pytest.raises(ValidationError):
        services.linked_story_update(
            actor=member, story=story, action=Action.PUBLISH, title="A", summary="B"
        )
    story.refresh_from_db()
    assert story.status == Status.DRAFT


def test_an_address_follows_the_title_until_the_story_is_public(member, moderator):
    draft = _story(member, action=Action.SAVE_DRAFT, title="Working title")
    services.story_update(
        actor=member, story=draft, action=Action.PUBLISH, title="The real title", body="x"
    )
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert draft.slug == "the-real-title"
    content_approve(actor=moderator, content=draft)
    services.story_update(actor=member, story=draft, title="Renamed later", body="x")
    draft.refresh_from_db()
    assert draft.slug == "the-real-title"


def test_sharing_a_link_is_not_a_new_voice(moderator):
    story = services.linked_story_start(author=moderator, url="https://example.org/a")
    Story.objects.filter(pk=story.pk).update(preview_state=PreviewState.READY)
    story.refresh_from_db()
    services.linked_story_update(
        actor=moderator, story=story, action=Action.PUBLISH, title="A", summary="B"
    )
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    assert not story.is_new_voice
    own = _story(moderator)
    assert Story.objects.get(pk=own.pk).is_new_voice


def test_deleting_an_account_deletes_its_drafts_and_keeps_its_published_stories(
    member, settings, django_capture_on_commit_callbacks
):
    from bigsocnorth.accounts.services import user_delete

    settings.NEW_MEMBER_REVIEW_COUNT = 0
    draft = _story(member, action=Action.SAVE_DRAFT, image=jpeg_with_gps(), image_alt="A draft")
    published = _story(member, title="Out in the world")
    picture = draft.image.path
    with django_capture_on_commit_callbacks(execute=True):
        user_delete(user=member)
    assert not Story.objects.filter(pk=draft.pk).exists()
    published.refresh_from_db()
    assert published.author is None and published.status == Status.PUBLISHED
    assert not os.path.exists(picture)


def test_a_new_story_in_a_followed_area_reaches_the_daily_digest(moderator):
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    from bigsocnorth.notifications import digests
    from bigsocnorth.notifications.models import EmailFrequency

    follower = UserFactory()  # daily digests are the default
    follow_create(user=follower, target=LocalAuthority.objects.get(name="Calderdale"))
    story = _story(moderator, title="Flood wardens, street by street", **HEBDEN_BRIDGE)
    digests.digest_run(frequency=EmailFrequency.DAILY, now=timezone.now() + timedelta(days=1))
    [email] = [message for message in mail.outbox if follower.email in message.to]
    assert "A new story in Calderdale: “Flood wardens, street by street”" in email.body
    assert story.get_absolute_url() in email.body
