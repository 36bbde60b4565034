"""The directory's section on area pages: the entries in (or serving) the area."""

from __future__ import annotations

from django.urls import reverse

from bigsocnorth.core.sections import Section
from bigsocnorth.directory.entries.selectors import entry_list_for_area

AREA_PAGE_ENTRIES = 10


def directory_area_section(*, obj, user) -> Section:
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
