"""Link previews against a real local server on 127.0.0.2; no internet, no database."""

import contextlib
import io
import ipaddress
import json
import logging
import re
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from bigsocnorth.core.links import (
    JSON_LD_MAX_CHARS,
    SOURCE_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    LinkPreview,
    PreviewError,
    clean_text,
    link_preview,
    parse_published,
    preview_image_fetch,
)
from bigsocnorth.core.tests.local_server import local_http_server, record_connections

SERVER_HOST = "127.0.0.2"
TEST_SERVER = (ipaddress.ip_network("127.0.0.2/32"),)
PAGES = Path(__file__).parent / "pages"
HTML = "text/html; charset=utf-8"
MB = 1_048_576


def _picture(size=(2000, 1000), mode="RGB", color="teal", image_format="PNG", exif=True):
    picture = Image.new(mode, size, color)
    buffer = io.BytesIO()
    options = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "Camera maker"
        data[0x0110] = "Camera model"
        gps = data.get_ifd(0x8825)
        gps[1], gps[2] = "N", (54.0, 58.0, 12.0)  # somewhere near Newcastle
        options["exif"] = data
    picture.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def _page(head="", body=""):
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


def _oembed_page(title, href):
    return _page(
        f'<title>{title}</title><link rel="alternate" type="application/json+oembed" href="{href}">'
    )


