"""Content of both shipped types as the review queue meets it: with text, a picture, a place."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bigsocnorth.directory.models import Entry
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status
from bigsocnorth.stories import services as story_services
from bigsocnorth.stories.models import Story
from bigsocnorth.stories.services import Action as StoryAction


def png(colour="green") -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (320, 200), colour).save(data, "PNG")
    return data.getvalue()


def waiting_story(author, **values) -> Story:
    """A new member's first story, with a picture and a place in Calderdale: in review."""
    fields = {
        "title": "Our repair café",
        "body": "Every Saturday we **fix things** together in Hebden Bridge.",
        "latitude": 53.742,
        "longitude": -2.014,
        "image_alt": "Volunteers mending a bicycle",
        **values,
    }
    image = SimpleUploadedFile("bikes.png", png(), content_type="image/png")
    story = story_services.story_create(
        author=author, action=StoryAction.PUBLISH, image=image, **fields
    )
    assert story.status == Status.IN_REVIEW
    return story


def entry_with_logo(area, **values) -> Entry:
    entry = EntryFactory(located_in=area, **values)
    entry.logo.save("logo.png", ContentFile(png("navy")), save=True)
    return entry
