"""The story journeys: a new member tells a story with pictures and a place, a moderator
approves it and it shows everywhere; sharing a link from a (local) news site, and the same
link twice; the edit page filling itself in when the preview arrives; writing and sharing
without JavaScript; mistakes on the form.

Runs at 1280 and 360 px with axe on every page. The "news site" is a real HTTP server on
127.0.0.2, the only address the fetcher is allowed to reach here; nothing touches the internet.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import io
import ipaddress
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from django.utils import timezone
from PIL import ExifTags, Image

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.services import place_get
from bigsocnorth.stories import services
from bigsocnorth.stories.link_tasks import linked_story_preview_fill
from bigsocnorth.stories.models import PreviewState, Story, StoryKind
from tests.browser.conftest import (
    IMMEDIATE_TASKS,
    check_page,
    choose_place_by_keyboard,
    log_in,
    log_out,
    visit,
)

# The live server sees only committed data (conftest.py reloads the reference data).
pytestmark = pytest.mark.django_db(transaction=True)

NEWS_HOST = "127.0.0.2"
NEWS_NETWORKS = [ipaddress.ip_network(f"{NEWS_HOST}/32")]
ARTICLE_PATH = "/news/2026/repair-cafe-saves-forty-bikes"
ARTICLE_TITLE = "Repair café saves forty bikes from the tip"
ARTICLE_SUMMARY = "Volunteers in Todmorden mended forty bikes in one Saturday morning."
ARTICLE_SITE = "Calder Valley Gazette"


# --- Pictures and a small news site ---------------------------------------------------------


def _photo_with_location(path) -> None:
    """A JPEG as a phone takes it: with the GPS position of where it was taken."""
    image = Image.new("RGB", (800, 600), (46, 110, 82))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (53.0, 44.0, 31.2)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 0.0, 50.4)
    image.save(path, "JPEG", exif=exif)
    # The premise of the test: the file really carries a location.
    assert Image.open(path).getexif().get_ifd(ExifTags.IFD.GPSInfo)


def _has_location(path) -> bool:
    with Image.open(path) as image:
        exif = image.getexif()
        return bool(exif.get_ifd(ExifTags.IFD.GPSInfo)) or ExifTags.Base.Make in exif


@functools.cache
def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 630), (200, 80, 40)).save(buffer, "PNG")
    return buffer.getvalue()


class NewsSite(BaseHTTPRequestHandler):
    """One article with OpenGraph tags, and its picture."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # keep the test output quiet
        pass

    def handle(self):
        with contextlib.suppress(ConnectionError):
            super().handle()

    def do_GET(self):
        path = urlsplit(self.path).path
        if path == ARTICLE_PATH:
            self._send(self._article().encode(), "text/html; charset=utf-8")
        elif path == "/pictures/bikes.png":
            self._send(_png(), "image/png")
        else:
            self._send(b"not here", "text/plain", status=404)

    def _article(self) -> str:
        origin = f"http://{self.headers['Host']}"
        return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{ARTICLE_TITLE} | {ARTICLE_SITE}</title>
