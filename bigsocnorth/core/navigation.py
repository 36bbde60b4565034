"""The site's main sections, shown only when the section's page exists.

Each domain app adds its entry here when it ships its pages; an entry whose
URL name does not resolve is left out, so the menu never leads to a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str


MAIN_SECTIONS = [
    NavItem(_("Directory"), "directory:entry_list"),
    NavItem(_("Stories"), "stories:story_list"),
    NavItem(_("Map"), "mapping:map"),
    NavItem(_("Cuts"), "cuts:cut_list"),
    NavItem(_("Forum"), "forum:index"),
    NavItem(_("Events"), "events:event_list"),
    NavItem(_("Needs and offers"), "mutual_aid:list"),
    NavItem(_("Areas"), "places:area_list"),
    NavItem(_("Search"), "search:index"),
]


def navigation_for(request) -> list[dict]:
    items = []
    current = request.path if request is not None else ""
    for item in MAIN_SECTIONS:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": item.label, "url": url, "current": current.startswith(url)})
    return items
