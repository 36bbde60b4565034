"""Adding many directory entries at once from a CSV file (moderators only).

Two steps. `entry_import_check` is the dry run: it reads every row, checks
it exactly as the entry form would (entries.services.check_entry_fields, plus the
kind, category and area look-ups) and reports per-row errors and likely
duplicates, writing nothing. `entry_import_write` reads and checks the file
again (the directory may have changed since) and, only if no row has an
error, writes every new entry in one transaction with bulk inserts; any
problem rolls all of it back. The entries are written by the same code as
an entry added with the form (entries.services.entries_create_many), a
batch at a time.

The columns are the export's (opendata.csv_export.COLUMNS), so an export
can be imported again. Neither step makes a query per row: kinds,
categories and areas are loaded once, `area_for_point` works in memory, and
ids, websites and registration numbers are looked up a batch at a time.
"""

from __future__ import annotations

import codecs
import csv
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bigsocnorth.directory.entries.duplicates import website_key
from bigsocnorth.directory.entries.services import (
    RESERVED_SLUGS,
    EntryFields,
    check_entry_fields,
    entries_create_many,
)
from bigsocnorth.directory.models import (
    Category,
    Entry,
    EntryIdentifier,
    EntryKind,
    Sector,
)
from bigsocnorth.directory.opendata.csv_export import COLUMNS
from bigsocnorth.directory.permissions import check_entry_import_permission
from bigsocnorth.moderation.changes import bulk_additions_done, contents_added_in_bulk
from bigsocnorth.moderation.services import audit_log_write
from bigsocnorth.places.models import LocalAuthority

# Accepted on import although the export never has it: it is not public.
IMPORT_ONLY_COLUMNS = ("private_contact",)
# In the export for people to read; worked out again on import, so ignored.
IGNORED_COLUMNS = ("areas", "url", "published_at")
REQUIRED_COLUMNS = ("name", "kind", "sector")
KNOWN_COLUMNS = (*COLUMNS, *IMPORT_ONLY_COLUMNS)
# Rows checked, looked up and written together.
BATCH_SIZE = 1000
# The report keeps this many problems and duplicates to show; it counts all of them.
SHOWN_MAX = 1000
IMPORT_ACTION = "import"
# What csv_safe_cell puts an apostrophe before; the import takes it off again.
_GUARDED = ("'=", "'+", "'-", "'@", "'\t", "'\r")
_LIST_SEPARATORS = re.compile(r"\s*[;\n]\s*")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0", ""}
_DELIMITERS = (",", ";", "\t")

# Which column each of check_entry_fields' error keys belongs to.
_FIELD_COLUMNS = {"feed_url": "feed_url", "places": "places"}


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, header, quoting, size): nothing is checked
    further. The message says what to do."""


class ImportHasErrors(Exception):
    """Some rows have errors, so nothing was written; `report` says which."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{report.with_errors} rows with errors")
        self.report = report


@dataclass
class RowProblem:
    row: int
    column: str
    message: str


@dataclass
class RowMatch:
    """A row that looks like (or is) an entry already in the directory, or an earlier row."""

    row: int
    name: str
    reasons: list[str]
    other_name: str = ""
    other_url: str = ""
    other_row: int | None = None


@dataclass
class ImportReport:
    """What a dry run (or an import's own check) found. Row numbers are as in a
    spreadsheet: the header is row 1."""

    rows: int = 0
    with_errors: int = 0
    already_there: int = 0
    likely_duplicates: int = 0
    problems_total: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    duplicates: list[RowMatch] = field(default_factory=list)
    existing: list[RowMatch] = field(default_factory=list)
    file_error: str = ""

    @property
    def fine(self) -> int:
        return self.rows - self.with_errors

    @property
    def has_errors(self) -> bool:
        return bool(self.file_error or self.with_errors)

    def to_add(self, *, include_duplicates: bool) -> int:
        """How many new entries an import would write."""
        left_out = self.already_there + (0 if include_duplicates else self.likely_duplicates)
        return max(0, self.fine - left_out)

    def add_problems(self, problems: list[RowProblem]) -> None:
        self.with_errors += 1
        self.problems_total += len(problems)
        room = SHOWN_MAX - len(self.problems)
        self.problems.extend(problems[: max(0, room)])

    def as_data(self) -> dict:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict) -> ImportReport:
        return cls(
            **{
                **data,
                "problems": [RowProblem(**item) for item in data.get("problems", [])],
                "duplicates": [RowMatch(**item) for item in data.get("duplicates", [])],
                "existing": [RowMatch(**item) for item in data.get("existing", [])],
            }
        )


