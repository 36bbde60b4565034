"""After the gathering: how many came and what happened, recorded by its organisers, and the
draft story they can tell from it.

Recording is an edit of the gathering, so it ends with the content contract's
fan-out (`content_changed`) like `services.gathering_edit`: the indexes and the
kept public pages follow it in the same transaction. The story is made through
the stories app's own service, as a draft its author polishes and publishes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bigsocnorth.core.markdown import render_markdown
from bigsocnorth.events.checks import add_error, bounded_number, bounded_text
from bigsocnorth.events.models import Gathering, GatheringState
from bigsocnorth.events.permissions import check_outcome_permission
from bigsocnorth.moderation.changes import content_changed
from bigsocnorth.moderation.permissions import is_public

# Ten times the largest capacity a gathering can have: a gathering with no limit
# (a march, a festival, one online) may be far bigger than any with places, yet a
# figure past this is a slip of the keyboard (an extra nought or two), not a crowd.
ATTENDED_MAX = 100_000


def outcome_open(gathering: Gathering, *, now: datetime | None = None) -> bool:
    """Whether its organisers can say how it went: once it (its first time) has ended,
    unless it was called off."""
    now = now or timezone.now()
    return gathering.state != GatheringState.CANCELLED and gathering.ends_at <= now


def check_outcome_open(gathering: Gathering, *, now: datetime | None = None) -> None:
    if gathering.state == GatheringState.CANCELLED:
        raise ValidationError({"__all__": [_("This gathering was cancelled, so nobody came.")]})
    if not outcome_open(gathering, now=now):
        raise ValidationError(
            {"__all__": [_("You can say how it went once the gathering has ended.")]}
        )


def check_outcome_fields(*, attended, outcome) -> tuple[int | None, str]:
    """The number who came and the notes as stored; or ValidationError naming every problem."""
    errors: dict[str, list] = {}
    number = bounded_number(
        errors, "attended", attended, low=0, high=ATTENDED_MAX,
        message=_("Give the number of people who came, from 0 to %(max)s.")
        % {"max": f"{ATTENDED_MAX:,}"},
    )  # fmt: skip
    notes = bounded_text(errors, "outcome", outcome, maximum=Gathering.OUTCOME_MAX, newlines=True)
    if not errors and number is None and not notes:
        add_error(
            errors, "__all__", _("Say how many people came, or write a few words on how it went.")
        )
    if errors:
        raise ValidationError(errors)
    return number, notes


def gathering_outcome_record(
    *, actor, gathering: Gathering, attended, outcome, now: datetime | None = None
) -> Gathering:
    """Record (or correct) how many came and what happened. Its organisers and moderators,
    once it has ended; everything is checked before anything is written."""
    check_outcome_permission(actor, gathering)
    now = now or timezone.now()
    check_outcome_open(gathering, now=now)
    number, notes = check_outcome_fields(attended=attended, outcome=outcome)
    with transaction.atomic():
        gathering.attended = number
        gathering.outcome = notes
        gathering.outcome_recorded_at = now
        gathering.save(update_fields=["attended", "outcome", "outcome_recorded_at", "updated_at"])
        content_changed(gathering, previous_status=gathering.status)
    return gathering


# --- The story told from it ------------------------------------------------------------------


def _markdown_link_text(text: str) -> str:
    # A title with brackets would end the link early; the rest is escaped by the renderer.
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _came_sentence(gathering: Gathering) -> str:
    if gathering.attended is None:
        return ""
    return ngettext("%(count)s person came.", "%(count)s people came.", gathering.attended) % {
        "count": f"{gathering.attended:,}"
    }


def story_values_for(gathering: Gathering) -> dict:
    """What the draft story starts with: a title, a summary, the notes, the gathering's place,
    tags and organising groups, and a link back to it."""
    from bigsocnorth.directory.models import Entry

    day = date_format(timezone.localtime(gathering.starts_at), "j F Y")
    came = _came_sentence(gathering)
    link = _("Read about the gathering: [%(title)s](%(url)s)") % {
        "title": _markdown_link_text(gathering.title),
        "url": gathering.get_absolute_url(),
    }
    body = "\n\n".join(part for part in (gathering.outcome, came, link) if part)
    summary = _("How “%(title)s” went, on %(day)s.") % {"title": gathering.title, "day": day}
    return {
        "title": _("How it went: %(title)s") % {"title": gathering.title},
        "summary": f"{summary} {came}".strip(),
        "body": body,
        "tags": gathering.tags,
        "place_name": gathering.place_name,
        "latitude": gathering.latitude,
        "longitude": gathering.longitude,
        "local_authority": gathering.local_authority,
        "approximate_location": gathering.approximate_location,
        "about": list(Entry.objects.public().filter(gatherings=gathering).order_by("name")),
    }


def gathering_story_create(*, actor, gathering: Gathering, now: datetime | None = None):
    """A draft story by `actor` from what was recorded, linked from the gathering. Once only:
    a ValidationError when it already has a story or nothing was recorded yet."""
    from bigsocnorth.stories.services import Action, story_create

    check_outcome_permission(actor, gathering)
    check_outcome_open(gathering, now=now)
    with transaction.atomic():
        # The row lock makes two clicks (or two organisers) at once still one story.
        locked = Gathering.objects.select_for_update().get(pk=gathering.pk)
        if locked.story_id is not None:
            raise ValidationError({"__all__": [_("A story about this gathering exists already.")]})
        if locked.outcome_recorded_at is None:
            raise ValidationError(
                {"__all__": [_("Say how it went first: the story starts from your notes.")]}
            )
        values = story_values_for(locked)
        try:
            story = story_create(author=actor, action=Action.SAVE_DRAFT, **values)
        except ValidationError as error:
            if "place" not in error.message_dict:
                raise
            # The point was checked when the gathering was made; should the places app
            # refuse it now, the story is still told, about the whole area.
            values.update(latitude=None, longitude=None, approximate_location=False)
            story = story_create(author=actor, action=Action.SAVE_DRAFT, **values)
        gathering.story = story
        gathering.save(update_fields=["story", "updated_at"])
        content_changed(gathering, previous_status=gathering.status)
    return story


# --- What the gathering's page shows -----------------------------------------------------------


@dataclass(frozen=True)
class Afterwards:
    """The "Afterwards" part of a gathering's page."""

    attended: int | None
    notes: SafeString
    recorded: bool
    story: object | None  # the story, when this person may be shown a link to it
    can_record: bool


def afterwards_for(*, gathering: Gathering, can_edit: bool, now=None) -> Afterwards | None:
    """None while there is nothing to show this person (before the end, or nothing recorded
    for a visitor). One query, for the story, only when it has one."""
    recorded = gathering.outcome_recorded_at is not None
    can_record = can_edit and outcome_open(gathering, now=now)
    if not recorded and not can_record:
        return None
    story = gathering.story if gathering.story_id is not None else None
    if story is not None and not (can_edit or is_public(story)):
        story = None
    return Afterwards(
        attended=gathering.attended,
        notes=render_markdown(gathering.outcome),
        recorded=recorded,
        story=story,
        can_record=can_record,
    )