<link rel="canonical" href="{origin}{ARTICLE_PATH}">
<meta property="og:title" content="{ARTICLE_TITLE}">
<meta property="og:description" content="{ARTICLE_SUMMARY}">
<meta property="og:site_name" content="{ARTICLE_SITE}">
<meta property="og:image" content="{origin}/pictures/bikes.png">
<meta property="article:published_time" content="2026-03-14T09:30:00+00:00">
</head><body><article><h1>{ARTICLE_TITLE}</h1><p>{ARTICLE_SUMMARY}</p></article></body></html>
"""

    def _send(self, body: bytes, content_type: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def news_site():
    """The base address of a news site served on 127.0.0.2 for the test's length."""
    server = ThreadingHTTPServer((NEWS_HOST, 0), NewsSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{NEWS_HOST}:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# --- Small helpers --------------------------------------------------------------------------


def _json_ld(page) -> dict:
    return json.loads(page.locator('script[type="application/ld+json"]').text_content())


def _og(page, name: str) -> str | None:
    return page.locator(f'meta[property="og:{name}"]').get_attribute("content")


def _card_titles(page) -> list[str]:
    return page.locator(".story-cards .card-title").all_inner_texts()


def _place_box(page):
    return page.get_by_role("combobox", name=re.compile("Name of the place"))


def _publish_later(author, title: str, minutes: int) -> Story:
    """A published story that is newer than everything else in the test."""
    story = services.story_create(
        author=author, action=services.Action.PUBLISH, title=title, body="Told for the order."
    )
    later = timezone.now() + datetime.timedelta(minutes=minutes)
    Story.objects.filter(pk=story.pk).update(published_at=later)
    return story


# --- 1. A new member's story, reviewed and then found everywhere ------------------------------


def test_new_member_tells_a_story_it_is_reviewed_then_found_everywhere(
    page, live_server, member, moderator, password, tmp_path
):
    base_url = live_server.url
    calderdale = LocalAuthority.objects.get(name="Calderdale")
    cycle_hub = EntryFactory(name="Calder Valley Cycle Hub", located_in=calderdale)
    top_photo, inside_photo = tmp_path / "top.jpg", tmp_path / "inside.jpg"
    _photo_with_location(top_photo)
    _photo_with_location(inside_photo)
    title = "Forty bikes mended in Todmorden"

    log_in(page, base_url, member.email, password)
    visit(page, f"{base_url}/stories/")
    page.get_by_role("link", name="Tell your story").click()
    page.wait_for_url(re.compile(r"/stories/new/$"))
    check_page(page, "stories-new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Summary").fill("A Saturday of spanners, tea and forty mended bikes.")
    page.get_by_label("Your story").fill(
        "We fixed **forty bikes** on Saturday.\n\n## Who came\n\nNeighbours, and their kids."
    )
    page.get_by_label("Tags").fill("Repair, Cycling")
    # The place by name, with the keyboard alone; then a more exact name for it.
    choose_place_by_keyboard(page, _place_box(page), "Hebden", "Hebden Bridge")
    page.locator("[data-place-status]").get_by_text("The pin is in Calderdale.").wait_for()
    check_page(page, "stories-new-place-chosen")
    _place_box(page).press("End")
    _place_box(page).press_sequentially(" Town Hall")
    hebden_bridge = place_get(key="town:calderdale:hebden bridge")
    page.get_by_label("Groups in the directory it is about").fill(cycle_hub.name)

    # Preview: the text rendered, nothing saved, everything typed still there.
    page.get_by_role("button", name="Preview", exact=True).click()
    preview = page.locator("section.story-preview")
    preview.wait_for()
    check_page(page, "stories-new-preview")
    assert preview.locator("strong").inner_text() == "forty bikes"
    assert preview.get_by_role("heading", name="Who came").count() == 1
    assert preview.get_by_role("heading", name=title).count() == 1
    assert Story.objects.count() == 0
    assert _place_box(page).input_value() == "Hebden Bridge Town Hall"
    assert float(page.locator('input[name="place_latitude"]').input_value()) == (
        hebden_bridge.latitude
    )
    assert page.get_by_label("Groups in the directory it is about").input_value() == cycle_hub.name

    # A picture in the text: the draft is saved and the picture's line added to the text.
    page.get_by_label("Picture to put in the story").set_input_files(str(inside_photo))
    page.get_by_label("Describe this picture").fill("Bikes upside down on a trestle table")
    page.get_by_role("button", name="Add the picture").click()
    page.wait_for_url(re.compile(r"/stories/[\w-]+/edit/$"))
    page.get_by_text("The picture is added at the end of your story").wait_for()
    check_page(page, "stories-edit-picture-added")
    story = Story.objects.get()
    assert story.status == Status.DRAFT
    picture = story.pictures.get()
    assert not _has_location(picture.image.path)
    body = page.get_by_label("Your story").input_value()
    assert body.startswith("We fixed **forty bikes** on Saturday.")
    assert body.rstrip().endswith(f"![Bikes upside down on a trestle table]({picture.image.url})")

    # The picture at the top, then publish: a new member's first story waits for review.
    page.get_by_label("Picture at the top").set_input_files(str(top_photo))
    page.get_by_label("Describe the picture").fill("Volunteers mending bikes in the town hall")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(re.escape(story.get_absolute_url()) + "$"))
    page.get_by_text("This story is waiting for review by a moderator").wait_for()
    check_page(page, "story-in-review")
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW
    assert story.local_authority == calderdale
    assert story.place_name == "Hebden Bridge Town Hall"
    assert (story.latitude, story.longitude) == (hebden_bridge.latitude, hebden_bridge.longitude)
    assert list(story.about.all()) == [cycle_hub]
    assert story.tags == "repair, cycling"
    assert story.image and not _has_location(story.image.path)
    assert page.locator('meta[name="robots"][content="noindex"]').count() == 1
    log_out(page)

    # Not public yet: a visitor gets "not found" and no list shows it.
    response = page.goto(f"{base_url}{story.get_absolute_url()}")
    assert response.status == 404
    visit(page, f"{base_url}/stories/")
    assert page.get_by_role("link", name=title).count() == 0

    log_in(page, base_url, moderator.email, password)
    visit(page, f"{base_url}/moderation/")
    item = page.locator("li.card").filter(has_text=title)
    item.get_by_role("button", name="Approve").click()
    page.wait_for_url(re.compile(r"/moderation/"))
    check_page(page, "moderation-story-approved")
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    assert story.is_new_voice
    log_out(page)

    # Two newer stories by someone else: their first is a new voice, their second is not.
    other_first = _publish_later(moderator, "Moderator's first story", minutes=1)
    other_second = _publish_later(moderator, "Moderator's second story", minutes=2)
    assert other_first.is_new_voice and not other_second.is_new_voice

    visit(page, f"{base_url}/stories/")
    assert _card_titles(page) == [other_second.title, other_first.title, title]
    card = page.locator(".story-cards .card").filter(has_text=title)
    assert card.locator(".badge-new-voice").inner_text() == "New voice"
    assert "Calderdale" in card.inner_text()
    page.get_by_text("Filter and order the stories").click()  # folded away at first
    page.get_by_label("Order").select_option(label="New voices first")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url(re.compile(r"order=new_voices"))
    check_page(page, "stories-new-voices-first")
    assert _card_titles(page) == [other_first.title, title, other_second.title]

    visit(page, f"{base_url}{calderdale.get_absolute_url()}")
    area_stories = page.locator("section[aria-labelledby='area-stories-title']")
    assert area_stories.get_by_role("link", name=title).count() == 1

    visit(page, f"{base_url}/search/?q=bikes+Todmorden")
    assert page.locator("main").get_by_role("link", name=re.compile(title)).count() == 1

    visit(page, f"{base_url}/map/?layer=stories&area=calderdale", "map-stories")
    page.locator('#map[data-state="ready"]').wait_for()
    results = page.locator("#map-results")
    assert results.get_by_role("link", name=title).count() == 1
    assert results.get_by_role("link", name=cycle_hub.name).count() == 0  # not a story

    feed = page.request.get(f"{base_url}/stories/feed.atom")
    assert feed.ok
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert f"<title>{title}</title>" in feed.text()

    # The story's own page: what search engines and sharing sites read.
    visit(page, f"{base_url}/stories/")
    page.get_by_role("link", name=title).click()
    page.wait_for_url(re.compile(re.escape(story.get_absolute_url()) + "$"))
    check_page(page, "story")
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert page.locator(".badge-new-voice").inner_text() == "New voice"
    assert page.locator(".prose strong").inner_text() == "forty bikes"
    top = page.locator("figure.story-picture img")
    assert top.get_attribute("alt") == "Volunteers mending bikes in the town hall"
    assert page.get_by_role("link", name=cycle_hub.name).count() == 1
    assert page.get_by_role("link", name="Calderdale").count() >= 1
    assert _og(page, "title") == title
    assert _og(page, "image").endswith(story.image.url)
    data = _json_ld(page)
    assert data["@type"] == "Article"
    assert data["headline"] == title
    assert data["contentLocation"]["geo"]["latitude"] == hebden_bridge.latitude
    assert page.get_by_role("link", name="See it on the map").count() == 1


