"""The map index stays exact with the content: publish, edit, move, hide, merge, delete."""

import pytest
from django.db import transaction

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.editors import services as editor_services
from bigsocnorth.directory.entries import services
from bigsocnorth.directory.models import Category, Entry
from bigsocnorth.mapping.models import MapCell, MapItem
from bigsocnorth.mapping.services import map_items_sync, map_rebuild
from bigsocnorth.mapping.tests.conftest import assert_counts_exact
from bigsocnorth.moderation import services as moderation
from bigsocnorth.moderation.models import Status

pytestmark = pytest.mark.django_db

SHEFFIELD = (53.3811, -1.4701)
LEEDS = (53.7997, -1.5492)
WALKLEY = (53.3925, -1.4960)


def _items(entry):
    return list(MapItem.objects.filter(object_id=entry.pk).order_by("place_key"))


def test_a_published_entry_is_on_the_map_at_each_place(add_entry):
    entry = add_entry("Two sites", SHEFFIELD, LEEDS, categories=["innovation", "existing-work"])
    items = _items(entry)
    assert [(i.latitude, i.longitude) for i in items] == [SHEFFIELD, LEEDS]
    assert [i.local_authority.name for i in items] == ["Sheffield", "Leeds"]
    assert {i.title for i in items} == {"Two sites"}
    assert items[0].url == entry.get_absolute_url()
    assert items[0].category_set.slugs == ["existing-work", "innovation"]
    assert items[0].kind == "organisation"
    assert_counts_exact()


def test_only_publishable_points_are_stored(add_entry):
    entry = add_entry("At home", (53.38114, -1.47013), approximate=True)
    (item,) = _items(entry)
    assert (item.latitude, item.longitude) == (53.38, -1.47)


def test_an_entry_without_places_is_not_on_the_map(add_entry):
    assert _items(add_entry("Online only")) == []


def test_review_publish_hide_restore_and_archive_follow_the_status(add_entry, member, moderator):
    entry = services.entry_create(
        author=member,
        not_a_duplicate=True,
        name="New group",
        kind=Entry._meta.get_field("kind").related_model.objects.get(slug="network"),
        sector="voluntary",
        places=[{"latitude": SHEFFIELD[0], "longitude": SHEFFIELD[1]}],
    )
    assert entry.status == Status.IN_REVIEW
    assert _items(entry) == []
    moderation.content_approve(actor=moderator, content=entry)
    assert len(_items(entry)) == 1
    assert_counts_exact()
    moderation.content_hide(actor=moderator, content=entry, reason="Advert")
    assert _items(entry) == []
    assert_counts_exact()
    moderation.content_restore(actor=moderator, content=entry)
    assert len(_items(entry)) == 1
    assert_counts_exact()


def test_hidden_by_flags_leaves_the_map(add_entry, settings):
    settings.FLAG_HIDE_THRESHOLD = 2
    entry = add_entry("Flagged", SHEFFIELD)
    for flagger in UserFactory.create_batch(2):
        moderation.flag_create(flagger=flagger, content=entry, reason="spam")
    assert _items(entry) == []
    assert_counts_exact()


def test_editing_moves_renames_and_recategorises(add_entry, moderator_author):
    entry = add_entry("Mover", SHEFFIELD, LEEDS)
    values = {
        "name": "Moved",
        "kind": entry.kind,
        "sector": entry.sector,
        "categories": [Category.objects.get(slug="innovation")],
        "places": [{"latitude": WALKLEY[0], "longitude": WALKLEY[1]}],
    }
    services.entry_update(actor=moderator_author, entry=entry, **values)
    (item,) = _items(entry)
    assert (item.latitude, item.longitude, item.title, item.category) == (
        *WALKLEY,
        "Moved",
        "innovation",
    )
    assert_counts_exact()
    assert_counts_exact(category=["innovation"])


def test_a_rename_alone_changes_no_counts(add_entry, moderator_author):
    entry = add_entry("Old name", SHEFFIELD)
    before = list(MapCell.objects.order_by("pk").values_list("pk", "count"))
    services.entry_update(
        actor=moderator_author,
        entry=entry,
        name="New name",
        kind=entry.kind,
        sector=entry.sector,
        places=[{"latitude": SHEFFIELD[0], "longitude": SHEFFIELD[1]}],
    )
    assert _items(entry)[0].title == "New name"
    assert list(MapCell.objects.order_by("pk").values_list("pk", "count")) == before


def test_a_merged_entry_leaves_the_map(add_entry, moderator):
    source = add_entry("Duplicate", SHEFFIELD)
    target = add_entry("Original", WALKLEY)
    editor_services.entry_merge(actor=moderator, source=source, target=target)
    assert _items(source) == []
    assert len(_items(target)) == 1
    assert_counts_exact()


def test_a_deleted_entry_leaves_the_map(add_entry):
    entry = add_entry("Deleted in the admin", SHEFFIELD, LEEDS)
    pk = entry.pk
    entry.delete()
    assert not MapItem.objects.filter(object_id=pk).exists()
    assert_counts_exact()


def test_a_rolled_back_change_leaves_the_map_as_it_was(add_entry, moderator):
    entry = add_entry("Steady", SHEFFIELD)
    before = list(MapCell.objects.order_by("pk").values_list("pk", "count"))
    with pytest.raises(RuntimeError), transaction.atomic():
        moderation.content_hide(actor=moderator, content=entry, reason="Testing")
        assert _items(entry) == []
        raise RuntimeError("undo")
    assert len(_items(entry)) == 1
    assert list(MapCell.objects.order_by("pk").values_list("pk", "count")) == before


def test_syncing_twice_changes_nothing(add_entry):
    entry = add_entry("Twice", SHEFFIELD)
    result = map_items_sync(obj=entry)
    assert (result.added, result.removed, result.updated) == (0, 0, 0)
    assert_counts_exact()


def test_rebuild_restores_a_damaged_map(add_entry):
    add_entry("One", SHEFFIELD)
    add_entry("Two", LEEDS)
    MapItem.objects.all().delete()
    MapCell.objects.update(count=99)
    result = map_rebuild()
    assert result.added == 2
    assert MapItem.objects.count() == 2
    assert_counts_exact()
