"""Page numbers as people and bots type them, and lists too long to count."""

from __future__ import annotations

from django.core.paginator import Page, Paginator


def page_number(request) -> int:
    """`?page=` as a number from 1; anything else (empty, "abc", "-5") is page 1.

    A number past the last page is the paginator's business (get_page gives the last).
    """
    try:
        return max(1, int(request.GET.get("page") or 1))
    except ValueError:
        return 1


class LookAheadPaginator(Paginator):
    """Counts a list only as far as `look_ahead` pages past the page asked for.

    Counting every row of a long list (200,000 topics) costs more than
    showing a page of it; people page a few steps at most. When the count
    stops short, `more` is true and the page says "Page 1 of 100+". Every
    page stays reachable: asking for page 140 counts up to page 240.
    """

    def __init__(self, object_list, per_page, *, number: int, look_ahead: int = 100):
        super().__init__(object_list, per_page)
        counted_rows = (max(1, number) + look_ahead) * per_page
        found = object_list.order_by()[:counted_rows].count()
        self.count = found  # Paginator.count is a cached_property: set, it is not asked again
        self.more = found >= counted_rows


def look_ahead_page(queryset, *, number: int, per_page: int, look_ahead: int = 100) -> Page:
    """The page `number` of `queryset` (the last one if past the end), counted lazily."""
    return LookAheadPaginator(queryset, per_page, number=number, look_ahead=look_ahead).get_page(
        number
    )
