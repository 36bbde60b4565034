"""Writes for the directory: adding and changing entries.

`check_entry_fields` validates and normalises everything first; the write
then happens in one transaction, which ends with `content_changed` so search
and notices are kept in step with the entry. The web forms, the CSV import
and the demo data all go through these functions: every new entry is
written by `entries_create_many`, one at a time or a batch at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bigsocnorth.core.files import writing_with_file
from bigsocnorth.core.geo import publishable_point
from bigsocnorth.core.images import ImageRules, image_clean
from bigsocnorth.core.tags import tags_check
from bigsocnorth.core.text import without_control_characters
from bigsocnorth.directory import notices
from bigsocnorth.directory.entries.duplicates import (
    LikelyDuplicate,
    entry_likely_duplicates,
    name_key,
    website_key,
)
from bigsocnorth.directory.entries.identifiers import InvalidIdentifier, identifier_parse
from bigsocnorth.directory.models import (
    Category,
    Entry,
    EntryIdentifier,
    EntryKind,
    EntryPlace,
    Sector,
)
from bigsocnorth.directory.permissions import check_entry_edit_permission
from bigsocnorth.moderation import lifecycle
from bigsocnorth.moderation.changes import content_changed
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.services import place_check

# Addresses under /directory/ that are pages, not entries.
RESERVED_SLUGS = {"new", "networks", "import", "export", "duplicates", "hsds"}
TAGS_MAX_COUNT = 15
IDENTIFIERS_MAX = 10
LOGO_RULES = ImageRules(max_bytes=5 * 1_048_576, max_side=6000, output_side=512)
_PHONE = re.compile(r"\+?[0-9][0-9 ()\-]{5,24}")
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass
class PlaceFields:
    name: str
    latitude: float
    longitude: float
    local_authority: LocalAuthority


@dataclass
class EntryFields:
    name: str
    kind: EntryKind
    sector: str
    categories: list[Category]
    tags: str
    description: str
    website: str
    feed_url: str
    social_links: list[str]
    public_contact: str
    private_contact: str
    identifiers: list[tuple[str, str]]
    places: list[PlaceFields]
    areas_served: list[LocalAuthority]
    approximate_location: bool
    errors: dict[str, list[str]] = field(default_factory=dict, repr=False)


def _lines(value: str | Iterable[str]) -> list[str]:
    """A list from a textarea (one per line) or from a list, blanks dropped."""
    items = value.splitlines() if isinstance(value, str) else list(value or [])
    return [" ".join(str(item).split()) for item in items if str(item).strip()]


def _check_url(value: str, *, field: str, errors: dict, label: str = "") -> str:
    value = without_control_characters(value or "", keep_newlines=False).strip()
    if not value:
        return ""
    prefix = f"{label}: " if label else ""
    if len(value) > Entry.URL_MAX:
        errors.setdefault(field, []).append(
            prefix + _("The address can be at most %(max)d characters.") % {"max": Entry.URL_MAX}
        )
        return value
    try:
        _url_validator(value)
    except ValidationError:
        errors.setdefault(field, []).append(
            prefix
            + _(
                "Enter a full web address starting with http:// or https://, "
                "for example https://example.org."
            )
        )
    return value


def _check_public_contact(value: str, errors: dict) -> str:
    value = without_control_characters(value or "", keep_newlines=False).strip()
    if not value:
        return ""
    if len(value) > Entry.CONTACT_MAX:
        errors["public_contact"] = [
            _("The contact can be at most %(max)d characters.") % {"max": Entry.CONTACT_MAX}
        ]
    elif not _PHONE.fullmatch(value):
        try:
            EmailValidator()(value)
        except ValidationError:
            errors["public_contact"] = [
                _("Enter an email address or a phone number that anyone may use.")
            ]
    return value


def _check_places(places: Iterable[dict], errors: dict) -> list[PlaceFields]:
    """Each place's point in the North (places.services.place_check), with its name."""
    checked: list[PlaceFields] = []
    messages: list[str] = []
    rows = [p for p in places if p.get("latitude") is not None or p.get("longitude") is not None]
    if len(rows) > Entry.PLACES_MAX:
        errors["places"] = [
            _("An entry can have at most %(max)d places.") % {"max": Entry.PLACES_MAX}
        ]
        return []
    for number, place in enumerate(rows, start=1):
        prefix = _("Place %(number)d: ") % {"number": number} if len(rows) > 1 else ""
        name = " ".join(
            without_control_characters(place.get("name") or "", keep_newlines=False).split()
        )
        if len(name) > EntryPlace.NAME_MAX:
            messages.append(
                prefix
                + _("The name of the place can be at most %(max)d characters.")
                % {"max": EntryPlace.NAME_MAX}
            )
            continue
        try:
            point = place_check(latitude=place.get("latitude"), longitude=place.get("longitude"))
        except ValidationError as error:
            message = error.messages[0]
            if error.code == "outside_north":
                message += " " + _(
                    "The directory is for groups in the North. Leave the place empty for a "
                    "group that works online or across an area."
                )
            messages.append(prefix + message)
            continue
        checked.append(
            PlaceFields(
                name=name,
                latitude=point.latitude,
                longitude=point.longitude,
                local_authority=point.local_authority,
            )
        )
    if messages:
        errors["places"] = messages
    return checked


