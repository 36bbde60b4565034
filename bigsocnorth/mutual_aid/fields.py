"""Checking a need or an offer before anything is written: every field, every message at once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from bigsocnorth.core.text import without_control_characters
from bigsocnorth.mutual_aid.models import AidCategory, Post, PostKind, Urgency, When

EXPIRY_DEFAULT_DAYS = 30
EXPIRY_MAX_DAYS = 180
WHEN_MAX_DAYS = 365


def _text(values, name: str, *, maximum: int, required: str | None, newlines: bool) -> str:
    value = values.get(name)
    if value is not None and not isinstance(value, str):
        raise ValidationError({name: [_("Write this as text.")]})
    value = without_control_characters(value or "", keep_newlines=newlines).strip()
    if not value and required:
        raise ValidationError({name: [required]})
    if len(value) > maximum:
        raise ValidationError(
            {name: [_("Keep this to at most %(max)s characters.") % {"max": f"{maximum:,}"}]}
        )
    return value


def _choice(values, name: str, choices, message: str) -> str:
    value = values.get(name)
    if not isinstance(value, str) or value not in {choice for choice, _label in choices}:
        raise ValidationError({name: [message]})
    return value


def _day(values, name: str) -> date | None:
    value = values.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, datetime):  # a day is asked for, not a moment
        raise ValidationError({name: [_("Give a date like 2027-03-14.")]})
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({name: [_("Give a date like 2027-03-14.")]}) from None


def _category(values) -> AidCategory:
    value = values.get("category")
    if isinstance(value, AidCategory):
        return value
    category = AidCategory.objects.filter(slug=str(value or "")).first()
    if category is None:
        raise ValidationError({"category": [_("Choose what kind of help it is.")]})
    return category


def _times(values) -> int:
    value = values.get("times", 1)
    try:
        times = int(value)
    except (TypeError, ValueError):
        times = 0
    if not 1 <= times <= Post.TIMES_MAX:
        raise ValidationError(
            {"times": [_("Say how many times, from 1 to %(max)s.") % {"max": Post.TIMES_MAX}]}
        )
    return times


def _when(values, today: date) -> dict:
    when = _choice(values, "when", When.choices, _("Say when: ongoing, a day, or between two."))
    starts_on, ends_on = _day(values, "starts_on"), _day(values, "ends_on")
    if when == When.ONGOING:
        return {"when": when, "starts_on": None, "ends_on": None}
    if starts_on is None:
        raise ValidationError({"starts_on": [_("Give the day.")]})
    if starts_on < today:
        raise ValidationError({"starts_on": [_("The day has passed: give one from today on.")]})
    if starts_on > today + timedelta(days=WHEN_MAX_DAYS):
        raise ValidationError({"starts_on": [_("Give a day within the next year.")]})
    if when == When.DATE:
        return {"when": when, "starts_on": starts_on, "ends_on": None}
    if ends_on is None or ends_on < starts_on:
        raise ValidationError({"ends_on": [_("Give the last day: on or after the first.")]})
    if ends_on > today + timedelta(days=WHEN_MAX_DAYS):
        raise ValidationError({"ends_on": [_("Give a day within the next year.")]})
    return {"when": when, "starts_on": starts_on, "ends_on": ends_on}


def _expires_on(values, today: date) -> date:
    expires_on = _day(values, "expires_on")
    if expires_on is None:
        return today + timedelta(days=EXPIRY_DEFAULT_DAYS)
    if expires_on <= today:
        raise ValidationError({"expires_on": [_("Keep it open until a day after today.")]})
    if expires_on > today + timedelta(days=EXPIRY_MAX_DAYS):
        raise ValidationError(
            {"expires_on": [_("Keep it open for at most %(days)s days: you can renew it then.")
                            % {"days": EXPIRY_MAX_DAYS}]}
        )  # fmt: skip
    return expires_on


def check_post_fields(values: dict) -> dict:
    """The cleaned fields of a post, or a ValidationError with a message for each bad one.

    `place` is a places.services.PlaceValue (the area is needed); only its
    area, its short name and a point rounded to about 1 km are kept.
    """
    today = timezone.localdate()
    checks = {
        "kind": lambda: _choice(
            values, "kind", PostKind.choices, _("Say if it is a need or an offer.")
        ),
        "category": lambda: _category(values),
        "title": lambda: _text(
            values, "title", maximum=Post.TITLE_MAX, newlines=False,
            required=_("Say what exactly, in a few words."),
        ),
        "description": lambda: _text(
            values, "description", maximum=Post.DESCRIPTION_MAX, newlines=True, required=None
        ),
        "urgency": lambda: _choice(values, "urgency", Urgency.choices, _("Say how urgent it is.")),
        "times": lambda: _times(values),
        "expires_on": lambda: _expires_on(values, today),
        "place": lambda: _place(values),
    }  # fmt: skip
    cleaned: dict = {}
    errors: dict[str, list] = {}
    for name, check in checks.items():
        try:
            cleaned[name] = check()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    try:
        cleaned.update(_when(values, today))
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _place(values) -> dict:
    from bigsocnorth.places.services import PlaceValue, place_check

    place = values.get("place")
    if not isinstance(place, PlaceValue):
        raise ValidationError({"place": [_("Say which area: type a town or area, and choose it.")]})
    point = None
    area = place.local_authority
    if not place.whole_area:
        # The area is the point's own, whatever the form said (docs/adding-a-content-type.md).
        try:
            checked = place_check(latitude=place.latitude, longitude=place.longitude)
        except ValidationError as error:
            raise ValidationError({"place": error.messages}) from None
        area = checked.local_authority
        # Never the exact place: a helper learns it from the person, once matched.
        point = PlaceValue(
            name=place.name,
            local_authority=area,
            latitude=place.latitude,
            longitude=place.longitude,
            approximate=True,
        ).public_point
    return {
        "local_authority": area,
        "place_name": place.name[:80],
        "latitude": point[0] if point else None,
        "longitude": point[1] if point else None,
    }