@dataclass
class ImportResult:
    created: int
    left_out_duplicates: int
    already_there: int
    report: ImportReport


# --- Reading the file -------------------------------------------------------------


def _max_bytes() -> int:
    return settings.DIRECTORY_IMPORT_MAX_MB * 1_048_576


def _save_as_advice() -> str:
    return _(
        "In your spreadsheet, choose Save as (or Download as) and the file type "
        "“CSV UTF-8 (comma delimited)”, then upload that file."
    )


def _check_bytes(path: Path) -> int:
    """The file's number of lines; ImportFileError unless it is non-empty UTF-8 text of a
    sane size.

    Reads the whole file once, a megabyte at a time, so a bad byte is found
    (and its line named) before any row is checked.
    """
    size = path.stat().st_size
    if size > _max_bytes():
        raise ImportFileError(
            _(
                "The file is %(size)s MB; the most the import takes is %(max)s MB. "
                "Split it into smaller files and import them one after another."
            )
            % {"size": f"{size / 1_048_576:.1f}", "max": settings.DIRECTORY_IMPORT_MAX_MB}
        )
    with path.open("rb") as file:
        head = file.read(8192)
        if not head.lstrip(codecs.BOM_UTF8).strip():
            raise ImportFileError(
                _("The file is empty. Upload a CSV file with a header row and one row per entry.")
            )
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise ImportFileError(
                _("The file is UTF-16 text (what some spreadsheets call “Unicode text”).")
                + " "
                + _save_as_advice()
            )
        if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            raise ImportFileError(
                _("This is a spreadsheet file (such as .xlsx, .xls or .ods), not CSV.")
                + " "
                + _save_as_advice()
            )
        if b"\x00" in head:
            raise ImportFileError(
                _("This is not a text file (it has binary data in it). Upload a CSV file.")
            )
        file.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        line = 1
        while chunk := file.read(1_048_576):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                position = max(0, error.start)
                line += chunk.count(b"\n", 0, position)
                raise ImportFileError(
                    _(
                        "The file is not UTF-8 text: line %(line)s has a byte (0x%(byte)s) "
                        "that UTF-8 does not use. It was probably saved as Windows-1252 or "
                        "Latin-1, which is what many spreadsheets mean by plain “CSV”."
                    )
                    % {"line": f"{line:,}", "byte": f"{chunk[position]:02X}"}
                    + " "
                    + _save_as_advice()
                ) from None
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ImportFileError(
                _("The file ends in the middle of a character: it is cut short or not UTF-8.")
                + " "
                + _save_as_advice()
            ) from None
    return line


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _(
            "The file has more than %(max)s rows. Split it into files of at most "
            "%(max)s rows and import them one after another."
        )
        % {"max": f"{settings.DIRECTORY_IMPORT_MAX_ROWS:,}"}
    )


def _count_rows(text) -> int:
    """Rows that are not blank, counted without checking them (a fraction of a second for
    100,000 rows), so an overlong file is refused before the slow part."""
    return sum(1 for cells in csv.reader(text, strict=True) if any(c.strip() for c in cells)) - 1


def _column_name(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.strip().lower())


def _delimiter(first_line: str) -> str:
    """Commas, unless the header reads better split at semicolons or tabs (some
    spreadsheets save "CSV" that way)."""

    def known(delimiter: str) -> int:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(_column_name(cell) in KNOWN_COLUMNS for cell in cells)

    return max(_DELIMITERS, key=known)