def _check_identifiers(values: str | Iterable[str], errors: dict) -> list[tuple[str, str]]:
    parsed: list[tuple[str, str]] = []
    messages: list[str] = []
    lines = _lines(values)
    if len(lines) > IDENTIFIERS_MAX:
        errors["identifiers"] = [_("Add at most %(max)d identifiers.") % {"max": IDENTIFIERS_MAX}]
        return []
    for line in lines:
        try:
            identifier = identifier_parse(line)
        except InvalidIdentifier as error:
            messages.append(str(error))
            continue
        if identifier not in parsed:
            parsed.append(identifier)
    if messages:
        errors["identifiers"] = messages
    return parsed


def _check_social_links(values: str | Iterable[str], errors: dict) -> list[str]:
    links: list[str] = []
    lines = _lines(values)
    if len(lines) > Entry.SOCIAL_LINKS_MAX:
        errors["social_links"] = [
            _("Add at most %(max)d social media links.") % {"max": Entry.SOCIAL_LINKS_MAX}
        ]
        return []
    for number, line in enumerate(lines, start=1):
        link = _check_url(
            line, field="social_links", errors=errors, label=_("Link %(n)d") % {"n": number}
        )
        if link and link not in links:
            links.append(link)
    return links


def check_entry_fields(
    *,
    name: str,
    kind: EntryKind | None,
    sector: str,
    categories: Iterable[Category] = (),
    tags: str | list[str] = "",
    description: str = "",
    website: str = "",
    feed_url: str = "",
    social_links: str | Iterable[str] = (),
    public_contact: str = "",
    private_contact: str = "",
    identifiers: str | Iterable[str] = (),
    places: Iterable[dict] = (),
    areas_served: Iterable[LocalAuthority] = (),
    approximate_location: bool = False,
) -> EntryFields:
    """Validate and normalise an entry's fields; ValidationError (per field) if not valid.

    `places` are dicts with latitude, longitude and an optional name; each is
    assigned its local authority and refused outside the North. Makes no write.
    """
    errors: dict[str, list[str]] = {}
    name = " ".join(without_control_characters(name or "", keep_newlines=False).split())
    if not name:
        errors["name"] = [_("Enter the name of the group.")]
    elif len(name) > Entry.NAME_MAX:
        errors["name"] = [
            _("The name can be at most %(max)d characters.") % {"max": Entry.NAME_MAX}
        ]
    if kind is None:
        errors["kind"] = [_("Choose what kind of group this is.")]
    if sector not in Sector.values:
        errors["sector"] = [_("Choose a sector from the list.")]
    description = without_control_characters(description or "", keep_newlines=True).strip()
    if len(description) > Entry.DESCRIPTION_MAX:
        errors["description"] = [
            _("The description can be at most %(max)s characters; this one has %(count)s.")
            % {"max": f"{Entry.DESCRIPTION_MAX:,}", "count": f"{len(description):,}"}
        ]
    try:
        tags = tags_check(tags, max_count=TAGS_MAX_COUNT, max_total=Entry.TAGS_MAX)
    except ValidationError as error:
        errors["tags"] = error.messages
        tags = ""
    website = _check_url(website, field="website", errors=errors)
    feed_url = _check_url(feed_url, field="feed_url", errors=errors)
    social = _check_social_links(social_links, errors)
    public_contact = _check_public_contact(public_contact, errors)
    private_contact = " ".join(
        without_control_characters(private_contact or "", keep_newlines=False).split()
    )
    if len(private_contact) > Entry.CONTACT_MAX:
        errors["private_contact"] = [
            _("The private contact can be at most %(max)d characters.") % {"max": Entry.CONTACT_MAX}
        ]
    parsed_identifiers = _check_identifiers(identifiers, errors)
    checked_places = _check_places(places, errors)
    served = list(dict.fromkeys(areas_served))
    if errors:
        raise ValidationError(errors)
    return EntryFields(
        name=name,
        kind=kind,
        sector=sector,
        categories=list(categories),
        tags=tags,
        description=description,
        website=website,
        feed_url=feed_url,
        social_links=social,
        public_contact=public_contact,
        private_contact=private_contact,
        identifiers=parsed_identifiers,
        places=checked_places,
        areas_served=served,
        approximate_location=bool(approximate_location) and bool(checked_places),
    )


