"""The month calendar: which gatherings fall on each day of a month, in Europe/London.

A busy month can hold more gatherings than a calendar can show, so each
day shows its first few and says how many more there are; the day's own
list (a day chosen on the calendar) shows them all, up to DAY_MAX. What is
read grows with the month, not with the whole table: the times of the
month's one-off gatherings come from an index on their start
(gathering_start_idx), repeating ones are few and expanded here, and only
the gatherings shown are loaded.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from bigsocnorth.events import recurrence
from bigsocnorth.events.models import Gathering
from bigsocnorth.events.recurrence import LONDON
from bigsocnorth.events.selectors import GatheringFilters, gatherings_filter

SHOWN_PER_DAY = 3
DAY_MAX = 200
# Months a calendar can be asked for, either side of today: far enough for
# any plan and any history, near enough that a crawler cannot walk forever.
MONTHS_AROUND = 60


@dataclass(frozen=True)
class Occurrence:
    """One time of a gathering: a one-off, or one of a series."""

    gathering: Gathering
    starts_at: datetime  # in London

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + (self.gathering.ends_at - self.gathering.starts_at)


@dataclass(frozen=True)
class Day:
    date: date
    in_month: bool
    is_today: bool
    shown: list[Occurrence]
    more: int

    @property
    def total(self) -> int:
        return len(self.shown) + self.more


@dataclass(frozen=True)
class Month:
    first: date
    weeks: list[list[Day]]
    day: date | None  # the day chosen, if any
    day_occurrences: list[Occurrence]  # all of the chosen day's, up to DAY_MAX
    day_more: int  # beyond DAY_MAX

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=31)).replace(day=1)

    @property
    def total(self) -> int:
        return sum(day.total for week in self.weeks for day in week if day.in_month)


def month_allowed(first: date, *, today: date) -> bool:
    months = (first.year - today.year) * 12 + first.month - today.month
    return abs(months) <= MONTHS_AROUND


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def _times(gatherings: QuerySet[Gathering], *, start: datetime, end: datetime):
    """(id, start) for every time starting in [start, end), one-offs and series alike."""
    one_offs = (
        gatherings.filter(recurrence="", starts_at__gte=start, starts_at__lt=end)
        .values_list("pk", "starts_at")
        .distinct()
    )
    found = [(pk, starts_at.astimezone(LONDON)) for pk, starts_at in one_offs]
    series = (
        # "> ''" rather than exclude(): a range on the same index as the one-offs.
        gatherings.filter(recurrence__gt="", starts_at__lt=end, last_ends_at__gt=start)
        .values_list("pk", "starts_at", "recurrence")
        .distinct()
    )
    for pk, starts_at, rule in series:
        try:
            starts = recurrence.occurrences(recurrence.rule_parse(rule), starts_at=starts_at)
        except ValidationError:  # a rule stored before today's checks: show its first time only
            starts = [starts_at]
        found.extend((pk, moment.astimezone(LONDON)) for moment in starts if start <= moment < end)
    found.sort(key=lambda item: (item[1], item[0]))
    return found


# What a calendar line and its badges read (events/includes/badges.html): nothing else is loaded.
LINE_FIELDS = (
    "pk", "slug", "title", "state", "starts_at", "ends_at", "recurrence", "in_person", "online",
    "venue_wanted", "step_free", "place_name", "local_authority__name", "local_authority__slug",
)  # fmt: skip


def _load(ids) -> dict[int, Gathering]:
    """The gatherings shown, with just what their lines show."""
    return Gathering.objects.select_related("local_authority").only(*LINE_FIELDS).in_bulk(ids)


def month_calendar(
    *, filters: GatheringFilters, first: date, day: date | None = None, now: datetime | None = None
) -> Month:
    """Public gatherings month by month (cancelled ones too, marked), weeks from Monday."""
    now = now or timezone.now()
    today = now.astimezone(LONDON).date()
    first = first.replace(day=1)
    last = date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    if day is not None and not (first <= day <= last):
        day = None
    gatherings = gatherings_filter(Gathering.objects.public(), filters)
    times = _times(
        gatherings, start=_local_midnight(first), end=_local_midnight(last + timedelta(days=1))
    )

    by_day: dict[date, list[tuple[int, datetime]]] = defaultdict(list)
    for pk, starts_at in times:
        by_day[starts_at.date()].append((pk, starts_at))
    chosen = by_day.get(day, [])[:DAY_MAX] if day else []
    wanted = {pk for found in by_day.values() for pk, _start in found[:SHOWN_PER_DAY]}
    wanted.update(pk for pk, _start in chosen)
    rows = _load(wanted)

    def occurrences(found) -> list[Occurrence]:
        return [Occurrence(rows[pk], starts_at) for pk, starts_at in found if pk in rows]

    weeks = []
    for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
        first.year, first.month
    ):
        days = []
        for each in week:
            found = by_day.get(each, []) if each.month == first.month else []
            days.append(
                Day(
                    date=each,
                    in_month=each.month == first.month,
                    is_today=each == today,
                    shown=occurrences(found[:SHOWN_PER_DAY]),
                    more=max(len(found) - SHOWN_PER_DAY, 0),
                )
            )
        weeks.append(days)
    return Month(
        first=first,
        weeks=weeks,
        day=day,
        day_occurrences=occurrences(chosen),
        day_more=max(len(by_day.get(day, [])) - DAY_MAX, 0) if day else 0,
    )
