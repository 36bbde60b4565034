"""Long lists are counted a little ahead of the page asked for, never to the end."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bigsocnorth.core.pagination import look_ahead_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    # Any table will do; content types belong to Django, not to another app.
    ContentType.objects.bulk_create(
        ContentType(app_label="pagination", model=f"row-{n:02}") for n in range(25)
    )
    return ContentType.objects.filter(app_label="pagination").order_by("model")


def test_a_short_list_is_counted_to_its_end(rows):
    page = look_ahead_page(rows, number=1, per_page=10, look_ahead=5)
    assert page.paginator.count == 25
    assert page.paginator.num_pages == 3
    assert not page.paginator.more
    assert [row.model for row in page] == [f"row-{n:02}" for n in range(10)]


def test_a_long_list_stops_counting_a_few_pages_ahead(rows):
    page = look_ahead_page(rows, number=1, per_page=2, look_ahead=3)
    assert page.paginator.more
    assert page.paginator.num_pages == 4  # "Page 1 of 4+"
    with CaptureQueriesContext(connection) as seen:
        page.paginator.count  # noqa: B018 - asked once, already known
    assert len(seen) == 0


def test_every_page_stays_reachable(rows):
    page = look_ahead_page(rows, number=9, per_page=2, look_ahead=3)
    assert page.number == 9
    assert [row.model for row in page] == ["row-16", "row-17"]
    assert page.has_next()
    last = look_ahead_page(rows, number=400, per_page=2, look_ahead=3)
    assert last.number == 13 and not last.paginator.more
    assert [row.model for row in last] == ["row-24"]
