"""Directory entries as a content type: how they plug into every shared mechanism.

Found at start-up (see docs/adding-a-content-type.md). Nothing outside this
app names the directory: the pages that show entries, the menu, the map,
search, follows and the demo data all learn of it here.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bigsocnorth.core import sections
from bigsocnorth.core.demo.registry import register_demo
from bigsocnorth.core.navigation import register_menu_item
from bigsocnorth.directory import notices
from bigsocnorth.directory.demo import load_directory_demo
from bigsocnorth.directory.entries.selectors import category_list, entry_kind_list
from bigsocnorth.directory.map_points import entry_map_points, entry_map_queryset
from bigsocnorth.directory.models import Category, Entry
from bigsocnorth.directory.permissions import can_edit_entry
from bigsocnorth.directory.search_document import entry_search_fields, entry_search_queryset
from bigsocnorth.directory.sections import (
    directory_area_section,
    directory_home_section,
    groups_figure,
    networks_figure,
)
from bigsocnorth.mapping import registry as map_registry
from bigsocnorth.moderation import registry as moderation
from bigsocnorth.moderation.changes import Change
from bigsocnorth.notifications import registry as follows
from bigsocnorth.search import registry as search_registry


def entry_changed(change: Change) -> None:
    """Announce an entry's first publication, once (in the transaction of the change)."""
    if change.first_publication:
        entry = change.obj
        # A new entry published at once was published by its author, who is
        # not told of their own action; otherwise a moderator approved it.
        actor = entry.author if change.is_new else None
        notices.entry_published_notify(entry=entry, actor=actor)


def _categories() -> list[tuple[str, str]]:
    return [(category.slug, category.name) for category in category_list()]


moderation.register(
    Entry,
    title_attr="name",
    on_change=entry_changed,
    refresh=("categories", "places"),
    editable_by=lambda user, entry: can_edit_entry(user=user, entry=entry),
)
search_registry.register(
    Entry,
    key="entry",
    label=_("Directory entry"),
    build=entry_search_fields,
    queryset=entry_search_queryset,
    categories=_categories,
)
map_registry.register(
    Entry,
    key="directory",
    label=_("Directory"),
    points=entry_map_points,
    queryset=entry_map_queryset,
    search_type="entry",
    kinds=lambda: [(kind.slug, kind.name) for kind in entry_kind_list()],
    categories=_categories,
    add_label=_("Add a group here"),
    add_url_name="directory:entry_create",
    colour="#0b5563",
    icon="group",
)
follows.register(Entry, key="directory.entry", label=_("directory entry"))
follows.register(
    Category,
    key="directory.category",
    label=_("category"),
    # A category has no page of its own: it is the directory filtered by it.
    url=lambda category: (
        f"{reverse('directory:entry_list')}?{urlencode({'category': category.slug})}"
    ),
)
sections.register_section(sections.AREA, "directory", build=directory_area_section, order=10)
sections.register_section(sections.HOME, "directory", build=directory_home_section, order=10)
sections.register_figure(
    "groups",
    label=lambda count: ngettext("%(count)s group", "%(count)s groups", count) % {"count": count},
    count=groups_figure,
    order=10,
)
sections.register_figure(
    "networks",
    label=lambda count: (
        ngettext("%(count)s network", "%(count)s networks", count) % {"count": count}
    ),
    count=networks_figure,
    order=20,
)
register_menu_item("directory:entry_list", label=_("Directory"), order=10)
register_demo("directory", load=load_directory_demo, order=20)
