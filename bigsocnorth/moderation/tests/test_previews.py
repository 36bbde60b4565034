"""What the review queue shows of content, read without knowing the types by name."""

import pytest
from django.core.files.base import ContentFile

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.previews import content_preview, excerpt_html, preview_queryset
from bigsocnorth.moderation.tests.helpers import png, waiting_story
from bigsocnorth.stories.models import Story

pytestmark = pytest.mark.django_db


def test_excerpt_is_rendered_markdown_made_safe():
    html, cut = excerpt_html("Hello **there** <img src=x onerror=alert(1)> [x](javascript:y)")
    assert "<strong>there</strong>" in html
    assert "<img" not in html
    assert 'href="javascript' not in html
    assert not cut


def test_excerpt_is_cut_at_a_word_and_its_tags_closed():
    html, cut = excerpt_html("**" + "word " * 199 + "word**", words=10)
    assert cut
    assert html.count("word") == 10
    assert html.endswith("…</strong></p>")


def test_headings_in_an_excerpt_do_not_break_the_page_outline():
    html, _ = excerpt_html("## A heading\n\nText")
    assert "<h2" not in html
    assert "<p><strong>A heading</strong></p>" in html


def test_an_entry_preview_reads_its_description_logo_and_areas(area):
    author = UserFactory()
    entry = EntryFactory(author=author, name="Food bank", description="We *feed*.", located_in=area)
    entry.logo.save("logo.png", ContentFile(png()), save=True)
    preview = content_preview(entry)
    assert preview.kind == "directory entry"
    assert preview.title == "Food bank"
    assert preview.url == entry.get_absolute_url()
    assert preview.author_name == author.profile.display_name
    assert preview.author_url == author.profile.get_absolute_url()
    assert "<em>feed</em>" in preview.excerpt
    assert preview.picture.url == entry.logo.url
    assert preview.picture.alt == "Logo of “Food bank”"
    assert preview.areas == ["Sheffield"]


def test_a_story_preview_reads_its_body_image_with_alt_and_area(member):
    story = preview_queryset(Story.objects.filter(pk=waiting_story(member).pk)).get()
    preview = content_preview(story)
    assert preview.kind == "story"
    assert "<strong>fix things</strong>" in preview.excerpt
    assert preview.picture.alt == "Volunteers mending a bicycle"
    assert preview.picture.width == 320
    assert preview.areas == ["Calderdale"]


def test_content_without_text_picture_area_or_author_still_has_a_preview():
    entry = EntryFactory(author=None, description="")
    preview = content_preview(entry)
    assert preview.excerpt == ""
    assert preview.picture is None
    assert preview.areas == []
    assert preview.author_name == ""
    assert preview.author_url == ""


def test_the_preview_reads_only_what_the_queryset_loaded(member, django_assert_num_queries):
    for n in range(3):
        waiting_story(UserFactory(), title=f"Story {n}")
    with django_assert_num_queries(1):
        previews = [content_preview(story) for story in preview_queryset(Story.objects.all())]
    assert len(previews) == 3
