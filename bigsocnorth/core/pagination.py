"""The page number a list page was asked for, forgiving of what people and bots type."""

from __future__ import annotations


def page_number(request) -> int:
    """`?page=` as a number from 1; anything else (empty, "abc", "-5") is page 1.

    A number past the last page is the paginator's business (get_page gives the last).
    """
    try:
        return max(1, int(request.GET.get("page") or 1))
    except ValueError:
        return 1
