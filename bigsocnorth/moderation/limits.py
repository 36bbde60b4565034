"""How fast a member may add content and share links, so a flood waits instead of landing.

Every kind of content is counted together, once, when the lifecycle gives a
new contribution its first status (`lifecycle.initial_status`): a story sent
for publishing, a forum topic or reply, a gathering, a cut or an update to
its timeline, a directory entry, a need or an offer. Sharing a link (a story
told elsewhere, a cut's evidence) is counted per member and per address,
because each link makes the site fetch another site's page.

The counts live in the shared cache (core/ratelimit.py), so they hold across
the web processes. Moderators are never limited: they add things for people
who ring or call in. The refusals are ValidationErrors, so the forms that
show a service's problems show these too, and nothing is saved.

These limits are for what people do through the site, its pages and its
API: they count inside a web request (or inside `counting()`). What the
operator runs (the demo data, a command, a job) is not counted, so loading
the demo's hundreds of entries is not refused. The previews the task worker
fetches are counted wherever they run (`link_fetch_allowed`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.signals import request_finished, request_started
from django.utils.translation import gettext as _

from bigsocnorth.core.ratelimit import rate_limit_hit

HOUR = 3600
DAY = 86400

_counting: ContextVar[bool] = ContextVar("people_limits_counting", default=False)


def _request_started(**kwargs) -> None:
    _counting.set(True)


def _request_finished(**kwargs) -> None:
    _counting.set(False)


request_started.connect(_request_started, dispatch_uid="moderation.limits.request_started")
request_finished.connect(_request_finished, dispatch_uid="moderation.limits.request_finished")


@contextmanager
def counting() -> Iterator[None]:
    """Count what is done inside, as in a web request: for work done for a person outside
    one (a reply that came by email, say), and for tests of the services."""
    token = _counting.set(True)
    try:
        yield
    finally:
        _counting.reset(token)


class ContentRateLimited(ValidationError):
    """The member has added a lot in a short time; nothing of this one was saved."""

    def __init__(self, message: str | None = None) -> None:
        message = message or _(
            "You have added a lot in a short time. Please wait a few minutes and try again."
        )
        super().__init__({NON_FIELD_ERRORS: [message]})


class LinkSharesRateLimited(ValidationError):
    """Too many links shared by this member, or from this address, in the last hour."""

    def __init__(self, *, field: str = NON_FIELD_ERRORS) -> None:
        message = _(
            "You have shared a lot of links in a short time. Please wait a few minutes and "
            "try again."
        )
        super().__init__({field: [message]})


def is_limited(person) -> bool:
    """Whether limits apply to this person: members do; moderators and staff do not."""
    if person is None or not getattr(person, "is_authenticated", False):
        return True
    return not (person.is_moderator or person.is_staff)


def content_creation_count(*, author) -> None:
    """Count one new contribution by `author`; ContentRateLimited when it is one too many.

    Without an author (a group's own feed, a visitor's report with limits of
    its own) there is nobody to count.
    """
    if not _counting.get() or author is None or not is_limited(author):
        return
    who = str(author.pk)
    # Both windows are counted, so a refusal in the hour still counts for the day.
    over_hour = rate_limit_hit(
        action="content.hour", who=who, limit=settings.CONTENT_PER_HOUR, per_seconds=HOUR
    )
    over_day = rate_limit_hit(
        action="content.day", who=who, limit=settings.CONTENT_PER_DAY, per_seconds=DAY
    )
    if over_hour or over_day:
        raise ContentRateLimited()


def link_shares_count(
    *, member, address: str = "", links: int = 1, field: str = NON_FIELD_ERRORS
) -> None:
    """Count `links` shared by `member` (None for a visitor) from `address` (empty when
    the caller has no request); LinkSharesRateLimited when that is too many."""
    if not _counting.get() or links < 1 or (member is not None and not is_limited(member)):
        return
    limit = settings.LINK_SHARES_PER_HOUR
    counted = []
    if member is not None:
        counted.append(("links.member", str(member.pk)))
    if address:
        counted.append(("links.address", address))
    over = False
    for action, who in counted:
        for _link in range(links):
            over = rate_limit_hit(action=action, who=who, limit=limit, per_seconds=HOUR) or over
    if over:
        raise LinkSharesRateLimited(field=field)


def link_fetch_allowed(*, member) -> bool:
    """Count one preview fetched for what `member` shared (None: a visitor's); False when
    the hour's fetches are used up, and the link then keeps no preview."""
    if member is not None and not is_limited(member):
        return True
    who = str(member.pk) if member is not None else "visitors"
    return not rate_limit_hit(
        action="links.fetch", who=who, limit=settings.LINK_FETCHES_PER_HOUR, per_seconds=HOUR
    )
