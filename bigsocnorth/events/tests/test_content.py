"""Gatherings in the shared mechanisms: the map (while still to come), search, the pages
that gather content, following, and the job that takes ended gatherings off the map."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.core.navigation import menu_items
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.events import services
from bigsocnorth.events.jobs import gatherings_ended_refresh
from bigsocnorth.events.models import Gathering
from bigsocnorth.events.tests.conftest import gathering_values
from bigsocnorth.mapping.models import MapItem
from bigsocnorth.moderation import lifecycle
from bigsocnorth.notifications.models import Notification
from bigsocnorth.notifications.services import follow_create
from bigsocnorth.search.models import SearchDocument

pytestmark = pytest.mark.django_db


def _on_map(gathering) -> bool:
    return MapItem.objects.filter(layer="gatherings", object_id=gathering.pk).exists()


def test_an_in_person_gathering_to_come_is_on_the_map_and_searchable(organise):
    gathering = organise()
    assert _on_map(gathering)
    document = SearchDocument.objects.get(type_key="gathering", object_id=gathering.pk)
    assert "Burngreave Vestry Hall" in document.facets
    # Found by its words, not its Markdown.
    assert "Come and talk about the park." in document.body
    assert "**" not in document.body


def test_what_happened_afterwards_is_searchable(organise, moderator):
    from bigsocnorth.events.outcomes import gathering_outcome_record

    gathering = organise()
    Gathering.objects.filter(pk=gathering.pk).update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=2)
    )
    gathering.refresh_from_db()
    gathering_outcome_record(
        actor=moderator, gathering=gathering, attended=23, outcome="We planted _forty_ trees."
    )
    document = SearchDocument.objects.get(type_key="gathering", object_id=gathering.pk)
    assert "We planted forty trees." in document.body


def test_online_in_review_and_cancelled_gatherings_are_not_on_the_map(organise, member, moderator):
    online = organise(
        title="Online", in_person=False, online=True, online_url="https://meet.example.org/x"
    )
    in_review = organise(author=member, title="In review")
    cancelled = organise(title="Called off")
    assert _on_map(cancelled)
    services.gathering_cancel(actor=moderator, gathering=cancelled)
    assert not any(_on_map(g) for g in (online, in_review, cancelled))


def test_the_scheduler_takes_gatherings_off_the_map_once_they_end(organise):
    ended = organise(title="Ending soon")
    later = organise(title="Next month", starts_at=ended.starts_at + timedelta(days=30))
    after_the_end = ended.last_ends_at + timedelta(minutes=1)
    assert gatherings_ended_refresh(now=ended.starts_at) == []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: after_the_end)
        lines = gatherings_ended_refresh(now=after_the_end)
    assert lines == ["gatherings: 1 ended, taken off the map"]
    assert not _on_map(ended) and _on_map(later)


def test_area_home_profile_and_entry_pages_show_gatherings_to_come(
    client, organise, area, moderator
):
    entry = EntryFactory(located_in=area)
    gathering = organise()
    gathering.entries.add(entry)
    for path in (
        area.get_absolute_url(),
        "/",
        f"/?area={area.slug}",
        moderator.profile.get_absolute_url(),
        entry.get_absolute_url(),
    ):
        text = client.get(path).content.decode()
        assert gathering.title in text, path
    assert any(item.url_name == "events:gathering_list" for item in menu_items())


def test_followers_of_an_organising_group_hear_of_a_new_gathering(organise, area, member):
    entry = EntryFactory(located_in=area)
    entry.editors.add(member)
    follower = UserFactory()
    follow_create(user=follower, target=entry)
    gathering = services.gathering_create(
        author=member, values=gathering_values(area, entries=[entry])
    )
    assert not Notification.objects.filter(recipient=follower).exists()  # in review: not yet
    lifecycle.publish(gathering)
    (notice,) = Notification.objects.filter(recipient=follower)
    assert entry.name in notice.message and Gathering.objects.get().entries.get() == entry