# Pages made here rather than kept as files: big, binary or many small variants.
GENERATED = {
    "/pdf": ("application/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
    "/picture.png": ("image/png", _picture()),
    "/picture.jpg": ("image/jpeg", _picture(image_format="JPEG")),
    "/transparent.png": ("image/png", _picture((300, 300), "RGBA", (0, 0, 0, 0), exif=False)),
    "/fake.png": ("image/png", _page("<title>Not a picture</title>")),
    "/too-wide.png": ("image/png", _picture((9000, 10), exif=False)),
    "/archive.zip": ("application/zip", b"PK\x03\x04" + b"\0" * 100),
    "/video.mp4": ("video/mp4", b"\0\0\0\x18ftypmp42"),
    "/hostile-type": ("text/<script>alert(1)</script>", b"hello"),
    "/no-type/page": ("", _page("<title>Served without a type</title>")),
    "/no-type/document": ("", b"%PDF-1.4\n"),
    "/xhtml": ("application/xhtml+xml", _page("<title>An XHTML page</title>")),
    "/many-meta": (
        HTML,
        _page(
            '<meta property="og:title" content="The first og:title wins">'
            + "".join(f'<meta name="x-{n}" content="filler {n}">' for n in range(5_000))
            + "".join(f'<meta property="og:title" content="spam {n}">' for n in range(5_000))
        ),
    ),
    # Malformed markup that costs Python's parser quadratic time at the end of a
    # document: a page must not hold a worker for minutes.
    "/tag-soup": (HTML, _page("<title>Tag soup</title>") + b"<a" * 900_000),
    "/angle-brackets": (HTML, _page("<title>Angle brackets</title>") + b"<" * 1_900_000),
    "/unclosed-comment": (
        HTML,
        _page('<meta property="og:title" content="Before the comment"><!--' + "x" * 1_500_000),
    ),
    "/big-json-ld": (
        HTML,
        _page(
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "'
            + "x" * JSON_LD_MAX_CHARS
            + '"}</script>'
            '<script type="application/ld+json">[{"@type": "Person", "name": "Not a story"},'
            '{"@type": "VideoObject", "name": "Second block wins", "uploadDate":'
            ' "2023-11-05T18:00:00Z", "thumbnailUrl": ["/thumbs/second.jpg"]}]</script>'
        ),
    ),
    "/og-url-only": (
        HTML,
        _page('<meta property="og:url" content="/the/real/address"><title>Og url</title>'),
    ),
    "/meta-http-equiv": (
        "text/html",
        _page(
            '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
            "<title>Smart \x93quotes\x94 \x96 and a dash</title>"
        ).replace(b"\xc2", b""),  # the bytes as a windows-1252 page would have them
    ),
    "/header-charset": (
        "text/html; charset=ISO-8859-1",
        '<meta charset="utf-8"><title>Café</title>'.encode("iso-8859-1"),
    ),
    "/bad-utf8": (HTML, _page("<title>Bad \xff byte</title>").replace(b"\xc3\xbf", b"\xff")),
    "/oembed-fails": (HTML, _oembed_page("oEmbed fails", "/oembed?for=broken")),
    "/oembed-garbage": (HTML, _oembed_page("oEmbed garbage", "/oembed?for=garbage")),
    "/oembed-private": (HTML, _oembed_page("oEmbed private", "http://10.0.0.1/oembed")),
    "/oembed-script": (HTML, _oembed_page("oEmbed script", "javascript:alert(1)")),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    requested: list[str] = []

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def handle(self):
        # The fetcher hangs up when it has had enough; that is the point of some pages.
        with contextlib.suppress(ConnectionError):
            super().handle()

    def do_GET(self):
        self.requested.append(self.path)
        parts = urlsplit(self.path)
        if parts.path.startswith("/pages/"):
            name = parts.path.removeprefix("/pages/")
            content_type = "text/html" if name == "latin1.html" else HTML
            self.send_body((PAGES / name).read_bytes(), content_type)
        elif parts.path in GENERATED:
            self.send_body(GENERATED[parts.path][1], GENERATED[parts.path][0])
        else:
            getattr(self, "page_" + parts.path.strip("/").replace("-", "_"))(parts.query)

    def send_body(self, body, content_type=HTML, status=200):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def page_go(self, query):
        self.redirect(query.removeprefix("to="))

    def page_loop(self, query):
        self.redirect("/loop")

    def page_status(self, query):
        self.send_body(_page("<title>An error page</title>"), status=int(query))

    def page_oembed(self, query):
        if query == "for=video":
            answer = {
                "version": "1.0",
                "type": "video",
                "title": "Canal clean-up day: 200 volunteers, 3 tonnes of rubbish",
                "author_name": "Skipton Canal Friends",
                "provider_name": "Northern Voices TV",
                "thumbnail_url": f"http://{self.headers['Host']}/thumbs/canal.jpg",
                "html": "<iframe src='https://video.example/embed/1'></iframe>",
            }
            self.send_body(json.dumps(answer).encode(), "application/json")
        elif query == "for=garbage":
            self.send_body(b"{not json", "application/json")
        else:
            self.send_body(b'{"error": "down"}', "application/json", status=500)

    def page_huge(self, query):
        self.send_response(200)
        self.send_header("Content-Type", HTML)
        if query == "announced":
            self.send_header("Content-Length", str(20 * MB))
        else:
            self.send_header("Connection", "close")  # the body ends when the connection does
        self.end_headers()
        for _ in range(20 * 16):
            self.wfile.write(b"<p>" + b"x" * (65_536 - 3))

    def page_huge_image(self, query):
        self.send_body(b"\x89PNG\r\n\x1a\n" + b"\0" * (6 * MB), "image/png")


@pytest.fixture(scope="module")
def server():
    with local_http_server(Handler) as url:
        yield url


@pytest.fixture
def connections(monkeypatch):
    return record_connections(monkeypatch)


def preview(url):
    return link_preview(url, allowed_networks=TEST_SERVER)


# --- What is read from a page ---------------------------------------------------


def test_a_news_article_is_read_from_opengraph_first(server):
    Handler.requested.clear()
    url = f"{server}/pages/news-article.html"
    assert preview(url) == LinkPreview(
        url=url,
        final_url=url,
        canonical_url=f"{server}/news/2024/05/walker-library-reopens",
        title="Volunteers reopen Walker library after two years",
        summary=(
            "Residents in Walker have reopened their branch library as a community hub, "
            "run by volunteers & open six days a week."
        ),
        image_url=f"{server}/media/walker-library.jpg",
        source_name="The Tyne Valley Herald",
        published_at=datetime(2024, 5, 14, 8, 30, tzinfo=UTC),
        media_kind="article",
    )
    # Everything was on the page, so its oEmbed endpoint was never asked.
    assert Handler.requested == ["/pages/news-article.html"]


def test_a_page_with_only_json_ld_is_read_from_its_graph(server):
    found = preview(f"{server}/pages/json-ld-only.html")
    assert found.title == "Food bank doubles its opening hours"
    assert found.summary == "Hexham\u2019s food bank is now open on Tuesdays and Saturdays."
    assert found.image_url == f"{server}/uploads/food-bank.jpg"
    assert found.source_name == "Hexham Community Hub"  # the publisher, found by its @id
    # A date alone is midnight here (GMT in March).
    assert found.published_at == datetime(2024, 3, 2, 0, 0, tzinfo=UTC)
    assert found.media_kind == "article"


def test_an_oversized_json_ld_block_is_skipped_and_lists_are_searched(server):
    found = preview(f"{server}/big-json-ld")
    assert found.title == "Second block wins"
    assert found.media_kind == "video"
    assert found.image_url == f"{server}/thumbs/second.jpg"
    assert found.published_at == datetime(2023, 11, 5, 18, 0, tzinfo=UTC)


def test_a_blog_with_a_title_and_description_only(server):
    url = f"{server}/pages/blog.html"
    found = preview(url)
    assert found.title == "Tea & cakes at the Rothbury hub"
    assert found.source_name == "127.0.0.2"  # the host, as nothing else names the site
    assert (found.image_url, found.media_kind, found.published_at) == ("", "", None)
    assert found.canonical_url == found.final_url == url
    # The description is longer than a summary may be: cut at a word, with "…".
    assert len(found.summary) <= SUMMARY_MAX
    assert found.summary.startswith("Every Thursday afternoon the Rothbury hub opens its doors")
    assert found.summary.endswith("what it costs to run (very…")


def test_a_page_without_metadata_takes_its_title_from_the_first_heading(server):
    found = preview(f"{server}/pages/heading-only.html")
    assert found.title == "Allotment society wins award"
    assert found.summary == ""


def test_a_page_with_nothing_to_read_still_gives_an_empty_preview(server):
    url = f"{server}/pages/nothing.html"
    assert preview(url) == LinkPreview(
        url=url,
        final_url=url,
        canonical_url=url,
        title="",
        summary="",
        image_url="",
        source_name="127.0.0.2",
        published_at=None,
        media_kind="",
    )


def test_a_video_page_is_completed_from_its_oembed_endpoint(server):
    Handler.requested.clear()
    found = preview(f"{server}/pages/video.html")
    assert found.title == "Canal clean-up day: 200 volunteers, 3 tonnes of rubbish"
    assert found.source_name == "Northern Voices TV"
    assert found.image_url == f"{server}/thumbs/canal.jpg"
    assert found.media_kind == "video"
    assert (found.summary, found.published_at) == ("", None)
    assert Handler.requested == ["/pages/video.html", "/oembed?for=video"]


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/oembed-fails", "oEmbed fails"),
        ("/oembed-garbage", "oEmbed garbage"),
        ("/oembed-private", "oEmbed private"),
        ("/oembed-script", "oEmbed script"),
    ],
)
def test_a_failing_oembed_never_fails_the_preview(server, connections, path, title):
    found = preview(f"{server}{path}")
    assert (found.title, found.media_kind, found.image_url) == (title, "", "")
    assert {host for host, _ in connections} == {SERVER_HOST}  # never 10.0.0.1


