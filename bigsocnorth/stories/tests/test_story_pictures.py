"""Story pictures on the cards and the story's page, and the pictures the demo draws."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.moderation.models import Status
from bigsocnorth.stories import services
from bigsocnorth.stories.demo import OWN_STORIES, PICTURE_SIZE, demo_picture
from bigsocnorth.stories.services import Action

pytestmark = pytest.mark.django_db

ALT = "Volunteers mending a bike outside the community centre"


def _jpeg(size=(1200, 800)) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#2f4b7c").save(buffer, format="JPEG")
    return ContentFile(buffer.getvalue(), name="bikes.jpg")


def _published(title="Bike kitchen", **values):
    story = services.story_create(
        author=UserFactory(role="moderator"), action=Action.PUBLISH, title=title,
        summary="Fixing bikes together.", body="Every Saturday.", **values,
    )  # fmt: skip
    assert story.status == Status.PUBLISHED
    return story


def _card_pictures(page: str) -> list[str]:
    return re.findall(r'<img class="card-picture"[^>]*>', page)


def test_a_story_card_shows_its_picture_lazily_with_its_description_and_size(client):
    story = _published(image=_jpeg(), image_alt=ALT)

    page = client.get(reverse("stories:story_list")).content.decode()
    [picture] = _card_pictures(page)
    assert f'src="{story.image.url}"' in picture
    assert f'alt="{ALT}"' in picture
    assert 'width="1200" height="800"' in picture
    assert 'loading="lazy"' in picture
    # The picture comes before the title, whose link is the card's one link.
    card = page.split('<li class="card">')[1]
    assert card.index("card-picture") < card.index('class="card-title"')


def test_a_card_without_a_picture_keeps_the_same_shape_with_a_plain_panel(client):
    _published()
    page = client.get(reverse("stories:story_list")).content.decode()
    assert not _card_pictures(page)
    assert '<div class="card-picture card-picture-none" aria-hidden="true"></div>' in page


def test_a_hostile_description_is_escaped_on_the_card(client):
    _published(image=_jpeg(), image_alt='"><script>alert(1)</script>')
    page = client.get(reverse("stories:story_list")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert 'alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page


def test_the_story_page_shows_the_picture_whole_with_its_description(client):
    story = _published(image=_jpeg(), image_alt=ALT)
    page = client.get(story.get_absolute_url()).content.decode()
    assert re.search(
        rf'<figure class="story-picture">\s*<img src="{re.escape(story.image.url)}" '
        rf'alt="{ALT}" width="1200" height="800"',
        page,
    )
    assert "stories/stories.css" in page


def test_the_list_takes_the_same_queries_with_pictures(client, django_assert_max_num_queries):
    for number in range(2):
        _published(title=f"Story {number}", image=_jpeg((64, 36)), image_alt=ALT)
    client.get(reverse("stories:story_list"))
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("stories:story_list"))
    for number in range(2, 12):
        _published(title=f"Story {number}", image=_jpeg((64, 36)), image_alt=ALT)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("stories:story_list")).content.decode()
    assert len(_card_pictures(page)) == 12


def test_the_demo_pictures_are_drawn_the_same_every_time_with_a_description():
    spec = OWN_STORIES[0]
    first, alt = demo_picture(spec.title, spec.tags)
    again, alt_again = demo_picture(spec.title, spec.tags)
    assert first.read() == again.read() and alt == alt_again
    assert alt.startswith("An illustration of ") and alt.endswith(".")
    other, _ = demo_picture(OWN_STORIES[1].title, OWN_STORIES[1].tags)
    first.seek(0)
    assert other.read() != first.read()
    with Image.open(io.BytesIO(again.file.getvalue())) as picture:
        assert picture.format == "JPEG" and picture.size == PICTURE_SIZE
