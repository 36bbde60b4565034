"""What the tests ask search: the titles found, in rank order."""

from bigsocnorth.search.models import SearchDocument
from bigsocnorth.search.selectors import check_search_input, search_result_list


def found(q: str, **filters) -> list[str]:
    page = search_result_list(search=check_search_input(q=q, **filters), per_page=100)
    return [result.title for result in page.results]


def indexed_ids(model) -> set[int]:
    return set(
        SearchDocument.objects.filter(content_type__model=model._meta.model_name).values_list(
            "object_id", flat=True
        )
    )