def test_the_canonical_link_names_the_story_even_on_another_site(server):
    found = preview(f"{server}/pages/canonical-elsewhere.html")
    assert found.canonical_url == "https://www.example.org/stories/bradford-youth-club-saved"
    assert found.final_url == f"{server}/pages/canonical-elsewhere.html"
    assert found.title == "Bradford youth club saved by local fundraising"


def test_og_url_is_the_canonical_address_when_there_is_no_canonical_link(server):
    assert preview(f"{server}/og-url-only").canonical_url == f"{server}/the/real/address"


def test_a_redirected_link_keeps_both_addresses(server):
    asked = f"{server}/go?to=/pages/blog.html"
    found = preview(asked)
    assert found.url == asked
    assert found.final_url == found.canonical_url == f"{server}/pages/blog.html"
    assert found.title == "Tea & cakes at the Rothbury hub"


def test_the_link_is_trimmed_before_it_is_fetched(server):
    found = preview(f"  {server}/pages/nothing.html\n")
    assert found.url == f"{server}/pages/nothing.html"


# --- Hostile pages ------------------------------------------------------------------


def test_markup_and_scripts_in_a_page_come_out_as_plain_text_or_not_at_all(server):
    url = f"{server}/pages/hostile.html"
    assert preview(url) == LinkPreview(
        url=url,
        final_url=url,
        canonical_url=url,  # javascript: is no address
        title="Council cuts library hours",
        summary="Hours cut in half from June.",
        image_url=f"{server}/media/safe.jpg",  # the javascript: og:image was passed over
        source_name="Evil Gazette",
        published_at=None,
        media_kind="",
    )


