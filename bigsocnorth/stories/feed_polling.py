"""Polling directory entries' RSS and Atom feeds: each new item becomes a linked story.

Only feeds whose entry's editors switched them on are polled
(stories.feed_sources). A scheduler calls `feeds_due_enqueue` every minute
or so; it claims the sources that are due and queues one `feed_poll_task`
each, which the task worker runs.

A feed is someone else's document, so it is treated as hostile: it is
fetched only through core.fetch (public addresses, 10 seconds, 2 MB), given
to feedparser as bytes (feedparser never fetches anything itself), refused
when it declares XML entities (entity expansion) or has absurdly many
items, and only titles, plain-text summaries and http(s) links are kept.
"""

from __future__ import annotations

import hashlib
import html
import io
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice

import feedparser
import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from feedparser.encodings import convert_to_utf8

from bigsocnorth.core.fetch import FetchError, fetch
from bigsocnorth.core.text import without_control_characters
from bigsocnorth.directory.models import Entry
from bigsocnorth.moderation import lifecycle
from bigsocnorth.moderation.changes import content_changed
from bigsocnorth.moderation.models import Status
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.stories.feed_sources import feed_source_follow_entry
from bigsocnorth.stories.models import FeedSource, PreviewState, Story, StoryKind
from bigsocnorth.stories.services import check_story_url, story_unique_slug

logger = logging.getLogger(__name__)

FEED_ITEMS_PER_POLL = 20
# Switching on an old blog must not flood the stories page with its archive.
FEED_ITEMS_FIRST_POLL = 5
FEED_MAX_BYTES = 2 * 1_048_576
FEED_TIMEOUT = 10.0  # seconds for the whole fetch
FEED_MAX_BACKOFF = timedelta(hours=24)
# A claim older than this belongs to a worker that died: the source may be claimed again.
FEED_CLAIM_EXPIRES = timedelta(minutes=15)
# Parsing is linear but not cheap (about 0.1 ms per item, and memory per item):
# a 2 MB document of empty items would be 150,000 of them. No real feed has this many.
FEED_MAX_ITEMS = 20_000
# Likewise for the forgiving parser that reads broken feeds, at about 8 µs a tag (a real
# feed of 2 MB full of HTML has fewer than 300,000).
FEED_MAX_TAGS = 500_000
FEEDS_ENQUEUED_MAX = 500  # per call of feeds_due_enqueue; the next call takes the rest

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)

_NOT_A_FEED = gettext_noop(
    "This is not an RSS or Atom feed. Check that the address is of the feed itself, "
    "not of a web page."
)
_UNEXPECTED = gettext_noop("Something went wrong reading this feed. We will try again later.")
_ENTITY_DECLARATION = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
_ITEM_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s/>]", re.IGNORECASE)
_HTML_START = re.compile(
    rb"^(?:\s|<\?[^>]*>|<!--.*?-->)*<(?:!doctype\s+html|html[\s>])", re.I | re.S
)


class PollStatus:
    NEW = "new"  # the site sent the feed (whether or not it had new items)
    NOT_MODIFIED = "not_modified"  # 304: nothing changed since the last poll
    ERROR = "error"


@dataclass(frozen=True)
class PollOutcome:
    status: str
    taken: int = 0  # stories created
    skipped: int = 0  # items already here (from this feed, or linked by someone)
    unusable: int = 0  # items without a title or an http(s) link
    error: str = ""


@dataclass(frozen=True)
class FeedItem:
    item_id: str
    url: str
    canonical_url: str
    title: str
    summary: str
    published_at: datetime | None
    position: int  # in the document, 0 first


class NotAFeed(Exception):
    """The document cannot be read as a feed; str(error) is a sentence for a person."""


def feed_poll_interval() -> timedelta:
    return timedelta(minutes=getattr(settings, "FEED_POLL_MINUTES", 60))


def feed_backoff(failures: int) -> timedelta:
    """How long to wait after `failures` failures in a row: doubling, at most a day."""
    if failures <= 0:
        return feed_poll_interval()
    # The exponent is capped so the arithmetic never overflows; the day cap applies anyway.
    return min(feed_poll_interval() * 2 ** min(failures, 20), FEED_MAX_BACKOFF)


# --- Reading a feed -----------------------------------------------------------------------


