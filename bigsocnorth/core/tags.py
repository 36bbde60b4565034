"""Tags: the words people choose to describe what they add, shared by every content type.

Stored as one text column, lower case, de-duplicated, joined by ", ", so a
type needs no table of its own to have tags (stories keep rows per tag too,
for their lists at scale).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bigsocnorth.core.text import without_control_characters

TAG_MAX = 40


def tags_normalise(raw: str | Iterable[str]) -> str:
    """Lower case, trimmed, de-duplicated tags in their first order, joined by ", "."""
    parts = raw.split(",") if isinstance(raw, str) else list(raw)
    seen: list[str] = []
    for part in parts:
        tag = " ".join(str(part).split()).lower()
        if tag and tag not in seen:
            seen.append(tag)
    return ", ".join(seen)


def tag_list(tags: str) -> list[str]:
    """The tags of a stored tags column."""
    return [tag for tag in (tags or "").split(", ") if tag]


def tags_check(raw: str | Iterable[str] | None, *, max_count: int, max_total: int) -> str:
    """The tags as stored, or ValidationError saying plainly what is too many or too long."""
    if isinstance(raw, str) or raw is None:
        raw = without_control_characters(raw or "", keep_newlines=False)
    tags = tags_normalise(raw)
    tags_listed = tag_list(tags)
    if len(tags_listed) > max_count:
        raise ValidationError(_("Use at most %(max)d tags.") % {"max": max_count})
    if any(len(tag) > TAG_MAX for tag in tags_listed):
        raise ValidationError(_("Each tag can be at most %(max)d characters.") % {"max": TAG_MAX})
    if len(tags) > max_total:
        raise ValidationError(_("The tags are too long altogether; use fewer."))
    return tags


class Tagged:
    """For models with a `tags` column: `obj.tag_list`."""

    @property
    def tag_list(self) -> list[str]:
        return tag_list(self.tags)