# --- 2. Sharing a link, and the same link again ----------------------------------------------


@override_settings(TASKS=IMMEDIATE_TASKS, FETCH_ALLOWED_NETWORKS=NEWS_NETWORKS)
def test_member_shares_a_link_corrects_it_and_a_second_share_is_pointed_to_the_first(
    page, live_server, member, password, news_site, settings
):
    # A member whose contributions are trusted: the linked story is published at once
    # (the review path is the first journey's).
    settings.NEW_MEMBER_REVIEW_COUNT = 0
    base_url = live_server.url
    article_url = f"{news_site}{ARTICLE_PATH}"
    corrected = "Todmorden repair café saves forty bikes"

    log_in(page, base_url, member.email, password)
    visit(page, f"{base_url}/stories/")
    page.get_by_role("link", name="Share a story from elsewhere").click()
    page.wait_for_url(re.compile(r"/stories/share/$"))
    check_page(page, "stories-share")
    page.get_by_label("Web address of the story").fill(article_url)
    page.get_by_role("button", name="Fetch the preview").click()
    page.wait_for_url(re.compile(r"/stories/[\w-]+/edit/$"))
    # The worker ran at once: the preview is already in the form.
    page.get_by_text("Here is the preview we found").wait_for()
    check_page(page, "stories-share-edit")
    assert page.get_by_role("link", name=article_url).count() == 1
    assert page.get_by_label("Title").input_value() == ARTICLE_TITLE
    assert page.get_by_label("Summary").input_value() == ARTICLE_SUMMARY
    assert page.get_by_label("Where it was told").input_value() == ARTICLE_SITE
    assert page.get_by_label("When it was told").input_value() == "2026-03-14"
    assert page.get_by_role("button", name="Preview", exact=True).count() == 0  # nothing to render
    story = Story.objects.get()
    assert (story.kind, story.status, story.preview_state) == (
        StoryKind.LINKED,
        Status.DRAFT,
        PreviewState.READY,
    )
    assert story.image  # the site's picture, kept here
    assert story.source_published_at.date() == datetime.date(2026, 3, 14)

    page.get_by_label("Title").fill(corrected)
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(r"/stories/[\w-]+/$"))
    page.get_by_text("Your story is published").wait_for()
    check_page(page, "story-linked")
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    assert story.title == corrected
    # The date the site gave is kept through the edit, and the address follows the title.
    assert story.source_published_at.date() == datetime.date(2026, 3, 14)
    assert story.slug == "todmorden-repair-cafe-saves-forty-bikes"
    assert page.get_by_role("heading", level=1).inner_text() == corrected
    original = page.get_by_role("link", name=f"Read it on {ARTICLE_SITE}")
    assert original.get_attribute("href") == article_url
    assert "nofollow" in original.get_attribute("rel")
    assert page.locator("figure.story-picture img").count() == 1
    data = _json_ld(page)
    assert data["isBasedOn"] == article_url
    assert data["publisher"]["name"] == ARTICLE_SITE
    log_out(page)

    # Someone else pastes the same story with tracking parameters on the address.
    second = UserFactory(password=password)
    log_in(page, base_url, second.email, password)
    visit(page, f"{base_url}/stories/share/")
    page.get_by_label("Web address of the story").fill(f"{article_url}?utm_source=x#comments")
    page.get_by_role("button", name="Fetch the preview").click()
    alert = page.get_by_role("alert").filter(has_text="already shared here")
    alert.wait_for()
    check_page(page, "stories-share-already")
    assert Story.objects.count() == 1
    alert.get_by_role("link", name=f"See “{corrected}”").click()
    page.wait_for_url(re.compile(re.escape(story.get_absolute_url()) + "$"))
    assert page.get_by_role("heading", level=1).inner_text() == corrected


