"""The search API: the same search as the /search/ page, as JSON.

Public and read only: only published things are in the index, so every
caller gets the same results.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from pydantic import ConfigDict

from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.search import selectors
from bigsocnorth.search.query import SEARCH_QUERY_MAX_LENGTH, SEARCH_QUERY_MAX_WORDS

router = Router(tags=["search"])


def _words_required(schema: dict) -> None:
    """The document says a search needs words; check_search_input checks them, so that
    missing words get the same 400 and message as words that cannot be searched."""
    schema["required"] = ["q"]
    schema["properties"]["q"]["minLength"] = 1


class SearchIn(Schema):
    model_config = ConfigDict(json_schema_extra=_words_required)

    q: str = Field(
        "",
        description=(
            f"What to look for: words, all of which must be found in the title or the text. "
            f"At most {SEARCH_QUERY_MAX_LENGTH} characters and {SEARCH_QUERY_MAX_WORDS} words; "
            "case, accents and punctuation are ignored, and so are very common words."
        ),
    )
    type: str = Field("", description="Only this type of thing, e.g. entry (directory entries).")
    category: str = Field("", description="Only things in this category (its slug).")
    area: str = Field(
        "",
        description="Only things in this local authority or region (its slug, e.g. leeds or "
        "north-east); a region means any of its local authorities.",
    )
    page: int = Field(1, ge=1, description="Page number, from 1; past the last is the last.")


class SearchFieldError(Schema):
    field: str
    message: str


class SearchMessage(Schema):
    message: str = Field(description="What went wrong, in words a person can act on.")
    errors: list[SearchFieldError] = Field(default_factory=list)


class SearchItem(Schema):
    type: str = Field(description="What it is: the `type` filter value.")
    type_label: str = Field(description="What it is, in words.")
    title: str
    url: str = Field(description="Its page.")
    published_at: str | None
    title_html: str = Field(
        description="The title as HTML: escaped, with matching words in <mark> elements."
    )
    snippet_html: str = Field(
        description="Some of its text around the matching words, as HTML like title_html."
    )


class SearchPage(Schema):
    count: int = Field(description="How many results, counting no further than 1,000.")
    more: bool = Field(
        description="True when more than `count` things match: only the best 1,000 are "
        "listed; add words or filters to narrow the search."
    )
    did_you_mean: str | None = Field(
        description="When `q` found nothing: the same search with its misspelt words "
        "corrected (“foood” → “food”), if that finds something. `count` and `items` are "
        "then the results of this search. Null otherwise."
    )
    page: int
    pages: int
    items: list[SearchItem]


@decorate_view(cached_for_visitors)
@router.get(
    "/search",
    response={200: SearchPage, 400: SearchMessage},
    url_name="search",
    summary="Search everything published",
)
def search(request: HttpRequest, params: Query[SearchIn]):
    """Published things whose title or text contains every word of `q`, best first:
    those with every word in the title, then by relevance, then the newest.
    Filter by type, category and area; 20 to a page. A search that finds nothing
    is tried again with its misspelt words corrected, and says so in `did_you_mean`."""
    try:
        checked = selectors.check_search_input(
            q=params.q, type=params.type, category=params.category, area=params.area
        )
    except ValidationError as error:
        errors = [
            {"field": field, "message": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
        return Status(
            400, {"message": " ".join(item["message"] for item in errors), "errors": errors}
        )
    result = selectors.search_result_list(search=checked, page=params.page)
    return {
        "count": result.count,
        "more": result.more,
        "did_you_mean": result.did_you_mean.text if result.did_you_mean else None,
        "page": result.page.number,
        "pages": result.page.paginator.num_pages,
        "items": [
            {
                "type": item.type_key,
                "type_label": str(item.type_label),
                "title": item.title,
                "url": request.build_absolute_uri(item.url),
                "published_at": item.published_at.isoformat() if item.published_at else None,
                "title_html": str(item.title_html),
                "snippet_html": str(item.snippet_html),
            }
            for item in result.results
        ],
    }