def _header(cells: list[str]) -> list[str]:
    names = [_column_name(cell) for cell in cells]
    while names and not names[-1]:
        names.pop()  # empty columns a spreadsheet added at the end
    problems = []
    if "" in names:
        problems.append(
            _("Column %(number)s has no name in the first row.") % {"number": names.index("") + 1}
        )
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        problems.append(
            _("These columns appear twice: %(names)s.") % {"names": ", ".join(repeated)}
        )
    unknown = [name for name in names if name and name not in KNOWN_COLUMNS]
    if unknown:
        problems.append(
            _("The first row names columns the import does not know: %(names)s.")
            % {"names": ", ".join(unknown)}
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        problems.append(
            _("The file has no %(names)s column: every entry needs a name, a kind and a sector.")
            % {"names": ", ".join(missing)}
        )
    if problems:
        raise ImportFileError(
            " ".join(problems)
            + " "
            + _("The first row must name the columns; they are: %(columns)s.")
            % {"columns": ", ".join(KNOWN_COLUMNS)}
        )
    return names


def _records(path: Path, report: ImportReport) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, cells by column) for each row that is not blank.

    Rows with the wrong number of cells go into the report as problems.
    Raises ImportFileError for what makes the rest of the file unreadable.
    """
    lines = _check_bytes(path)
    with path.open(encoding="utf-8-sig", newline="") as text:
        delimiter = _delimiter(text.readline())
        # Lines are at least as many as rows (a cell may span lines).
        if lines > settings.DIRECTORY_IMPORT_MAX_ROWS + 1:
            text.seek(0)
            try:
                if _count_rows(text) > settings.DIRECTORY_IMPORT_MAX_ROWS:
                    raise _too_many_rows()
            except csv.Error:
                pass  # reported with its row number by the pass below
        text.seek(0)
        reader = csv.reader(text, delimiter=delimiter, strict=True)
        number = 0  # the last row read whole; a quoting error is in the next one
        try:
            first = next(reader, None)
            if first is None:
                raise ImportFileError(_("The file is empty."))
            columns = _header(first)
            width = len(columns)
            number = 1
            for number, cells in enumerate(reader, start=2):
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) > width and not any(cell.strip() for cell in cells[width:]):
                    cells = cells[:width]
                if len(cells) != width:
                    report.rows += 1
                    report.add_problems(
                        [
                            RowProblem(
                                row=number,
                                column="",
                                message=_(
                                    "This row has %(cells)s cells, but the first row names "
                                    "%(columns)s columns. Look for a missing or extra "
                                    "separator, or a cell with a quote that is not closed."
                                )
                                % {"cells": len(cells), "columns": width},
                            )
                        ]
                    )
                    continue
                yield number, dict(zip(columns, cells, strict=True))
        except csv.Error as error:
            raise ImportFileError(
                _(
                    "Row %(row)s (around line %(line)s of the file) cannot be read: its quotes "
                    "do not pair up (%(detail)s). A cell that starts with a quote must end "
                    'with one, and a quote inside it is written twice ("").'
                )
                % {"row": f"{number + 1:,}", "line": f"{reader.line_num:,}", "detail": error}
            ) from None


# --- Checking a row -----------------------------------------------------------------


def _fold(value: str) -> str:
    return " ".join(value.split()).casefold()


def _unguard(value: str) -> str:
    """The cell without the apostrophe the export puts before formula-like text."""
    return value[1:] if value.startswith(_GUARDED) else value


def _split(value: str) -> list[str]:
    return [part for part in _LIST_SEPARATORS.split(value.strip()) if part]


@dataclass
class _Lookups:
    """The lists a row refers to, loaded once per file: no query per row."""

    kinds: dict[str, EntryKind]
    categories: dict[str, Category]
    areas: dict[str, LocalAuthority]
    sectors: dict[str, str]
    kind_names: str
    category_names: str

    @classmethod
    def load(cls) -> _Lookups:
        kinds = list(EntryKind.objects.all())
        categories = list(Category.objects.all())
        areas = list(LocalAuthority.objects.defer("boundary"))
        return cls(
            kinds={_fold(key): kind for kind in kinds for key in (kind.slug, kind.name)},
            categories={
                _fold(key): category
                for category in categories
                for key in (category.slug, category.name)
            },
            areas={_fold(key): area for area in areas for key in (area.name, area.slug, area.code)},
            sectors={
                _fold(key): value
                for value, label in Sector.choices
                for key in (value, str(label), value.replace("_", " "))
            },
            kind_names=", ".join(kind.slug for kind in kinds),
            category_names=", ".join(category.slug for category in categories),
        )


def _places(raw: str, names_raw: str, add: Callable[[str, str], None]) -> list[dict]:
    cells = _split(raw)
    names = [part.strip() for part in names_raw.split(";")] if names_raw.strip() else []
    if len(names) > len(cells):
        add(
            "place_names",
            _("There are %(names)s place names but %(places)s places.")
            % {"names": len(names), "places": len(cells)},
        )
    places = []
    for number, cell in enumerate(cells, start=1):
        parts = [part.strip() for part in cell.split(",")]
        try:
            latitude, longitude = (float(part) for part in parts)
        except ValueError:
            add(
                "places",
                _(
                    "“%(value)s” is not a latitude and longitude. Write each place as "
                    "latitude,longitude, such as 53.3811,-1.4701, and separate places with “; ”."
                )
                % {"value": cell[:60]},
            )
            continue
        name = names[number - 1] if number <= len(names) else ""
        places.append({"name": name, "latitude": latitude, "longitude": longitude})
    return places


def _check_row(
    cells: dict[str, str], lookups: _Lookups
) -> tuple[EntryFields | None, uuid.UUID | None, dict[str, list[str]]]:
    """(checked fields or None, the row's id if it has one, problems by column)."""
    problems: dict[str, list[str]] = {}

    def add(column: str, message: str) -> None:
        problems.setdefault(column, []).append(str(message))

    def cell(column: str) -> str:
        return _unguard(cells.get(column, ""))

    entry_id = None
    if raw_id := cell("id").strip():
        try:
            entry_id = uuid.UUID(raw_id)
        except ValueError:
            add(
                "id",
                _(
                    "“%(value)s” is not an id from an export of the directory. Leave the id "
                    "empty for a new entry."
                )
                % {"value": raw_id[:60]},
            )
    kind = None
    if raw_kind := cell("kind").strip():
        kind = lookups.kinds.get(_fold(raw_kind))
        if kind is None:
            add(
                "kind",
                _("There is no kind “%(value)s”. Use one of: %(choices)s.")
                % {"value": raw_kind[:60], "choices": lookups.kind_names},
            )
    raw_sector = cell("sector").strip()
    sector = lookups.sectors.get(_fold(raw_sector), raw_sector)
    if raw_sector and sector not in Sector.values:
        add(
            "sector",
            _("There is no sector “%(value)s”. Use one of: %(choices)s.")
            % {"value": raw_sector[:60], "choices": ", ".join(Sector.values)},
        )
    categories, unknown = [], []
    for value in _split(cell("categories")):
        found = lookups.categories.get(_fold(value))
        (categories.append(found) if found else unknown.append(value[:60]))
    if unknown:
        add(
            "categories",
            _("There is no category %(values)s. Use these: %(choices)s.")
            % {"values": ", ".join(f"“{v}”" for v in unknown), "choices": lookups.category_names},
        )
    served, unknown = [], []
    for value in _split(cell("areas_served")):
        found = lookups.areas.get(_fold(value))
        (served.append(found) if found else unknown.append(value[:60]))
    if unknown:
        add(
            "areas_served",
            _(
                "%(values)s is not a local authority in the North. Use the council's area "
                "name, such as Calderdale, or its GSS code."
            )
            % {"values": ", ".join(f"“{v}”" for v in unknown)},
        )
    approximate = cell("approximate_location").strip().lower()
    if approximate not in _TRUE | _FALSE:
        add("approximate_location", _("Write true or false (or leave it empty for false)."))
    places = _places(cell("places"), cell("place_names"), add)
    try:
        fields = check_entry_fields(
            name=cell("name"),
            kind=kind,
            sector=sector,
            categories=categories,
            tags=cell("tags"),
            description=cell("description"),
            website=cell("website"),
            feed_url=cell("feed_url"),
            social_links=_split(cell("social_links")),
            public_contact=cell("public_contact"),
            private_contact=cell("private_contact"),
            identifiers=_split(cell("identifiers")),
            places=places,
            areas_served=served,
            approximate_location=approximate in _TRUE,
        )
    except ValidationError as error:
        fields = None
        for key, messages in error.message_dict.items():
            column = _FIELD_COLUMNS.get(key, key)
            if column in problems:
                continue  # the import's own message about this column says more
            for message in messages:
                add(column, message)
    if problems:
        return None, entry_id, problems
    return fields, entry_id, problems


# --- Duplicates -----------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    fields: EntryFields
    entry_id: uuid.UUID | None
    already_there: bool = False
    duplicate: bool = False


@dataclass
class _SeenInFile:
    """Ids, websites and registration numbers of earlier rows, by row number."""

    ids: dict[uuid.UUID, int] = field(default_factory=dict)
    websites: dict[str, int] = field(default_factory=dict)
    identifiers: dict[tuple[str, str], int] = field(default_factory=dict)


def _entry_url(slug: str) -> str:
    return Entry(slug=slug).get_absolute_url()


def _mark_matches(batch: list[_Row], *, seen: _SeenInFile, report: ImportReport) -> None:
    """Mark rows already in the directory (same id) and likely duplicates (same website or
    registration number as an entry, or as an earlier row). Three queries per batch."""
    ids = [row.entry_id for row in batch if row.entry_id]
    existing_ids = {
        value: (name, slug)
        for value, name, slug in Entry.objects.filter(uuid__in=ids).values_list(
            "uuid", "name", "slug"
        )
    }
    keys = {website_key(row.fields.website) for row in batch if row.fields.website}
    by_website: dict[str, tuple[str, str]] = {}
    for key, name, slug in (
        Entry.objects.filter(website_key__in=keys, merged_into__isnull=True)
        .order_by("pk")
        .values_list("website_key", "name", "slug")
    ):
        by_website.setdefault(key, (name, slug))
    values = {value for row in batch for _scheme, value in row.fields.identifiers}
    by_identifier: dict[tuple[str, str], tuple[str, str]] = {}
    for scheme, value, name, slug in (
        EntryIdentifier.objects.filter(value__in=values, entry__merged_into__isnull=True)
        .order_by("pk")
        .values_list("scheme", "value", "entry__name", "entry__slug")
    ):
        by_identifier.setdefault((scheme, value), (name, slug))

    for row in batch:
        fields = row.fields
        if row.entry_id in existing_ids:
            name, slug = existing_ids[row.entry_id]
            row.already_there = True
            report.already_there += 1
            if len(report.existing) < SHOWN_MAX:
                report.existing.append(
                    RowMatch(
                        row=row.number,
                        name=fields.name,
                        reasons=[_("the same id")],
                        other_name=name,
                        other_url=_entry_url(slug),
                    )
                )
            continue
        key = website_key(fields.website) if fields.website else ""
        match: RowMatch | None = None
        if key and key in by_website:
            name, slug = by_website[key]
            match = RowMatch(row=row.number, name=fields.name, reasons=[_("the same website")])
            match.other_name, match.other_url = name, _entry_url(slug)
        for identifier in fields.identifiers:
            if identifier in by_identifier:
                name, slug = by_identifier[identifier]
                match = match or RowMatch(row=row.number, name=fields.name, reasons=[])
                match.reasons.append(
                    _("the same registration number (%(id)s)") % {"id": "-".join(identifier)}
                )
                if not match.other_url:
                    match.other_name, match.other_url = name, _entry_url(slug)
        if match is None:
            earlier = seen.websites.get(key) if key else None
            same_number = [i for i in fields.identifiers if i in seen.identifiers]
            if earlier is not None or same_number:
                match = RowMatch(row=row.number, name=fields.name, reasons=[])
                if earlier is not None:
                    match.reasons.append(_("the same website"))
                    match.other_row = earlier
                for identifier in same_number:
                    match.reasons.append(
                        _("the same registration number (%(id)s)") % {"id": "-".join(identifier)}
                    )
                    match.other_row = match.other_row or seen.identifiers[identifier]
        if match is not None:
            row.duplicate = True
            report.likely_duplicates += 1
            if len(report.duplicates) < SHOWN_MAX:
                report.duplicates.append(match)
        if key:
            seen.websites.setdefault(key, row.number)
        for identifier in fields.identifiers:
            seen.identifiers.setdefault(identifier, row.number)


# --- The scan both steps share --------------------------------------------------------


def _scan(
    path: Path, report: ImportReport, *, on_batch: Callable[[list[_Row]], None] | None = None
) -> ImportReport:
    """Check every row of the file into `report`; hand each batch of good rows to `on_batch`.

    A whole-file problem ends the scan and is the report's `file_error`.
    """
    lookups = _Lookups.load()
    seen = _SeenInFile()
    batch: list[_Row] = []

    def flush() -> None:
        _mark_matches(batch, seen=seen, report=report)
        if on_batch is not None:
            on_batch(batch)
        batch.clear()

    try:
        for number, cells in _records(path, report):
            report.rows += 1
            if report.rows > settings.DIRECTORY_IMPORT_MAX_ROWS:
                raise _too_many_rows()
            fields, entry_id, problems = _check_row(cells, lookups)
            if entry_id is not None:
                if entry_id in seen.ids:
                    problems.setdefault("id", []).append(
                        _("Row %(row)s has the same id. Each entry can be in the file once.")
                        % {"row": seen.ids[entry_id]}
                    )
                    fields = None
                else:
                    seen.ids[entry_id] = number
            if fields is None:
                report.add_problems(
                    [
                        RowProblem(row=number, column=column, message=message)
                        for column, messages in problems.items()
                        for message in messages
                    ]
                )
                continue
            batch.append(_Row(number=number, fields=fields, entry_id=entry_id))
            if len(batch) >= BATCH_SIZE:
                flush()
        if batch:
            flush()
    except ImportFileError as error:
        report.file_error = str(error)
    return report


def entry_import_check(*, path: Path) -> ImportReport:
    """The dry run: every row checked, errors and likely duplicates reported. Writes nothing."""
    return _scan(path, ImportReport())


# --- Writing ---------------------------------------------------------------------------


class _Slugs:
    """Unique web address names for new entries, without a query per entry.

    A name whose slug is free gets it; otherwise the next free "-2", "-3"…
    Slugs are only ever looked up exactly (`slug__in`, the unique index):
    one query per batch for the plain slugs, and one per name that needs a
    number, for 50 numbers at a time.
    """

    WINDOW = 50

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.next_number: dict[str, int] = {}
        self.taken_numbers: dict[str, set[int]] = {}
        self.checked_up_to: dict[str, int] = {}

    @staticmethod
    def _base(name: str) -> str:
        return slugify(name)[:200].strip("-") or "entry"

    def assign(self, names: list[str]) -> list[str]:
        bases = [self._base(name) for name in names]
        taken = set(Entry.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
        slugs = []
        for base in bases:
            if base in taken or base in self.used or base in RESERVED_SLUGS:
                slug = self._numbered(base)
            else:
                slug = base
            self.used.add(slug)
            slugs.append(slug)
        return slugs

    def _numbered(self, base: str) -> str:
        number = self.next_number.get(base, 2)
        while True:
            if number > self.checked_up_to.get(base, 1):
                self._look_up(base, start=number)
            slug = f"{base}-{number}"
            if number not in self.taken_numbers[base] and slug not in self.used:
                break
            number += 1
        self.next_number[base] = number + 1
        return slug

    def _look_up(self, base: str, *, start: int) -> None:
        wanted = {f"{base}-{n}": n for n in range(start, start + self.WINDOW)}
        found = Entry.objects.filter(slug__in=wanted).values_list("slug", flat=True)
        self.taken_numbers.setdefault(base, set()).update(wanted[slug] for slug in found)
        self.checked_up_to[base] = start + self.WINDOW - 1


def _write_batch(rows: list[_Row], *, actor, published_at, slugs: _Slugs) -> int:
    """Add the rows' entries through the entries' write path, then index them for search.

    `entries_create_many` inserts them and everything hanging off them in
    bulk, as published entries by `actor` (a moderator) with `published_at`,
    like any new entry. Call inside the import's transaction. Returns how
    many entries were added.
    """
    if not rows:
        return 0
    names = slugs.assign([row.fields.name for row in rows])
    entries = entries_create_many(
        [
            (Entry(uuid=row.entry_id or uuid.uuid4(), slug=slug), row.fields)
            for row, slug in zip(rows, names, strict=True)
        ],
        author=actor,
        now=published_at,
        batch_size=BATCH_SIZE,
    )
    contents_added_in_bulk(entries)
    return len(entries)


def entry_import_write(
    *,
    path: Path,
    actor,
    include_duplicates: bool = False,
    file_name: str = "",
    details: dict | None = None,
) -> ImportResult:
    """Add every good row of the file as a published entry by `actor`, all or nothing.

    Moderators only (PermissionDenied). Checks the whole file again first;
    raises ImportHasErrors (nothing written) if any row has an error now.
    Rows whose id is already in the directory are always left out; likely
    duplicates too unless `include_duplicates`. One transaction: the entries,
    their places, identifiers, categories and areas (bulk inserts), the
    search index (in bulk, see moderation.changes.contents_added_in_bulk), and one audit log row.
    """
    check_entry_import_permission(user=actor)
    counts = {"created": 0, "left_out": 0}
    slugs = _Slugs()
    published_at = timezone.now()

    def write(batch: list[_Row]) -> None:
        if report.has_errors:
            return  # it will be rolled back: only go on finding errors
        wanted = [
            row
            for row in batch
            if not row.already_there and (include_duplicates or not row.duplicate)
        ]
        counts["left_out"] += sum(row.duplicate for row in batch) - sum(
            row.duplicate for row in wanted
        )
        counts["created"] += _write_batch(
            wanted, actor=actor, published_at=published_at, slugs=slugs
        )

    # Filled in as the scan goes; `write` stops writing at the first error.
    report = ImportReport()
    with transaction.atomic():
        _scan(path, report, on_batch=write)
        if report.has_errors:
            raise ImportHasErrors(report)
        if counts["created"]:
            bulk_additions_done()
            audit_log_write(
                actor=actor,
                action=IMPORT_ACTION,
                # One row for the whole import: an unsaved entry stands in, so the
                # log names the content type and the import, not one of its entries.
                obj=Entry(
                    name=_("CSV import of %(count)s entries from “%(file)s”")
                    % {"count": f"{counts['created']:,}", "file": file_name[:100]}
                ),
                details={
                    **(details or {}),
                    "file_name": file_name,
                    "rows": report.rows,
                    "created": counts["created"],
                    "left_out_duplicates": counts["left_out"],
                    "already_there": report.already_there,
                },
            )
    return ImportResult(
        created=counts["created"],
        left_out_duplicates=counts["left_out"],
        already_there=report.already_there,
        report=report,
    )
