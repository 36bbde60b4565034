"""Markdown written by people, rendered to HTML that is safe to show to anyone."""

from __future__ import annotations

import functools
import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def render_markdown(text: str, *, images_from: str = "") -> SafeString:
    """Render Markdown and sanitise the result: no scripts, no javascript: links.

    The result depends only on the arguments, so the last texts rendered are kept
    (per process): an entry page or a feed shows the same texts again and
    again, and each render costs about a quarter of a millisecond. Keyed by
    the text itself, a kept result cannot go stale, and no stored copy has
    to follow every way a text is written (imports write in bulk).

    Raw HTML in the source is escaped by the parser, and nh3 then removes any
    tag, attribute or URL scheme not on the allow lists; links get
    rel="nofollow noopener noreferrer ugc" because they are user content.

    Images are dropped, unless `images_from` is given: then an image whose
    address starts with it (this site's own, cleaned uploads) is kept. An
    image from anywhere else would tell that site who reads the page.
    """
    return _render(text or "", images_from)


@functools.lru_cache(maxsize=2048)
def _render(text: str, images_from: str) -> SafeString:
    html = _md.render(text)
    tags, attributes, attribute_filter = ALLOWED_TAGS, ALLOWED_ATTRIBUTES, None
    if images_from:
        tags = ALLOWED_TAGS | {"img"}
        attributes = {**ALLOWED_ATTRIBUTES, "img": {"src", "alt", "title"}}

        def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
            if tag == "img" and attribute == "src":
                # Only a file in that folder: no way up and out of it, no query.
                inside = value.startswith(images_from) and ".." not in value and "?" not in value
                return value if inside else None
            return value

    clean = nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        attribute_filter=attribute_filter,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )
    if images_from:
        # An image whose address was refused is left without one: drop it whole.
        clean = _IMG_WITHOUT_SRC.sub("", clean)
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