def test_the_edit_page_fills_itself_in_when_the_preview_arrives(
    page, live_server, member, password, news_site, settings
):
    # The database task backend and no worker: the preview waits until the test fetches it.
    settings.FETCH_ALLOWED_NETWORKS = NEWS_NETWORKS
    base_url = live_server.url
    log_in(page, base_url, member.email, password)
    visit(page, f"{base_url}/stories/share/")
    page.get_by_label("Web address of the story").fill(f"{news_site}{ARTICLE_PATH}")
    page.get_by_role("button", name="Fetch the preview").click()
    page.wait_for_url(re.compile(r"/stories/[\w-]+/edit/$"))
    page.locator("#preview-state").get_by_text("We are fetching the preview").wait_for()
    check_page(page, "stories-share-fetching")
    story = Story.objects.get()

    # The page asks every few seconds (htmx) and reloads itself once the preview is in.
    assert linked_story_preview_fill(story.pk) == PreviewState.READY
    page.get_by_text("Here is the preview we found").wait_for()
    check_page(page, "stories-share-edit")
    assert page.locator("#preview-state").count() == 0
    assert page.get_by_label("Title").input_value() == ARTICLE_TITLE
    assert page.get_by_label("Summary").input_value() == ARTICLE_SUMMARY


# --- 3. Without JavaScript ------------------------------------------------------------------