def check_logo(*, logo) -> ContentFile | None:
    """The cleaned logo image, None when no file was sent, or ValidationError on "logo"."""
    if not logo:
        return None
    try:
        return image_clean(upload=logo, rules=LOGO_RULES)
    except ValidationError as error:
        raise ValidationError({"logo": error.messages}) from None


def _check_entry_and_logo(values: dict, *, logo) -> tuple[EntryFields, ContentFile | None]:
    """Both checks, so a person sees every problem at once; ValidationError per field."""
    errors: dict[str, list[str]] = {}
    fields = clean_logo = None
    try:
        fields = check_entry_fields(**values)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        clean_logo = check_logo(logo=logo)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return fields, clean_logo


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:200].strip("-") or "entry"
    slug = base
    number = 2
    taken = Entry.objects.exclude(pk=exclude_pk) if exclude_pk else Entry.objects.all()
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


_SCALAR_FIELDS = (
    "name", "kind", "sector", "tags", "description", "website", "feed_url", "social_links",
    "public_contact", "private_contact", "approximate_location",
)  # fmt: skip


def _fields_set(entry: Entry, fields: EntryFields) -> None:
    """Put checked fields on the entry itself (not its related rows). Does not save."""
    for name in _SCALAR_FIELDS:
        setattr(entry, name, getattr(fields, name))
    entry.name_key = name_key(fields.name)
    entry.website_key = website_key(fields.website)


def _place_rows(entry_id: int, fields: EntryFields) -> list[EntryPlace]:
    """The entry's places as rows to insert, each with its publishable point."""
    return [
        EntryPlace(
            entry_id=entry_id,
            name=place.name,
            latitude=place.latitude,
            longitude=place.longitude,
            public_latitude=point[0],
            public_longitude=point[1],
            local_authority_id=place.local_authority.pk,
            position=position,
        )
        for position, place in enumerate(fields.places)
        for point in [
            publishable_point(
                latitude=place.latitude,
                longitude=place.longitude,
                approximate=fields.approximate_location,
            )
        ]
    ]


def _area_ids(fields: EntryFields) -> list[int]:
    """The local authorities an entry is in: where its places are, and the areas it serves."""
    areas = {place.local_authority.pk for place in fields.places}
    areas.update(area.pk for area in fields.areas_served)
    return sorted(areas)


def _write(entry: Entry, fields: EntryFields, *, logo: ContentFile | None, remove_logo: bool):
    """Save a changed entry and everything hanging off it. Call inside a transaction."""
    _fields_set(entry, fields)
    if logo is not None:
        entry.logo.save("logo.png", logo, save=False)
    elif remove_logo:
        entry.logo = ""
    entry.save()
    entry.categories.set(fields.categories)
    entry.areas_served.set(fields.areas_served)
    entry.places.all().delete()
    EntryPlace.objects.bulk_create(_place_rows(entry.pk, fields))
    entry.identifiers.all().delete()
    EntryIdentifier.objects.bulk_create(
        EntryIdentifier(entry=entry, scheme=scheme, value=value)
        for scheme, value in fields.identifiers
    )
    entry.areas.set(_area_ids(fields))


