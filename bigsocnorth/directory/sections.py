"""The directory's sections on the pages that gather content: an area, the home page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from bigsocnorth.core.sections import Section
from bigsocnorth.directory.entries.selectors import (
    entry_count,
    entry_list_for_area,
    entry_list_newest,
)

AREA_PAGE_ENTRIES = 10
HOME_PAGE_ENTRIES = 4


def directory_area_section(*, obj, user) -> Section:
    """The entries in (or serving) the area, and a way to add one."""
    area = obj
    page = entry_list_for_area(user=user, area=area, limit=AREA_PAGE_ENTRIES)
    return Section(
        template="directory/includes/area_entries.html",
        context={
            "entries": page.object_list,
            "count": page.paginator.count,
            "more_url": f"{reverse('directory:entry_list')}?area={area.slug}",
            "add_url": reverse("directory:entry_create"),
        },
    )


def _list_url(area) -> str:
    url = reverse("directory:entry_list")
    return f"{url}?{urlencode({'area': area.slug})}" if area is not None else url


def directory_home_section(*, obj, user) -> Section | None:
    """The groups that joined the directory most recently (in the chosen area, if any)."""
    entries = entry_list_newest(limit=HOME_PAGE_ENTRIES, area=obj)
    if not entries:
        return None
    return Section(
        template="directory/includes/home_entries.html",
        context={"entries": entries, "more_url": _list_url(obj)},
    )


def groups_figure(*, obj) -> tuple[int, str]:
    return entry_count(area=obj, networks=False), _list_url(obj)


def networks_figure(*, obj) -> tuple[int, str]:
    return entry_count(area=obj, networks=True), reverse("directory:network_list")
