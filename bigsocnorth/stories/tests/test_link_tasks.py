"""A shared link's preview, fetched by the task from a real local server and filled in."""

from __future__ import annotations

import io
import ipaddress
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.moderation.models import Status
from bigsocnorth.stories import services
from bigsocnorth.stories.link_tasks import linked_story_preview_fill
from bigsocnorth.stories.models import PreviewState, Story
from bigsocnorth.stories.services import Action

HOST = "127.0.0.2"


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif.get_ifd(0x8825)[2] = (53.0, 44.0, 0.0)
    data = io.BytesIO()
    Image.new("RGB", (1600, 900), "orange").save(data, "JPEG", exif=exif)
    return data.getvalue()


def _article(title: str, *, canonical: str = "", image: str = "/pictures/pool.jpg") -> bytes:
    return (
        "<!doctype html><html><head>"
        f'<meta property="og:title" content="{title}">'
        '<meta property="og:description" content="Swimmers raised £40,000 in six weeks.">'
        '<meta property="og:site_name" content="The Pennine Post">'
        f'<meta property="og:image" content="{image}">'
        '<meta property="article:published_time" content="2026-10-02T09:30:00+01:00">'
        + (f'<link rel="canonical" href="{canonical}">' if canonical else "")
        + "</head><body><h1>Story</h1></body></html>"
    ).encode()


PAGES = {
    "/news/pool-saved": ("text/html", _article("Town saves its swimming pool")),
    "/amp/pool-saved": ("text/html", _article("AMP copy", canonical="/news/pool-saved")),
    "/copy-of-someone-else": (
        "text/html",
        _article("Hostile copy", canonical="https://realnews.example/news/big-story"),
    ),
    "/bare": ("text/html", b"<html><body><p>No title anywhere.</p></body></html>"),
    "/report.pdf": ("application/pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"),
    "/pictures/pool.jpg": ("image/jpeg", _jpeg_with_gps()),
}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def do_GET(self):
        if self.path not in PAGES:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        content_type, body = PAGES[self.path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site():
    httpd = ThreadingHTTPServer((HOST, 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://{HOST}:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _local_site_allowed(settings):
    settings.FETCH_ALLOWED_NETWORKS = [ipaddress.ip_network(f"{HOST}/32")]


def _share(author, url) -> Story:
    story = services.linked_story_start(author=author, url=url)
    linked_story_preview_fill(story.pk)
    story.refresh_from_db()
    return story


def test_the_preview_is_filled_in_with_a_clean_picture(site, member):
    story = _share(member, f"{site}/news/pool-saved")
    assert story.preview_state == PreviewState.READY
    assert story.title == "Town saves its swimming pool"
    assert story.summary == "Swimmers raised £40,000 in six weeks."
    assert story.source_name == "The Pennine Post"
    assert story.source_published_at.isoformat() == "2026-10-02T08:30:00+00:00"
    assert story.status == Status.DRAFT  # the person checks it before it is published
    with Image.open(story.image.path) as picture:
        assert not picture.getexif()
        assert max(picture.size) <= 1200


def test_what_the_person_typed_meanwhile_is_kept(site, member):
    story = services.linked_story_start(author=member, url=f"{site}/news/pool-saved")
    Story.objects.filter(pk=story.pk).update(title="Our pool is saved!")
    linked_story_preview_fill(story.pk)
    story.refresh_from_db()
    assert story.title == "Our pool is saved!"
    assert story.summary == "Swimmers raised £40,000 in six weeks."


def test_a_copy_whose_canonical_address_is_already_shared_points_to_the_first(site, member):
    first = _share(member, f"{site}/news/pool-saved")
    services.linked_story_update(
        actor=member,
        story=first,
        action=Action.PUBLISH,
        title=first.title,
        summary="Saved.",
        image_alt=first.image_alt,
    )
    copy = _share(UserFactory(), f"{site}/amp/pool-saved")
    assert copy.preview_state == PreviewState.DUPLICATE
    assert copy.duplicate_of == first
    with pytest.raises(ValidationError, match="already shared"):
        services.linked_story_update(
            actor=copy.author, story=copy, action=Action.PUBLISH, title="x", summary="y"
        )


def test_another_sites_canonical_address_is_not_trusted(site, member):
    story = _share(member, f"{site}/copy-of-someone-else")
    assert story.preview_state == PreviewState.READY
    # The real article can still be shared by someone else.
    assert story.canonical_url == f"https://{HOST}:{site.rsplit(':', 1)[1]}/copy-of-someone-else"


@pytest.mark.parametrize(
    ("path", "message"),
    [("/gone", "404"), ("/report.pdf", "PDF")],
)
def test_a_page_that_cannot_be_previewed_says_why_and_the_person_can_carry_on(
    site, member, path, message
):
    story = _share(member, f"{site}{path}")
    assert story.preview_state == PreviewState.FAILED
    assert message in story.preview_error
    services.linked_story_update(
        actor=member,
        story=story,
        action=Action.PUBLISH,
        title="Annual report of the pool trust",
        summary="Our trust's year in numbers.",
    )
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW


def test_a_page_without_a_title_is_ready_for_the_person_to_name(site, member):
    story = _share(member, f"{site}/bare")
    assert story.preview_state == PreviewState.READY
    assert story.title == ""


def test_private_addresses_are_never_fetched(member, settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    for url in ("http://10.0.0.1/admin", "http://localhost:8000/", "http://127.0.0.1:5432/"):
        story = _share(member, url)
        assert story.preview_state == PreviewState.FAILED
        assert story.preview_error
        assert story.title == ""


def test_fetching_again_after_a_failure(site, member):
    story = _share(member, f"{site}/later")
    assert story.preview_state == PreviewState.FAILED
    PAGES["/later"] = ("text/html", _article("Back online"))
    try:
        services.linked_story_preview_retry(actor=member, story=story)
        linked_story_preview_fill(story.pk)
    finally:
        del PAGES["/later"]
    story.refresh_from_db()
    assert story.title == "Back online"
