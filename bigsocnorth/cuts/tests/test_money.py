"""Sums of money as people write them, read into pence and written back for reading."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from bigsocnorth.cuts.money import MAX_POUNDS, money_format, money_parse

MALFORMED = "Give the amount in pounds, like £250,000 or £1.2m."
NEGATIVE = "The amount cannot be negative: give what is cut, as £ lost."
ABSURD = "That is more than £10bn, more than any council spends in a year: check the amount."


def refusal(value) -> str:
    with pytest.raises(ValidationError) as caught:
        money_parse(value)
    messages = caught.value.messages
    assert len(messages) == 1
    return messages[0]


@pytest.mark.parametrize(
    ("written", "pence"),
    [
        ("£1.2m", 120_000_000),
        ("1,200,000", 120_000_000),
        ("£250k", 25_000_000),
        ("2.5 million", 250_000_000),
        ("£3,000.50", 300_050),
        ("3000.50", 300_050),
        ("£ 850", 85_000),
        ("  £12,500  ", 1_250_000),
        ("£1.2M", 120_000_000),
        ("£3bn", 300_000_000_000),
        ("£40k a year", 4_000_000),
        ("£0", 0),
        ("£10bn", MAX_POUNDS * 100),
        ("10,000,000,000", MAX_POUNDS * 100),
        ("£1\u00a0200", None),  # a no-break space inside a number is not a thousands separator
    ],
)
def test_money_parse_reads_what_people_write(written, pence):
    if pence is None:
        assert refusal(written) == MALFORMED
    else:
        assert money_parse(written) == pence


@pytest.mark.parametrize(
    ("number", "pence"),
    [(0, 0), (5, 500), (250_000, 25_000_000), (Decimal("12.34"), 1234), (2.5, 250)],
)
def test_money_parse_takes_numbers_as_pounds(number, pence):
    assert money_parse(number) == pence


@pytest.mark.parametrize("nothing", ["", "   ", None])
def test_money_parse_gives_none_for_nothing(nothing):
    assert money_parse(nothing) is None


@pytest.mark.parametrize("negative", ["-5", "\u2212£5", "-£1.2m", "- 250k", -5])
def test_money_parse_refuses_negative_amounts(negative):
    assert refusal(negative) == NEGATIVE


@pytest.mark.parametrize(
    "absurd", ["£11bn", "20,000,000,000", "£10,000,000,000.01", "10001m", 10**11]
)
def test_money_parse_refuses_absurd_amounts(absurd):
    assert refusal(absurd) == ABSURD


@pytest.mark.parametrize(
    "malformed",
    [
        "1,2,3",
        "12abc",
        "£",
        "1e9",
        True,
        False,
        "£1,00",
        "1,0000",
        "££5",
        "5 pounds and 6 pence",
        "NaN",
        "Infinity",
        float("nan"),
        float("inf"),
        "1.2.3m",
        "<script>alert(1)</script>",
    ],
)
def test_money_parse_refuses_malformed_amounts_with_a_human_message(malformed):
    assert refusal(malformed) == MALFORMED


@pytest.mark.parametrize(
    ("pence", "written"),
    [
        (None, ""),
        (0, "£0"),
        (85_000, "£850"),
        (1_250_000, "£12,500"),
        (300_050, "£3,000.50"),
        (99_999_999, "£999,999.99"),
        (100_000_000, "£1m"),
        (120_000_000, "£1.2m"),
        (123_456_789, "£1.23m"),
        (345_000_000_000, "£3.45bn"),
        (MAX_POUNDS * 100, "£10bn"),
        # Rounded to two places, £999.999m is £1bn, never "£1000m".
        (99_999_900_000, "£1bn"),
        (99_999_999_999, "£1bn"),
    ],
)
def test_money_format_examples(pence, written):
    assert money_format(pence) == written


@pytest.mark.parametrize("pence", [0, 85_000, 1_250_000, 300_050, 120_000_000, 345_000_000_000])
def test_money_format_reads_back_as_the_same_amount(pence):
    assert money_parse(money_format(pence)) == pence


@given(st.integers(min_value=0, max_value=MAX_POUNDS))
def test_whole_pounds_written_with_commas_round_trip(pounds):
    assert money_parse(f"£{pounds:,}") == pounds * 100
    assert money_parse(str(pounds)) == pounds * 100
