"""The month calendar: which gatherings fall on each day of a month, in Europe/London.

A busy month can hold more gatherings than a calendar can show, so each
day shows its first few and says how many more there are; the day's own
list (a day chosen on the calendar) shows them all, up to DAY_MAX. What is
read grows with the month, not with the whole table: the times of the
month's one-off gatherings come from an index on their start
(gathering_starts_idx), repeating ones are few and expanded here, and only
the gatherings shown are loaded.
"""

from __future__ import annotations

import calendar
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import ngettext

from bigsocnorth.events import recurrence
from bigsocnorth.events.models import Gathering
from bigsocnorth.events.recurrence import LONDON
from bigsocnorth.events.selectors import GatheringFilters, gatherings_filter

SHOWN_PER_DAY = 3
DAY_MAX = 25
# Months a calendar can be asked for, either side of today: far enough for
# any plan and any history, near enough that a crawler cannot walk forever.
MONTHS_AROUND = 60


@dataclass(frozen=True)
class Occurrence:
    """One time of a gathering: a one-off, or one of a series, with what its line shows
    made here once (a calendar has a hundred lines; the template only prints them)."""

    gathering: Gathering
    starts_at: datetime  # in London
    url: str
    time_text: str  # "7:00 p.m."

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
    url: str  # the day's own list
    weekday: str  # "Thursday"
    label: str  # "Thursday 14 January: 2 gatherings", for its link

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


def _rows(queryset) -> list[tuple]:
    """The rows of a values_list as the database gives them, without Django's per-row
    converters, which cost more than the rest of a month."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _stored(moment: datetime, *, like):
    """A time as the database gives them back (`like` is one it gave): SQLite's UTC text or
    naive UTC datetime, or an aware datetime."""
    utc = moment.astimezone(UTC)
    if isinstance(like, str):
        return utc.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(like, datetime) and like.tzinfo is None:
        return utc.replace(tzinfo=None)
    return utc


def _aware(value) -> datetime:
    if isinstance(value, str):  # SQLite keeps UTC as text
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _series_times(rows, *, start: datetime, end: datetime):
    """(id, start) for each time of these series starting in [start, end)."""
    for pk, starts_at, rule in rows:
        first = _aware(starts_at)
        try:
            starts = recurrence.occurrences_kept(rule, first)
        except ValidationError:  # a rule stored before today's checks: its first time only
            starts = (first,)
        for moment in starts:
            if start <= moment < end:
                yield pk, moment


def _times_by_day(gatherings: QuerySet[Gathering], *, first: date, days: int):
    """For each London day of the month, its (time, id) in order, times as the database gives
    them (compared, never converted: only the times shown are, later).

    A time's day is found by bisecting the days' starts written the same way,
    so a month of thousands costs little more than reading them.
    """
    starts = [_local_midnight(first + timedelta(days=n)) for n in range(days + 1)]
    # Read as text (SQLite's as stored, PostgreSQL's in UTC): thousands of datetimes made and
    # compared cost more than the rest of the month; only the times shown are made.
    when = Cast("starts_at", CharField())
    one_offs = _rows(
        gatherings.filter(recurrence="", starts_at__gte=starts[0], starts_at__lt=starts[-1])
        .annotate(when=when)
        .values_list("when", "pk")
    )
    # "> ''" rather than exclude(): a range on the same index as the one-offs.
    series = _rows(
        gatherings.filter(
            recurrence__gt="", starts_at__lt=starts[-1], last_ends_at__gt=starts[0]
        ).values_list("pk", "starts_at", "recurrence")
    )
    like = one_offs[0][0] if one_offs else series[0][1] if series else None
    bounds = [_stored(moment, like=like) for moment in starts]
    found = list(one_offs)
    found += [
        (_stored(moment, like=like), pk)
        for pk, moment in _series_times(series, start=starts[0], end=starts[-1])
    ]
    found.sort()
    by_day: list[list] = [[] for _ in range(days)]
    for row in found:
        by_day[bisect_right(bounds, row[0]) - 1].append(row)
    return by_day


# What a calendar line and its badges read (events/includes/badges.html): nothing else is loaded.
LINE_FIELDS = (
    "pk", "slug", "title", "state", "starts_at", "ends_at", "recurrence", "in_person", "online",
    "venue_wanted", "step_free", "place_name", "local_authority__name", "local_authority__slug",
)  # fmt: skip


def _load(ids) -> dict[int, Gathering]:
    """The gatherings shown, with just what their lines show."""
    return Gathering.objects.select_related("local_authority").only(*LINE_FIELDS).in_bulk(ids)


class _Words:
    """The words a month's lines repeat, made once a page: weekday and month names and a.m. /
    p.m. (Django's own translations, as its date filter gives them)."""

    def __init__(self, first: date):
        monday = first - timedelta(days=first.weekday())
        self.weekdays = [dateformat.format(monday + timedelta(days=n), "l") for n in range(7)]
        self.month = dateformat.format(first, "F")
        self.noon = (dateformat.format(datetime(2000, 1, 1, 9), "a"),
                     dateformat.format(datetime(2000, 1, 1, 21), "a"))  # fmt: skip

    def clock(self, moment: datetime) -> str:
        """ "7:00 p.m.", as the date filter's "g:i a" writes it."""
        return f"{moment.hour % 12 or 12}:{moment.minute:02d} {self.noon[moment.hour >= 12]}"

    def day_label(self, day: date, count: int) -> str:
        return ngettext("%(day)s: %(count)s gathering", "%(day)s: %(count)s gatherings", count) % {
            "day": f"{self.weekdays[day.weekday()]} {day.day} {self.month}",
            "count": count,
        }


def _occurrence(gathering: Gathering, starts_at: datetime, *, pages: str, words) -> Occurrence:
    return Occurrence(
        gathering=gathering,
        starts_at=starts_at,
        url=f"{pages}{gathering.slug}/",
        time_text=words.clock(starts_at),
    )


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
    listed = _times_by_day(gatherings, first=first, days=last.day)
    by_day = {first + timedelta(days=n): times for n, times in enumerate(listed)}
    chosen = by_day.get(day, [])[:DAY_MAX] if day else []
    wanted = {pk for times in listed for _start, pk in times[:SHOWN_PER_DAY]}
    wanted.update(pk for _start, pk in chosen)
    rows = _load(wanted)
    pages = reverse("events:gathering_list")  # a gathering's page is <pages><slug>/ (urls.py)
    month_url = reverse("events:gathering_month", args=[first.year, first.month])
    words = _Words(first)

    def occurrences(times) -> list[Occurrence]:
        return [
            _occurrence(rows[pk], _aware(value).astimezone(LONDON), pages=pages, words=words)
            for value, pk in times
            if pk in rows
        ]

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
                    url=f"{month_url}{each.day}/",
                    weekday=words.weekdays[each.weekday()],
                    label=words.day_label(each, len(found)),
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
