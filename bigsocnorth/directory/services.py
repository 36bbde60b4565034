"""Writes for the directory: adding and changing entries.

`check_entry_fields` validates and normalises everything first; the write
then happens in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bigsocnorth.directory.models import Category, Entry, EntryKind, Sector
from bigsocnorth.directory.permissions import check_entry_edit_permission
from bigsocnorth.moderation.models import Status
from bigsocnorth.moderation.services import content_initial_status
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.selectors import InvalidCoordinates, area_for_point

# Addresses under /directory/ that are pages, not entries.
RESERVED_SLUGS = {"new"}
TAG_MAX = 40
TAGS_MAX_COUNT = 15
_PHONE = re.compile(r"\+?[0-9][0-9 ()\-]{5,24}")
_url_validator = URLValidator(schemes=["http", "https"])


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
    public_contact: str
    latitude: float | None
    longitude: float | None
    approximate_location: bool
    local_authority: LocalAuthority | None


def tags_normalise(raw: str | list[str]) -> str:
    """Lower case, trimmed, de-duplicated tags in their first order, joined by ", "."""
    parts = raw.split(",") if isinstance(raw, str) else list(raw)
    seen: list[str] = []
    for part in parts:
        tag = " ".join(str(part).split()).lower()
        if tag and tag not in seen:
            seen.append(tag)
    return ", ".join(seen)


def _check_url(value: str, *, field: str, errors: dict) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > Entry.URL_MAX:
        errors[field] = _("The address can be at most %(max)d characters.") % {"max": Entry.URL_MAX}
        return value
    try:
        _url_validator(value)
    except ValidationError:
        errors[field] = _(
            "Enter a full web address starting with http:// or https://, "
            "for example https://example.org."
        )
    return value


def check_entry_fields(
    *,
    name: str,
    kind: EntryKind | None,
    sector: str,
    categories=(),
    tags: str | list[str] = "",
    description: str = "",
    website: str = "",
    feed_url: str = "",
    public_contact: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    approximate_location: bool = False,
) -> EntryFields:
    """Validate and normalise an entry's fields; ValidationError per field if not valid.

    Finds the local authority for the point, and refuses a point outside the
    North. Makes no write.
    """
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = _("Enter the name of the group.")
    elif len(name) > Entry.NAME_MAX:
        errors["name"] = _("The name can be at most %(max)d characters.") % {"max": Entry.NAME_MAX}
    if kind is None:
        errors["kind"] = _("Choose what kind of group this is.")
    if sector not in Sector.values:
        errors["sector"] = _("Choose a sector from the list.")
    description = (description or "").strip()
    if len(description) > Entry.DESCRIPTION_MAX:
        errors["description"] = _(
            "The description can be at most %(max)s characters; this one has %(count)s."
        ) % {"max": f"{Entry.DESCRIPTION_MAX:,}", "count": f"{len(description):,}"}
    tags = tags_normalise(tags)
    tag_list = tags.split(", ") if tags else []
    if len(tag_list) > TAGS_MAX_COUNT or any(len(tag) > TAG_MAX for tag in tag_list):
        errors["tags"] = _("Use at most %(count)d tags, each at most %(max)d characters.") % {
            "count": TAGS_MAX_COUNT,
            "max": TAG_MAX,
        }
    elif len(tags) > Entry.TAGS_MAX:
        errors["tags"] = _("The tags are too long together; use fewer.")
    website = _check_url(website, field="website", errors=errors)
    feed_url = _check_url(feed_url, field="feed_url", errors=errors)
    public_contact = (public_contact or "").strip()
    if public_contact:
        if len(public_contact) > Entry.CONTACT_MAX:
            errors["public_contact"] = _("The contact can be at most %(max)d characters.") % {
                "max": Entry.CONTACT_MAX
            }
        elif not _PHONE.fullmatch(public_contact):
            try:
                EmailValidator()(public_contact)
            except ValidationError:
                errors["public_contact"] = _(
                    "Enter an email address or a phone number that anyone may use."
                )
    local_authority = None
    if (latitude is None) != (longitude is None):
        errors["latitude"] = _("Give both latitude and longitude, or neither.")
    elif latitude is not None:
        try:
            match = area_for_point(latitude=latitude, longitude=longitude)
        except InvalidCoordinates:
            errors["latitude"] = _(
                "Latitude must be between -90 and 90 and longitude between -180 and 180."
            )
        else:
            if match is None:
                errors["latitude"] = _(
                    "This place is outside the North of England. The directory is for groups "
                    "in the North East, North West, and Yorkshire and The Humber. Leave the "
                    "place empty for a group that works online or across an area."
                )
            else:
                local_authority = match.local_authority
                latitude, longitude = float(latitude), float(longitude)
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
        public_contact=public_contact,
        latitude=latitude,
        longitude=longitude,
        approximate_location=bool(approximate_location) and latitude is not None,
        local_authority=local_authority,
    )


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:200].strip("-") or "entry"
    slug = base
    number = 2
    taken = Entry.objects.exclude(pk=exclude_pk) if exclude_pk else Entry.objects.all()
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def _apply(entry: Entry, fields: EntryFields) -> None:
    for name in (
        "name", "kind", "sector", "tags", "description", "website", "feed_url",
        "public_contact", "latitude", "longitude", "approximate_location", "local_authority",
    ):  # fmt: skip
        setattr(entry, name, getattr(fields, name))


def entry_create(*, author, **values) -> Entry:
    """Add an entry by `author`, who becomes its first editor.

    Published straight away for moderators and trusted members, otherwise
    in review (see moderation.services.content_initial_status). Raises
    ValidationError before writing anything. One transaction.
    """
    fields = check_entry_fields(**values)
    with transaction.atomic():
        entry = Entry(author=author)
        _apply(entry, fields)
        entry.status = content_initial_status(author=author)
        if entry.status == Status.PUBLISHED:
            entry.published_at = timezone.now()
        entry.slug = _unique_slug(fields.name)
        entry.save()
        entry.categories.set(fields.categories)
        entry.editors.set([author])
    return entry


def entry_update(*, actor, entry: Entry, **values) -> Entry:
    """Change an entry's fields. Its status and web address stay as they are.

    Editors and moderators only (PermissionDenied otherwise). One transaction.
    """
    check_entry_edit_permission(user=actor, entry=entry)
    fields = check_entry_fields(**values)
    with transaction.atomic():
        _apply(entry, fields)
        entry.save()
        entry.categories.set(fields.categories)
    return entry
