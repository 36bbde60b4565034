"""Reads for the directory: lists and single entries, always scoped to what the viewer may see."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404

from bigsocnorth.directory.models import Category, Entry, EntryKind
from bigsocnorth.moderation.permissions import check_view_permission, filter_visible_to
from bigsocnorth.places.models import LocalAuthority, Region
from bigsocnorth.places.selectors import area_get_by_slug

PER_PAGE = 20


def _entries() -> QuerySet[Entry]:
    return (
        Entry.objects.select_related("kind", "local_authority__region")
        .prefetch_related("categories")
        .defer("local_authority__boundary")
    )


def entry_queryset_visible_to(*, user) -> QuerySet[Entry]:
    return filter_visible_to(user=user, queryset=_entries())


def entry_list(
    *,
    user,
    kind: str | None = None,
    category: str | None = None,
    area: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """A page of entries the person may see, by name, filtered by kind/category/area slugs.

    An unknown filter value matches nothing; a page past the end is the last page.
    """
    entries = entry_queryset_visible_to(user=user)
    if kind:
        entries = entries.filter(kind__slug=kind)
    if category:
        entries = entries.filter(categories__slug=category)
    if area:
        found = area_get_by_slug(slug=area)
        if isinstance(found, LocalAuthority):
            entries = entries.filter(local_authority=found)
        elif isinstance(found, Region):
            entries = entries.filter(local_authority__region=found)
        else:
            entries = entries.none()
    return Paginator(entries.order_by("name", "pk"), per_page).get_page(page)


def entry_get_for_view(*, user, slug: str) -> Entry:
    """The entry with this slug if the person may see it, else Http404."""
    entry = _entries().filter(slug=slug[:220]).first()
    if entry is None:
        raise Http404
    check_view_permission(user=user, obj=entry)
    return entry


def entry_kind_list() -> list[EntryKind]:
    return list(EntryKind.objects.all())


def category_list() -> list[Category]:
    return list(Category.objects.all())


def area_choices() -> list[tuple[str, str]]:
    """(slug, name) of every local authority, for the area filter."""
    return list(LocalAuthority.objects.order_by("name").values_list("slug", "name"))