def test_ten_thousand_meta_tags_are_read_quickly_and_the_first_one_counts(server):
    started = time.monotonic()
    found = preview(f"{server}/many-meta")
    assert found.title == "The first og:title wins"
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/tag-soup", "Tag soup"),
        ("/angle-brackets", "Angle brackets"),
        ("/unclosed-comment", "Before the comment"),
    ],
)
def test_markup_that_never_ends_does_not_hold_the_worker(server, path, title):
    started = time.monotonic()
    assert preview(f"{server}{path}").title == title
    assert time.monotonic() - started < 6  # parsing gives up after 2 s at the latest


# --- Character sets ---------------------------------------------------------------


def test_a_latin1_page_declared_by_meta_charset_is_read_correctly(server):
    found = preview(f"{server}/pages/latin1.html")
    assert found.title == "Crème brûlée stall raises £500 for Gateshead café"
    assert found.summary == "Señora Núñez sold 300 crèmes at the Saturday market."


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/meta-http-equiv", "Smart “quotes” \u2013 and a dash"),
        ("/header-charset", "Café"),  # the header wins over the page's own claim
        ("/bad-utf8", "Bad \ufffd byte"),
        ("/xhtml", "An XHTML page"),
        ("/no-type/page", "Served without a type"),
    ],
)
def test_how_a_page_is_decoded(server, path, title):
    assert preview(f"{server}{path}").title == title


# --- Links that give no preview -----------------------------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/pdf", "That link is to a PDF document, not a web page, so there is no preview to "
                 "show. You can still add a title and summary yourself."),
        ("/no-type/document", "That link is to a PDF document"),
        ("/picture.png", "That link is to a picture, not a web page, so there is no preview to "
                         "show. You can still add a title and summary yourself."),
        ("/video.mp4", "That link is to a video or sound file, not a web page"),
        ("/archive.zip", "That link is to a file of type “application/zip”, not a web page"),
        ("/hostile-type", "That link is to a file, not a web page"),
    ],
)  # fmt: skip
def test_files_that_are_not_web_pages_are_explained(server, path, message):
    with pytest.raises(PreviewError) as error:
        preview(f"{server}{path}")
    assert str(error.value).startswith(message)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (404, "The site answered 404: the page was not found. Check the address is right."),
        (410, "The site answered 410: the page has been taken down."),
        (403, "The site answered 403: it would not show us the page. It may need a login"),
        (429, "The site answered 429: it has had too many requests."),
        (500, "The site answered 500: it has a problem of its own. Try again later."),
        (418, "The site answered 418: it would not give us the page."),
        (204, None),  # a success with nothing in it is an empty preview
    ],
)
def test_error_statuses_are_explained(server, status, message):
    url = f"{server}/status?{status}"
    if message is None:
        assert preview(url).title == ""
        return
    with pytest.raises(PreviewError) as error:
        preview(url)
    assert str(error.value).startswith(message)


@pytest.mark.parametrize("query", ["announced", "streamed"])
def test_a_20_mb_page_is_too_big_to_preview(server, query):
    started = time.monotonic()
    with pytest.raises(PreviewError) as error:
        preview(f"{server}/huge?{query}")
    assert str(error.value) == (
        "The page is too big to preview: it is more than 2 MB. "
        "You can still add a title and summary yourself."
    )
    assert time.monotonic() - started < 5


