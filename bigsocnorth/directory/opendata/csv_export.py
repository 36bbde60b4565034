"""The directory as a CSV file: the columns (shared with the CSV import) and the streamed rows.

Only published entries, only what anyone may see: publishable points
(approximate when the entry asks), never the private contact. The file goes
through core.csv, so quoting, encoding (UTF-8 without a byte order mark, as
every CSV on the site) and the spreadsheet formula guard are the same as
everywhere else. Memory stays flat however many entries there are: the
entries are read in chunks, each chunk's relations in four more queries,
and the rows are written as they are made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigsocnorth.directory.entries import selectors
from bigsocnorth.directory.models import Entry, EntryIdentifier, EntryPlace

# Entries read from the database at a time (each chunk costs 5 queries).
CHUNK_SIZE = 1000
# Several values in one cell (categories, places, links…) are separated by this.
SEPARATOR = "; "

COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "kind",
    "sector",
    "categories",
    "tags",
    "description",
    "website",
    "feed_url",
    "social_links",
    "public_contact",
    "identifiers",
    "places",
    "place_names",
    "approximate_location",
    "areas",
    "areas_served",
    "url",
    "published_at",
)

# What each column holds, for the import page and docs (order as in COLUMNS).
COLUMN_HELP: dict[str, tuple] = {
    "id": (
        _("The entry's open data identifier (a UUID), as in the HSDS API."),
        "0b5c2d6e-1f7a-4a59-9f0e-5d7c2b1a9e34",
    ),
    "name": (_("The group's name."), "Walkley Repair Café"),
    "kind": (
        _("What kind of group it is, by its short name (or its name)."),
        "project-or-initiative",
    ),
    "sector": (
        _("voluntary, citizen_led, public or private."),
        "citizen_led",
    ),
    "categories": (_("Category short names (or names), separated by “; ”."), "existing-work"),
    "tags": (_("The group's own tags, separated by commas."), "repair, reuse"),
    "description": (
        _("In the group's own words; Markdown, and may run over several lines."),
        "We fix things on Saturday mornings.",
    ),
    "website": (_("A full address starting with https:// or http://."), "https://example.org"),
    "feed_url": (_("The address of the group's news feed (RSS or Atom)."), ""),
    "social_links": (_("Addresses of social media pages, separated by “; ”."), ""),
    "public_contact": (
        _("An email address or phone number anyone may use."),
        "hello@example.org",
    ),
    "identifiers": (
        _("Registration numbers in org-id form, separated by “; ”."),
        "GB-CHC-1123456",
    ),
    "places": (
        _("Where it is: latitude,longitude of each place, separated by “; ”."),
        "53.3925,-1.4960",
    ),
    "place_names": (
        _("The names of those places, in the same order, separated by “; ”."),
        "Walkley Library",
    ),
    "approximate_location": (
        _("true to show its places only to about 1 km; otherwise false or empty."),
        "false",
    ),
    "areas": (
        _("The local authorities it is in or serves (in the export; ignored on import)."),
        "Sheffield",
    ),
    "areas_served": (
        _("Local authorities it serves, by name (or GSS code), separated by “; ”."),
        "",
    ),
    "url": (_("Its page on this site (in the export; ignored on import)."), ""),
    "published_at": (_("When it was published (in the export; ignored on import)."), ""),
}


def entry_export_queryset(
    *, kind: str | None = None, category: str | None = None, area: str | None = None
) -> QuerySet[Entry]:
    """Published entries, filtered exactly as the directory list is, by name.

    Reuses the list's own selector (as an anonymous visitor), so the export
    and the page it is linked from can never disagree about what matches.
    """
    page = selectors.entry_list(user=None, kind=kind, category=category, area=area, per_page=1)
    return page.paginator.object_list


def _joined(values: Iterable[str]) -> str:
    return SEPARATOR.join(values)


_SCALARS = (
    "pk", "uuid", "name", "slug", "kind__slug", "sector", "tags", "description", "website",
    "feed_url", "social_links", "public_contact", "approximate_location", "published_at",
)  # fmt: skip


def _grouped(rows: Iterable[tuple]) -> dict[int, list[tuple]]:
    grouped: dict[int, list[tuple]] = defaultdict(list)
    for entry_id, *values in rows:
        grouped[entry_id].append(tuple(values))
    return grouped


def _relations(ids: list[int]) -> tuple[dict, dict, dict, dict]:
    """Categories, places, identifiers and areas served of these entries: four queries.

    Plain tuples, in each model's own order, rather than prefetched model
    instances: a tenth of the time per row, which matters at 100,000 rows.
    """
    categories = _grouped(
        Entry.categories.through.objects.filter(entry_id__in=ids)
        .order_by("entry_id", "category__position", "category__name")
        .values_list("entry_id", "category__slug")
    )
    places = _grouped(
        EntryPlace.objects.filter(entry_id__in=ids)
        .order_by("entry_id", "position", "pk")
        .values_list(
            "entry_id", "name", "public_latitude", "public_longitude", "local_authority__name"
        )
    )
    identifiers = _grouped(
        EntryIdentifier.objects.filter(entry_id__in=ids)
        .order_by("entry_id", "scheme", "value")
        .values_list("entry_id", "scheme", "value")
    )
    served = _grouped(
        Entry.areas_served.through.objects.filter(entry_id__in=ids)
        .order_by("entry_id", "localauthority__name")
        .values_list("entry_id", "localauthority__name")
    )
    return categories, places, identifiers, served


def entry_export_rows(entries: QuerySet[Entry], *, base_url: str) -> Iterator[list]:
    """The rows of the export (see COLUMNS), CHUNK_SIZE entries at a time.

    Each chunk costs five queries whatever is in it; only one chunk is in
    memory at a time.
    """
    # Every entry page's address is the same but for the slug.
    page_url = base_url + reverse("directory:entry_detail", kwargs={"slug": "slug-goes-here"})
    scalars = entries.prefetch_related(None).values_list(*_SCALARS)
    iterator = scalars.iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(iterator, CHUNK_SIZE)):
        categories, places, identifiers, served = _relations([row[0] for row in chunk])
        for (
            pk, uuid, name, slug, kind, sector, tags, description, website, feed_url,
            social_links, public_contact, approximate, published_at,
        ) in chunk:  # fmt: skip
            entry_places = places.get(pk, [])
            entry_served = [area for (area,) in served.get(pk, [])]
            yield [
                str(uuid),
                name,
                kind,
                sector,
                _joined(slug for (slug,) in categories.get(pk, [])),
                tags,
                description,
                website,
                feed_url,
                _joined(social_links or []),
                public_contact,
                _joined(f"{scheme}-{value}" for scheme, value in identifiers.get(pk, [])),
                _joined(f"{lat},{lon}" for _name, lat, lon, _area in entry_places),
                # A ";" in a place name would shift the names against the places.
                _joined(place_name.replace(";", ",") for place_name, *_rest in entry_places)
                if any(place_name for place_name, *_rest in entry_places)
                else "",
                approximate,
                # As Entry.area_list: the places' areas in order, then those served, once each.
                _joined(dict.fromkeys([*(area for *_rest, area in entry_places), *entry_served])),
                _joined(entry_served),
                page_url.replace("slug-goes-here", slug),
                published_at,
            ]
