"""Checking what people type into gatherings' forms: plain messages gathered by field.

Each check adds its problems to an `errors` dict ({field: [messages]}) and
returns the cleaned value, so a service can report every problem at once
before it writes anything.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from bigsocnorth.core.text import without_control_characters


def add_error(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def clean_text(value, *, keep_newlines: bool = False) -> str:
    return without_control_characters(str(value or ""), keep_newlines=keep_newlines).strip()


def bounded_text(errors, field, value, *, maximum: int, required: str = "", newlines=False) -> str:
    text = clean_text(value, keep_newlines=newlines)
    if required and not text:
        add_error(errors, field, required)
    if len(text) > maximum:
        add_error(
            errors,
            field,
            _("This can be at most %(max)s characters (it has %(count)s).")
            % {"max": f"{maximum:,}", "count": f"{len(text):,}"},
        )
    return text


def bounded_number(errors, field, value, *, low: int, high: int, message: str, empty=None):
    if value is None or (isinstance(value, str) and not value.strip()):
        return empty
    if isinstance(value, bool):
        add_error(errors, field, message)
        return empty
    try:
        number = int(str(value).strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError, OverflowError):
        add_error(errors, field, message)
        return empty
    if not low <= number <= high:
        add_error(errors, field, message)
        return empty
    return number
