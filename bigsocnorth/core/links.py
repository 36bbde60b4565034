"""Previews of linked pages (stories told elsewhere, a cut's evidence): what a page says
about itself.

When someone shares a link, the task worker fetches the page (only through
the SSRF-safe `core.fetch.fetch`) and reads what it says about itself, in
this order of trust: OpenGraph, then schema.org JSON-LD, then oEmbed (asked
for only when the page lacks something), then Twitter cards, then plain
HTML (`<title>`, the first `<h1>`, the meta description). The person
sharing the link can correct every field, so a page with no metadata still
gives a preview, just an empty one.

Pages are written by strangers: every value comes out as plain, tidy text
within the limits below, and every address as an absolute http(s)
one. Nothing here writes to the database.
"""

from __future__ import annotations

import codecs
import html
import io
import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _
from PIL import Image

from bigsocnorth.core.fetch import DEFAULT_MAX_BYTES, FetchError, FetchResult, FetchTooBig, fetch
from bigsocnorth.core.images import ImageRules, image_clean
from bigsocnorth.core.text import without_control_characters

# The longest title, summary, source name and web address a preview gives:
# what the content that keeps one (a story, a cut's evidence) stores at most.
TITLE_MAX = 200
SUMMARY_MAX = 500
SOURCE_MAX = 200
URL_MAX = 2_000

logger = logging.getLogger(__name__)

PAGE_MAX_BYTES = DEFAULT_MAX_BYTES
OEMBED_MAX_BYTES = 256 * 1024
IMAGE_MAX_BYTES = 5 * 1_048_576
PAGE_TYPES = {"text/html", "application/xhtml+xml"}
PAGE_HEADERS = {
    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "Accept-Language": "en-GB,en;q=0.8",
}
CHARSET_SNIFF_BYTES = 2048
# Reading a page is bounded in memory by PAGE_MAX_BYTES; these bound the time.
# The standard parser is fed in pieces and never asked to "close": at the end
# of a document, some malformed input (a million "<a") costs it quadratic
# time, and what is still unparsed at the end is of no use to a preview anyway.
PARSE_PIECE = 16_384  # characters fed to the parser at a time
PARSE_PENDING_MAX = 256 * 1024  # unfinished markup (a tag or comment that never ends)
PARSE_SECONDS = 2.0
JSON_LD_MAX_CHARS = 200_000  # per <script type="application/ld+json"> block
JSON_LD_MAX_BLOCKS = 20
JSON_LD_MAX_NODES = 2_000
JSON_LD_MAX_DEPTH = 8
RAW_TEXT_MAX = 5_000  # characters of any one value kept before it is cleaned

PREVIEW_IMAGE_RULES = ImageRules(
    max_bytes=IMAGE_MAX_BYTES, max_side=8000, output_side=1200, output_format="JPEG"
)
# Logos and icons are often transparent; flattened into a JPEG they would turn
# black where they were clear, so those stay PNG.
PREVIEW_IMAGE_RULES_TRANSPARENT = ImageRules(
    max_bytes=IMAGE_MAX_BYTES, max_side=8000, output_side=1200, output_format="PNG"
)

