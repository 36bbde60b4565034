"""What each app holds about a person, gathered for their data export (UK GDPR right of access).

Every app that keeps something about people (what they wrote, what they
answered, what they follow) registers a part of the export from its own
`personal_data.py`, found at start-up the way core finds `content.py`:

    register_personal_data(
        "stories",
        describe=_("The stories you told here or shared from elsewhere, and their pictures."),
        collect=stories_personal_data,
        covers=(Story,),
    )

`collect(user)` returns `(data, files)`: what goes into data.json under the
part's name (anything JSON can hold, dates and times included) and the
names, in the default storage, of the person's uploaded files, which go
into the zip under `uploads/`. A collector costs a fixed number of queries
however much the person has done (values(), select_related, prefetch).
It includes only what the person may see: their own contributions, and of
other people no more than the site already shows them (never an email
address). `covers` names the moderated models the part accounts for: the
content contract test checks every content type is covered by one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from bigsocnorth.accounts.selectors import account_export_data, profile_export_data

# (data for data.json, names of uploaded files in the default storage)
PersonalData = tuple[Any, list[str]]


@dataclass(frozen=True)
class PersonalDataPart:
    name: str
    # One or two sentences for README.txt: what this part of data.json holds.
    describe: Any
    collect: Callable[[Any], PersonalData]
    covers: tuple[type[Model], ...] = ()


_parts: dict[str, PersonalDataPart] = {}


def register_personal_data(
    name: str,
    *,
    collect: Callable[[Any], PersonalData],
    describe: Any,
    covers: Iterable[type[Model]] = (),
) -> None:
    """Add a part to every member's data export. Registering a name again replaces it."""
    _parts[name] = PersonalDataPart(
        name=name, describe=describe, collect=collect, covers=tuple(covers)
    )


def personal_data_parts() -> list[PersonalDataPart]:
    return list(_parts.values())


def part_covering(model: type[Model]) -> PersonalDataPart | None:
    """The part that exports people's contributions of this content type, if any."""
    for part in _parts.values():
        if model in part.covers:
            return part
    return None


def collect_personal_data(*, user) -> tuple[dict[str, Any], list[str]]:
    """Every registered part for this person: {part name: data}, and their files, once each."""
    data: dict[str, Any] = {}
    files: dict[str, None] = {}
    for part in _parts.values():
        part_data, part_files = part.collect(user)
        data[part.name] = part_data
        files.update(dict.fromkeys(name for name in part_files if name))
    return data, list(files)


# --- Helpers for collectors ------------------------------------------------------------


def rows(queryset: QuerySet, *fields: str) -> list[dict[str, Any]]:
    """The queryset's rows as plain dictionaries of these fields (one query)."""
    return list(queryset.values(*fields))


def site_url(path: str | None) -> str | None:
    """A path on this site as the full address a person can open later."""
    return settings.SITE_URL + path if path else None


# --- What the accounts app itself holds ------------------------------------------------


def _account_part(user) -> PersonalData:
    return account_export_data(user=user), []


def _profile_part(user) -> PersonalData:
    return profile_export_data(user=user), []


register_personal_data(
    "account",
    describe=_(
        "Your account: your email addresses, your role, when you joined and last logged in, "
        "whether two-factor authentication is on, and your API tokens (their names and dates; "
        "the secrets are never kept, so they are not here)."
    ),
    collect=_account_part,
)
register_personal_data(
    "profile",
    describe=_(
        "Your public profile: your name, pronouns, home area, what you say about yourself "
        "and your links."
    ),
    collect=_profile_part,
)
