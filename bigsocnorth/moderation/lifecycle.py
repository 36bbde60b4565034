"""The status lifecycle of every content type: the only code that sets a status.

draft → in review → published → archived, and hidden (by moderators or by
flags). `status`, `published_at` and `first_published_at` are written here
and nowhere else; every status change ends with the change fan-out
(`changes.content_changed`), so indexes and notices follow it in the same
transaction.

For an object being created, stamp it before its first save and call
`content_changed(obj, previous_status=None)` after:

    lifecycle.status_stamp(entry, lifecycle.initial_status(author=author))
    entry.save()  # and its related rows
    content_changed(entry, previous_status=None)

For an object that exists, `submit`, `publish`, `hide`, `archive`
and `restore` save the change and fan it out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from bigsocnorth.moderation import limits, registry
from bigsocnorth.moderation.changes import FIRST_PUBLICATION_MARK, content_changed
from bigsocnorth.moderation.models import Status


def has_published_contributions(*, author, needed: int) -> bool:
    """Whether this person has at least `needed` published contributions, across every
    registered content type.

    Counted only up to `needed`: a member with 14,000 posts is asked about
    two of them, not all, on every contribution they make.
    """
    found = 0
    for registered in registry.registered_types():
        if found >= needed:
            break
        found += (
            registered.model.objects.public().filter(author_id=author.pk)[: needed - found].count()
        )
    return found >= needed


def initial_status(*, author, review_count: int | None = None, held: bool = False) -> str:
    """Published for moderators and trusted members; in review for a member's first ones.

    A member is trusted once NEW_MEMBER_REVIEW_COUNT of their contributions
    (or `review_count`, for a type that reviews fewer: the forum's first two
    posts) have been published. `held`: the type has its own reason for a
    moderator to read this one first, whoever wrote it (needs and offers
    that mention children or money); moderators' own still publish. Without
    an author (a feed, an import by a moderator's job) it is the caller's to
    decide: see `status_stamp`.

    Every new contribution comes here once, so here it is counted against
    the author's limits (limits.py): ContentRateLimited, before anything is
    saved, when they have added a lot in a short time.
    """
    limits.content_creation_count(author=author)
    return _status_for(author=author, review_count=review_count, held=held)


def _status_for(*, author, review_count: int | None = None, held: bool = False) -> str:
    if author.is_moderator:
        return Status.PUBLISHED
    if held:
        return Status.IN_REVIEW
    needed = settings.NEW_MEMBER_REVIEW_COUNT if review_count is None else review_count
    if has_published_contributions(author=author, needed=needed):
        return Status.PUBLISHED
    return Status.IN_REVIEW


def status_stamp(
    obj: Model, status: str, *, hidden_reason: str = "", now: datetime | None = None
) -> list[str]:
    """Set the status, and the dates that go with it, on an instance; returns the fields set.

    Does not save: for an object about to be created, or inside `status_set`.
    A first publication ever sets `first_published_at` and marks the
    instance so that `content_changed` announces it, once.
    """
    obj.status = status
    obj.hidden_reason = hidden_reason[:1000] if status == Status.HIDDEN else ""
    fields = ["status", "hidden_reason"]
    if status == Status.PUBLISHED:
        now = now or timezone.now()
        if obj.published_at is None:
            obj.published_at = now
            fields.append("published_at")
        if obj.first_published_at is None:
            obj.first_published_at = now
            fields.append("first_published_at")
            obj.__dict__[FIRST_PUBLICATION_MARK] = True
    return fields


def stamp_public(obj: Model, *, now: datetime | None = None) -> list[str]:
    """Stamp a new object as published at once (a moderator's import, a group's own feed)."""
    return status_stamp(obj, Status.PUBLISHED, now=now)


def status_stamp_many(objs: Iterable[Model], status: str) -> None:
    """Stamp a batch of new objects (an import) with one status and one moment."""
    now = timezone.now()
    for obj in objs:
        status_stamp(obj, status, now=now)
        # A batch is announced by nobody (changes.contents_added_in_bulk).
        obj.__dict__.pop(FIRST_PUBLICATION_MARK, None)


@dataclass(frozen=True)
class StatusSnapshot:
    """What an instance's status fields held, to put back when its transaction fails."""

    status: str
    hidden_reason: str
    published_at: datetime | None
    first_published_at: datetime | None

    @classmethod
    def of(cls, obj: Model) -> StatusSnapshot:
        return cls(obj.status, obj.hidden_reason, obj.published_at, obj.first_published_at)

    def put_back(self, obj: Model) -> None:
        obj.status = self.status
        obj.hidden_reason = self.hidden_reason
        obj.published_at = self.published_at
        obj.first_published_at = self.first_published_at
        obj.__dict__.pop(FIRST_PUBLICATION_MARK, None)


def status_set(obj: Model, status: str, *, hidden_reason: str = "") -> str:
    """Save a new status for an existing object and fan the change out; returns the old status.

    In the caller's transaction (one of its own if there is none).
    """
    # No savepoint of its own: a failure fails the caller's transaction anyway.
    with transaction.atomic(savepoint=False):
        previous = obj.status
        fields = status_stamp(obj, status, hidden_reason=hidden_reason)
        obj.save(update_fields=[*fields, "updated_at"])
        content_changed(obj, previous_status=previous)
    return previous


def submit(obj: Model, *, author, held: bool = False) -> str:
    """A draft (or an edit) sent by its author: published at once for trusted members, else
    to review; `held` as for `initial_status`. Not counted again against the author's limits
    (limits.py): new contributions are counted in `initial_status`."""
    return status_set(obj, _status_for(author=author, held=held))


def publish(obj: Model) -> str:
    return status_set(obj, Status.PUBLISHED)


def hide(obj: Model, *, reason: str) -> str:
    return status_set(obj, Status.HIDDEN, hidden_reason=reason)


def archive(obj: Model) -> str:
    return status_set(obj, Status.ARCHIVED)


def restore(obj: Model) -> str:
    """Hidden or archived content made public again (not news: first_published_at stays)."""
    return status_set(obj, Status.PUBLISHED)


def is_draft(obj: Model | None) -> bool:
    return obj is not None and obj.status == Status.DRAFT


def is_in_review(obj: Model | None) -> bool:
    return obj is not None and obj.status == Status.IN_REVIEW


def is_hidden(obj: Model | None) -> bool:
    return obj is not None and obj.status == Status.HIDDEN


def is_archived(obj: Model | None) -> bool:
    return obj is not None and obj.status == Status.ARCHIVED


def was_ever_public(obj: Model) -> bool:
    """Whether the object has been published at some time (its address is then fixed)."""
    return obj.first_published_at is not None