def test_a_redirect_loop_is_explained(server):
    with pytest.raises(PreviewError, match="The site redirects in a loop"):
        preview(f"{server}/loop")


def test_a_redirect_to_this_server_is_refused(server, connections):
    port = server.rsplit(":", 1)[1]
    with pytest.raises(PreviewError) as error:
        preview(f"{server}/go?to=http://127.0.0.1:{port}/pages/blog.html")
    assert str(error.value) == (
        "The site redirected to an address we cannot use. That address is this server itself."
    )
    assert [host for host, _ in connections] == [SERVER_HOST]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://10.0.0.1/story", "That address is on a private network."),
        ("http://localhost:8000/story", "localhost leads to "),
        ("http://[::1]/story", "That address is this server itself."),
        ("javascript:alert(1)", "Only web addresses starting with http:// or https://"),
        ("", "Only web addresses starting with http:// or https://"),
    ],
)
def test_links_to_private_places_are_refused_without_connecting(url, message, connections):
    with pytest.raises(PreviewError) as error:
        preview(url)
    assert str(error.value).startswith(message)
    if url.startswith("http://localhost"):
        assert str(error.value).endswith("That address is this server itself.")
    assert connections == []


def test_allowed_networks_come_from_settings_unless_given(server, settings):
    settings.FETCH_ALLOWED_NETWORKS = list(TEST_SERVER)
    url = f"{server}/pages/blog.html"
    assert link_preview(url).title == "Tea & cakes at the Rothbury hub"
    # Given, even empty, they are used as given.
    with pytest.raises(PreviewError, match="this server itself"):
        link_preview(url, allowed_networks=[])
    settings.FETCH_ALLOWED_NETWORKS = []
    with pytest.raises(PreviewError, match="this server itself"):
        link_preview(url)


# --- The preview picture -------------------------------------------------------------


@pytest.mark.parametrize("path", ["/picture.png", "/picture.jpg"])
def test_a_preview_picture_is_resized_and_loses_its_metadata(server, path):
    with Image.open(io.BytesIO(GENERATED[path][1])) as original:
        assert original.getexif().get_ifd(0x8825)  # the original really carries GPS
    picture = preview_image_fetch(f"{server}{path}", allowed_networks=TEST_SERVER)
    assert picture is not None
    assert picture.name == "preview.jpg"
    with Image.open(picture) as cleaned:
        assert cleaned.format == "JPEG"
        assert cleaned.size == (1200, 600)
        assert not cleaned.getexif()
        assert "exif" not in cleaned.info


def test_a_transparent_preview_picture_stays_transparent(server):
    picture = preview_image_fetch(f"{server}/transparent.png", allowed_networks=TEST_SERVER)
    assert picture.name == "preview.png"
    with Image.open(picture) as cleaned:
        assert (cleaned.format, cleaned.mode) == ("PNG", "RGBA")
        assert cleaned.getpixel((0, 0))[3] == 0


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/fake.png", "not an image we can read"),
        ("/status?404", "the site answered 404"),
        ("/too-wide.png", "at most 8,000 pixels"),
        ("/huge-image", "larger than 5,242,880 bytes"),
        ("/go?to=http://127.0.0.1/x.png", "this server itself"),
    ],
)
def test_a_preview_picture_that_is_not_one_gives_none(server, caplog, path, reason):
    caplog.set_level(logging.INFO, logger="bigsocnorth.core.links")
    assert preview_image_fetch(f"{server}{path}", allowed_networks=TEST_SERVER) is None
    assert reason in caplog.text


@pytest.mark.parametrize("url", ["javascript:alert(1)", "http://10.0.0.1/x.png", ""])
def test_a_preview_picture_from_nowhere_gives_none_without_connecting(url, connections):
    assert preview_image_fetch(url, allowed_networks=TEST_SERVER) is None
    assert connections == []


