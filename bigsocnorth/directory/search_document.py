"""What search knows of a directory entry: registered with the search app in content.py."""

from __future__ import annotations

import html
import re

from django.db.models import Prefetch, QuerySet

from bigsocnorth.core.markdown import render_markdown
from bigsocnorth.directory.models import Entry
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.search.registry import SearchFields

_TAG = re.compile(r"<[^>]*>")


def entry_search_queryset() -> QuerySet[Entry]:
    """Entries with what entry_search_fields reads, for indexing many at once."""
    return Entry.objects.select_related("kind").prefetch_related(
        "categories", Prefetch("areas", queryset=LocalAuthority.objects.only("id", "name"))
    )


def entry_search_fields(entry: Entry) -> SearchFields:
    """What search indexes for an entry (registered in content.py).

    The text is the description as plain text; the facets are the tags,
    kind, categories and the names of the areas it is in or serves, searched
    but never shown as the snippet, so that "food Calderdale" finds a food
    bank serving Calderdale.
    """
    # The description is Markdown: index the words people read, not the
    # link addresses and asterisks. nh3's output is well formed, so a tag is
    # exactly <...>; each becomes a space so words either side stay apart.
    description = html.unescape(_TAG.sub(" ", render_markdown(entry.description)))
    categories = list(entry.categories.all())
    areas = list(entry.areas.all())
    return SearchFields(
        title=entry.name,
        body=description,
        facets=[
            entry.tags,
            entry.kind.name,
            *(category.name for category in categories),
            *(area.name for area in areas),
        ],
        url=entry.get_absolute_url(),
        categories=[category.slug for category in categories],
        area_ids=[area.pk for area in areas],
        published_at=entry.published_at,
    )
