"""The directory's notices (directory/notices.py): who hears what, once, and never twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory import notices
from bigsocnorth.directory.models import EditorRequest, RequestStatus
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation import lifecycle
from bigsocnorth.moderation import services as moderation
from bigsocnorth.moderation.changes import content_changed
from bigsocnorth.moderation.models import Status
from bigsocnorth.notifications import registry
from bigsocnorth.notifications.models import Notification
from bigsocnorth.notifications.services import follow_create

pytestmark = pytest.mark.django_db


def _messages_for(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("message", flat=True))


def test_entries_and_categories_are_followable():
    from bigsocnorth.directory.models import Category, Entry

    assert registry.followable_for_model(Entry).key == "directory.entry"
    assert registry.followable_for_model(Category).key == "directory.category"


def test_approving_a_new_entry_tells_each_person_once_with_the_most_specific_message(
    waiting_entry, member, moderator, kirklees, leeds, housing
):
    region = kirklees.region
    everything = UserFactory()  # follows the area, its region and the category
    for target in (kirklees, region, housing):
        follow_create(user=everything, target=target)
    by_category = UserFactory()
    follow_create(user=by_category, target=housing)
    by_region = UserFactory()
    follow_create(user=by_region, target=region)
    elsewhere = UserFactory()
    follow_create(user=elsewhere, target=leeds.region if leeds.region != region else leeds)
    follow_create(user=member, target=kirklees)  # the author follows their own area
    co_editor = UserFactory()
    waiting_entry.editors.add(co_editor)

    moderation.content_approve(actor=moderator, content=waiting_entry)

    name = "Huddersfield Food Bank"
    assert _messages_for(member) == [f"Your entry “{name}” was published."]
    assert _messages_for(co_editor) == [f"Your entry “{name}” was published."]
    assert _messages_for(everything) == [f"A new entry in Kirklees: “{name}”"]
    assert _messages_for(by_category) == [f"A new entry in the category {housing.name}: “{name}”"]
    assert _messages_for(by_region) == [f"A new entry in {region.name_in_sentence}: “{name}”"]
    assert _messages_for(elsewhere) == []
    assert _messages_for(moderator) == []
    assert Notification.objects.count() == 5
    follower_notice = Notification.objects.get(recipient=everything)
    assert follower_notice.url == waiting_entry.get_absolute_url()
    assert follower_notice.target == waiting_entry
    assert follower_notice.actor == member
    assert follower_notice.kind == notices.Kind.NEW_ENTRY


def test_an_entry_in_two_areas_names_the_first_followed_one(waiting_entry, leeds, kirklees):
    waiting_entry.areas.add(leeds)
    follower = UserFactory()
    follow_create(user=follower, target=leeds)
    follow_create(user=follower, target=kirklees)

    lifecycle.publish(waiting_entry)

    assert _messages_for(follower) == ["A new entry in Kirklees: “Huddersfield Food Bank”"]


def test_a_restore_after_a_hide_is_not_announced_again(waiting_entry, moderator, kirklees):
    follower = UserFactory()
    follow_create(user=follower, target=kirklees)
    moderation.content_approve(actor=moderator, content=waiting_entry)
    assert Notification.objects.filter(recipient=follower).count() == 1

    moderation.content_hide(actor=moderator, content=waiting_entry, reason="Checking it")
    moderation.content_restore(actor=moderator, content=waiting_entry)

    assert Notification.objects.filter(recipient=follower).count() == 1
    assert Notification.objects.count() == 2  # the follower's and the author's, once each


def test_restoring_an_entry_published_long_ago_is_not_news(member, moderator, kirklees):
    old = EntryFactory(
        author=member, published_at=timezone.now() - timedelta(days=400), status=Status.PUBLISHED
    )
    old.areas.add(kirklees)
    follower = UserFactory()
    follow_create(user=follower, target=kirklees)

    moderation.content_hide(actor=moderator, content=old, reason="Checking it")
    moderation.content_restore(actor=moderator, content=old)

    assert not Notification.objects.exists()


def test_an_entry_hidden_while_in_review_is_announced_when_first_published(
    waiting_entry, moderator, kirklees
):
    follower = UserFactory()
    follow_create(user=follower, target=kirklees)
    moderation.content_hide(actor=moderator, content=waiting_entry, reason="Spam?")
    assert not Notification.objects.exists()

    moderation.content_restore(actor=moderator, content=waiting_entry)

    assert _messages_for(follower) == ["A new entry in Kirklees: “Huddersfield Food Bank”"]


def test_an_entry_published_at_once_does_not_tell_its_author(member, kirklees):
    follower = UserFactory()
    follow_create(user=follower, target=kirklees)
    entry = EntryFactory.build(name="Dewsbury Tool Library", author=member, status=Status.DRAFT)
    entry.published_at = entry.first_published_at = None
    # As entry_create does: stamped published for a trusted author, then saved.
    lifecycle.status_stamp(entry, Status.PUBLISHED)
    entry.save()
    entry.areas.add(kirklees)

    content_changed(entry, previous_status=None)

    assert _messages_for(member) == []
    assert _messages_for(follower) == ["A new entry in Kirklees: “Dewsbury Tool Library”"]
    assert Notification.objects.get().actor == member


def test_an_entry_that_stays_in_review_or_is_edited_is_not_announced(waiting_entry, kirklees):
    follower = UserFactory()
    follow_create(user=follower, target=kirklees)

    content_changed(waiting_entry, previous_status=None)
    waiting_entry.status = Status.PUBLISHED
    waiting_entry.published_at = timezone.now()
    waiting_entry.save()
    content_changed(waiting_entry, previous_status=Status.PUBLISHED)  # an edit

    assert not Notification.objects.exists()


def test_announcing_costs_the_same_for_many_followers(kirklees, housing):
    def announce(follower_count: int) -> int:
        entry = EntryFactory(status=Status.PUBLISHED, published_at=timezone.now())
        entry.areas.add(kirklees)
        entry.categories.add(housing)
        for person in UserFactory.create_batch(follower_count):
            follow_create(user=person, target=kirklees)
            follow_create(user=person, target=housing)
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            notices.entry_published_notify(entry=entry)
        assert Notification.objects.count() >= follower_count
        return len(queries)

    assert announce(1) == announce(15)


def test_followers_hear_that_a_published_entry_changed_once_until_they_read_it(member, people):
    entry = EntryFactory(author=member)
    for person in people:
        follow_create(user=person, target=entry)
    follow_create(user=member, target=entry)

    assert notices.entry_updated_notify(entry=entry, actor=member) == 4
    assert notices.entry_updated_notify(entry=entry, actor=member) == 0
    assert _messages_for(member) == []
    assert _messages_for(people[0]) == [f"“{entry.name}” was updated."]


def test_changes_to_an_unpublished_entry_are_not_announced(member, people):
    entry = EntryFactory(author=member, status=Status.HIDDEN)
    follow_create(user=member, target=entry)

    assert notices.entry_updated_notify(entry=entry, actor=people[0]) == 0


def test_editors_hear_of_a_request_and_the_requester_hears_the_answer(member, people):
    entry = EntryFactory(author=member, name="Batley Bikes")
    other_editor, requester = people[:2]
    entry.editors.add(other_editor)
    request = EditorRequest.objects.create(entry=entry, requester=requester, message="Hi")

    assert notices.editor_request_notify(request=request) == 2
    expected = "Someone asked to become an editor of your entry “Batley Bikes”."
    assert _messages_for(member) == [expected]
    assert _messages_for(other_editor) == [expected]
    assert _messages_for(requester) == []
    assert Notification.objects.filter(recipient=member).get().actor == requester

    request.status = RequestStatus.APPROVED
    request.decided_by = member
    request.decided_at = timezone.now()
    assert notices.editor_request_decided_notify(request=request) == 1
    assert _messages_for(requester) == ["You are now an editor of “Batley Bikes”."]

    declined = EditorRequest.objects.create(
        entry=entry, requester=people[2], status=RequestStatus.DECLINED, decided_by=member
    )
    assert notices.editor_request_decided_notify(request=declined) == 1
    assert _messages_for(people[2]) == [
        "Your request to become an editor of “Batley Bikes” was declined."
    ]


def test_a_pending_request_has_no_answer_to_tell(member, people):
    entry = EntryFactory(author=member)
    request = EditorRequest.objects.create(entry=entry, requester=people[0])

    assert notices.editor_request_decided_notify(request=request) == 0
