"""CSV exports: cells a spreadsheet will not run as formulas, streamed row by row.

Every CSV the site offers goes through `csv_response`, so quoting, encoding
and the formula-injection guard are the same everywhere.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date, datetime

from django.http import StreamingHttpResponse

# A cell starting with one of these is read as a formula by Excel, LibreOffice
# and Google Sheets (tab and carriage return too, as some of them trim them
# first): text from the public must never run there (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_cell(value) -> str:
    """The value as CSV cell text; text that a spreadsheet would run gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        # Numbers the site computes are data, not formulas ("-1" stays a number).
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write() returns the line, for a streaming csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_rows(header: Iterable, rows: Iterable[Iterable]) -> Iterable[str]:
    """The lines of a CSV file (RFC 4180 quoting, CRLF), each cell passed through csv_safe_cell."""
    writer = csv.writer(_Echo())
    yield writer.writerow([csv_safe_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([csv_safe_cell(cell) for cell in row])


def csv_response(*, filename: str, header: Iterable, rows: Iterable[Iterable]):
    """A streamed UTF-8 CSV download. `rows` may be a generator: it is read as it is sent."""
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
