"""The words of an emailed reply: its text (HTML made plain), without the quoted message,
the signature or "Sent from my phone".

Mail programs quote the message being answered in many ways: "On … wrote:"
in many languages, Outlook's "From: … Sent: …" block or a rule of
underscores, "-----Original Message-----", lines starting with ">". What
comes after the first of them is the old message, unless the new words are
below it; what is left is the reply.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from html.parser import HTMLParser

import nh3

_BLOCK_TAGS = {
    "address",
    "article",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
}
# Quoted messages (Gmail, Apple Mail, Thunderbird put them in a blockquote)
# and what is never text.
_DROPPED_TAGS = {"blockquote", "script", "style", "title", "head"}
_OUTLOOK_RULE = "_" * 32


class _HtmlText(HTMLParser):
    """Plain text from HTML already cleaned by nh3: one line per block, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.pre = 0

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")
        elif tag == "hr":
            # Outlook separates the message answered with a rule.
            self.parts.append(f"\n{_OUTLOOK_RULE}\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "pre":
            self.pre += 1

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS and tag not in {"br", "hr", "li"}:
            self.parts.append("\n")
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data):
        self.parts.append(data if self.pre else re.sub(r"\s+", " ", data))

    def text(self) -> str:
        lines = [line.strip() for line in "".join(self.parts).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    cleaned = nh3.clean(
        html,
        tags=_BLOCK_TAGS,
        clean_content_tags=_DROPPED_TAGS,
        attributes={},
        strip_comments=True,
    )
    parser = _HtmlText()
    parser.feed(cleaned)
    parser.close()
    return parser.text()


def _unflow(text: str, *, delsp: bool) -> str:
    """Undo format=flowed (RFC 3676): a line ending in a space goes on in the next."""
    lines: list[str] = []
    current: str | None = None
    current_depth = 0
    for raw in text.split("\n"):
        depth = len(raw) - len(raw.lstrip(">"))
        body = raw[depth:]
        if body.startswith(" "):
            body = body[1:]  # space-stuffing
        if current is not None and depth == current_depth:
            current += body
        else:
            if current is not None:
                lines.append(">" * current_depth + (" " if current_depth else "") + current)
            current, current_depth = body, depth
        if body.endswith(" ") and body != "-- ":
            if delsp:
                current = current[:-1]
            continue
        lines.append(">" * depth + (" " if depth else "") + current)
        current = None
    if current is not None:
        lines.append(">" * current_depth + (" " if current_depth else "") + current)
    return "\n".join(lines)


def _part_text(part: EmailMessage) -> str:
    try:
        text = part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        text = payload.decode("utf-8", errors="replace")
    if not isinstance(text, str):
        text = bytes(text).decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def message_text(message: EmailMessage) -> str:
    """The message's own text: its plain text part, else its HTML as text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = _part_text(part)
    if part.get_content_type() == "text/html":
        return html_to_text(text)
    if str(part.get_param("format", "")).lower() == "flowed":
        text = _unflow(text, delsp=str(part.get_param("delsp", "")).lower() == "yes")
    return text


# What starts the message answered ("On Mon, 7 Dec 2026 at 10:00, Ann <…> wrote:"),
# in the languages members are likely to write in: an opening word, a date (so a
# digit), and the verb at the end; German and Dutch name the writer after the verb
# ("Am …, 10:00 schrieb Ann <ann@example.org>:"). Clients wrap it over up to 3 lines.
_OPENER = re.compile(r"^\W{0,3}(?:on|am|le|el|op|il|em|w dniu|den|ar)\b", re.IGNORECASE)
_WROTE_END = re.compile(
    r"\b(?:wrote|writes|schrieb|a écrit|escribió|schreef|ha scritto|escreveu|pisze|skrev"
    r"|ysgrifennodd)\b(?:[^:]{0,200}:|\W{0,3})\s*$",
    re.IGNORECASE,
)
ATTRIBUTION_MAX = 500
# Only the start of a long text is read: the new text is at the top, and a
# reply is at most Post.BODY_MAX characters anyway.
TEXT_READ_MAX = 500_000
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(original message|forwarded message|ursprüngliche nachricht"
    r"|message d'origine|mensaje original|oorspronkelijk bericht|messaggio originale)"
    r"\s*-{2,}\s*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*_{20,}\s*$")
_HEADER_FROM = re.compile(r"^\s*\*?(from|von|de|van|da|od)\s*:\*?\s*\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\*?(sent|date|to|subject|gesendet|datum|an|betreff|envoyé|à|objet|enviado"
    r"|fecha|para|asunto|verzonden|aan|onderwerp|inviato|data|oggetto)\s*:",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^-- ?$")
_DEVICE_LINE = re.compile(
    r"^\s*(sent from my \S+( \S+){0,3}|sent from (mail|outlook|yahoo mail|gmail|aol)"
    r"( for \S+)?|sent via \S+( \S+){0,3}|get outlook for (ios|android)"
    r"|envoyé de mon \S+|von meinem \S+( \S+)? gesendet|enviado desde mi \S+)\s*\.?$",
    re.IGNORECASE,
)


def _device_line(line: str) -> bool:
    return len(line) <= 100 and bool(_DEVICE_LINE.match(line))


def _quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _wrote_header(lines: list[str], index: int) -> int:
    """How many lines an "On …, Ann wrote:" line spans from here, or 0."""
    if not _OPENER.match(lines[index]):
        return 0
    for span in (1, 2, 3):
        if index + span > len(lines):
            break
        joined = " ".join(line.strip() for line in lines[index : index + span])
        if len(joined) > ATTRIBUTION_MAX:
            break
        if any(character.isdigit() for character in joined) and _WROTE_END.search(joined):
            return span
    return 0


def _quote_start(lines: list[str], index: int) -> bool:
    """Whether the message answered (not a quote within the text) begins here."""
    line = lines[index]
    if _ORIGINAL_MESSAGE.match(line) or _RULE.match(line):
        return True
    if _HEADER_FROM.match(line):
        following = lines[index + 1 : index + 5]
        return sum(1 for other in following if _HEADER_NEXT.match(other)) >= 2
    return False


def reply_text_strip(text: str) -> str:
    """The new text of a reply: without the message answered, signatures and device lines.

    Cuts at the first line that starts the message answered ("On …, Ann
    wrote:", "-----Original Message-----", Outlook's "From: … Sent: …" block
    or its rule). An "On … wrote:" with nothing above it (a reply written
    below the quote) is dropped with its quote, and the text after it kept.
    Then the signature ("-- "), and quoted lines and "Sent from my iPhone"
    lines at the end, are taken off. Quotes between the new lines stay.
    """
    text = str(text or "")[:TEXT_READ_MAX]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    written_above = False
    index = 0
    while index < len(lines):
        span = _wrote_header(lines, index)
        if span and not written_above:
            # Written below the quote: drop the attribution and the quote under it.
            index += span
            while index < len(lines) and (_quoted(lines[index]) or not lines[index].strip()):
                index += 1
            continue
        if span or _quote_start(lines, index):
            break
        line = lines[index]
        kept.append(line)
        written_above = written_above or bool(line.strip() and not _quoted(line))
        index += 1
    lines = kept
    # The signature delimiter closest to the end (a signature is the last thing).
    for index in range(len(lines) - 1, -1, -1):
        if _SIGNATURE.match(lines[index]):
            lines = lines[:index]
            break
    while lines and (not lines[-1].strip() or _quoted(lines[-1]) or _device_line(lines[-1])):
        lines.pop()
    first = next((index for index, line in enumerate(lines) if line.strip()), len(lines))
    return "\n".join(line.rstrip() for line in lines[first:])


# --- Handling one message ---------------------------------------------------------
