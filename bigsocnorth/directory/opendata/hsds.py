"""Open Referral HSDS 3 for the directory: each published entry as an HSDS `organization`.

HSDS (the Human Services Data Specification, openreferral.org) is the open
standard other networks and referral tools read, so they can reuse the
directory without knowing this platform. Only what anyone may see goes in:
published entries, publishable points (approximate when the entry asks),
never the private contact.

Every nested object needs its own UUID. They are derived (uuid5), never
random, so the same place or identifier keeps its id from one request to
the next: from the entry's uuid and the object's position or value, and for
taxonomy terms from a fixed namespace and the term's code.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from bigsocnorth.directory.entries.duplicates import name_key
from bigsocnorth.directory.entries.identifiers import SCHEMES
from bigsocnorth.directory.entries.selectors import EntryMoved, entry_merge_target
from bigsocnorth.directory.models import Entry, EntryPlace, Sector
from bigsocnorth.moderation.permissions import filter_visible_to, is_public
from bigsocnorth.places.models import LocalAuthority

# Fixed for good: taxonomy and term ids derive from it, and consumers keep them.
TAXONOMY_NAMESPACE = uuid.UUID("b04545b3-3079-4728-ade3-9a622718f782")
PER_PAGE_DEFAULT = 50
PER_PAGE_MAX = 100
# ONS publishes a linked-data page for every GSS code.
GSS_URI = "http://statistics.data.gov.uk/id/statistical-geography/{code}"
SEARCH_MAX = 200


def _derived_id(namespace: uuid.UUID, *parts: object) -> str:
    return str(uuid.uuid5(namespace, ":".join(str(part) for part in parts)))


# --- Taxonomies: kinds, categories, sectors, tags, and ONS areas -------------


class Vocabulary:
    """The taxonomies and terms of one response, each built once however often used.

    A page of 50 organisations names the same few dozen terms hundreds of
    times; building each taxonomy (translated texts, a reversed URL, a uuid5)
    for every mention cost most of the response. Terms are shared dicts: the
    response is serialised, never edited.
    """

    def __init__(self, *, base_url: str):
        self.base_url = base_url
        self.directory_url = base_url + reverse("directory:entry_list")
        self._taxonomies: dict[str, dict] = {}
        self._terms: dict[tuple[str, str], dict] = {}

    def taxonomy(self, key: str) -> dict:
        """The HSDS `taxonomy` object for one of the lists the directory classifies by."""
        if key not in self._taxonomies:
            name, description, uri = self._taxonomy_texts(key)
            self._taxonomies[key] = {
                "id": _derived_id(TAXONOMY_NAMESPACE, "taxonomy", key),
                "name": name,
                "description": description,
                "uri": uri,
            }
        return self._taxonomies[key]

    def _taxonomy_texts(self, key: str) -> tuple[str, str, str]:
        site = {"site": settings.SITE_NAME}
        if key == "kind":
            return (
                _("%(site)s: kinds of group") % site,
                _(
                    "What sort of group an entry is: an organisation, a network, "
                    "a project and so on."
                ),
                self.directory_url,
            )
        if key == "category":
            return (
                _("%(site)s: categories") % site,
                _("What the groups in the directory work on."),
                self.directory_url,
            )
        if key == "sector":
            return (
                _("%(site)s: sectors") % site,
                _("Whether a group is voluntary, citizen-led, public or private."),
                self.directory_url,
            )
        if key == "tag":
            return (
                _("%(site)s: tags") % site,
                _("Words the groups chose to describe themselves."),
                self.directory_url,
            )
        if key == "area":
            return (
                _("Local authority districts (ONS GSS codes)"),
                _(
                    "The local authority districts of England, identified by the Office for "
                    "National Statistics' GSS codes."
                ),
                "http://statistics.data.gov.uk/",
            )
        raise KeyError(key)

    def term(self, key: str, code: str, describe) -> dict:
        """The term `code` of taxonomy `key`; `describe()` gives its name, description and
        URI, and is only called the first time the term is needed."""
        found = self._terms.get((key, code))
        if found is None:
            name, description, uri = describe()
            taxonomy = self.taxonomy(key)
            found = {
                "id": _derived_id(TAXONOMY_NAMESPACE, "term", key, code),
                "code": code,
                "name": name,
                "description": description,
                "taxonomy": taxonomy["name"],
                "taxonomy_id": taxonomy["id"],
                "taxonomy_detail": taxonomy,
            }
            if uri:
                found["term_uri"] = uri
            self._terms[key, code] = found
        return found

    def area(self, area) -> dict:
        return self.term(
            "area",
            area.code,
            lambda: (
                area.name,
                _("%(area)s, a local authority district in %(region)s.")
                % {"area": area.name, "region": area.region.name},
                GSS_URI.format(code=area.code),
            ),
        )

    def kind(self, kind) -> dict:
        return self.term(
            "kind",
            kind.slug,
            lambda: (
                kind.name,
                _("A kind of group: %(name)s.") % {"name": kind.name},
                f"{self.directory_url}?{urlencode({'kind': kind.slug})}",
            ),
        )

    def sector(self, sector: str) -> dict:
        label = Sector(sector).label
        return self.term(
            "sector", sector, lambda: (str(label), _("The %(name)s sector.") % {"name": label}, "")
        )

    def category(self, category) -> dict:
        return self.term(
            "category",
            category.slug,
            lambda: (
                category.name,
                _("Groups working on: %(name)s.") % {"name": category.name},
                f"{self.directory_url}?{urlencode({'category': category.slug})}",
            ),
        )

    def tag(self, tag: str) -> dict:
        return self.term(
            "tag", tag, lambda: (tag, _("Tagged “%(tag)s” by the group.") % {"tag": tag}, "")
        )


def _attribute(*, owner_id: str, link_entity: str, link_type: str, term: dict) -> dict:
    return {
        "id": _derived_id(uuid.UUID(owner_id), "attribute", link_type, term["code"]),
        "link_id": owner_id,
        "link_entity": link_entity,
        "link_type": link_type,
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }


def _organization_attributes(entry: Entry, *, org_id: str, words: Vocabulary) -> list[dict]:
    terms: list[tuple[str, dict]] = [
        ("kind", words.kind(entry.kind)),
        ("sector", words.sector(entry.sector)),
    ]
    terms += [("category", words.category(category)) for category in entry.categories.all()]
    terms += [("area_served", words.area(area)) for area in entry.areas_served.all()]
    terms += [("tag", words.tag(tag)) for tag in entry.tag_list]
    return [
        _attribute(owner_id=org_id, link_entity="organization", link_type=link_type, term=term)
        for link_type, term in terms
    ]


# --- Organisations -----------------------------------------------------------


def _locations(entry: Entry, *, org_id: str, words: Vocabulary) -> list[dict]:
    """One physical location per place, at its publishable point.

    No `addresses`: HSDS requires a street line, city and postcode in each,
    and the directory keeps only a point and its local authority, so an
    address would be made up. The authority is an attribute instead.
    """
    locations = []
    for position, place in enumerate(entry.places.all()):
        location_id = _derived_id(entry.uuid, "location", position)
        area = place.local_authority
        if entry.approximate_location:
            description = _(
                "In %(area)s, %(region)s. The point is approximate, to about 1 km, "
                "as the group asked."
            ) % {"area": area.name, "region": area.region.name}
        else:
            description = _("In %(area)s, %(region)s.") % {
                "area": area.name,
                "region": area.region.name,
            }
        location = {
            "id": location_id,
            "location_type": "physical",
            "organization_id": org_id,
            "description": description,
            "latitude": place.public_latitude,
            "longitude": place.public_longitude,
            "attributes": [
                _attribute(
                    owner_id=location_id,
                    link_entity="location",
                    link_type="local_authority",
                    term=words.area(area),
                )
            ],
        }
        if place.name:
            location["name"] = place.name
        locations.append(location)
    return locations


def _identifiers(entry: Entry, *, org_id: str) -> list[dict]:
    result = []
    for identifier in entry.identifiers.all():
        scheme = SCHEMES.get(identifier.scheme)
        result.append(
            {
                "id": _derived_id(entry.uuid, "identifier", identifier.org_id),
                "organization_id": org_id,
                "identifier_scheme": identifier.scheme,
                "identifier_type": str(scheme.name) if scheme else identifier.scheme,
                "identifier": identifier.value,
            }
        )
    return result


def entry_hsds_organization(*, entry: Entry, base_url: str, words: Vocabulary | None = None):
    """The entry as an HSDS 3 `organization`. Use on published entries only.

    `base_url` is the site's address without a trailing slash (absolute URLs
    for `uri` and `logo`); pass one `words` for all the entries of a response.
    Reads only the relations that `hsds_organization_page` prefetches, so a
    page costs the same number of queries whatever its size.
    """
    words = words or Vocabulary(base_url=base_url)
    org_id = str(entry.uuid)
    data: dict = {"id": org_id, "name": entry.name, "description": entry.description}
    contact = entry.public_contact
    # The services accept an email address or a phone number here, nothing else.
    if contact and "@" in contact:
        data["email"] = contact
    if entry.website:
        data["website"] = entry.website
    if entry.logo:
        data["logo"] = urljoin(base_url + "/", entry.logo.url)
    data["uri"] = base_url + entry.get_absolute_url()
    data["phones"] = (
        [{"id": _derived_id(entry.uuid, "phone", 0), "organization_id": org_id, "number": contact}]
        if contact and "@" not in contact
        else []
    )
    data["organization_identifiers"] = _identifiers(entry, org_id=org_id)
    data["locations"] = _locations(entry, org_id=org_id, words=words)
    data["attributes"] = _organization_attributes(entry, org_id=org_id, words=words)
    return data


# --- Reads --------------------------------------------------------------------


def _published_entries() -> QuerySet[Entry]:
    """Published entries with everything the mapping reads, in a fixed number of queries.

    Open data is the same for everyone: published only, even for moderators.
    """
    areas = LocalAuthority.objects.select_related("region").defer("boundary")
    entries = Entry.objects.select_related("kind").prefetch_related(
        "categories",
        Prefetch(
            "places",
            queryset=EntryPlace.objects.select_related("local_authority__region").defer(
                "local_authority__boundary"
            ),
        ),
        Prefetch("areas_served", queryset=areas),
        "identifiers",
    )
    return filter_visible_to(user=None, queryset=entries).filter(merged_into__isnull=True)


@dataclass
class HsdsPage:
    entries: list[Entry]
    total_items: int
    page_number: int
    per_page: int

    @property
    def total_pages(self) -> int:
        # An empty directory is still one (empty) page.
        return max(1, math.ceil(self.total_items / self.per_page))

    def as_paging(self) -> dict:
        """The paging members of HSDS's `Page`, without `contents`."""
        return {
            "total_items": self.total_items,
            "total_pages": self.total_pages,
            "page_number": self.page_number,
            "size": len(self.entries),
            "first_page": self.page_number == 1,
            "last_page": self.page_number >= self.total_pages,
            "empty": not self.entries,
        }