def entries_create_many(
    new: Sequence[tuple[Entry, EntryFields]],
    *,
    author,
    now: datetime | None = None,
    batch_size: int | None = None,
) -> list[Entry]:
    """Insert new entries by `author`, with their places, identifiers, categories and areas.

    The one write path for new entries: `entry_create` (one entry) and the
    CSV import (a batch at a time) both come here. Each entry is unsaved,
    with its slug set (and its uuid or logo where it has one); its fields
    were checked by `check_entry_fields`. Here each gets its status and
    publication date (`now`, one time for all of them), its fields, and
    `author` as its first editor. Bulk inserts: the same few queries
    whatever the number of entries. Call inside a transaction; keeping the
    indexes in step (`content_changed`, or `contents_added_in_bulk`)
    is the caller's.
    """
    if not new:
        return []
    status = lifecycle.initial_status(author=author)
    now = now or timezone.now()
    entries = []
    for entry, fields in new:
        entry.author = author
        lifecycle.status_stamp(entry, status, now=now)
        _fields_set(entry, fields)
        entries.append(entry)
    Entry.objects.bulk_create(entries, batch_size=batch_size)
    if any(entry.pk is None for entry in entries):
        # Databases that cannot return new keys from a bulk insert: one query more.
        keys = dict(
            Entry.objects.filter(uuid__in=[e.uuid for e in entries]).values_list("uuid", "pk")
        )
        for entry in entries:
            entry.pk = keys[entry.uuid]
    places, identifiers, categories, served, areas, editors = [], [], [], [], [], []
    for entry, fields in new:
        places += _place_rows(entry.pk, fields)
        identifiers += [
            EntryIdentifier(entry_id=entry.pk, scheme=scheme, value=value)
            for scheme, value in fields.identifiers
        ]
        categories += [
            Entry.categories.through(entry_id=entry.pk, category_id=category.pk)
            for category in dict.fromkeys(fields.categories)
        ]
        served += [
            Entry.areas_served.through(entry_id=entry.pk, localauthority_id=area.pk)
            for area in fields.areas_served
        ]
        areas += [
            Entry.areas.through(entry_id=entry.pk, localauthority_id=area_id)
            for area_id in _area_ids(fields)
        ]
        editors.append(Entry.editors.through(entry_id=entry.pk, user_id=author.pk))
    EntryPlace.objects.bulk_create(places, batch_size=batch_size)
    EntryIdentifier.objects.bulk_create(identifiers, batch_size=batch_size)
    for through_rows in (categories, served, areas, editors):
        if through_rows:
            type(through_rows[0]).objects.bulk_create(through_rows, batch_size=batch_size)
    return entries


class PossibleDuplicates(Exception):
    """The new entry looks like one already in the directory; nothing was saved."""

    def __init__(self, matches: list[LikelyDuplicate]) -> None:
        super().__init__(f"{len(matches)} likely duplicates")
        self.matches = matches


def entry_create(*, author, logo=None, not_a_duplicate: bool = False, **values) -> Entry:
    """Add an entry by `author`, who becomes its first editor.

    Published straight away for moderators and trusted members, otherwise
    in review (see moderation.services.content_initial_status). Raises
    ValidationError before writing anything, and PossibleDuplicates when it
    looks like an entry the person can see, unless they said `not_a_duplicate`.
    One transaction.
    """
    fields, clean_logo = _check_entry_and_logo(values, logo=logo)
    if not not_a_duplicate:
        matches = entry_likely_duplicates(
            user=author,
            name=fields.name,
            website=fields.website,
            identifiers=fields.identifiers,
            points=[(place.latitude, place.longitude) for place in fields.places],
        )
        if matches:
            raise PossibleDuplicates(matches)
    entry = Entry(author=author)

    def write() -> Entry:
        with transaction.atomic():
            entry.slug = _unique_slug(fields.name)
            if clean_logo is not None:
                entry.logo.save("logo.png", clean_logo, save=False)
            entries_create_many([(entry, fields)], author=author)
            content_changed(entry, previous_status=None)
        return entry

    return writing_with_file(entry, "logo", write)


def entry_update(*, actor, entry: Entry, logo=None, remove_logo: bool = False, **values) -> Entry:
    """Change an entry's fields. Its status and web address stay as they are.

    Editors and moderators only (PermissionDenied otherwise). A new `logo`
    replaces the old one; `remove_logo` removes it. One transaction.
    """
    check_entry_edit_permission(user=actor, entry=entry)
    fields, clean_logo = _check_entry_and_logo(values, logo=logo)

    def write() -> Entry:
        with transaction.atomic():
            _write(entry, fields, logo=clean_logo, remove_logo=remove_logo)
            content_changed(entry, previous_status=entry.status)
            notices.entry_updated_notify(entry=entry, actor=actor)
        return entry

    return writing_with_file(entry, "logo", write)
