"""Repeating gatherings: a small, bounded part of iCalendar's RRULE, checked and expanded here.

Kept as RRULE text so iCalendar carries it as it is (calendar.py); checked
here, expanded by dateutil's rrule within the same bounds. Only what a
community group needs and nothing that can run away: every week or every
few weeks, or monthly on the nth weekday ("the second Tuesday"), ending
after at most 52 times or on a date within two years. Never more often
than weekly. Times repeat on the Europe/London wall clock, so a 7 pm
meeting stays at 7 pm across the clock changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil import rrule
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LONDON = ZoneInfo("Europe/London")
COUNT_MAX = 52
UNTIL_MAX_DAYS = 2 * 365 + 1
INTERVAL_MAX = 12
RULE_MAX = 200
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKLY, MONTHLY = "WEEKLY", "MONTHLY"
RRULE_DAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


@dataclass(frozen=True)
class Rule:
    freq: str
    interval: int = 1
    nth: int | None = None  # MONTHLY: 1 to 4, or -1 for the last
    weekday: int | None = None  # 0 is Monday
    count: int | None = None
    until: date | None = None

    def as_text(self) -> str:
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.weekday is not None:
            day = DAYS[self.weekday]
            parts.append(f"BYDAY={self.nth}{day}" if self.freq == MONTHLY else f"BYDAY={day}")
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        if self.until is not None:
            parts.append(f"UNTIL={self.until:%Y%m%d}")
        return ";".join(parts)


def _refuse(message: str) -> ValidationError:
    return ValidationError({"recurrence": [message]})


def _int(value: str, *, low: int, high: int, message: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise _refuse(message) from None
    if not low <= number <= high:
        raise _refuse(message)
    return number


def _until(value: str) -> date:
    text = value.rstrip("Z").split("T")[0]
    try:
        if len(text) != 8:
            raise ValueError(value)
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise _refuse(_("The date it repeats until is not a date we can read.")) from None


def rule_parse(text: str) -> Rule:
    """The rule in `text`, or ValidationError saying plainly what is wrong with it."""
    text = str(text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if len(text) > RULE_MAX:
        raise _refuse(_("That repeat rule is too long."))
    values: dict[str, str] = {}
    for part in filter(None, text.upper().split(";")):
        key, sep, value = part.partition("=")
        if not sep or not value or key in values:
            raise _refuse(_("That repeat rule is not one we can read."))
        values[key] = value
    unknown = set(values) - {"FREQ", "INTERVAL", "BYDAY", "COUNT", "UNTIL"}
    if unknown:
        raise _refuse(
            _("A gathering can repeat every week, every few weeks, or monthly on a weekday.")
        )
    freq = values.get("FREQ", "")
    if freq in ("SECONDLY", "MINUTELY", "HOURLY", "DAILY"):
        raise _refuse(_("A gathering can repeat at most once a week."))
    if freq not in (WEEKLY, MONTHLY):
        raise _refuse(
            _("A gathering can repeat every week, every few weeks, or monthly on a weekday.")
        )
    interval = _int(
        values.get("INTERVAL", "1"),
        low=1,
        high=INTERVAL_MAX,
        message=_("Repeat every 1 to %(max)d weeks or months.") % {"max": INTERVAL_MAX},
    )
    nth = weekday = None
    byday = values.get("BYDAY", "")
    if "," in byday:
        raise _refuse(_("A gathering can repeat at most once a week."))
    if freq == WEEKLY and byday:
        if byday not in DAYS:
            raise _refuse(_("That repeat rule is not one we can read."))
        weekday = DAYS.index(byday)
    if freq == MONTHLY:
        day, number = byday[-2:], byday[:-2]
        if day not in DAYS or number not in ("1", "2", "3", "4", "-1", "+1", "+2", "+3", "+4"):
            raise _refuse(
                _("Say which weekday of the month: the first to the fourth, or the last.")
            )
        nth, weekday = int(number), DAYS.index(day)
    count = until = None
    if ("COUNT" in values) == ("UNTIL" in values):
        raise _refuse(
            _(
                "Say when it stops repeating: after a number of times (at most %(max)d) "
                "or on a date."
            )
            % {"max": COUNT_MAX}
        )
    if "COUNT" in values:
        count = _int(
            values["COUNT"],
            low=1,
            high=COUNT_MAX,
            message=_("It can repeat at most %(max)d times.") % {"max": COUNT_MAX},
        )
    else:
        until = _until(values["UNTIL"])
    return Rule(freq=freq, interval=interval, nth=nth, weekday=weekday, count=count, until=until)


def _nth_of(day: date) -> tuple[int, bool]:
    """Which weekday of its month `day` is (1 to 5), and whether it is the last."""
    return (day.day - 1) // 7 + 1, (day + timedelta(days=7)).month != day.month


def rule_check(rule: Rule, *, starts_at: datetime) -> None:
    """The rule fits the first time: the same weekday, and an end within two years."""
    first = starts_at.astimezone(LONDON).date()
    if rule.weekday is not None and rule.weekday != first.weekday():
        raise _refuse(_("The first time must fall on the weekday it repeats on."))
    if rule.freq == MONTHLY:
        number, is_last = _nth_of(first)
        if not (rule.nth == number or (rule.nth == -1 and is_last)):
            raise _refuse(_("The first time must fall on the weekday of the month it repeats on."))
    if rule.until is not None:
        if rule.until < first:
            raise _refuse(_("The date it repeats until is before the first time."))
        if (rule.until - first).days > UNTIL_MAX_DAYS:
            raise _refuse(_("It can repeat until a date at most two years after the first time."))


def _rrule(rule: Rule, *, first: datetime, last_day: date) -> rrule.rrule:
    """dateutil's expansion of an already checked rule, on the naive London wall clock.

    Naive on purpose: dateutil then steps days, not hours, so 7 pm stays 7 pm
    across the clock changes; the London offset is put on each time after.
    """
    day = RRULE_DAYS[rule.weekday] if rule.weekday is not None else None
    # Weekly without BYDAY: None, the first time's weekday, as RFC 5545 says.
    byweekday = day(rule.nth) if rule.freq == MONTHLY else day
    return rrule.rrule(
        rrule.MONTHLY if rule.freq == MONTHLY else rrule.WEEKLY,
        dtstart=first,
        interval=rule.interval,
        byweekday=byweekday,
        # COUNT is taken by the caller (islice): dateutil refuses COUNT with UNTIL.
        until=datetime.combine(last_day, time(23, 59, 59)),
        cache=False,
    )


def occurrences(rule: Rule, *, starts_at: datetime, limit: int = 200) -> list[datetime]:
    """The starts of every time in the series (aware, in starts_at's zone), the first included.

    Bounded whatever the rule says: at most `limit` (and COUNT) times, and
    never past UNTIL or two years after the first time.
    """
    local = starts_at.astimezone(LONDON).replace(tzinfo=None)
    last_day = rule.until or local.date() + timedelta(days=UNTIL_MAX_DAYS)
    wanted = min(rule.count or limit, limit)
    times = islice(_rrule(rule, first=local, last_day=last_day), wanted)
    return [moment.replace(tzinfo=LONDON).astimezone(starts_at.tzinfo) for moment in times]


@lru_cache(maxsize=4096)
def occurrences_kept(text: str, starts_at: datetime) -> tuple[datetime, ...]:
    """Every start of a stored series (its rule checked when saved), kept in the process: a
    series is expanded once, not on every calendar page. A changed series is another key."""
    return tuple(occurrences(rule_parse(text), starts_at=starts_at))


def last_end(*, recurrence: str, starts_at: datetime, ends_at: datetime) -> datetime:
    """When the last time of the series ends (ends_at when it does not repeat)."""
    if not recurrence:
        return ends_at
    times = occurrences(rule_parse(recurrence), starts_at=starts_at)
    return times[-1] + (ends_at - starts_at) if times else ends_at


def next_start(*, recurrence: str, starts_at: datetime, ends_at: datetime, now: datetime):
    """The start of the next time that has not ended yet, or None when all have."""
    times = occurrences(rule_parse(recurrence), starts_at=starts_at) if recurrence else [starts_at]
    length = ends_at - starts_at
    for start in times:
        if start + length > now:
            return start
    return None


def rule_describe(text: str) -> str:
    """The rule in words: "Every 2 weeks on Tuesday, 10 times"."""
    if not text:
        return ""
    try:
        rule = rule_parse(text)
    except ValidationError:
        return ""
    names = [
        _("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"),
        _("Sunday"),
    ]  # fmt: skip
    ordinals = {
        1: _("first"), 2: _("second"), 3: _("third"), 4: _("fourth"), -1: _("last"),
    }  # fmt: skip
    if rule.freq == WEEKLY:
        if rule.interval == 1:
            words = _("Every week")
        else:
            words = _("Every %(n)d weeks") % {"n": rule.interval}
        if rule.weekday is not None:
            words += " " + _("on %(day)s") % {"day": names[rule.weekday]}
    else:
        where = {"nth": ordinals[rule.nth], "day": names[rule.weekday]}
        if rule.interval == 1:
            words = _("Monthly on the %(nth)s %(day)s") % where
        else:
            words = _("Every %(n)d months on the %(nth)s %(day)s") % {"n": rule.interval, **where}
    if rule.count is not None:
        words += ", " + _("%(count)d times") % {"count": rule.count}
    else:
        words += ", " + _("until %(date)s") % {"date": f"{rule.until.day} {rule.until:%B %Y}"}
    return words
