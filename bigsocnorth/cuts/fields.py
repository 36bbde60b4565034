"""What a report of a cut may say: every value checked, with a message a person can act on.

Forms and the API both end here, so the rules are the same everywhere and a
report is either whole and valid or not written at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bigsocnorth.core.geo import publishable_point
from bigsocnorth.core.text import without_control_characters
from bigsocnorth.cuts.choices import CutKind, CutState, Sector
from bigsocnorth.cuts.models import Cut
from bigsocnorth.cuts.money import money_parse
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.services import PlaceValue, place_check

MAX_COUNT = 10_000_000  # people or posts: more than the North's population is a slip
_YEAR = re.compile(r"^(?P<start>20\d\d)(?:\s*[/-]\s*(?P<end>\d\d(?:\d\d)?))?$")
DATE_FIELDS = ("announced_on", "consultation_closes_on", "decision_due_on", "takes_effect_on")


def financial_year_of(day: date) -> int:
    """The UK financial year (April to March) a day falls in, by its start year."""
    return day.year if day.month >= 4 else day.year - 1


def _text(values, name, *, max_length, errors, required_message="", newlines=False) -> str:
    value = values.get(name)
    if value is not None and not isinstance(value, str):
        errors.setdefault(name, []).append(_("Give this as text."))
        return ""
    text = without_control_characters(value or "", keep_newlines=newlines).strip()
    if not text and required_message:
        errors.setdefault(name, []).append(required_message)
    if len(text) > max_length:
        errors.setdefault(name, []).append(
            _("This can be at most %(max)s characters (it has %(count)s).")
            % {"max": f"{max_length:,}", "count": f"{len(text):,}"}
        )
    return text


def _choice(values, name, choices, *, errors, message, default=None) -> str:
    value = values.get(name) or default
    if value not in choices.values:
        errors.setdefault(name, []).append(message)
        return ""
    return value


def _money(values, name, errors) -> int | None:
    try:
        return money_parse(values.get(name))
    except ValidationError as error:
        errors.setdefault(name, []).extend(error.messages)
        return None


def _count(values, name, errors) -> int | None:
    value = values.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors.setdefault(name, []).append(_("Give a whole number."))
        return None
    text = str(value).replace(",", "").strip()
    # isdecimal, not isdigit: "²" is a digit that int() cannot read.
    if not text.isdecimal():
        errors.setdefault(name, []).append(_("Give a whole number, like 12 or 1,500."))
        return None
    number = int(text)
    if number > MAX_COUNT:
        errors.setdefault(name, []).append(
            _("That is more than %(max)s: check the number.") % {"max": f"{MAX_COUNT:,}"}
        )
        return None
    return number


def _date(values, name, errors) -> date | None:
    value = values.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(name, []).append(_("Give a date, like 2026-03-31."))
        return None


def financial_year_parse(value) -> int | None:
    """2026, "2026", "2026/27" or "2026-2027" → 2026; ValidationError otherwise."""
    if value is None or value == "":
        return None
    match = _YEAR.match(str(value).strip())
    if match is None:
        raise ValidationError(_("Give the financial year like 2026/27."))
    start = int(match["start"])
    end = match["end"]
    following = start + 1 if len(end or "") == 4 else (start + 1) % 100  # 2026/2027 or 2026/27
    if end and int(end) != following:
        raise ValidationError(_("A financial year runs from one April to the next, like 2026/27."))
    if not 2000 <= start <= 2100:
        raise ValidationError(_("Give the financial year like 2026/27."))
    return start


# Which date must not come before which, and what to say when it does.
_DATE_ORDER = (
    ("announced_on", "consultation_closes_on",
     "The consultation cannot close before the cut was announced."),
    ("announced_on", "decision_due_on",
     "The decision cannot be due before the cut was announced."),
    ("announced_on", "takes_effect_on",
     "The cut cannot take effect before it was announced."),
    ("consultation_closes_on", "decision_due_on",
     "The decision cannot be due before the consultation closes."),
    ("decision_due_on", "takes_effect_on",
     "The cut cannot take effect before the decision is due."),
)  # fmt: skip


def _check_date_order(dates: dict, errors: dict) -> None:
    for earlier, later, message in _DATE_ORDER:
        if dates.get(earlier) and dates.get(later) and dates[later] < dates[earlier]:
            errors.setdefault(later, []).append(_(message))


@dataclass(frozen=True)
class Place:
    """Where a cut is, as stored: a point (rounded if approximate) or the whole of an area."""

    local_authority: LocalAuthority
    name: str = ""
    latitude: float | None = None
    longitude: float | None = None
    approximate: bool = False


def place_checked(place: PlaceValue | None, errors: dict) -> Place | None:
    if place is None:
        errors.setdefault("place", []).append(
            _("Say where: a place, a postcode or the whole of an area.")
        )
        return None
    name = without_control_characters(place.name or "", keep_newlines=False).strip()[:120]
    if place.latitude is None:
        return Place(local_authority=place.local_authority, name=name)
    try:
        point = place_check(latitude=place.latitude, longitude=place.longitude)
    except ValidationError as error:
        errors.setdefault("place", []).extend(error.messages)
        return None
    latitude, longitude = publishable_point(
        latitude=point.latitude, longitude=point.longitude, approximate=place.approximate
    )
    return Place(
        local_authority=point.local_authority,
        name=name,
        latitude=latitude,
        longitude=longitude,
        approximate=place.approximate,
    )


def _decider(values, place: Place | None, errors) -> tuple[LocalAuthority | None, str]:
    """The council deciding (given, by GSS code, or the place's own) or another body in words."""
    name = _text(values, "decided_by_name", max_length=Cut.NAME_MAX, errors=errors)
    authority = values.get("decided_by_authority")
    code = values.get("decided_by_code")
    if code:
        authority = LocalAuthority.objects.filter(code=str(code).strip().upper()).first()
        if authority is None:
            errors.setdefault("decided_by_code", []).append(
                _(
                    "No council in the North has the code %(code)s. Give its ONS GSS code "
                    "(like E08000035), or name the body in words."
                )
                % {"code": str(code)[:20]}
            )
            return None, name
    if authority is not None and not isinstance(authority, LocalAuthority):
        errors.setdefault("decided_by_authority", []).append(_("Choose a council from the list."))
        return None, name
    if authority is None and not name and place is not None:
        authority = place.local_authority
    return authority, "" if authority is not None else name


def _entry(values, errors):
    entry = values.get("entry")
    if entry is None:
        return None
    from bigsocnorth.directory.models import Entry

    if not isinstance(entry, Entry) or not is_public(entry):
        errors.setdefault("entry", []).append(_("Choose a group or service from the directory."))
        return None
    return entry


def check_cut_fields(values: dict, *, with_state: bool = True) -> dict:
    """The report's fields, cleaned, or a ValidationError naming every problem at once."""
    errors: dict[str, list] = {}
    fields: dict = {
        "title": _text(
            values,
            "title",
            max_length=Cut.TITLE_MAX,
            errors=errors,
            required_message=_("Say in a few words what is threatened."),
        ),
        "summary": _text(
            values,
            "summary",
            max_length=Cut.SUMMARY_MAX,
            errors=errors,
            newlines=True,
            required_message=_("Say what is happening, and how you know."),
        ),
        "affected_name": _text(values, "affected_name", max_length=Cut.NAME_MAX, errors=errors),
        "people_basis": _text(values, "people_basis", max_length=Cut.BASIS_MAX, errors=errors),
        "kind": _choice(
            values, "kind", CutKind, errors=errors, message=_("Choose what kind of cut it is.")
        ),
        "sector": _choice(
            values, "sector", Sector, errors=errors, message=_("Choose the sector it is in.")
        ),
        "money_yearly": _money(values, "money_yearly", errors),
        "money_one_off": _money(values, "money_one_off", errors),
        "posts_lost": _count(values, "posts_lost", errors),
        "people_affected": _count(values, "people_affected", errors),
        "author_name_hidden": bool(values.get("author_name_hidden")),
    }
    fields["entry"] = _entry(values, errors)
    if fields["entry"] is None and not fields["affected_name"] and "entry" not in errors:
        fields["affected_name"] = fields["title"]
    dates = {name: _date(values, name, errors) for name in DATE_FIELDS}
    _check_date_order(dates, errors)
    fields.update(dates)
    try:
        fields["financial_year"] = financial_year_parse(values.get("financial_year"))
    except ValidationError as error:
        errors.setdefault("financial_year", []).extend(error.messages)
    if fields.get("financial_year") is None:
        known = dates["takes_effect_on"] or dates["decision_due_on"] or dates["announced_on"]
        fields["financial_year"] = financial_year_of(known) if known else None
    place = place_checked(values.get("place"), errors)
    fields["place"] = place
    fields["decided_by_authority"], fields["decided_by_name"] = _decider(values, place, errors)
    if with_state:
        fields["state"] = _choice(
            values,
            "state",
            CutState,
            errors=errors,
            message=_("Choose how far the cut has got."),
            default=CutState.PROPOSED,
        )
    if errors:
        raise ValidationError(errors)
    return fields