# --- Cleaning values ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Tea &amp; cakes\n\tat the\r\nhub  ", "Tea & cakes at the hub"),
        ("Hexham&#8217;s &quot;best&quot; caf&eacute;", 'Hexham\u2019s "best" café'),
        ("<script>alert(1)</script>Safe <b>bold</b>", "Safe bold"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;Escaped", "Escaped"),
        ("<style>p {color: red}</style><!-- hidden -->Shown<br/>text", "Shown text"),
        ("Cuts < 5% & rises > 10%", "Cuts < 5% & rises > 10%"),
        ("Unclosed <img src=x onerror=alert(1)", "Unclosed"),
        ("Nul\x00 and bell\x07 and esc\x1b[31m", "Nul and bell and esc[31m"),
        ("<\x00script>alert(1)</script>Hidden null", "Hidden null"),
        ("Right-to-left \u202egnp.exe\u202c trick", "Right-to-left gnp.exe trick"),
        ("Non\u00a0breaking\u2003spaces", "Non breaking spaces"),
        ("javascript:alert(1)", "javascript:alert(1)"),  # just words when it is text
        ("   ", ""),
    ],
)
def test_clean_text(value, expected):
    assert clean_text(value, max_length=200) == expected


@given(
    value=st.text(alphabet=st.sampled_from("<>/!-&;#x0aAbs \n\t\x00\x07\u202e\u00a0")),
    limit=st.integers(min_value=1, max_value=40),
)
def test_clean_text_never_leaves_a_tag_a_control_or_too_much(value, limit):
    cleaned = clean_text(value, max_length=limit)
    assert len(cleaned) <= limit
    assert not re.search(r"</?[a-zA-Z]", cleaned)
    assert not re.search(r"[\x00-\x1f\x7f\u202e]", cleaned)
    assert cleaned == cleaned.strip()


@pytest.mark.parametrize(
    ("value", "limit", "expected"),
    [
        ("one two three four", 18, "one two three four"),
        ("one two three four", 17, "one two three…"),
        ("one two three four", 14, "one two three…"),  # the word fits exactly
        ("one two three, four", 16, "one two three…"),  # no dangling comma
        ("abcdefghijklmnopqrstuvwxyz", 10, "abcdefghi…"),  # one long word is cut
    ],
)
def test_long_text_is_cut_at_a_word(value, limit, expected):
    shortened = clean_text(value, max_length=limit)
    assert shortened == expected
    assert len(shortened) <= limit


def test_cleaned_text_fits_each_story_field():
    long = "word " * 1_000
    for limit in (TITLE_MAX, SUMMARY_MAX, SOURCE_MAX):
        assert len(clean_text(long, max_length=limit)) == limit


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-14T09:30:00+01:00", datetime(2024, 5, 14, 8, 30, tzinfo=UTC)),
        ("2024-05-14T08:30:00Z", datetime(2024, 5, 14, 8, 30, tzinfo=UTC)),
        ("2024-05-14T08:30:00.123456789Z", datetime(2024, 5, 14, 8, 30, 0, 123456, tzinfo=UTC)),
        ("2024-05-14T09:30:00+0100", datetime(2024, 5, 14, 8, 30, tzinfo=UTC)),
        (" 2024-05-14 09:30 ", datetime(2024, 5, 14, 8, 30, tzinfo=UTC)),  # local: BST
        ("2024-01-14", datetime(2024, 1, 14, 0, 0, tzinfo=UTC)),  # local: GMT
        ("Tue, 14 May 2024 08:30:00 GMT", datetime(2024, 5, 14, 8, 30, tzinfo=UTC)),
        ("the day before yesterday", None),
        ("2024-13-45", None),
        ("1066-10-14", None),  # not a story told on the web
        ("9999-12-31T23:59:59-12:00", None),  # not yet told
        ("", None),
        ("2024" * 100, None),
    ],
)
def test_parse_published(value, expected):
    parsed = parse_published(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.utcoffset() is not None


def test_the_user_facing_messages_are_sentences(server):
    for path in ("/pdf", "/status?404", "/loop"):
        with pytest.raises(PreviewError) as error:
            preview(f"{server}{path}")
        message = str(error.value)
        assert re.fullmatch(r"[A-Z].*[.]", message), message
