"""The header's "Review (N)" link: counted cheaply, shown only to moderators."""

from __future__ import annotations

import re

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation import registry, selectors, services
from bigsocnorth.moderation.models import Flag, Status


def _review_link(html: str) -> str | None:
    match = re.search(r'<a href="/moderation/"[^>]*>(.*?)</a>', html, re.DOTALL)
    return match and re.sub(r"<[^>]+>", "", match.group(1)).split()


def test_count_matches_the_queue_counting_flagged_in_review_content_once(db, flaggers):
    EntryFactory(status=Status.IN_REVIEW)
    waiting_and_flagged = EntryFactory(status=Status.IN_REVIEW)
    flagged = EntryFactory()
    EntryFactory()
    for flagger in flaggers[:2]:
        services.flag_create(flagger=flagger, content=flagged, reason="spam", note="")
    # Flagged while public, then sent back to review: still one thing in the queue.
    Flag.objects.create(
        content_type=ContentType.objects.get_for_model(waiting_and_flagged),
        object_id=waiting_and_flagged.pk,
        flagger=flaggers[2],
        reason="spam",
    )
    assert selectors.review_queue_count() == 3
    assert selectors.review_queue_count() == len(selectors.review_queue())


def test_count_is_one_query_whatever_the_number_of_types_and_loads_no_rows(db, flaggers):
    for _ in range(5):
        EntryFactory(status=Status.IN_REVIEW)
    for registered in registry.registered_types():
        ContentType.objects.get_for_model(registered.model)  # cached, as on a running site
    with CaptureQueriesContext(connection) as queries:
        assert selectors.review_queue_count() == 5
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"].upper()
    assert sql.count("COUNT(*)") == len(registry.registered_types())


def test_moderators_see_the_review_link_with_the_count(client, moderator):
    EntryFactory(status=Status.IN_REVIEW)
    EntryFactory(status=Status.IN_REVIEW)
    client.force_login(moderator)
    html = client.get("/guidelines/").content.decode()
    assert _review_link(html) == ["Review", "2", "waiting"]


def test_members_and_visitors_do_not_see_it_and_it_costs_them_nothing(client, member):
    EntryFactory(status=Status.IN_REVIEW)
    assert _review_link(client.get("/guidelines/").content.decode()) is None
    client.force_login(member)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/guidelines/").content.decode()
    assert _review_link(html) is None
    assert not [
        q for q in queries.captured_queries if "status" in q["sql"] and "COUNT(" in q["sql"].upper()
    ]