def test_writing_and_sharing_work_without_javascript(
    page_without_javascript, live_server, member, password, news_site, settings
):
    page = page_without_javascript
    base_url = live_server.url
    log_in(page, base_url, member.email, password)

    visit(page, f"{base_url}/stories/new/", "stories-new")
    page.get_by_label("Title").fill("Soup and songs at the Trades Club")
    page.get_by_label("Your story").fill("Forty people came for *soup* and stayed to sing.")
    # A place by its name alone: the form comes back asking which one, the rest kept.
    page.get_by_label("Name of the place").fill("Todmorden")
    page.get_by_role("button", name="Save draft").click()
    choices = page.get_by_role("group", name="Did you mean:")
    choices.wait_for()
    check_page(page, "stories-new-place-choices")
    assert Story.objects.count() == 0
    assert page.get_by_label("Title").input_value() == "Soup and songs at the Trades Club"
    assert page.get_by_label("Your story").input_value().startswith("Forty people came")
    choices.get_by_label(re.compile("^Todmorden in Calderdale")).check()
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r"/stories/[\w-]+/edit/$"))
    page.get_by_text("Your draft is saved").wait_for()
    check_page(page, "stories-edit-draft")
    story = Story.objects.get()
    assert story.status == Status.DRAFT
    assert (story.place_name, story.local_authority.name) == ("Todmorden", "Calderdale")
    assert page.get_by_text("The pin is in Calderdale.").count() == 1
    assert page.get_by_label("Your story").input_value().startswith("Forty people came")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(re.escape(story.get_absolute_url()) + "$"))
    page.get_by_text("This story is waiting for review by a moderator").wait_for()
    check_page(page, "story-in-review")
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW

    # Sharing: no worker runs here, so the preview is still being fetched when the page
    # opens; "Check again" is a plain link to the same page.
    settings.FETCH_ALLOWED_NETWORKS = NEWS_NETWORKS
    article_url = f"{news_site}{ARTICLE_PATH}"
    visit(page, f"{base_url}/stories/share/", "stories-share")
    page.get_by_label("Web address of the story").fill(article_url)
    page.get_by_role("button", name="Fetch the preview").click()
    page.wait_for_url(re.compile(r"/stories/[\w-]+/edit/$"))
    edit_url = page.url
    fetching = page.locator("#preview-state")
    fetching.get_by_text("We are fetching the preview").wait_for()
    check_page(page, "stories-share-fetching")
    linked = Story.objects.get(kind=StoryKind.LINKED)
    assert linked.preview_state == PreviewState.FETCHING
    assert page.get_by_label("Title").input_value() == ""

    # Publishing before the preview is in says to wait; nothing changes.
    page.get_by_label("Title").fill("Bikes")
    page.get_by_label("Summary").fill("Forty bikes.")
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("alert").get_by_text("still being fetched").wait_for()
    check_page(page, "stories-share-still-fetching")
    linked.refresh_from_db()
    assert (linked.status, linked.title) == (Status.DRAFT, "")

    # The worker does its job; "Check again" then shows the preview.
    assert linked_story_preview_fill(linked.pk) == PreviewState.READY
    page.locator("#preview-state").get_by_role("link", name="Check again").click()
    page.wait_for_url(edit_url)
    page.get_by_text("Here is the preview we found").wait_for()
    check_page(page, "stories-share-edit")
    assert page.locator("#preview-state").count() == 0
    assert page.get_by_label("Title").input_value() == ARTICLE_TITLE
    assert page.get_by_label("Where it was told").input_value() == ARTICLE_SITE
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(r"/stories/[\w-]+/$"))
    page.get_by_text("This story is waiting for review by a moderator").wait_for()
    check_page(page, "story-linked-in-review")
    linked.refresh_from_db()
    assert (linked.status, linked.title) == (Status.IN_REVIEW, ARTICLE_TITLE)
    assert page.get_by_role("link", name=f"Read it on {ARTICLE_SITE}").count() == 1


