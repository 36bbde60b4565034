"""What a post's text says beyond its words: who it mentions, what it quotes, where it links.

Read once when a post is written (the mentions and links are stored with
it), so showing a page of posts never parses them again. Code (fenced
blocks and `inline code`) is left alone: "@admin" in a code sample mentions
nobody.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from bigsocnorth.core.markdown import render_markdown

_FENCE = re.compile(r"^(```|~~~)")
_INLINE_CODE = re.compile(r"`[^`\n]*`")
# "@handle" where a handle is a profile's web address name; not inside an
# email address or a URL.
_MENTION = re.compile(r"(?<![\w@/.:-])@([a-z0-9][a-z0-9_-]{0,99})", re.IGNORECASE)
_QUOTED_POST = re.compile(r"/forum/posts/(\d{1,12})/")
_LINK = re.compile(r"https?://[^\s)<>\]]+|\]\((/[^\s)]*)\)", re.IGNORECASE)


@dataclass
class PostText:
    handles: list[str] = field(default_factory=list)
    quoted_post_ids: list[int] = field(default_factory=list)
    # Addresses on this site ("/stories/a-story/"), in order: shown as cards.
    site_paths: list[str] = field(default_factory=list)
    link_count: int = 0


def _prose_lines(body: str):
    """The lines of the text outside code fences, with inline code blanked out."""
    in_fence = False
    for line in body.splitlines():
        if _FENCE.match(line.lstrip()):
            in_fence = not in_fence
            continue
        if not in_fence:
            yield _INLINE_CODE.sub(" ", line)


def _site_path(url: str) -> str | None:
    site = urlsplit(settings.SITE_URL)
    parts = urlsplit(url)
    if url.startswith("/") and not url.startswith("//"):
        path = parts.path
    elif parts.scheme in ("http", "https") and parts.netloc == site.netloc:
        path = parts.path or "/"
    else:
        return None
    return path if path.endswith("/") else None


def post_text_read(body: str) -> PostText:
    text = PostText()
    for line in _prose_lines(body or ""):
        for match in _MENTION.finditer(line):
            handle = match.group(1).lower()
            if handle not in text.handles:
                text.handles.append(handle)
        if line.lstrip().startswith(">"):
            for match in _QUOTED_POST.finditer(line):
                post_id = int(match.group(1))
                if post_id not in text.quoted_post_ids:
                    text.quoted_post_ids.append(post_id)
        for match in _LINK.finditer(line):
            url = match.group(1) or match.group(0)
            text.link_count += 1
            path = _site_path(url.rstrip(".,;!?"))
            if path and path not in text.site_paths:
                text.site_paths.append(path)
    return text


def _with_mention_links(body: str, handles: list[str]) -> str:
    """The Markdown with each known @handle made a link to that person's page."""
    if not handles:
        return body
    known = set(handles)
    lines, in_fence = [], False
    for line in body.splitlines():
        if _FENCE.match(line.lstrip()):
            in_fence = not in_fence
        elif not in_fence and "@" in line:
            pieces = re.split(r"(`[^`\n]*`)", line)
            for index in range(0, len(pieces), 2):
                pieces[index] = _MENTION.sub(lambda m: _mention_link(m, known), pieces[index])
            line = "".join(pieces)
        lines.append(line)
    return "\n".join(lines)


def _mention_link(match: re.Match, known: set[str]) -> str:
    handle = match.group(1).lower()
    if handle not in known:
        return match.group(0)
    url = reverse("accounts:profile_detail", kwargs={"handle": handle})
    return f"[@{handle}]({url})"


def post_html(body: str, handles: list[str]) -> SafeString:
    """A post's text as safe HTML, its mentions linked (rendered results are kept per process)."""
    return render_markdown(_with_mention_links(body, handles))


def plain_text(body: str, *, chars: int = 280) -> str:
    """The start of a post as plain text (Markdown quote marks and code left out)."""
    words = " ".join(line.lstrip("> ").strip() for line in _prose_lines(body or "") if line.strip())
    if len(words) > chars:
        words = words[: chars - 1].rsplit(" ", 1)[0] + "…"
    return words


def plain_excerpt(body: str, *, chars: int = 280) -> SafeString:
    """The start of a post, escaped, for "in reply to" and cards."""
    return mark_safe(escape(plain_text(body, chars=chars)))  # noqa: S308 - escaped


def quote_block(*, body: str, author_name: str, post_url: str, part: str = "") -> str:
    """The Markdown that quotes a post (or the part of it chosen): a link to it, then its lines."""
    quoted = (part or body).strip()
    lines = [f"> [{author_name} wrote]({post_url}):", ">"]
    lines += [f"> {line}" if line.strip() else ">" for line in quoted.splitlines()]
    return "\n".join(lines) + "\n\n"