def hsds_organization_page(*, page: int, per_page: int, search: str = "") -> HsdsPage:
    """A page of published entries by name. A page past the end is empty, not an error.

    `search` keeps entries whose folded name contains every word of it (see
    duplicates.name_key): a name search, not full-text search.
    """
    entries = _published_entries()
    for word in name_key(search[:SEARCH_MAX]).split():
        entries = entries.filter(name_key__contains=word)
    total = entries.count()
    start = (page - 1) * per_page
    found = list(entries.order_by("name", "pk")[start : start + per_page]) if start < total else []
    return HsdsPage(entries=found, total_items=total, page_number=page, per_page=per_page)


def hsds_organization_get(*, organization_id: str) -> Entry | None:
    """The published entry with this HSDS id (its uuid), or None.

    Raises selectors.EntryMoved for an entry merged into another published
    one, so the caller can send the client on to it, as the pages do.
    """
    try:
        value = uuid.UUID(str(organization_id))
    except ValueError:
        return None
    entry = _published_entries().filter(uuid=value).first()
    if entry is not None:
        return entry
    merged = Entry.objects.filter(uuid=value, merged_into__isnull=False).first()
    if merged is not None:
        target = entry_merge_target(entry=merged)
        if is_public(target) and target.merged_into_id is None:
            raise EntryMoved(target)
    return None
