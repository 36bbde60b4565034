"""Gatherings on the pages that gather content: areas, entries, profiles, home."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from bigsocnorth.core.sections import Section
from bigsocnorth.events.selectors import gathering_cards, gatherings_in_area, upcoming_gatherings
from bigsocnorth.moderation.permissions import is_public

AREA_PAGE_GATHERINGS = 5
ENTRY_PAGE_GATHERINGS = 5
PROFILE_PAGE_GATHERINGS = 5
HOME_PAGE_GATHERINGS = 4
HEAD = "events/includes/section_head.html"


def _list_url(**query) -> str:
    query = {key: value for key, value in query.items() if value}
    url = reverse("events:gathering_list")
    return f"{url}?{urlencode(query)}" if query else url


def _next(gatherings, limit: int) -> list:
    """The first few cards, in two queries plus a prefetch: ids, then the cards."""
    ids = list(gatherings.values_list("pk", flat=True)[:limit])
    rows = gathering_cards().in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def area_gatherings_section(*, obj, user) -> Section:
    """The next gatherings in the area, and a way to organise one."""
    gatherings = _next(gatherings_in_area(upcoming_gatherings(), obj), AREA_PAGE_GATHERINGS)
    return Section(
        template="events/includes/area_gatherings.html",
        head_template=HEAD,
        context={
            "gatherings": gatherings,
            "more_url": _list_url(area=obj.slug),
            "add_url": reverse("events:gathering_create"),
            # Shown with no gatherings too: a calendar subscribed now fills as they come.
            "calendar_url": reverse("events:area_ics", kwargs={"slug": obj.slug}),
        },
    )


def entry_gatherings_section(*, obj, user) -> Section | None:
    """The next gatherings a public directory entry organises."""
    if not is_public(obj):
        return None
    gatherings = _next(upcoming_gatherings().filter(entries=obj), ENTRY_PAGE_GATHERINGS)
    if not gatherings:
        return None
    return Section(
        template="events/includes/entry_gatherings.html",
        head_template=HEAD,
        context={
            "gatherings": gatherings,
            "more_url": _list_url(entry=obj.pk),
            "calendar_url": reverse("events:entry_ics", kwargs={"slug": obj.slug}),
        },
    )


def profile_gatherings_section(*, obj, user) -> Section | None:
    """The next gatherings a person organises."""
    gatherings = _next(upcoming_gatherings().filter(author=obj), PROFILE_PAGE_GATHERINGS)
    if not gatherings:
        return None
    # The profile page loads the person with their profile, so this costs no query.
    profile = getattr(obj, "profile", None)
    calendar_url = (
        reverse("events:organiser_ics", kwargs={"handle": profile.handle}) if profile else ""
    )
    return Section(
        template="events/includes/profile_gatherings.html",
        head_template=HEAD,
        context={"gatherings": gatherings, "calendar_url": calendar_url},
    )


def home_gatherings_section(*, obj, user) -> Section | None:
    """The next gatherings across the North, or in the area chosen."""
    gatherings = upcoming_gatherings()
    if obj is not None:
        gatherings = gatherings_in_area(gatherings, obj)
    cards = _next(gatherings, HOME_PAGE_GATHERINGS)
    if not cards:
        return None
    return Section(
        template="events/includes/home_gatherings.html",
        head_template=HEAD,
        context={
            "gatherings": cards,
            "more_url": _list_url(area=obj.slug if obj is not None else ""),
        },
    )


def gatherings_figure(*, obj) -> tuple[int, str]:
    """Upcoming gatherings, in the area chosen."""
    gatherings = upcoming_gatherings()
    if obj is not None:
        gatherings = gatherings_in_area(gatherings, obj)
    return gatherings.count(), _list_url(area=obj.slug if obj is not None else "")
