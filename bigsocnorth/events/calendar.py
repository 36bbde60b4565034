"""Gatherings as iCalendar (RFC 5545), written with the `icalendar` library.

One VEVENT per gathering (a series is one VEVENT with its RRULE, so a
calendar repeats it on the London wall clock as the site does), times with
TZID=Europe/London and the VTIMEZONE that defines it. What goes in is what
the public page shows a visitor: never the online link, except in a
member's private "going" calendar (`going_calendar_token`), and there only
as the gathering's page would show it to them.

Which gatherings a calendar holds is decided by the caller (feed_views.py)
through the selectors' visibility rule; this module only writes them.
"""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from bigsocnorth.core.feeds import absolute_url
from bigsocnorth.core.markdown import render_markdown
from bigsocnorth.events import recurrence
from bigsocnorth.events.models import Gathering, GatheringState

# A calendar is a file people subscribe to, not a page: it holds at most this many.
CALENDAR_MAX = 500
# Each public gathering's VEVENT is kept in the process's "pieces" cache until the gathering
# changes (its key holds the time of the change): a calendar of hundreds then costs reading
# them, not writing them again, on every request. The benchmark turns it off to measure the
# naive way.
KEEP_EVENTS = True
KEPT_SECONDS = 7 * 24 * 3600
DESCRIPTION_CHARS = 3_000
CONTENT_TYPE = "text/calendar; charset=utf-8"
STATUS = {
    GatheringState.TENTATIVE: "TENTATIVE",
    GatheringState.CONFIRMED: "CONFIRMED",
    # Postponed to a new date that the organisers have not confirmed yet.
    GatheringState.POSTPONED: "TENTATIVE",
    GatheringState.CANCELLED: "CANCELLED",
}
GOING_SALT = "events.going-calendar"


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def gathering_uid(gathering: Gathering) -> str:
    """Stable for the gathering's life: its open data identifier, never its slug or title."""
    return f"{gathering.uuid}@{_domain()}"


def _whole(gatherings: QuerySet[Gathering]) -> QuerySet[Gathering]:
    """Everything an event is written from."""
    return gatherings.select_related("local_authority", "author__profile").defer(
        "local_authority__boundary"
    )


def calendar_gatherings(gatherings: QuerySet[Gathering]) -> list[Gathering]:
    """Which gatherings a calendar holds, in order, read lightly (id, title, when changed):
    an event kept since its gathering last changed needs nothing more (calendar_bytes loads
    the others whole, in one query)."""
    return list(
        gatherings.order_by("starts_at", "pk").values_list("pk", "title", "updated_at", named=True)[
            :CALENDAR_MAX
        ]
    )


def _rrule(gathering: Gathering) -> dict | None:
    """The stored rule for iCalendar: UNTIL as a UTC time, as RFC 5545 wants with a TZID."""
    if not gathering.recurrence:
        return None
    rule = recurrence.rule_parse(gathering.recurrence)
    parts: dict = {"freq": rule.freq}
    if rule.interval != 1:
        parts["interval"] = rule.interval
    if rule.weekday is not None:
        day = recurrence.DAYS[rule.weekday]
        parts["byday"] = f"{rule.nth}{day}" if rule.freq == recurrence.MONTHLY else day
    if rule.count is not None:
        parts["count"] = rule.count
    else:
        last = datetime.combine(rule.until, time(23, 59, 59), tzinfo=recurrence.LONDON)
        parts["until"] = last.astimezone(UTC)
    return parts


def location_text(gathering: Gathering) -> str:
    if not gathering.in_person:
        return _("Online")
    parts = [gathering.venue_name, gathering.venue_address]
    if not gathering.venue_name and not gathering.venue_address:
        parts = [gathering.place_name]
    if gathering.local_authority_id and not gathering.venue_address:
        parts.append(gathering.local_authority.name)
    if gathering.online:
        parts.append(_("and online"))
    return ", ".join(part for part in parts if part)


def description_text(markdown: str, *, chars: int = DESCRIPTION_CHARS) -> str:
    """The description as plain text: rendered by the site's sanitiser, then its tags dropped."""
    text = html.unescape(strip_tags(str(render_markdown(markdown or ""))))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    text = "\n".join(line for line in lines if line)
    if len(text) > chars:
        text = text[: chars - 1].rsplit(" ", 1)[0] + "…"
    return text


def _description(gathering: Gathering, *, link: str) -> str:
    lines = []
    if gathering.state in (GatheringState.CANCELLED, GatheringState.POSTPONED):
        if gathering.state == GatheringState.CANCELLED:
            lines.append(_("Cancelled."))
        elif gathering.postponed_from:
            was = timezone.localtime(gathering.postponed_from, recurrence.LONDON)
            day = f"{was:%A} {was.day} {was:%B %Y}"
            lines.append(_("Postponed: it was to be on %(day)s.") % {"day": day})
        if gathering.state_note:
            lines.append(gathering.state_note)
        lines.append("")
    lines.append(description_text(gathering.description))
    if link:
        lines += ["", _("Join online: %(link)s") % {"link": link}]
    page = absolute_url(gathering.get_absolute_url())
    lines += ["", _("More, and to say you are coming: %(page)s") % {"page": page}]
    return "\n".join(lines)


