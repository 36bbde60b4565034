"""The search page: one view for the whole page and for its htmx results fragment."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.search import selectors
from bigsocnorth.search.forms import SearchForm


@require_GET
@cached_for_visitors
def search(request):
    """Without `q` the empty form; with it, a page of results or what is wrong."""
    searched = "q" in request.GET
    form = SearchForm(request.GET if searched else None)
    page = None
    if searched and form.is_valid():
        try:
            checked = selectors.check_search_input(**form.cleaned_data)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field, messages)
        else:
            page = selectors.search_result_list(search=checked, page=request.GET.get("page", 1))
    # A history restore after a reload needs the whole page, not a fragment.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    query = request.GET.copy()
    query.pop("page", None)
    # The corrected search as a link of its own, with the same filters.
    suggestion_query = ""
    if page is not None and page.did_you_mean is not None:
        corrected = query.copy()
        corrected["q"] = page.did_you_mean.text
        suggestion_query = corrected.urlencode()
    context = {
        "form": form,
        "page": page,
        "query": request.GET.get("q", "").strip() if searched else "",
        "query_without_page": query.urlencode(),
        "suggestion_query": suggestion_query,
        "partial": partial,
    }
    template = "search/index.html#results" if partial else "search/index.html"
    # htmx swaps only successful responses, so the fragment carries its
    # errors with a 200; the whole page says 400 like any invalid request.
    status = 400 if form.errors and not partial else 200
    response = render(request, template, context, status=status)
    # Same URL, two representations: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response