def feed_items_parse(
    content: bytes,
    *,
    content_type: str = "",
    base_url: str = "",
    limit: int | None = None,
    now: datetime | None = None,
) -> tuple[list[FeedItem], int]:
    """The newest `limit` usable items of a feed document (all when None), newest first,
    and how many unusable items were passed over on the way.

    Newest is by date, then by place in the document (feeds list their newest
    first); a date in the future counts as `now`, so an item cannot stay
    newest for ever. Items without a title or an http(s) link are unusable.
    `base_url` is where the feed was found: relative links are read against
    it. Raises NotAFeed when it is not an RSS or Atom feed, or not one we read.
    """
    now = now or timezone.now()
    entries = _feed_entries(content, content_type=content_type, base_url=base_url)
    dates = [_date(entry, now=now) for entry in entries]
    newest_first = sorted(
        range(len(entries)),
        key=lambda n: (dates[n] is not None, dates[n] or now, -n),
        reverse=True,
    )
    items: list[FeedItem] = []
    unusable = 0
    # Only as many items are cleaned as are needed: cleaning is most of the cost.
    for position in newest_first:
        if limit is not None and len(items) >= limit:
            break
        item = _item(entries[position], position, published_at=dates[position])
        if item is None:
            unusable += 1
        else:
            items.append(item)
    return items, unusable


def _feed_entries(content: bytes, *, content_type: str, base_url: str) -> list:
    headers = {"content-type": content_type, "content-location": base_url}
    # Decoded as feedparser will decode it, so the checks see what the XML parser sees.
    as_utf8 = convert_to_utf8(headers, content, {})
    if _HTML_START.match(as_utf8[:4096]):
        raise NotAFeed(_(_NOT_A_FEED))
    if _ENTITY_DECLARATION.search(as_utf8):
        # The defence against entity expansion ("billion laughs") that does not
        # depend on the XML parser's own limits. Real feeds do not declare entities.
        raise NotAFeed(_("This feed declares its own XML entities, which we do not read."))
    if _more_than(_ITEM_TAG.finditer(as_utf8), FEED_MAX_ITEMS):
        raise NotAFeed(
            _("This feed has more than %(max)s items, more than we read.")
            % {"max": f"{FEED_MAX_ITEMS:,}"}
        )
    if as_utf8.count(b"<") > FEED_MAX_TAGS:
        raise NotAFeed(
            _("This feed has more than %(max)s tags, more than we read.")
            % {"max": f"{FEED_MAX_TAGS:,}"}
        )
    # Bytes in a stream: given a string, feedparser would treat it as a URL or a file name.
    parsed = feedparser.parse(
        io.BytesIO(content), response_headers=headers, resolve_relative_uris=False
    )
    if not parsed.entries and (parsed.bozo or not parsed.version):
        raise NotAFeed(_(_NOT_A_FEED))
    return parsed.entries


def _more_than(matches, limit: int) -> bool:
    return sum(1 for _match in islice(matches, limit + 1)) > limit


def _item(entry, position: int, *, published_at: datetime | None) -> FeedItem | None:
    title = _text(entry, "title", max_length=Story.TITLE_MAX)
    try:
        url, key = check_story_url(entry.get("link") or "")
    except ValidationError:
        return None
    if not title:
        return None
    summary = _text(entry, "summary", max_length=Story.SUMMARY_MAX)
    if not summary and entry.get("content"):
        summary = _plain(entry["content"][0], max_length=Story.SUMMARY_MAX)
    item_id = without_control_characters(str(entry.get("id") or ""), keep_newlines=False).strip()
    item_id = item_id or url
    if len(item_id) > Story.URL_MAX:
        item_id = "sha256:" + hashlib.sha256(item_id.encode()).hexdigest()
    return FeedItem(
        item_id=item_id,
        url=url,
        canonical_url=key,
        title=title,
        summary=summary,
        published_at=published_at,
        position=position,
    )


def _text(entry, name: str, *, max_length: int) -> str:
    return _plain({"value": entry.get(name) or ""}, max_length=max_length)


def _plain(detail, *, max_length: int) -> str:
    """A feed's text as plain text: tags (and what is inside script and style) removed."""
    value = str(detail.get("value") or "")
    # Whatever type the feed claims: RSS titles marked as text often carry escaped
    # HTML. Twice, as feeds often escape their HTML once more than they should. A
    # "<" that starts no tag ("3 < 5") survives.
    for _round in range(2):
        value = html.unescape(nh3.clean(value, tags=set()))
    value = " ".join(without_control_characters(value, keep_newlines=False).split())
    return _shorten(value, max_length)