def gathering_event(gathering: Gathering, *, link: str = "", summary_prefix: str = "") -> Event:
    """One gathering as a VEVENT. `link` is the online link, given only where it may be shown.

    DTSTAMP is when the gathering last changed: in a calendar without a
    METHOD, RFC 5545 makes it the time the event was last revised, which
    also keeps the event's text the same until it changes (KEEP_EVENTS).
    """
    event = Event()
    event.add("uid", gathering_uid(gathering))
    changed = (gathering.updated_at or timezone.now()).astimezone(UTC).replace(microsecond=0)
    event.add("dtstamp", changed)
    event.add("dtstart", timezone.localtime(gathering.starts_at, recurrence.LONDON))
    event.add("dtend", timezone.localtime(gathering.ends_at, recurrence.LONDON))
    rule = _rrule(gathering)
    if rule is not None:
        event.add("rrule", rule)
    event.add("summary", summary_prefix + gathering.title)
    event.add("description", _description(gathering, link=link))
    event.add("status", STATUS.get(gathering.state, "CONFIRMED"))
    event.add("url", absolute_url(gathering.get_absolute_url()))
    location = location_text(gathering)
    if location:
        event.add("location", location)
    if gathering.in_person and gathering.has_place:
        # The point the map shows anyone (already rounded when only roughly where).
        event.add("geo", (gathering.latitude, gathering.longitude))
    event.add("last-modified", changed)
    if gathering.tags:
        event.add("categories", [tag.strip() for tag in gathering.tags.split(",") if tag.strip()])
    return event


def _kept_key(gathering, language: str) -> str:
    changed = gathering.updated_at.timestamp() if gathering.updated_at else 0
    return f"events:vevent:{gathering.pk}:{changed}:{language}"


def _events_bytes(gatherings: list, *, links: dict, prefixes: dict) -> list[bytes]:
    """Each gathering's VEVENT, as text, in order: kept ones read in one go, the rest written
    (and kept). Events with a private link or a prefix are a member's own: never kept.
    `gatherings` need only pk and updated_at (calendar_gatherings' rows, or gatherings)."""
    language = get_language()
    keys = {
        g.pk: _kept_key(g, language)
        for g in gatherings
        if g.pk not in links and g.pk not in prefixes
    }
    kept = caches["pieces"].get_many(list(keys.values())) if KEEP_EVENTS and keys else {}
    missing = [g.pk for g in gatherings if keys.get(g.pk) not in kept]
    whole = _whole(Gathering.objects.all()).in_bulk(missing) if missing else {}
    written = {}
    found = []
    for listed in gatherings:
        key = keys.get(listed.pk)
        text = kept.get(key) if key else None
        if text is None:
            gathering = whole.get(listed.pk)
            if gathering is None:  # gone since it was listed
                continue
            text = gathering_event(
                gathering,
                link=links.get(gathering.pk, ""),
                summary_prefix=prefixes.get(gathering.pk, ""),
            ).to_ical()
            if key:
                written[key] = text
        found.append(text)
    if KEEP_EVENTS and written:
        caches["pieces"].set_many(written, timeout=KEPT_SECONDS)
    return found


@lru_cache(maxsize=4)
def _london_timezone(year: int) -> bytes:
    """The Europe/London VTIMEZONE the events' times refer to, from a year before this one to
    seven after (gatherings start at most three years ahead and repeat for two more)."""
    holder = Calendar()
    event = Event()
    event.add("dtstart", datetime(year, 6, 1, 12, tzinfo=recurrence.LONDON))
    holder.add_component(event)
    holder.add_missing_timezones(first_date=date(year - 1, 1, 1), last_date=date(year + 7, 1, 1))
    return b"".join(part.to_ical() for part in holder.subcomponents if part.name == "VTIMEZONE")


def calendar_bytes(
    gatherings: list,
    *,
    name: str,
    links: dict[int, str] | None = None,
    prefixes: dict[int, str] | None = None,
    now: datetime | None = None,
) -> bytes:
    """The whole VCALENDAR, with the Europe/London VTIMEZONE its times refer to."""
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Gatherings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    # The calendar's own lines, then its parts: written once, kept, or shared by every calendar.
    head = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    if not head.endswith(end):
        raise ValueError("icalendar wrote an unexpected calendar ending")
    events = _events_bytes(gatherings, links=links or {}, prefixes=prefixes or {})
    timezone_part = _london_timezone(now.year) if gatherings else b""
    return head[: -len(end)] + timezone_part + b"".join(events) + end


# --- The private "going" calendar's address ------------------------------------------------


def going_calendar_token(*, user, anchor) -> str:
    """The signed part of a member's private calendar address.

    `anchor` is the personal API token (accounts.ApiToken) the address hangs
    on: revoking it, on the profile page or with "make a new address",
    stops the address working. Only the token's id and a piece of its stored
    hash are signed in, never a secret that opens anything else.
    """
    return signing.dumps([user.pk, anchor.pk, anchor.key_hash[:16]], salt=GOING_SALT)


def going_calendar_read(token: str, *, max_age: timedelta | None = None):
    """(user id, anchor id, hash piece) from a token, or None when it is forged or garbled."""
    try:
        value = signing.loads(token, salt=GOING_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 3
        or not all(isinstance(part, int) for part in value[:2])
        or not isinstance(value[2], str)
    ):
        return None
    return value[0], value[1], value[2]
