"""Story pages through the test client: what a reader and a writer get, and bad input."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.stories import services
from bigsocnorth.stories.models import PreviewState, Story
from bigsocnorth.stories.services import Action
from bigsocnorth.stories.tests.test_services import jpeg_with_gps

pytestmark = pytest.mark.django_db


def _published(author, **values):
    fields = {"title": "Saving the library", "summary": "How we kept it open.", "body": "We did.",
              **values}  # fmt: skip
    story = services.story_create(author=author, action=Action.PUBLISH, **fields)
    assert story.status == Status.PUBLISHED
    return story


def _form(**values):
    return {"title": "Our repair café", "summary": "Fixing things together.",
            "body": "Every Saturday.", "tags": "Repair, Reuse", **values}  # fmt: skip


def test_the_list_shows_published_stories_only(client, moderator, member):
    _published(moderator)
    services.story_create(author=member, action=Action.SAVE_DRAFT, title="Secret draft")
    page = client.get(reverse("stories:story_list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Saving the library" in text
    assert "Secret draft" not in text


def test_the_list_can_show_new_voices_first(client, moderator, member):
    _published(moderator, title="The moderator's first story")
    newer = _published(moderator, title="A moderator's story")  # not their first: no new voice
    first = services.story_create(author=member, action=Action.PUBLISH, title="My first", body="x")
    from bigsocnorth.moderation.services import content_approve

    content_approve(actor=moderator, content=first)
    assert not newer.is_new_voice
    Story.objects.filter(pk=newer.pk).update(published_at=first.published_at.replace(year=2030))
    text = client.get(reverse("stories:story_list"), {"order": "new_voices"}).content.decode()
    assert text.index("My first") < text.index("A moderator")
    text = client.get(reverse("stories:story_list")).content.decode()
    assert text.index("A moderator") < text.index("My first")


@pytest.mark.parametrize(
    "query",
    [{"page": "abc"}, {"page": "-5"}, {"area": "<script>"}, {"tag": "x" * 5000}, {"order": "zzz"}],
)
def test_odd_list_addresses_still_give_a_page(client, query):
    assert client.get(reverse("stories:story_list"), query).status_code == 200


def test_filters_by_tag_and_area(client, moderator):
    _published(moderator, title="Hebden story", tags="floods", latitude=53.742, longitude=-2.014)
    _published(moderator, title="Leeds story", tags="floods, art", latitude=53.8, longitude=-1.55)
    by_area = client.get(reverse("stories:story_list"), {"area": "calderdale"}).content.decode()
    assert "Hebden story" in by_area and "Leeds story" not in by_area
    by_tag = client.get(reverse("stories:story_list"), {"tag": "art"}).content.decode()
    assert "Leeds story" in by_tag and "Hebden story" not in by_tag
    # A tag matches whole tags only.
    assert (
        "Leeds story"
        not in client.get(reverse("stories:story_list"), {"tag": "ar"}).content.decode()
    )


def test_a_story_page_has_opengraph_and_a_schema_org_article(client, moderator):
    moderator.profile.bio = "I run the Tuesday club."
    moderator.profile.save()
    story = _published(moderator, image=jpeg_with_gps(), image_alt="The library")
    page = client.get(story.get_absolute_url())
    text = page.content.decode()
    assert '<meta property="og:type" content="article">' in text
    assert '<meta property="og:title" content="Saving the library">' in text
    assert 'property="og:image" content="http://testserver/media/stories/images/' in text
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', text).group(1)
    )
    assert data["@type"] == "Article"
    assert data["headline"] == "Saving the library"
    assert data["author"] == {"@type": "Person", "name": moderator.profile.display_name}
    assert "I run the Tuesday club." in text  # the author in their own words
    assert "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Ftestserver" in text


def test_drafts_are_not_found_by_others(client, member):
    draft = services.story_create(author=member, action=Action.SAVE_DRAFT, title="Draft")
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_writing_needs_an_account(client):
    response = client.get(reverse("stories:story_create"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_member_saves_a_draft_previews_and_publishes_for_review(client, member):
    client.force_login(member)
    response = client.post(reverse("stories:story_create"), _form(save="1"))
    story = Story.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("stories:story_edit", args=[story.slug])
    assert story.status == Status.DRAFT
    assert story.tags == "repair, reuse"

    preview = client.post(
        reverse("stories:story_edit", args=[story.slug]),
        _form(body="**Every** Saturday", preview="1"),
    )
    assert preview.status_code == 200
    assert "<strong>Every</strong> Saturday" in preview.content.decode()
    story.refresh_from_db()
    assert story.body == "Every Saturday."  # a preview saves nothing

    client.post(reverse("stories:story_edit", args=[story.slug]), _form(publish="1"))
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW


def test_a_picture_is_added_to_the_text_without_javascript(client, member):
    client.force_login(member)
    client.post(reverse("stories:story_create"), _form(save="1"))
    story = Story.objects.get()
    response = client.post(
        reverse("stories:story_edit", args=[story.slug]),
        _form(add_picture="1", picture=jpeg_with_gps(), picture_alt="Mended kettle"),
    )
    assert response.status_code == 302
    story.refresh_from_db()
    picture = story.pictures.get()
    assert story.body.endswith(f"![Mended kettle]({picture.image.url})")


def test_a_picture_without_a_description_keeps_what_was_typed(client, member):
    client.force_login(member)
    client.post(reverse("stories:story_create"), _form(save="1"))
    story = Story.objects.get()
    response = client.post(
        reverse("stories:story_edit", args=[story.slug]),
        _form(body="New words", add_picture="1", picture=jpeg_with_gps()),
    )
    assert response.status_code == 400
    assert "Describe the picture" in response.content.decode()
    story.refresh_from_db()
    assert story.body == "New words"
    assert not story.pictures.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"title": "", "publish": "1"}, "Give the story a title."),
        ({"body": "", "publish": "1"}, "Write the story before you publish it."),
        ({"title": "x" * 201, "save": "1"}, "at most 200 characters"),
        ({"place_typed_latitude": "53.7", "save": "1"}, "Give both the latitude and the longitude"),
        (
            {"place_typed_latitude": "51.5", "place_typed_longitude": "-0.1", "save": "1"},
            "outside the North of England",
        ),
        (
            {"place_typed_latitude": "abc", "place_typed_longitude": "1", "save": "1"},
            "Give the latitude and longitude as numbers",
        ),
        ({"about": "No Such Group Anywhere", "save": "1"}, "could not find these in the directory"),
        ({"tags": "x" * 41, "save": "1"}, "at most 40 characters"),
    ],
)
def test_bad_input_gets_a_message_and_nothing_is_saved(client, member, values, message):
    client.force_login(member)
    response = client.post(reverse("stories:story_create"), _form(**values))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Story.objects.exists()


# --- The place picker, without JavaScript ---------------------------------------------------


def test_a_place_by_name_comes_back_with_choices_and_everything_typed_is_kept(client, member):
    client.force_login(member)
    typed = _form(title="Soup at the mill", tags="food, music", about="", save="1")
    response = client.post(reverse("stories:story_create"), {**typed, "place": "Todmorden"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose which place you mean from the list below" in page
    assert "Did you mean:" in page
    assert 'value="town:calderdale:todmorden"' in page
    assert 'value="Soup at the mill"' in page and 'value="food, music"' in page
    assert "Every Saturday." in page
    assert not Story.objects.exists()

    response = client.post(
        reverse("stories:story_create"),
        {**typed, "place": "Todmorden", "place_pick": "town:calderdale:todmorden"},
    )
    assert response.status_code == 302
    story = Story.objects.get()
    assert (story.title, story.place_name, story.local_authority.name) == (
        "Soup at the mill", "Todmorden", "Calderdale",
    )  # fmt: skip
    assert story.has_place and not story.approximate_location


def test_an_unknown_place_says_so_and_keeps_the_story(client, member):
    client.force_login(member)
    response = client.post(reverse("stories:story_create"), _form(place="Hebdon Brige", save="1"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is no place called “Hebdon Brige” in the North; try a nearby town." in page
    assert "Hebden Bridge" in page  # a name spelt nearly the same, to choose
    assert "Every Saturday." in page
    assert not Story.objects.exists()


def test_a_story_for_the_whole_of_an_area_has_no_point(client, member):
    client.force_login(member)
    client.post(
        reverse("stories:story_create"),
        _form(place="Leeds", place_pick="area:leeds", place_roughly="on", save="1"),
    )
    story = Story.objects.get()
    assert story.local_authority.name == "Leeds" and story.place_name == "Leeds"
    assert (story.latitude, story.longitude, story.has_place) == (None, None, False)
    page = client.get(reverse("stories:story_edit", args=[story.slug])).content.decode()
    assert 'name="place_area" value="leeds"' in page
    assert "The place is the whole of Leeds." in page


def test_only_roughly_where_keeps_only_the_rounded_point(client, member):
    client.force_login(member)
    client.post(
        reverse("stories:story_create"),
        _form(place="Our kitchen", place_latitude="53.74213", place_longitude="-2.01437",
              place_chosen="Our kitchen", place_roughly="on", save="1"),
    )  # fmt: skip
    story = Story.objects.get()
    assert (story.latitude, story.longitude) == (53.74, -2.01)
    assert story.approximate_location and story.local_authority.name == "Calderdale"
    # Saved again unchanged, it stays where it is (rounding twice changes nothing).
    page = client.get(reverse("stories:story_edit", args=[story.slug])).content.decode()
    assert re.search(r'name="place_roughly"[^>]* checked', page)
    client.post(
        reverse("stories:story_edit", args=[story.slug]),
        _form(place="Our kitchen", place_latitude="53.74", place_longitude="-2.01",
              place_chosen="Our kitchen", place_roughly="on", save="1"),
    )  # fmt: skip
    story.refresh_from_db()
    assert (story.latitude, story.longitude) == (53.74, -2.01)


def test_a_place_to_choose_does_not_hide_the_other_problems(client, member):
    client.force_login(member)
    response = client.post(
        reverse("stories:story_create"), _form(title="", place="Todmorden", publish="1")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose which place you mean" in page
    assert "Give the story a title." in page
    assert not Story.objects.exists()


def test_the_story_form_loads_the_picker(client, member):
    client.force_login(member)
    page = client.get(reverse("stories:story_create")).content.decode()
    assert "places/place-picker.js" in page and "vendor/leaflet/leaflet.js" in page
    assert "data-place-picker" in page and "Advanced: coordinates" in page


def test_an_upload_that_is_not_a_picture_is_refused(client, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(member)
    fake = SimpleUploadedFile("cat.png", b"%PDF-1.4 not a picture", content_type="image/png")
    response = client.post(
        reverse("stories:story_create"), _form(image=fake, image_alt="A cat", save="1")
    )
    assert response.status_code == 400
    assert "Upload a JPEG, PNG, WebP or GIF image." in response.content.decode()
    assert not Story.objects.exists()


def test_about_accepts_names_and_page_addresses(client, member):
    first = EntryFactory(name="Calder Food Hub")
    second = EntryFactory(name="Hebden Repair Café")
    client.force_login(member)
    client.post(
        reverse("stories:story_create"),
        _form(about=f"calder food hub\nhttp://testserver{second.get_absolute_url()}", save="1"),
    )
    assert list(Story.objects.get().about.order_by("name")) == [first, second]


def test_someone_else_cannot_edit(client, member):
    story = services.story_create(author=member, action=Action.SAVE_DRAFT, title="Mine")
    client.force_login(UserFactory())
    assert client.get(reverse("stories:story_edit", args=[story.slug])).status_code == 404
    published = _published(UserFactory(role="moderator"))
    assert client.get(reverse("stories:story_edit", args=[published.slug])).status_code == 403
    assert (
        client.post(reverse("stories:story_edit", args=[published.slug]), _form()).status_code
        == 403
    )


def test_sharing_a_link_twice_points_to_the_first(client, member, moderator):
    first = services.linked_story_start(author=moderator, url="https://news.example/story-1")
    Story.objects.filter(pk=first.pk).update(
        title="Town saves pool", status=Status.PUBLISHED, preview_state=PreviewState.READY
    )
    client.force_login(member)
    response = client.post(
        reverse("stories:story_share"), {"url": "http://www.news.example/story-1/?utm_source=x"}
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "already shared here" in text
    assert first.get_absolute_url() in text
    assert Story.objects.count() == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "This field is required."),
        ("not a link", "Enter a full web address"),
        ("javascript:alert(1)", "Enter a full web address"),
        ("https://example.org/" + "a" * 2100, "at most"),
    ],
)
def test_sharing_something_that_is_not_a_link(client, member, url, message):
    client.force_login(member)
    response = client.post(reverse("stories:story_share"), {"url": url})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Story.objects.exists()


def test_a_shared_link_opens_its_draft_while_the_preview_is_fetched(client, member):
    client.force_login(member)
    response = client.post(reverse("stories:story_share"), {"url": "https://example.org/a"})
    story = Story.objects.get()
    assert response["Location"] == reverse("stories:story_edit", args=[story.slug])
    page = client.get(response["Location"]).content.decode()
    assert "We are fetching the preview" in page
    state = client.get(reverse("stories:story_preview_state", args=[story.slug]))
    assert state.status_code == 200
    Story.objects.filter(pk=story.pk).update(preview_state=PreviewState.READY, title="Found")
    done = client.get(reverse("stories:story_preview_state", args=[story.slug]))
    assert done.status_code == 204
    assert done["HX-Refresh"] == "true"


def test_an_area_page_lists_its_stories(client, moderator):
    _published(moderator, title="Hebden story", latitude=53.742, longitude=-2.014)
    calderdale = LocalAuthority.objects.get(name="Calderdale")
    text = client.get(calderdale.get_absolute_url()).content.decode()
    assert "Stories from Calderdale" in text
    assert "Hebden story" in text


def test_area_pages_link_to_their_story_feeds(client):
    calderdale = LocalAuthority.objects.get(name="Calderdale")
    text = client.get(calderdale.get_absolute_url()).content.decode()
    feed = reverse("stories:feed_area", kwargs={"area": "calderdale", "format": "atom"})
    assert '<link rel="alternate" type="application/atom+xml"' in text
    assert feed in text
    assert client.get(feed).status_code == 200


def test_an_entry_page_shows_its_stories_and_links_their_feed(client, moderator):
    entry = EntryFactory(name="Calder Food Hub")
    _published(moderator, title="The hub's first year", about=[entry])
    text = client.get(entry.get_absolute_url()).content.decode()
    assert "The hub&#x27;s first year" in text or "The hub's first year" in text
    feed = reverse("stories:feed_entry", kwargs={"slug": entry.slug, "format": "atom"})
    assert feed in text


def test_the_date_a_linked_story_was_told_is_shown_in_the_form_as_a_date_input_takes_it(
    client, member
):
    from datetime import UTC, datetime

    story = services.linked_story_start(author=member, url="https://example.org/a")
    Story.objects.filter(pk=story.pk).update(
        preview_state=PreviewState.READY,
        title="Found",
        source_published_at=datetime(2026, 3, 14, 12, tzinfo=UTC),
    )
    client.force_login(member)
    page = client.get(reverse("stories:story_edit", args=[story.slug])).content.decode()
    assert 'type="date" name="source_published_at" value="2026-03-14"' in page


def test_a_profile_lists_the_persons_published_stories(client, moderator):
    _published(moderator, title="Told in my own words")
    services.story_create(author=moderator, action=Action.SAVE_DRAFT, title="Not yet ready")
    text = client.get(moderator.profile.get_absolute_url()).content.decode()
    assert "Told in my own words" in text
    assert "Not yet ready" not in text


def test_the_list_takes_the_same_queries_for_two_stories_or_twenty(
    client, moderator, django_assert_max_num_queries
):
    entry = EntryFactory()
    for number in range(2):
        _published(UserFactory(role="moderator"), title=f"Story {number}", about=[entry],
                   latitude=53.742, longitude=-2.014)  # fmt: skip
    client.get(reverse("stories:story_list"))  # warm the caches
    # The area choices (regions, authorities), the count, the page's ids, its stories,
    # and the groups they are about.
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("stories:story_list"))
    for number in range(18):
        _published(UserFactory(role="moderator"), title=f"More {number}", about=[entry],
                   latitude=53.742, longitude=-2.014)  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "More 17" in client.get(reverse("stories:story_list")).content.decode()


def test_what_publishing_needs_is_not_marked_optional(client, member):
    client.force_login(member)
    own = client.get(reverse("stories:story_create")).content.decode()
    assert re.search(r'for="id_title">Title</label>', own)
    assert re.search(r'for="id_body">Your story</label>', own)
    assert re.search(r'for="id_summary">Summary <span class="optional">', own)
    story = services.linked_story_start(author=member, url="https://example.org/a")
    linked = client.get(reverse("stories:story_edit", args=[story.slug])).content.decode()
    assert re.search(r'for="id_summary">Summary</label>', linked)


@pytest.mark.parametrize(
    ("query", "filled"),
    [
        ({"latitude": "53.74217", "longitude": "-2.01423"}, True),
        ({"latitude": "48.85", "longitude": "2.35"}, False),  # Paris
        ({"latitude": "91", "longitude": "0"}, False),
        ({"latitude": "<script>", "longitude": "x" * 5000}, False),
        ({"latitude": "53.7"}, False),
    ],
)
def test_a_story_from_the_map_starts_with_the_place_filled_in(client, member, query, filled):
    client.force_login(member)
    response = client.get("/stories/new/", query)
    assert response.status_code == 200
    place = response.context["form"].initial.get("place")
    if filled:
        assert place.local_authority.name == "Calderdale"
        assert (place.latitude, place.longitude) == (53.74217, -2.01423)
    else:
        assert place is None
    assert "<script>" not in response.content.decode()
