"""Sums of money as people write them ("£1.2m", "1,200,000", "250k"), kept in pence."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# More than any one council's whole budget: a slip of the keyboard, not a cut.
MAX_POUNDS = 10_000_000_000

_MULTIPLIERS = {
    "": 1,
    "k": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "million": 1_000_000,
    "bn": 1_000_000_000,
    "b": 1_000_000_000,
    "billion": 1_000_000_000,
}
_AMOUNT = re.compile(
    r"^(?P<sign>[-\u2212])?\s*£?\s*(?P<number>\d[\d,]*(?:\.\d+)?|\.\d+)\s*"
    r"(?P<unit>k|thousand|mn|m|million|bn|b|billion)?\s*(?:a year|per year|pa|p\.a\.)?$",
    re.IGNORECASE,
)
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


def money_parse(value: object) -> int | None:
    """The amount in pence, or None for nothing; a ValidationError says what is wrong.

    Accepts "£1.2m", "1,200,000", "£250k", "2.5 million", "3000.50" and
    plain numbers; refuses negative, malformed and absurd amounts.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValidationError(_("Give the amount in pounds, like £250,000 or £1.2m."))
    text = str(value) if isinstance(value, int | float | Decimal) else str(value).strip()
    if text == "":
        return None
    match = _AMOUNT.match(text.replace("\u00a0", " "))
    if match is None:
        raise ValidationError(_("Give the amount in pounds, like £250,000 or £1.2m."))
    if match["sign"]:
        raise ValidationError(_("The amount cannot be negative: give what is cut, as £ lost."))
    number = match["number"]
    if "," in number and not _GROUPED.match(number):
        raise ValidationError(_("Give the amount in pounds, like £250,000 or £1.2m."))
    try:
        pounds = Decimal(number.replace(",", "")) * _MULTIPLIERS[(match["unit"] or "").lower()]
    except InvalidOperation as error:
        raise ValidationError(_("Give the amount in pounds, like £250,000 or £1.2m.")) from error
    if pounds > MAX_POUNDS:
        raise ValidationError(
            _("That is more than £10bn, more than any council spends in a year: check the amount.")
        )
    return int((pounds * 100).to_integral_value())


def money_format(pence: int | None) -> str:
    """Pence as people read a sum: £850, £12,500, £1.2m, £3.45bn."""
    if pence is None:
        return ""
    pounds = Decimal(pence) / 100
    if pounds >= 1_000_000:
        millions = _short(pounds / 1_000_000)
        # Rounded as shown, £999.999m is £1bn, never "£1000m".
        if pounds >= 1_000_000_000 or millions == "1000":
            return f"£{_short(pounds / 1_000_000_000)}bn"
        return f"£{millions}m"
    if pounds == pounds.to_integral_value():
        return f"£{int(pounds):,}"
    return f"£{pounds:,.2f}"


def money_format_plain(pence: int | None) -> str:
    """Pence as a form shows it back, exact: £1,200,000 or £3,000.50 (never rounded)."""
    if pence is None:
        return ""
    pounds = Decimal(pence) / 100
    if pounds == pounds.to_integral_value():
        return f"£{int(pounds):,}"
    return f"£{pounds:,.2f}"


def _short(amount: Decimal) -> str:
    text = f"{amount:.2f}".rstrip("0").rstrip(".")
    return text
