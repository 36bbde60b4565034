"""Reads for the directory: lists and single entries, always scoped to what the viewer may see."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from bigsocnorth.directory.models import (
    Category,
    Entry,
    EntryKind,
    EntryPlace,
)
from bigsocnorth.moderation.permissions import check_view_permission, filter_visible_to
from bigsocnorth.places.models import LocalAuthority, Region
from bigsocnorth.places.selectors import area_get_by_slug

PER_PAGE = 20


def _entries() -> QuerySet[Entry]:
    return Entry.objects.select_related("kind").prefetch_related(
        "categories",
        Prefetch(
            "places",
            queryset=EntryPlace.objects.select_related("local_authority__region").defer(
                "local_authority__boundary"
            ),
        ),
        Prefetch("areas_served", queryset=LocalAuthority.objects.defer("boundary")),
        "identifiers",
    )


def entry_queryset_visible_to(*, user) -> QuerySet[Entry]:
    return filter_visible_to(user=user, queryset=_entries())


def entry_list(
    *,
    user,
    kind: str | None = None,
    category: str | None = None,
    area: str | LocalAuthority | Region | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """A page of entries the person may see, by name, filtered by kind/category/area slugs.

    An unknown filter value matches nothing; a page past the end is the last page.
    """
    entries = entry_queryset_visible_to(user=user).filter(merged_into__isnull=True)
    if kind:
        entries = entries.filter(kind__slug=kind)
    if category:
        entries = entries.filter(categories__slug=category)
    if area:
        found = area_get_by_slug(slug=area) if isinstance(area, str) else area
        entries = _in_area(entries, found) if found is not None else entries.none()
    return Paginator(entries.order_by("name", "pk"), per_page).get_page(page)


class EntryMoved(Exception):
    """The entry was merged into another; `target` is where its address now leads."""

    def __init__(self, target: Entry) -> None:
        super().__init__(target.slug)
        self.target = target


def entry_get_for_view(*, user, slug: str) -> Entry:
    """The entry with this slug if the person may see it, else Http404.

    Raises EntryMoved for an entry merged into another (which the person may
    see), so its old address can redirect.
    """
    entries = _entries()
    if user is not None and user.is_authenticated:
        # Whether they may edit is asked several times on the page: once here.
        entries = entries.prefetch_related("editors")
    entry = entries.filter(slug=slug[:220]).first()
    if entry is None:
        raise Http404
    if entry.merged_into_id is not None:
        target = entry_merge_target(entry=entry)
        check_view_permission(user=user, obj=target)
        raise EntryMoved(target)
    check_view_permission(user=user, obj=entry)
    return entry


def entry_merge_target(*, entry: Entry) -> Entry:
    """Where a merged entry lives on now (merges are flattened, so one step; a guard anyway)."""
    seen = {entry.pk}
    while entry.merged_into_id is not None and entry.merged_into_id not in seen:
        seen.add(entry.merged_into_id)
        entry = Entry.objects.get(pk=entry.merged_into_id)
    return entry


def entry_list_for_area(*, user, area: LocalAuthority | Region, limit: int = 20) -> Page:
    """The first entries in an area (a local authority, or any in a region), by name."""
    return entry_list(user=user, area=area, per_page=limit)


def _in_area(entries: QuerySet[Entry], area: LocalAuthority | Region | None) -> QuerySet[Entry]:
    if isinstance(area, LocalAuthority):
        return entries.filter(areas=area)
    if isinstance(area, Region):
        # One row per entry even when it is in several of the region's areas. The
        # authorities by id (the region comes with them): a join on the region
        # read every row of the through table.
        authorities = [authority.pk for authority in area.local_authorities.all()]
        in_region = Entry.areas.through.objects.filter(localauthority_id__in=authorities)
        return entries.filter(pk__in=in_region.values("entry_id"))
    return entries


def entry_list_newest(*, limit: int, area: LocalAuthority | Region | None = None) -> list[Entry]:
    """The groups most recently published in the directory (merged ones aside), in an area.

    With what their cards show (kind, where), and nothing more: three queries.
    """
    cards = Entry.objects.select_related("kind").prefetch_related(
        Prefetch(
            "places",
            queryset=EntryPlace.objects.select_related("local_authority").defer(
                "local_authority__boundary"
            ),
        ),
        Prefetch("areas_served", queryset=LocalAuthority.objects.defer("boundary")),
    )
    entries = _in_area(cards.public().filter(merged_into__isnull=True), area)
    return list(entries.order_by("-first_published_at", "-pk")[:limit])


def entry_count(*, area: LocalAuthority | Region | None = None, networks: bool) -> int:
    """How many public groups (or networks) the directory has, in an area or in all."""
    kinds = EntryKind.objects.filter(is_network=networks).values("pk")
    entries = Entry.objects.public().filter(merged_into__isnull=True, kind_id__in=kinds)
    return _in_area(entries, area).count()


def entry_kind_list() -> list[EntryKind]:
    return list(EntryKind.objects.all())


def category_list() -> list[Category]:
    return list(Category.objects.all())


def area_choices() -> list[tuple[str, str]]:
    """(slug, name) of every local authority, for the area filter."""
    return list(LocalAuthority.objects.order_by("name").values_list("slug", "name"))
