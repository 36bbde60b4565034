"""The index is exact with the content in every transaction: published in, everything else out."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bigsocnorth.directory.editors.services import entry_merge
from bigsocnorth.directory.entries import services as directory_services
from bigsocnorth.directory.models import Entry, EntryKind
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation import services as moderation
from bigsocnorth.moderation.changes import content_changed
from bigsocnorth.moderation.models import Status
from bigsocnorth.search.models import SearchDocument
from bigsocnorth.search.services import (
    search_document_remove,
    search_document_sync,
    search_documents_sync,
    search_index_rebuild,
)
from bigsocnorth.search.tests.helpers import found, indexed_ids

pytestmark = pytest.mark.django_db


def _flaggers(count):
    from bigsocnorth.accounts.tests.factories import UserFactory

    return UserFactory.create_batch(count)


def test_published_entry_is_indexed_with_its_text_areas_and_categories(
    indexed_entry, leeds, innovation
):
    entry = indexed_entry(
        name="Chapeltown Food Share",
        description="We **share** surplus [food](https://example.org/x) on Fridays.",
        tags="food, surplus",
        areas=[leeds],
        categories=[innovation],
    )
    document = SearchDocument.objects.get(object_id=entry.pk)
    assert document.type_key == "entry"
    assert document.title == "Chapeltown Food Share"
    assert document.url == entry.get_absolute_url()
    assert document.published_at == entry.published_at
    # Markdown read as text: words kept, link address and asterisks gone.
    assert document.body == "We share surplus food on Fridays."
    assert "example.org" not in document.body and "**" not in document.body
    # Tags, kind, categories and places are searched, apart from the text.
    for words in ("food, surplus", "Organisation", "Innovation", "Leeds"):
        assert words in document.facets
    assert document.categories == "innovation"
    assert document.area_ids == str(leeds.pk)
    assert found("fridays") == ["Chapeltown Food Share"]


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.HIDDEN, Status.ARCHIVED])
def test_only_published_content_is_indexed(indexed_entry, status):
    entry = indexed_entry(name="Quarry Hill Allotments", status=status)
    assert entry.pk not in indexed_ids(Entry)
    assert found("allotments") == []


def test_new_member_entry_waits_for_review_then_approval_indexes_it(member, moderator, innovation):
    values = {
        "name": "Harehills Tenants Voice",
        "kind": EntryKind.objects.get(slug="network"),
        "sector": "citizen_led",
        "categories": [innovation],
        "description": "Tenants organising together.",
        "places": [{"name": "Hall", "latitude": 53.8066, "longitude": -1.5152}],
    }
    entry = directory_services.entry_create(author=member, **values)
    assert entry.status == Status.IN_REVIEW
    assert found("tenants") == []
    moderation.content_approve(actor=moderator, content=entry)
    assert found("tenants voice") == ["Harehills Tenants Voice"]
    assert found("tenants", area="leeds") == ["Harehills Tenants Voice"]


def test_moderator_entry_is_searchable_at_once_and_edits_replace_the_old_text(moderator):
    kind = EntryKind.objects.get(slug="organisation")
    values = {
        "name": "Kirkstall Repair Cafe",
        "kind": kind,
        "sector": "voluntary",
        "description": "Bring broken toasters.",
        "areas_served": [],
    }
    entry = directory_services.entry_create(author=moderator, **values)
    assert found("toasters") == ["Kirkstall Repair Cafe"]
    directory_services.entry_update(
        actor=moderator,
        entry=entry,
        **{**values, "name": "Kirkstall Fix It", "description": "Bring bikes."},
    )
    assert found("toasters") == []
    assert found("repair") == []
    assert found("bikes") == ["Kirkstall Fix It"]


def test_hiding_by_flags_removes_and_restoring_brings_back(indexed_entry, moderator, settings):
    settings.FLAG_HIDE_THRESHOLD = 2
    entry = indexed_entry(name="Meanwood Valley Walkers")
    first, second = _flaggers(2)
    moderation.flag_create(flagger=first, content=entry, reason="spam")
    assert found("walkers") == ["Meanwood Valley Walkers"]
    moderation.flag_create(flagger=second, content=entry, reason="spam")
    entry.refresh_from_db()
    assert entry.status == Status.HIDDEN
    assert found("walkers") == []
    moderation.content_restore(actor=moderator, content=entry)
    assert found("walkers") == ["Meanwood Valley Walkers"]


def test_moderator_hiding_removes_it(indexed_entry, moderator):
    entry = indexed_entry(name="Armley Gardeners")
    moderation.content_hide(actor=moderator, content=entry, reason="Advert")
    assert found("gardeners") == []
    assert entry.pk not in indexed_ids(Entry)


def test_blocking_an_author_keeps_their_waiting_entries_out(member, moderator, indexed_entry):
    waiting = indexed_entry(name="Holbeck Choir", status=Status.IN_REVIEW, author=member)
    moderation.author_block(actor=moderator, content=waiting)
    assert found("choir") == []


def test_merged_away_entry_leaves_and_the_target_stays(indexed_entry, moderator):
    source = indexed_entry(name="Beeston Food Bank")
    target = indexed_entry(name="Beeston Community Food Bank")
    entry_merge(actor=moderator, source=source, target=target)
    assert found("beeston food") == ["Beeston Community Food Bank"]
    assert source.pk not in indexed_ids(Entry)


def test_deleted_entry_leaves(indexed_entry):
    entry = indexed_entry(name="Headingley Litter Pickers")
    Entry.objects.filter(pk=entry.pk).delete()
    assert found("litter") == []
    assert not SearchDocument.objects.exists()


def test_entry_changed_keeps_the_index(indexed_entry):
    # The change fan-out is the one place every entry write goes through.
    entry = indexed_entry(name="Pudsey Carnival")
    entry.status = Status.ARCHIVED
    entry.save()
    content_changed(entry, previous_status=Status.PUBLISHED)
    assert found("carnival") == []


def test_a_rolled_back_change_leaves_the_index_as_it_was(indexed_entry, moderator):
    entry = indexed_entry(name="Bramley Baths Swimmers")
    with pytest.raises(RuntimeError), transaction.atomic():
        moderation.content_hide(actor=moderator, content=entry, reason="Test")
        assert found("swimmers") == []
        raise RuntimeError
    assert found("swimmers") == ["Bramley Baths Swimmers"]
    waiting = indexed_entry(name="Rodley Nature Reserve", status=Status.IN_REVIEW)
    with pytest.raises(RuntimeError), transaction.atomic():
        moderation.content_approve(actor=moderator, content=waiting)
        assert found("nature") == ["Rodley Nature Reserve"]
        raise RuntimeError
    assert found("nature") == []


@pytest.mark.django_db(transaction=True)
def test_a_failed_transaction_rolls_the_index_back_with_the_content(moderator):
    entry = EntryFactory(name="Roundhay Park Runners", status=Status.IN_REVIEW)
    with pytest.raises(RuntimeError), transaction.atomic():
        moderation.content_approve(actor=moderator, content=entry)
        raise RuntimeError
    entry.refresh_from_db()
    assert entry.status == Status.IN_REVIEW
    assert found("runners") == []
    moderation.content_approve(actor=moderator, content=entry)
    assert found("runners") == ["Roundhay Park Runners"]


def test_remove_is_safe_for_something_never_indexed(indexed_entry):
    entry = indexed_entry(name="Never here", status=Status.DRAFT)
    assert search_document_remove(obj=entry) is False


def test_syncing_an_unregistered_model_is_an_error(member):
    with pytest.raises(LookupError, match="not registered with search"):
        search_document_sync(obj=member)


def test_syncing_again_replaces_rather_than_duplicates(indexed_entry):
    entry = indexed_entry(name="Otley Cycle Club")
    entry.name = "Otley Cycling Club"
    entry.save()
    search_document_sync(obj=entry)
    assert SearchDocument.objects.count() == 1
    assert found("otley") == ["Otley Cycling Club"]


def test_bulk_sync_indexes_published_and_removes_the_rest(leeds, innovation):
    published = EntryFactory.create_batch(30, description="Allotment society")
    for entry in published[:10]:
        entry.areas.add(leeds)
        entry.categories.add(innovation)
    hidden = EntryFactory.create_batch(5, status=Status.HIDDEN, description="Allotment society")
    search_documents_sync(objs=hidden)  # nothing to remove yet
    SearchDocument.objects.all().delete()
    for entry in hidden:  # as if they had been indexed before they were hidden
        entry.status = Status.PUBLISHED
        search_document_sync(obj=entry)
        entry.status = Status.HIDDEN
    counts = search_documents_sync(objs=[*published, *hidden])
    assert (counts.indexed, counts.removed) == (30, 5)
    assert indexed_ids(Entry) == {entry.pk for entry in published}
    assert len(found("allotment", area="leeds", category="innovation")) == 10


def test_bulk_sync_queries_do_not_grow_with_the_number_of_entries(leeds, innovation):
    def queries(count: int) -> int:
        entries = EntryFactory.create_batch(count)
        for entry in entries:
            entry.areas.add(leeds)
            entry.categories.add(innovation)
        with CaptureQueriesContext(connection) as captured:
            search_documents_sync(objs=entries)
        return len(captured)

    assert queries(3) == queries(40)


def test_rebuild_restores_lost_documents_and_drops_stale_ones(indexed_entry):
    kept = indexed_entry(name="Morley Rugby Juniors")
    gone = indexed_entry(name="Garforth Knitters")
    SearchDocument.objects.filter(object_id=kept.pk).delete()
    Entry.objects.filter(pk=gone.pk).update(status=Status.HIDDEN)
    counts = search_index_rebuild()
    assert counts.indexed == 1
    assert found("rugby") == ["Morley Rugby Juniors"]
    assert found("knitters") == []


def test_rebuild_removes_documents_whose_object_is_gone(indexed_entry):
    entry = indexed_entry(name="Wetherby Bowls")
    # A delete that skipped the signal (raw SQL, a restored backup).
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM directory_entry_categories WHERE entry_id = %s", [entry.pk])
        cursor.execute("DELETE FROM directory_entry_areas WHERE entry_id = %s", [entry.pk])
        cursor.execute("DELETE FROM directory_entry_editors WHERE entry_id = %s", [entry.pk])
        cursor.execute("DELETE FROM directory_entry WHERE id = %s", [entry.pk])
    assert found("bowls") == ["Wetherby Bowls"]
    search_index_rebuild()
    assert found("bowls") == []


def test_a_big_bulk_sync_optimises_the_index_in_its_transaction(monkeypatch):
    from bigsocnorth.search import services

    monkeypatch.setattr(services, "BULK_OPTIMISE_AFTER", 3)
    calls = []
    original = services.search_index_optimise
    monkeypatch.setattr(services, "search_index_optimise", lambda: calls.append(1) or original())
    entries = EntryFactory.create_batch(3, description="Orchard")
    with transaction.atomic():
        search_documents_sync(objs=entries)
    assert calls == [1]
    assert len(found("orchard")) == 3
    search_documents_sync(objs=entries[:2])
    assert calls == [1]
