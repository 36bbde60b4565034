"""Pictures under posts: shown with their descriptions, cleaned of metadata, refused plainly
when wrong (leaving nothing behind), held back in a new member's first day, and cheap to show."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format
from PIL import Image

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.forum import services
from bigsocnorth.forum.limits import limits_explained
from bigsocnorth.forum.models import Post, PostPicture, PostRevision
from bigsocnorth.forum.pictures import PICTURE_RULES, NewPicture
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.moderation.services import content_hide

pytestmark = pytest.mark.django_db

ALT = "Volunteers loading the minibus outside the community centre"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Uploads land in this test's own folder, so what is left in it can be counted."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def _files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def _jpeg(size=(640, 480), name="minibus.jpg", colour="#2f4b7c", **save) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG", **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _jpeg_with_gps() -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (53.0, 44.0, 0.0)  # latitude
    gps[4] = (1.0, 28.0, 12.0)  # longitude
    return _jpeg(exif=exif)


class _UnreadableUpload(SimpleUploadedFile):
    """A file that says it is huge; reading it would be a failure of the size check."""

    def read(self, *args, **kwargs):
        raise AssertionError("the file was read")

    def seek(self, *args, **kwargs):
        raise AssertionError("the file was read")


def _huge_file() -> SimpleUploadedFile:
    upload = _UnreadableUpload("huge.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    upload.size = PICTURE_RULES.max_bytes + 1  # claimed, not allocated
    return upload


def _damaged_jpeg() -> SimpleUploadedFile:
    data = _jpeg(size=(300, 300)).read()
    return SimpleUploadedFile("cut.jpg", data[: len(data) // 3], content_type="image/jpeg")


def _wide_png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("1", (12_000, 10)).save(buffer, format="PNG")
    return SimpleUploadedFile("wide.png", buffer.getvalue(), content_type="image/png")


def _page(client, url) -> str:
    return client.get(url, follow=True).content.decode()


def _figures(page: str) -> list[str]:
    return re.findall(r'<figure class="forum-picture"><img [^>]*></figure>', page)


# --- Showing pictures -------------------------------------------------------------------


def test_a_reply_with_a_picture_shows_it_under_the_post_with_its_description(
    client, topic, make_trusted
):
    ann = make_trusted()
    client.force_login(ann)
    response = client.post(
        f"/forum/t/{topic.pk}/reply/",
        {"body": "This is ours, parked.", "picture_1": _jpeg(), "picture_alt_1": ALT},
        follow=True,
    )
    assert response.status_code == 200
    post = Post.objects.get(topic=topic, number=2)
    assert is_public(post)
    [picture] = post.pictures.all()
    assert (picture.alt, picture.width, picture.height, picture.position) == (ALT, 640, 480, 1)
    assert re.fullmatch(r"forum/pictures/[0-9a-f]{32}\.jpg", picture.image.name)
    [figure] = _figures(response.content.decode())
    assert f'src="{picture.image.url}"' in figure
    assert f'alt="{ALT}"' in figure
    assert 'width="640" height="480"' in figure and 'loading="lazy"' in figure
    # Visitors see it too, under the post's text.
    page = _page(client.__class__(), topic.get_absolute_url())
    assert page.index("This is ours, parked.") < page.index(picture.image.url)


def test_several_pictures_keep_the_order_they_were_chosen_in(topic, moderator):
    post = services.post_create(
        author=moderator,
        topic=topic,
        body="Before and after.",
        pictures=[(_jpeg(colour="red"), "Before"), NewPicture(_jpeg(colour="blue"), "After")],
    )
    assert [(p.alt, p.position) for p in post.pictures.all()] == [("Before", 1), ("After", 2)]


def test_a_new_topic_carries_pictures_in_its_opening_post(client, category, make_trusted):
    ann = make_trusted()
    client.force_login(ann)
    form = client.get(f"/forum/start/?category={category.slug}").content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert 'name="picture_4"' in form and 'name="picture_alt_4"' in form
    assert "<summary>Add pictures" in form
    response = client.post(
        "/forum/start/",
        {
            "category": category.pk,
            "title": "Our new minibus",
            "body": "It seats twelve.",
            "picture_2": _jpeg(),
            "picture_alt_2": ALT,
        },
        follow=True,
    )
    opening = Post.objects.get(topic__title="Our new minibus", number=1)
    assert [picture.alt for picture in opening.pictures.all()] == [ALT]
    assert len(_figures(response.content.decode())) == 1


def test_a_hostile_description_is_escaped(client, topic, moderator):
    services.post_create(
        author=moderator,
        topic=topic,
        body="Look.",
        pictures=[(_jpeg(), '"><script>alert(1)</script>')],
    )
    page = _page(client, topic.get_absolute_url())
    assert "<script>alert(1)</script>" not in page
    assert 'alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page


def test_a_hidden_posts_picture_is_not_shown_or_listed(client, topic, moderator, make_trusted):
    ann = make_trusted()
    post = services.post_create(
        author=ann, topic=topic, body="My number plate.", pictures=[(_jpeg(), ALT)]
    )
    url = post.pictures.get().image.url
    assert url in _page(client, topic.get_absolute_url())
    content_hide(actor=moderator, content=post, reason="Personal details")
    assert url not in _page(client, topic.get_absolute_url())
    items = client.get(f"/api/v1/forum/topics/{topic.pk}/posts").json()["items"]
    assert url not in str(items)


# --- What is kept of an upload ----------------------------------------------------------


def test_the_picture_is_re_encoded_and_loses_its_location(topic, moderator, media):
    upload = _jpeg_with_gps()
    with Image.open(upload) as original:
        assert original.getexif().get_ifd(0x8825)  # the upload really carries GPS
    upload.seek(0)
    sent = upload.read()
    upload.seek(0)
    post = services.post_create(
        author=moderator, topic=topic, body="Found this.", pictures=[(upload, ALT)]
    )
    picture = post.pictures.get()
    stored = Path(picture.image.path)
    assert stored.parent == media / "forum" / "pictures"
    assert stored.read_bytes() != sent
    with Image.open(stored) as saved:
        assert saved.format == "JPEG"
        assert not saved.getexif()
        assert "exif" not in saved.info
        assert saved.size == (640, 480)


def test_a_large_picture_is_made_smaller(topic, moderator):
    post = services.post_create(
        author=moderator, topic=topic, body="Wide.", pictures=[(_jpeg(size=(3200, 1600)), ALT)]
    )
    picture = post.pictures.get()
    assert (picture.width, picture.height) == (1600, 800)


# --- Refused, with nothing left behind ----------------------------------------------------


REFUSALS = {
    "no description": (lambda: [(_jpeg(), "  ")], "Describe the picture for people who cannot"),
    "a description too long": (lambda: [(_jpeg(), "x" * 301)], "up to 300 characters"),
    "a description but no file": (lambda: [(None, ALT)], "no file. Choose the file again"),
    "five pictures": (lambda: [(_jpeg(), ALT)] * 5, "up to 4 pictures; you chose 5"),
    "text named .jpg": (
        lambda: [(SimpleUploadedFile("cat.jpg", b"<html>not a cat</html>", "image/jpeg"), ALT)],
        "not an image we can read",
    ),
    "a damaged image": (lambda: [(_damaged_jpeg(), ALT)], "damaged or incomplete"),
    "a huge file": (lambda: [(_huge_file(), ALT)], "it can be at most 10 MB"),
    "huge dimensions": (lambda: [(_wide_png(), ALT)], "12,000 by 10 pixels"),
    "one good, one bad": (
        lambda: [(_jpeg(), ALT), (SimpleUploadedFile("b.gif", b"GIF89a", "image/gif"), ALT)],
        "Picture 2:",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS), ids=list(REFUSALS))
def test_bad_pictures_are_refused_plainly_and_nothing_is_saved(case, topic, moderator, media):
    pictures, message = REFUSALS[case]
    before = Post.objects.count()
    with pytest.raises(ValidationError) as error:
        services.post_create(author=moderator, topic=topic, body="Look.", pictures=pictures())
    assert set(error.value.message_dict) == {"pictures"}
    assert message in " ".join(error.value.message_dict["pictures"])
    assert Post.objects.count() == before
    assert not PostPicture.objects.exists()
    assert not _files(media)


def test_problems_with_the_text_and_the_pictures_come_back_together(topic, moderator, media):
    with pytest.raises(ValidationError) as error:
        services.post_create(author=moderator, topic=topic, body=" ", pictures=[(_jpeg(), "")])
    assert set(error.value.message_dict) == {"body", "pictures"}
    with pytest.raises(ValidationError) as error:
        services.topic_create(
            author=moderator,
            category=topic.category,
            title="",
            body="Fine.",
            pictures=[(_damaged_jpeg(), ALT)],
        )
    assert set(error.value.message_dict) == {"title", "pictures"}
    assert not _files(media)


def test_a_failure_while_saving_leaves_no_file_and_no_post(topic, moderator, media, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the search index is down")

    monkeypatch.setattr(services, "content_changed", broken)
    before = Post.objects.count()
    with pytest.raises(RuntimeError):
        services.post_create(
            author=moderator, topic=topic, body="Look.", pictures=[(_jpeg(), ALT)] * 2
        )
    assert Post.objects.count() == before
    assert not PostPicture.objects.exists()
    assert not _files(media)


def test_the_reply_page_says_what_is_wrong_and_keeps_the_text(client, topic, make_trusted, media):
    client.force_login(make_trusted())
    response = client.post(
        f"/forum/t/{topic.pk}/reply/",
        {
            "body": "Keep these words.",
            "picture_1": SimpleUploadedFile("cat.jpg", b"not a cat", "image/jpeg"),
            "picture_alt_1": ALT,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Picture 1: This file is not an image we can read." in page
    assert "Keep these words." in page and ALT in page
    assert '<details class="forum-picture-fields" open>' in page
    assert Post.objects.filter(topic=topic).count() == 1
    assert not _files(media)


# --- A new member's first day ---------------------------------------------------------------


def _joined(hours: float):
    return UserFactory(date_joined=timezone.now() - timedelta(hours=hours))


def _when(user) -> str:
    return date_format(timezone.localtime(user.date_joined + timedelta(days=1)), "l H:i")


def test_a_member_of_an_hour_is_told_when_they_can_add_pictures(client, topic, media):
    newcomer = _joined(1)
    with pytest.raises(ValidationError) as error:
        services.post_create(author=newcomer, topic=topic, body="Hello!", pictures=[(_jpeg(), ALT)])
    assert error.value.message_dict["pictures"] == [
        f"You can add pictures from {_when(newcomer)}; write your post without them for now, "
        "nothing you wrote is lost."
    ]
    assert not Post.objects.filter(author=newcomer).exists()
    assert not _files(media)
    # The composers say when, instead of offering the fields.
    client.force_login(newcomer)
    sentence = f"You can add pictures from {_when(newcomer)}"
    for url in (f"/forum/t/{topic.pk}/reply/", topic.get_absolute_url(), "/forum/start/"):
        page = _page(client, url)
        assert sentence in page, url
        assert 'type="file"' not in page, url
    assert f"You can add pictures to your posts from {_when(newcomer)}." in limits_explained(
        user=newcomer
    )
    # Posting through the page anyway: refused in the same words, the text kept.
    response = client.post(
        f"/forum/t/{topic.pk}/reply/",
        {"body": "Keep these words.", "picture_1": _jpeg(), "picture_alt_1": ALT},
    )
    page = response.content.decode()
    assert "write your post without them for now, nothing you wrote is lost" in page
    assert "Keep these words." in page
    assert not Post.objects.filter(author=newcomer).exists()


def test_after_their_first_day_they_can(client, topic):
    member = _joined(25)
    assert "pictures" not in limits_explained(user=member)  # still new, but not for pictures
    post = services.post_create(author=member, topic=topic, body="Hi.", pictures=[(_jpeg(), ALT)])
    assert post.pictures.count() == 1
    assert not is_public(post), "a new member's first posts still wait for review"
    client.force_login(member)
    assert 'name="picture_1"' in _page(client, f"/forum/t/{topic.pk}/reply/")


def test_a_moderator_can_on_their_first_day(topic):
    moderator = UserFactory(role="moderator")  # joined just now
    post = services.post_create(
        author=moderator, topic=topic, body="Hi.", pictures=[(_jpeg(), ALT)]
    )
    assert post.pictures.count() == 1


# --- Editing --------------------------------------------------------------------------------


def test_editing_adds_and_removes_pictures(
    client, topic, make_trusted, media, django_capture_on_commit_callbacks
):
    ann = make_trusted()
    post = services.post_create(
        author=ann,
        topic=topic,
        body="Two pictures.",
        pictures=[(_jpeg(colour="red"), "Red"), (_jpeg(colour="blue"), "Blue")],
    )
    red, _blue = post.pictures.all()
    red_file = Path(red.image.path)
    client.force_login(ann)
    form = client.get(f"/forum/posts/{post.pk}/edit/").content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert f'name="remove_pictures" value="{red.pk}"' in form
    assert f'<img src="{red.image.url}" alt="Red"' in form
    assert 'name="picture_2"' in form and 'name="picture_3"' not in form  # room for two
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/forum/posts/{post.pk}/edit/",
            {
                "body": "Two pictures.",
                "remove_pictures": [red.pk],
                "picture_1": _jpeg(colour="green"),
                "picture_alt_1": "Green",
            },
        )
    assert response.status_code == 302
    assert [(p.alt, p.position) for p in post.pictures.all()] == [("Blue", 2), ("Green", 3)]
    assert not red_file.exists(), "a removed picture's file goes once the change is committed"
    assert len(_files(media)) == 2
    post.refresh_from_db()
    # Pictures are not text: no revision, not marked edited.
    assert (post.edit_count, post.edited_at) == (0, None)
    assert not PostRevision.objects.filter(post=post).exists()


def test_editing_keeps_to_four_pictures_and_ignores_other_posts_pictures(topic, moderator, media):
    post = services.post_create(
        author=moderator, topic=topic, body="Three.", pictures=[(_jpeg(), ALT)] * 3
    )
    other = services.post_create(
        author=moderator, topic=topic, body="Other.", pictures=[(_jpeg(), ALT)]
    )
    with pytest.raises(ValidationError) as error:
        services.post_edit(actor=moderator, post=post, body="Three.", pictures=[(_jpeg(), ALT)] * 2)
    assert "It has 3 already, so you can add 1 more" in error.value.messages[0]
    assert len(_files(media)) == 4
    # Another post's picture, or nonsense, is not removed.
    services.post_edit(
        actor=moderator,
        post=post,
        body="Three, then four.",
        pictures=[(_jpeg(), ALT)],
        remove_pictures=[other.pictures.get().pk, "nonsense"],
    )
    assert post.pictures.count() == 4 and other.pictures.count() == 1
    assert post.revisions.count() == 1


def test_a_member_of_an_hour_cannot_add_pictures_by_editing_but_can_remove_them(topic, moderator):
    newcomer = _joined(1)
    post = services.post_create(author=newcomer, topic=topic, body="Hello!")
    with pytest.raises(ValidationError) as error:
        services.post_edit(actor=newcomer, post=post, body="Hello!", pictures=[(_jpeg(), ALT)])
    assert "You can add pictures from" in error.value.message_dict["pictures"][0]
    # A moderator may add one to it (and the member may take it away again).
    services.post_edit(actor=moderator, post=post, body="Hello!", pictures=[(_jpeg(), ALT)])
    picture = post.pictures.get()
    services.post_edit(actor=newcomer, post=post, body="Hello!", remove_pictures=[picture.pk])
    assert not post.pictures.exists()


def test_a_full_post_says_so_on_its_edit_page(client, topic, moderator):
    post = services.post_create(
        author=moderator, topic=topic, body="Four.", pictures=[(_jpeg(), ALT)] * 4
    )
    client.force_login(moderator)
    page = client.get(f"/forum/posts/{post.pk}/edit/").content.decode()
    assert "This post has 4 pictures, the most it can have" in page
    assert 'type="file"' not in page


# --- What a page and the API cost and show ------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "member"])
def test_the_topic_page_costs_the_same_with_pictures_on_many_posts(
    client, topic, moderator, make_trusted, signed_in
):
    services.post_create(author=moderator, topic=topic, body="Reply 2.", pictures=[(_jpeg(), ALT)])
    if signed_in:
        client.force_login(make_trusted())
    url = f"{topic.get_absolute_url()}?page=1"
    _queries(client, url)  # what a process loads once is loaded
    one = _queries(client, url)
    # More posts, most of them with pictures, and pictures added to the first.
    for number in range(3, 9):
        services.post_create(
            author=moderator, topic=topic, body=f"Reply {number}.", pictures=[(_jpeg(), ALT)] * 2
        )
    opening = topic.posts.get(number=1)
    services.post_edit(actor=moderator, post=opening, body=opening.body, pictures=[(_jpeg(), ALT)])
    _queries(client, url)  # the member's read position moves on once
    assert _queries(client, url) == one
    assert len(_figures(_page(client, url))) == 14


def test_the_api_shows_each_posts_pictures(client, topic, moderator):
    opening = topic.posts.get(number=1)
    services.post_edit(actor=moderator, post=opening, body=opening.body, pictures=[(_jpeg(), ALT)])
    services.post_create(author=moderator, topic=topic, body="No picture here.")
    picture = opening.pictures.get()
    expected = [
        {
            "url": f"{django_settings.SITE_URL}{picture.image.url}",
            "alt": ALT,
            "width": 640,
            "height": 480,
        }
    ]
    items = client.get(f"/api/v1/forum/topics/{topic.pk}/posts").json()["items"]
    assert [item["pictures"] for item in items] == [expected, []]
    detail = client.get(f"/api/v1/forum/topics/{topic.pk}").json()
    assert detail["opening_post"]["pictures"] == expected
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "pictures" in schemas["PostOut"]["properties"]
    assert set(schemas["PostPictureOut"]["properties"]) == {"url", "alt", "width", "height"}