MEDIA_KINDS = ("article", "video", "audio", "photo", "post", "website")
OPENGRAPH_KINDS = {  # og:type, or the part before its first dot ("video.other")
    "article": "article",
    "blog": "article",
    "video": "video",
    "music": "audio",
    "website": "website",
}
OEMBED_KINDS = {"video": "video", "photo": "photo"}  # "rich" and "link" say nothing
JSON_LD_KINDS = {
    "article": "article",
    "newsarticle": "article",
    "reportagenewsarticle": "article",
    "analysisnewsarticle": "article",
    "opinionnewsarticle": "article",
    "backgroundnewsarticle": "article",
    "blogposting": "article",
    "liveblogposting": "article",
    "videoobject": "video",
    "audioobject": "audio",
    "podcastepisode": "audio",
    "socialmediaposting": "post",
    "discussionforumposting": "post",
}
META_NAMES = {
    "og:title",
    "og:description",
    "og:image",
    "og:image:secure_url",
    "og:image:url",
    "og:site_name",
    "og:type",
    "og:url",
    "article:published_time",
    "twitter:title",
    "twitter:description",
    "twitter:image",
    "twitter:image:src",
    "description",
}
# WHATWG treats these labels as windows-1252, and so do browsers.
WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1"}
WINDOWS_1252_LABELS |= {"us-ascii", "ascii", "ansi_x3.4-1968"}
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([a-zA-Z0-9_.:+-]{1,40})", re.I)
# Bidirectional overrides can make text read differently from what it says.
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?(</\1\s*>|$)", re.I | re.S)
COMMENT = re.compile(r"<!--.*?(-->|$)", re.S)
TAG = re.compile(r"</?[a-zA-Z][^>]*(>|$)")
MIME_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,60}/[a-z0-9][a-z0-9!#$&^_.+-]{0,60}")
OLDEST_PUBLICATION_YEAR = 1900


class PreviewError(Exception):
    """No preview could be made; str(error) is a sentence to show the person sharing the link."""


@dataclass(frozen=True)
class LinkPreview:
    url: str  # as asked for (without surrounding spaces)
    final_url: str  # after redirects
    canonical_url: str  # the page's own name for itself, absolute http(s)
    title: str
    summary: str
    image_url: str  # absolute http(s), or "" if the page has no picture
    source_name: str
    published_at: datetime | None  # aware
    media_kind: str  # one of MEDIA_KINDS, or "" if the page does not say


@dataclass(frozen=True)
class _Said:
    """What one kind of metadata says about the page, as found (not yet cleaned)."""

    title: str = ""
    summary: str = ""
    image: str = ""
    source: str = ""
    published: str = ""
    kind: str = ""  # already one of MEDIA_KINDS


def link_preview(url: str, *, allowed_networks=None) -> LinkPreview:
    """Fetch the page at url and read a preview from it, or raise PreviewError.

    allowed_networks is passed on to `fetch` (for tests with a local server).
    A page without any metadata still gives a preview, with title and summary "".
    """
    options = {} if allowed_networks is None else {"allowed_networks": allowed_networks}
    url = url.strip()
    try:
        page = fetch(url, max_bytes=PAGE_MAX_BYTES, headers=PAGE_HEADERS, **options)
    except FetchError as error:
        raise PreviewError(_fetch_error_message(error)) from None
    _check_status(page.status)
    content_type, parameters = parse_header_parameters(page.headers.get("Content-Type", ""))
    content_type = content_type.strip().lower() or _sniffed_type(page.content)
    _check_is_web_page(content_type)
    reader = _read_page(_decoded(page.content, parameters.get("charset", "")))
    base = page.final_url

    own = [_said_by_opengraph(reader.meta), _said_by_json_ld(reader.json_ld)]
    oembed = _Said()
    if reader.oembed_href and _lacks_what_oembed_gives(own, base):
        oembed = _said_by_oembed(reader.oembed_href, base=base, options=options)
    twitter = _said_by_twitter(reader.meta)
    opengraph, json_ld = own
    in_order = [opengraph, json_ld, oembed, twitter]

    titles = [said.title for said in in_order] + [reader.title, reader.heading]
    summaries = [said.summary for said in in_order] + [reader.meta.get("description", "")]
    sources = [opengraph.source, oembed.source, json_ld.source]
    return LinkPreview(
        url=url,
        final_url=page.final_url,
        canonical_url=_first(
            [reader.canonical_href, reader.meta.get("og:url", "")],
            lambda href: _web_address(href, base=base),
        )
        or page.final_url,
        title=_first(titles, lambda text: clean_text(text, max_length=TITLE_MAX)),
        summary=_first(summaries, lambda text: clean_text(text, max_length=SUMMARY_MAX)),
        image_url=_first(
            [said.image for said in in_order], lambda href: _web_address(href, base=base)
        ),
        source_name=_first(sources, lambda text: clean_text(text, max_length=SOURCE_MAX))
        or clean_text(_host_name(page.final_url), max_length=SOURCE_MAX),
        published_at=_first([said.published for said in in_order], parse_published, default=None),
        media_kind=_first([said.kind for said in in_order], str),
    )


def preview_image_fetch(image_url: str, *, allowed_networks=None) -> ContentFile | None:
    """The preview picture, fetched and cleaned like an upload (no metadata kept), or None.

    Never raises: a story is worth sharing without its picture. Why there is
    none is logged at INFO. The file is named preview.jpg, or preview.png
    for a picture with transparency.
    """
    options = {} if allowed_networks is None else {"allowed_networks": allowed_networks}
    try:
        answer = fetch(
            image_url, max_bytes=IMAGE_MAX_BYTES, headers={"Accept": "image/*"}, **options
        )
    except FetchError as error:
        logger.info("No preview image from %r: %s", image_url, error)
        return None
    if not 200 <= answer.status < 300:
        logger.info("No preview image from %r: the site answered %s.", image_url, answer.status)
        return None
    try:
        rules = (
            PREVIEW_IMAGE_RULES_TRANSPARENT
            if _is_transparent(answer.content)
            else PREVIEW_IMAGE_RULES
        )
        picture = image_clean(upload=ContentFile(answer.content), rules=rules)
    except ValidationError as error:
        logger.info("No preview image from %r: %s", image_url, " ".join(error.messages))
        return None
    except Exception:
        # Pillow reads files from strangers; a decoder bug must not fail the story.
        logger.warning("No preview image from %r: it could not be read.", image_url, exc_info=True)
        return None
    picture.name = f"preview.{rules.output_format.lower().replace('jpeg', 'jpg')}"
    return picture


def clean_text(value: str, *, max_length: int) -> str:
    """Plain, tidy text: entities decoded, markup and control characters gone,
    whitespace collapsed, and cut at a word with "…" when longer than max_length."""
    text = " ".join(html.unescape(value[:RAW_TEXT_MAX]).split())  # line breaks become spaces
    # Controls go before markup does, so "<\x00script>" cannot become a tag afterwards.
    text = without_control_characters(text, keep_newlines=False).translate(BIDI_CONTROLS)
    if "<" in text:
        text = TAG.sub(" ", COMMENT.sub(" ", SCRIPT_OR_STYLE.sub(" ", text)))
    return _shortened(" ".join(text.split()), max_length)


def parse_published(value: str) -> datetime | None:
    """An aware datetime from ISO 8601 (or an e-mail style date), or None for anything else.

    A date without a time zone is taken as local time here; a date before
    1900 or in the future is not believed.
    """
    text = " ".join(value.split())[:64]
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed.year < OLDEST_PUBLICATION_YEAR or parsed > timezone.now() + timedelta(days=1):
        return None
    return parsed


# --- Fetching -----------------------------------------------------------------


def _fetch_error_message(error: FetchError) -> str:
    # The fetcher's sentences are already for people; only "too big" is said
    # in terms of a preview.
    if isinstance(error, FetchTooBig):
        return _(
            "The page is too big to preview: it is more than %(size)s MB. "
            "You can still add a title and summary yourself."
        ) % {"size": f"{PAGE_MAX_BYTES / 1_048_576:g}"}
    return str(error)


def _check_status(status: int) -> None:
    if 200 <= status < 300:
        return
    if status == 404:
        message = _("The site answered 404: the page was not found. Check the address is right.")
    elif status == 410:
        message = _("The site answered 410: the page has been taken down.")
    elif status in (401, 403):
        message = _(
            "The site answered %(status)s: it would not show us the page. It may need a login "
            "or a subscription. You can still add a title and summary yourself."
        )
    elif status == 429:
        message = _(
            "The site answered 429: it has had too many requests. Try again in a few minutes."
        )
    elif status >= 500:
        message = _("The site answered %(status)s: it has a problem of its own. Try again later.")
    elif status >= 400:
        message = _(
            "The site answered %(status)s: it would not give us the page. "
            "Check the address is right."
        )
    else:
        message = _("The site answered %(status)s instead of giving us the page.")
    raise PreviewError(message % {"status": status})


def _sniffed_type(content: bytes) -> str:
    """A content type for an answer that did not say, from its first bytes."""
    if content.lstrip()[:5] == b"%PDF-":
        return "application/pdf"
    if content.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")) or content[8:12] == b"WEBP":
        return "image/unknown"
    return "text/html"


def _check_is_web_page(content_type: str) -> None:
    if content_type in PAGE_TYPES:
        return
    if content_type == "application/pdf":
        message = _(
            "That link is to a PDF document, not a web page, so there is no preview to show. "
            "You can still add a title and summary yourself."
        )
    elif content_type.startswith("image/"):
        message = _(
            "That link is to a picture, not a web page, so there is no preview to show. "
            "You can still add a title and summary yourself."
        )
    elif content_type.startswith(("video/", "audio/")):
        message = _(
            "That link is to a video or sound file, not a web page, so there is no preview to "
            "show. You can still add a title and summary yourself."
        )
    elif MIME_TYPE.fullmatch(content_type):
        message = _(
            "That link is to a file of type “%(type)s”, not a web page, so there is no preview "
            "to show. You can still add a title and summary yourself."
        ) % {"type": content_type}
    else:
        message = _(
            "That link is to a file, not a web page, so there is no preview to show. "
            "You can still add a title and summary yourself."
        )
    raise PreviewError(message)


def _decoded(content: bytes, charset: str) -> str:
    """The page as text: a byte order mark, else the header's charset, else a
    <meta> charset near the top, else UTF-8 (bad bytes become "\ufffd")."""
    for mark, encoding in BYTE_ORDER_MARKS:
        if content.startswith(mark):
            return content[len(mark) :].decode(encoding, errors="replace")
    encoding = _encoding_named(charset)
    if encoding is None:
        declared = META_CHARSET.search(content[:CHARSET_SNIFF_BYTES])
        encoding = _encoding_named(declared.group(1).decode("ascii")) if declared else None
        if encoding and encoding.startswith("utf_16"):
            encoding = "utf-8"  # the page was readable as ASCII, so it is not UTF-16
    try:
        return content.decode(encoding or "utf-8", errors="replace")
    except LookupError:  # a codec that is not a text encoding ("base64", "rot13")
        return content.decode("utf-8", errors="replace")


def _encoding_named(label: str) -> str | None:
    label = label.strip().strip("\"'").lower()
    if not label:
        return None
    if label in WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return None if name == "utf-7" else name  # UTF-7 is how old filters were evaded


# --- Reading the page -----------------------------------------------------------


class _PageReader(HTMLParser):
    """Collects what a preview needs: meta tags, <title>, the first <h1>,
    canonical and oEmbed links, and JSON-LD blocks (each bounded in size)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.heading = ""
        self.canonical_href = ""
        self.oembed_href = ""
        self.json_ld: list[str] = []
        self._text_of = ""  # "title" or "h1" while inside the first one
        self._text: list[str] = []
        self._text_size = 0
        self._in_json_ld = False
        self._json: list[str] = []
        self._json_size = 0
        self._svg_depth = 0

    def handle_starttag(self, tag, attrs):
        found: dict[str, str] = {}
        for name, value in attrs:
            found.setdefault(name, value or "")
        if tag == "meta":
            self._meta(found)
        elif tag == "link":
            self._link(found)
        elif tag == "svg":
            self._svg_depth += 1  # an SVG <title> names a drawing, not the page
        elif tag == "title" and not (self.title or self._text_of or self._svg_depth):
            self._text_of, self._text, self._text_size = "title", [], 0
        elif tag == "h1" and not (self.heading or self._text_of):
            self._text_of, self._text, self._text_size = "h1", [], 0
        elif (
            tag == "script"
            and found.get("type", "").strip().lower() == "application/ld+json"
            and len(self.json_ld) < JSON_LD_MAX_BLOCKS
        ):
            self._in_json_ld, self._json, self._json_size = True, [], 0

    def handle_endtag(self, tag):
        if tag == "svg" and self._svg_depth:
            self._svg_depth -= 1
        elif tag == "script" and self._in_json_ld:
            self._in_json_ld = False
            if self._json_size <= JSON_LD_MAX_CHARS:  # too big is dropped, not cut into bad JSON
                self.json_ld.append("".join(self._json))
        elif tag == self._text_of:
            setattr(self, "title" if tag == "title" else "heading", "".join(self._text))
            self._text_of = ""

    def handle_data(self, data):
        if self._in_json_ld:
            self._json_size += len(data)
            if self._json_size <= JSON_LD_MAX_CHARS:
                self._json.append(data)
        elif self._text_of and self.cdata_elem is None and self._text_size < RAW_TEXT_MAX:
            self._text.append(data[: RAW_TEXT_MAX - self._text_size])
            self._text_size += len(data)

    def _meta(self, found: dict[str, str]) -> None:
        name = (found.get("property") or found.get("name") or "").strip().lower()
        content = found.get("content", "")
        if name in META_NAMES and content.strip() and name not in self.meta:
            self.meta[name] = content[:RAW_TEXT_MAX]

    def _link(self, found: dict[str, str]) -> None:
        rel = found.get("rel", "").lower().split()
        href = found.get("href", "")
        if not href.strip():
            return
        if "canonical" in rel and not self.canonical_href:
            self.canonical_href = href
        elif (
            "alternate" in rel
            and found.get("type", "").strip().lower() == "application/json+oembed"
            and not self.oembed_href
        ):
            self.oembed_href = href


def _read_page(text: str) -> _PageReader:
    reader = _PageReader()
    deadline = time.monotonic() + PARSE_SECONDS
    for start in range(0, len(text), PARSE_PIECE):
        reader.feed(text[start : start + PARSE_PIECE])
        # rawdata is what the parser holds back, waiting for the end of a construct.
        stuck = reader.cdata_elem is None and len(reader.rawdata) > PARSE_PENDING_MAX
        if stuck or time.monotonic() > deadline:
            logger.info("Stopped reading a page at character %s of %s.", start, len(text))
            break
    return reader


def _said_by_opengraph(meta: dict[str, str]) -> _Said:
    kind = meta.get("og:type", "").strip().lower()
    return _Said(
        title=meta.get("og:title", ""),
        summary=meta.get("og:description", ""),
        image=meta.get("og:image")
        or meta.get("og:image:secure_url")
        or meta.get("og:image:url", ""),
        source=meta.get("og:site_name", ""),
        published=meta.get("article:published_time", ""),
        kind=OPENGRAPH_KINDS.get(kind) or OPENGRAPH_KINDS.get(kind.split(".")[0], ""),
    )


def _said_by_twitter(meta: dict[str, str]) -> _Said:
    return _Said(
        title=meta.get("twitter:title", ""),
        summary=meta.get("twitter:description", ""),
        image=meta.get("twitter:image") or meta.get("twitter:image:src", ""),
    )


def _said_by_json_ld(blocks: list[str]) -> _Said:
    """What the first article, post or video described in the page's JSON-LD says."""
    nodes: list[dict] = []
    for block in blocks:
        try:
            data = json.loads(block, strict=False)  # sites often leave raw newlines in strings
        except (ValueError, RecursionError):
            continue
        _collect_nodes(data, nodes, depth=0)
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    for node in nodes:
        kind = _json_ld_kind(node)
        if not kind:
            continue
        publisher = _json_ld_resolved(_json_ld_first(node.get("publisher")), by_id)
        if isinstance(publisher, dict):
            publisher = publisher.get("name")
        return _Said(
            title=_json_ld_text(node.get("headline")) or _json_ld_text(node.get("name")),
            summary=_json_ld_text(node.get("description")),
            image=_json_ld_image(node.get("image"), by_id)
            or _json_ld_image(node.get("thumbnailUrl"), by_id),
            source=_json_ld_text(publisher),
            published=_json_ld_text(node.get("datePublished"))
            or _json_ld_text(node.get("uploadDate")),
            kind=kind,
        )
    return _Said()


def _collect_nodes(value, nodes: list[dict], *, depth: int) -> None:
    """Objects in document order, opening lists, @graph and mainEntity (bounded)."""
    if depth > JSON_LD_MAX_DEPTH or len(nodes) >= JSON_LD_MAX_NODES:
        return
    if isinstance(value, list):
        for item in value[:JSON_LD_MAX_NODES]:
            _collect_nodes(item, nodes, depth=depth + 1)
    elif isinstance(value, dict):
        nodes.append(value)
        for key in ("@graph", "mainEntity"):
            if key in value:
                _collect_nodes(value[key], nodes, depth=depth + 1)


def _json_ld_kind(node: dict) -> str:
    types = node.get("@type")
    for name in types if isinstance(types, list) else [types]:
        if isinstance(name, str):
            # "NewsArticle", "schema:NewsArticle" and "https://schema.org/NewsArticle" alike
            kind = JSON_LD_KINDS.get(re.split(r"[/:#]", name.strip())[-1].lower())
            if kind:
                return kind
    return ""


def _json_ld_first(value):
    return value[0] if isinstance(value, list) and value else value


def _json_ld_resolved(value, by_id: dict):
    """An object given only as a reference ({"@id": ...}) elsewhere in the graph."""
    if isinstance(value, dict) and isinstance(value.get("@id"), str) and len(value) == 1:
        return by_id.get(value["@id"], value)
    return value


def _json_ld_text(value) -> str:
    value = _json_ld_first(value)
    if isinstance(value, dict):
        value = value.get("@value")
    return value if isinstance(value, str) else ""


def _json_ld_image(value, by_id: dict) -> str:
    value = _json_ld_resolved(_json_ld_first(value), by_id)
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return _json_ld_text(value)


def _lacks_what_oembed_gives(own: list[_Said], base: str) -> bool:
    """Whether the page's own metadata misses a field oEmbed could fill."""
    return not (
        _first([said.title for said in own], _plain)
        and _first([said.image for said in own], lambda href: _web_address(href, base=base))
        and _first([said.kind for said in own], str)
        and _plain(own[0].source)
    )


def _said_by_oembed(href: str, *, base: str, options: dict) -> _Said:
    """What the page's oEmbed endpoint says; nothing if it fails in any way."""
    address = _web_address(href, base=base)
    if not address:
        return _Said()
    try:
        answer = fetch(
            address, max_bytes=OEMBED_MAX_BYTES, headers={"Accept": "application/json"}, **options
        )
    except FetchError as error:
        logger.info("oEmbed %r not fetched: %s", address, error)
        return _Said()
    data = _oembed_data(answer)
    if data is None:
        logger.info("oEmbed %r gave no usable answer (status %s).", address, answer.status)
        return _Said()

    def text(key: str) -> str:
        value = data.get(key)
        return value if isinstance(value, str) else ""

    return _Said(
        title=text("title"),
        image=_web_address(text("thumbnail_url"), base=answer.final_url),
        source=text("provider_name") or text("author_name"),
        kind=OEMBED_KINDS.get(text("type").strip().lower(), ""),
    )


def _oembed_data(answer: FetchResult) -> dict | None:
    if answer.status != 200:
        return None
    try:
        data = json.loads(answer.content)
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


# --- Values ---------------------------------------------------------------------


def _first(candidates, clean, *, default=""):
    """The first candidate that is still something once cleaned."""
    for candidate in candidates:
        if candidate:
            cleaned = clean(candidate)
            if cleaned:
                return cleaned
    return default


def _plain(text: str) -> str:
    return clean_text(text, max_length=RAW_TEXT_MAX)


def _web_address(href: str, *, base: str) -> str:
    """href made absolute against base, if it is then an http(s) address with a
    host and no password; else "" (javascript:, data:, mailto: and the like)."""
    href = href.strip()
    if not href or len(href) > URL_MAX:
        return ""
    try:
        address = urljoin(base, href)  # also drops tabs and newlines, as browsers do
        parts = urlsplit(address)
        _port = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        return ""
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or len(address) > URL_MAX
        or any(ord(char) < 0x20 or ord(char) == 0x7F for char in address)
    ):
        return ""
    return address


def _host_name(url: str) -> str:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    try:
        return host.encode("ascii").decode("idna")  # "xn--" names as people write them
    except UnicodeError:
        return host


def _shortened(text: str, max_length: int) -> str:
    if len(text) <= max_length:
        return text
    cut = text[: max_length - 1]  # room for the "…"
    if text[max_length - 1] != " ":
        space = cut.rfind(" ")
        if space > max_length // 2:  # a very long word is cut where it must be
            cut = cut[:space]
    return cut.rstrip(" ,;:.-\u2013\u2014") + "…"


def _is_transparent(content: bytes) -> bool:
    """Whether the picture has see-through parts (Pillow reads only its header here)."""
    try:
        with Image.open(io.BytesIO(content)) as picture:
            return picture.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
                "transparency" in picture.info
            )
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
        return False  # image_clean says what is wrong with it