def _shorten(value: str, max_length: int) -> str:
    if len(value) <= max_length:
        return value
    cut = value[: max_length - 1]
    # At a word boundary, unless that loses too much.
    if " " in cut[max_length // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"


def _date(entry, *, now: datetime) -> datetime | None:
    """When the item was told, never later than now."""
    for name in ("published_parsed", "updated_parsed"):
        parsed = entry.get(name)
        if parsed:
            try:
                return min(datetime(*parsed[:6], tzinfo=UTC), now)
            except (TypeError, ValueError, OverflowError):
                continue
    return None


# --- Polling ------------------------------------------------------------------------------


def feed_poll(
    source: FeedSource,
    *,
    now: datetime | None = None,
    allowed_networks=None,
    timeout: float = FEED_TIMEOUT,
) -> PollOutcome:
    """Fetch the source's feed once and take its new items as published stories.

    Updates the source's health either way (the instance passed in is
    refreshed). The stories of one poll and the health update are saved in
    one transaction, or nothing is. Does not look at `enabled` or
    `polling_since`: the scheduler and the task do.
    """
    now = now or timezone.now()
    source.refresh_from_db()
    entry = Entry.objects.get(pk=source.entry_id)
    moved = []
    if entry.feed_url:
        moved = feed_source_follow_entry(source, feed_url=entry.feed_url)
    refusal = _not_polled_because(entry)
    if refusal:
        return _record_failure(
            source, now=now, error=refusal, switch_off=not entry.feed_url, also=moved
        )

    headers = {"Accept": ACCEPT}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    try:
        response = fetch(
            source.url,
            max_bytes=FEED_MAX_BYTES,
            timeout=timeout,
            headers=headers,
            allowed_networks=allowed_networks,
        )
    except FetchError as error:
        return _record_failure(source, now=now, error=str(error), also=moved)

    # Sent back on the next poll, so only what can travel in a header is kept.
    validators = {
        "etag": _header_value(response.headers.get("ETag", ""), 500),
        "last_modified": _header_value(response.headers.get("Last-Modified", ""), 100),
    }
    if response.status == 304:
        # A 304 may repeat the validators or leave them out; keep what we had then.
        validators = {name: value or getattr(source, name) for name, value in validators.items()}
        return _record_success(
            source, now=now, status=PollStatus.NOT_MODIFIED, validators=validators, also=moved
        )
    if response.status == 410:
        return _record_failure(
            source,
            now=now,
            error=_(
                "The feed is gone (410): the site says it was removed for good, so taking "
                "stories from it was switched off. Check the entry's feed address."
            ),
            switch_off=True,
            also=moved,
        )
    if response.status != 200:
        return _record_failure(source, now=now, error=_status_error(response.status), also=moved)
    try:
        items, unusable = feed_items_parse(
            response.content,
            content_type=response.headers.get("Content-Type", ""),
            base_url=response.final_url,
            limit=FEED_ITEMS_FIRST_POLL if source.last_success_at is None else FEED_ITEMS_PER_POLL,
            now=now,
        )
    except NotAFeed as error:
        return _record_failure(source, now=now, error=str(error), also=moved)

    with transaction.atomic():
        taken, skipped = _take(source, entry, items, now=now)
        return _record_success(
            source,
            now=now,
            status=PollStatus.NEW,
            validators=validators,
            taken=taken,
            skipped=skipped,
            unusable=unusable,
            also=moved,
        )


def _header_value(value: str, max_length: int) -> str:
    value = without_control_characters(value, keep_newlines=False).strip()
    return value if len(value) <= max_length and value.isascii() else ""


def _not_polled_because(entry: Entry) -> str:
    if not entry.feed_url:
        return _(
            "The entry no longer has a news feed address, so taking stories from it was "
            "switched off."
        )
    if entry.merged_into_id is not None:
        return _("The entry was merged into another one, so its feed is not read.")
    if not is_public(entry):
        return _("The entry is not published, so no stories are taken from its feed.")
    return ""


def _status_error(status: int) -> str:
    if status == 404:
        return _("The feed was not found at its address (404). Check the entry's feed address.")
    if status in (401, 403):
        return _("The site does not let us read the feed (%(status)s).") % {"status": status}
    if status >= 500:
        return _("The site had an error (%(status)s) and sent no feed. We will try again.") % {
            "status": status
        }
    return _("The site answered %(status)s instead of sending the feed.") % {"status": status}


def _take(source: FeedSource, entry: Entry, items: list[FeedItem], *, now) -> tuple[int, int]:
    """Create a published story per item not already here (items come newest first);
    returns (taken, skipped)."""
    taken = skipped = 0
    # The news of a group belongs to its area (its first place's), so it shows on
    # the area's page and reaches the area's followers; it has no point on the map.
    first_place = entry.places.order_by("position").first()
    area_id = first_place.local_authority_id if first_place else None
    # Oldest first, so that among stories published in the same second the newest is on top.
    for item in reversed(items):
        # Shared already (someone's draft does not count), or taken from this feed before.
        if Story.objects.filter(
            (Q(canonical_url=item.canonical_url) & ~Q(status=Status.DRAFT))
            | Q(feed=source, feed_item_id=item.item_id)
        ).exists():
            skipped += 1
            continue
        story = Story(
            kind=StoryKind.LINKED,
            author=None,
            feed=source,
            feed_item_id=item.item_id,
            on_behalf_of=entry,
            url=item.url,
            canonical_url=item.canonical_url,
            title=item.title,
            summary=item.summary,
            source_name=entry.name[: Story.SOURCE_MAX],
            source_published_at=item.published_at,
            preview_state=PreviewState.READY,
            local_authority_id=area_id,
            slug=story_unique_slug(item.title),
        )
        # A group's own news, from the feed its editor switched on: public at once.
        lifecycle.stamp_public(story, now=now)
        try:
            with transaction.atomic():
                story.save()
                content_changed(story, previous_status=None)
        except IntegrityError:
            # Linked by someone (or taken by another poll) since the check above.
            skipped += 1
            continue
        taken += 1
    return taken, skipped


def _record_success(
    source: FeedSource,
    *,
    now,
    status: str,
    validators: dict,
    taken: int = 0,
    skipped: int = 0,
    unusable: int = 0,
    also: list[str],
) -> PollOutcome:
    changes = {
        **_fields(source, also),
        **validators,
        "last_polled_at": now,
        "last_success_at": now,
        "consecutive_failures": 0,
        "items_taken": F("items_taken") + taken,
        "last_items_taken": taken,
        "next_poll_at": now + feed_poll_interval(),
    }
    FeedSource.objects.filter(pk=source.pk).update(**changes)
    source.refresh_from_db()
    return PollOutcome(status=status, taken=taken, skipped=skipped, unusable=unusable)


def _record_failure(
    source: FeedSource, *, now, error: str, switch_off: bool = False, also: list[str] = ()
) -> PollOutcome:
    failures = source.consecutive_failures + 1
    changes = {
        **_fields(source, also),
        "last_polled_at": now,
        "last_error": error[:500],
        "last_error_at": now,
        "consecutive_failures": failures,
        "next_poll_at": now + feed_backoff(failures),
    }
    if switch_off:
        changes["enabled"] = False
    FeedSource.objects.filter(pk=source.pk).update(**changes)
    source.refresh_from_db()
    return PollOutcome(status=PollStatus.ERROR, error=error)


def _fields(source: FeedSource, names) -> dict:
    return {name: getattr(source, name) for name in names}


# --- Scheduling ---------------------------------------------------------------------------


def _due(now) -> Q:
    return Q(enabled=True, next_poll_at__lte=now) & (
        Q(polling_since__isnull=True) | Q(polling_since__lt=now - FEED_CLAIM_EXPIRES)
    )


def feeds_due_enqueue(*, now: datetime | None = None) -> int:
    """Claim the sources due for a poll and queue a poll of each; returns how many.

    Each claim is a conditional UPDATE, so when several schedulers run at once
    every source is claimed (and polled) by one of them only. A claim that is
    never cleared (a worker died) expires after FEED_CLAIM_EXPIRES.
    """
    now = now or timezone.now()
    due = FeedSource.objects.filter(_due(now)).order_by("next_poll_at", "pk")
    claimed = 0
    # Listed first, then claimed one by one: never written to while it is being read.
    for source_id in list(due.values_list("pk", flat=True)[:FEEDS_ENQUEUED_MAX]):
        if FeedSource.objects.filter(_due(now), pk=source_id).update(polling_since=now):
            feed_poll_task.enqueue(source_id)
            claimed += 1
    return claimed


@task()
def feed_poll_task(source_id: int) -> str:
    """Poll one source and release its claim, whatever happens; returns the outcome status.

    An unexpected error is logged and recorded on the source, never raised:
    the worker goes on with the next task.
    """
    try:
        source = FeedSource.objects.filter(pk=source_id, enabled=True).first()
        if source is None:
            return "off"
        return feed_poll(source).status
    except Exception:
        logger.exception("Polling feed source %s failed", source_id)
        _record_unexpected_failure(source_id)
        return PollStatus.ERROR
    finally:
        try:
            FeedSource.objects.filter(pk=source_id).update(polling_since=None)
        except Exception:
            # Left claimed, the source is claimed again when the claim expires.
            logger.exception("Releasing feed source %s failed", source_id)


def _record_unexpected_failure(source_id: int) -> None:
    try:
        source = FeedSource.objects.filter(pk=source_id).first()
        if source is not None:
            _record_failure(source, now=timezone.now(), error=_(_UNEXPECTED))
    except Exception:
        logger.exception("Recording the failure of feed source %s failed", source_id)


def scheduled_feed_polls() -> list[str]:
    """The scheduler's job (registered in content.py): queue the feeds that are due."""
    queued = feeds_due_enqueue()
    return [f"News feeds: {queued} queued for polling."] if queued else []
