"""Repeat rules: what is accepted, what is refused, and the times a series has."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError

from bigsocnorth.events import recurrence
from bigsocnorth.events.recurrence import LONDON


def test_weekly_times_stay_at_the_same_london_hour_across_the_clock_change():
    # Tuesday 20 October 2026, 7 pm BST; the clocks go back on 25 October.
    start = datetime(2026, 10, 20, 19, 0, tzinfo=LONDON)
    times = recurrence.occurrences(recurrence.rule_parse("FREQ=WEEKLY;COUNT=3"), starts_at=start)
    assert [t.astimezone(LONDON).hour for t in times] == [19, 19, 19]
    assert [t.astimezone(LONDON).date() for t in times] == [
        date(2026, 10, 20), date(2026, 10, 27), date(2026, 11, 3),
    ]  # fmt: skip


def test_monthly_on_the_second_tuesday_and_on_the_last_friday():
    second_tuesday = datetime(2027, 1, 12, 10, 0, tzinfo=LONDON)
    rule = recurrence.rule_parse("FREQ=MONTHLY;BYDAY=2TU;COUNT=3")
    recurrence.rule_check(rule, starts_at=second_tuesday)
    days = [
        t.astimezone(LONDON).date() for t in recurrence.occurrences(rule, starts_at=second_tuesday)
    ]
    assert days == [date(2027, 1, 12), date(2027, 2, 9), date(2027, 3, 9)]
    last_friday = datetime(2027, 1, 29, 10, 0, tzinfo=LONDON)
    rule = recurrence.rule_parse("FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20270430")
    recurrence.rule_check(rule, starts_at=last_friday)
    days = [
        t.astimezone(LONDON).date() for t in recurrence.occurrences(rule, starts_at=last_friday)
    ]
    assert days == [date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 26), date(2027, 4, 30)]
    assert (
        recurrence.rule_describe(rule.as_text())
        == "Monthly on the last Friday, until 30 April 2027"
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("FREQ=DAILY;COUNT=5", "at most once a week"),
        ("FREQ=HOURLY;COUNT=5", "at most once a week"),
        ("FREQ=WEEKLY;BYDAY=MO,TU;COUNT=5", "at most once a week"),
        ("FREQ=WEEKLY;COUNT=53", "at most 52 times"),
        ("FREQ=WEEKLY;COUNT=0", "at most 52 times"),
        ("FREQ=WEEKLY", "when it stops"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20270101", "when it stops"),
        ("FREQ=WEEKLY;UNTIL=20990101", "two years"),
        ("FREQ=WEEKLY;UNTIL=not-a-date", "not a date"),
        ("FREQ=YEARLY;COUNT=2", "every week"),
        ("FREQ=WEEKLY;COUNT=2;BYSETPOS=1", "every week"),
        ("FREQ=MONTHLY;BYDAY=5TU;COUNT=2", "first to the fourth"),
        ("FREQ=WEEKLY;INTERVAL=99;COUNT=2", "1 to 12"),
        ("FREQ=WEEKLY;BYDAY=WE;COUNT=2", "weekday it repeats on"),
        ("FREQ=MONTHLY;BYDAY=3TU;COUNT=2", "weekday of the month"),
        ("garbage", "not one we can read"),
        ("FREQ=WEEKLY;COUNT=2;" + "X" * 300, "too long"),
    ],
)
def test_rules_that_run_away_or_cannot_be_read_are_refused(text, says):
    start = datetime(2027, 1, 12, 10, 0, tzinfo=LONDON)  # the second Tuesday
    with pytest.raises(ValidationError) as raised:
        recurrence.rule_check(recurrence.rule_parse(text), starts_at=start)
    assert says in " ".join(raised.value.message_dict["recurrence"])