# --- 4. Mistakes on the form ----------------------------------------------------------------


def test_publishing_without_a_title_explains_the_problem_and_keeps_the_text(
    page, live_server, member, password
):
    base_url = live_server.url
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, base_url, member.email, password)
    visit(page, f"{base_url}/stories/new/")
    story_text = (
        "We painted the **underpass**.\n\n"
        '<script>alert("hi")</script>\n<img src=x onerror=alert(1)>'
    )
    page.get_by_label("Summary").fill("Colour where there was grey.")
    page.get_by_label("Your story").fill(story_text)
    page.get_by_label("Tags").fill("art, murals")
    # Coordinates typed by hand, under "Advanced": London, outside the North.
    page.get_by_text("Advanced: coordinates").click()
    page.get_by_label("Latitude").fill("51.5072")
    page.get_by_label("Longitude").fill("-0.1276")
    page.get_by_role("button", name="Publish").click()

    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    summary.wait_for()
    check_page(page, "stories-new-errors")
    assert page.title().startswith("Error:")
    title_error = summary.get_by_role("link", name="Title: Give the story a title.")
    assert title_error.count() == 1
    assert summary.get_by_role("link", name=re.compile("outside the North of England")).count() == 1
    # The summary can take the focus (tabindex=-1), and each line leads to its field.
    assert summary.get_attribute("tabindex") == "-1"
    summary.focus()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    title_error.click()
    assert page.evaluate("document.activeElement.id") == "id_title"
    assert page.get_by_label("Title").get_attribute("aria-invalid") == "true"
    # Everything typed is still there; nothing was saved.
    assert page.get_by_label("Your story").input_value() == story_text.replace("\r\n", "\n")
    assert page.get_by_label("Summary").input_value() == "Colour where there was grey."
    assert page.get_by_label("Tags").input_value() == "art, murals"
    assert page.get_by_label("Latitude").input_value() == "51.5072"
    assert Story.objects.count() == 0

    # Fixed: a title, and a place in the North by a click on the small map.
    page.get_by_label("Title").fill("The underpass, in colour")
    small_map = page.get_by_role("region", name=re.compile("Map for choosing the place"))
    small_map.scroll_into_view_if_needed()
    small_map.click()  # in the middle: the map opens on the whole North
    status = page.locator("[data-place-status]")
    status.get_by_text(re.compile(r"^The pin is in ")).wait_for()
    pinned_in = status.inner_text().removeprefix("The pin is in ").rstrip(".")
    assert page.get_by_label("Latitude").input_value() == ""  # the map's pin wins now
    check_page(page, "stories-new-place-on-map")
    page.get_by_role("button", name="Preview", exact=True).click()
    preview = page.locator("section.story-preview")
    preview.wait_for()
    check_page(page, "stories-new-preview-hostile")
    assert preview.locator("script, img[onerror]").count() == 0
    assert preview.locator("strong").inner_text() == "underpass"
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("This story is waiting for review by a moderator").wait_for()
    story = Story.objects.get()
    assert story.title == "The underpass, in colour"
    assert story.local_authority.name == pinned_in
    assert story.has_place
    assert dialogs == []
