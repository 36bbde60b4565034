"""Threats and cuts on the pages that gather content: areas, entries, profiles, home."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from bigsocnorth.core.sections import Section
from bigsocnorth.cuts.selectors import CutFilters, cut_cards, cuts_filter, cuts_in_area
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.places.models import Region

AREA_PAGE_CUTS = 5
ENTRY_PAGE_CUTS = 5
PROFILE_PAGE_CUTS = 10
HOME_PAGE_CUTS = 4
# The cards' badges need the app's stylesheet on whichever page shows them.
HEAD = "cuts/includes/section_head.html"


def _list_url(area=None, **extra) -> str:
    query = {"area": area.slug} if area is not None else {}
    query.update(extra)
    url = reverse("cuts:cut_list")
    return f"{url}?{urlencode(query)}" if query else url


def dashboard_url(area) -> str:
    if area is None:
        return reverse("cuts:dashboard_north")
    if isinstance(area, Region):
        return reverse("cuts:dashboard_region", kwargs={"slug": area.slug})
    return reverse("cuts:dashboard_council", kwargs={"slug": area.slug})


def _public_cards():
    return cut_cards().public().order_by("-published_at", "-pk")


def area_cuts_section(*, obj, user) -> Section:
    """The newest cuts in the area, what is due soon, and its dashboard."""
    cuts = cuts_in_area(_public_cards(), obj)
    first = list(cuts[:AREA_PAGE_CUTS])
    count = len(first) if len(first) < AREA_PAGE_CUTS else cuts.count()
    return Section(
        template="cuts/includes/area_cuts.html",
        head_template=HEAD,
        context={
            "cuts": first,
            "count": count,
            "more_url": _list_url(obj),
            "dashboard_url": dashboard_url(obj),
            "add_url": reverse("cuts:cut_report"),
        },
    )


def entry_cuts_section(*, obj, user) -> Section | None:
    """The threats and cuts to a public directory entry."""
    if not is_public(obj):
        return None
    cuts = list(_public_cards().filter(entry=obj)[:ENTRY_PAGE_CUTS])
    if not cuts:
        return None
    return Section(
        template="cuts/includes/entry_cuts.html",
        head_template=HEAD,
        context={"cuts": cuts, "more_url": f"{reverse('cuts:cut_list')}?entry={obj.pk}"},
    )


def profile_cuts_section(*, obj, user) -> Section | None:
    """The cuts a person reported, except those they asked not to be named on."""
    cuts = list(_public_cards().filter(author=obj, author_name_hidden=False)[:PROFILE_PAGE_CUTS])
    if not cuts:
        return None
    return Section(
        template="cuts/includes/profile_cuts.html", head_template=HEAD, context={"cuts": cuts}
    )


def home_cuts_section(*, obj, user) -> Section | None:
    """New threats and cuts and their state, across the North or in the area chosen."""
    cuts = _public_cards()
    if obj is not None:
        cuts = cuts_in_area(cuts, obj)
    cuts = list(cuts[:HOME_PAGE_CUTS])
    if not cuts:
        return None
    return Section(
        template="cuts/includes/home_cuts.html",
        head_template=HEAD,
        context={"cuts": cuts, "more_url": _list_url(obj), "dashboard_url": dashboard_url(obj)},
    )


def cuts_figure(*, obj) -> tuple[int, str]:
    """Open threats (not yet carried out or stopped), in the area chosen."""
    cuts = _public_cards()
    if obj is not None:
        cuts = cuts_in_area(cuts, obj)
    return cuts_filter(cuts, CutFilters(state="open")).count(), _list_url(obj, state="open")
