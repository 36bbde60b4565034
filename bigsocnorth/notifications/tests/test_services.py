"""Follows, notices to exactly the right people, reading them, and email preferences."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Flag, Status
from bigsocnorth.notifications import services
from bigsocnorth.notifications.models import (
    EmailFrequency,
    Follow,
    Notification,
    NotificationPreference,
)
from bigsocnorth.notifications.selectors import email_frequency_for_user

pytestmark = pytest.mark.django_db


def _notify(recipients, **overrides):
    values = {
        "recipients": recipients,
        "kind": "test.hello",
        "message": "Something happened",
        "url": "/directory/",
    }
    values.update(overrides)
    return services.notify(**values)


# --- Follows ------------------------------------------------------------------


def test_following_an_area_makes_one_follow(member, kirklees):
    assert services.follow_create(user=member, target=kirklees) is True

    follow = Follow.objects.get()
    assert follow.user == member
    assert follow.target == kirklees


def test_following_twice_keeps_one_follow(member, kirklees):
    services.follow_create(user=member, target=kirklees)

    assert services.follow_create(user=member, target=kirklees) is False
    assert Follow.objects.count() == 1


def test_following_needs_a_logged_in_active_person(member, kirklees, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ValidationError, match="Log in"):
        services.follow_create(user=AnonymousUser(), target=kirklees)
    with pytest.raises(ValidationError, match="Log in"):
        services.follow_create(user=None, target=kirklees)
    member.is_active = False
    with pytest.raises(ValidationError, match="cannot follow"):
        services.follow_create(user=member, target=kirklees)
    assert not Follow.objects.exists()


def test_following_nothing_or_an_unsaved_thing_is_refused(member, kirklees):
    with pytest.raises(ValidationError, match="nothing to follow"):
        services.follow_create(user=member, target=None)
    unsaved = EntryFactory.build()
    with pytest.raises(ValidationError, match="nothing to follow"):
        services.follow_create(user=member, target=unsaved)
    assert not Follow.objects.exists()


def test_an_unregistered_type_cannot_be_followed(member, people):
    with pytest.raises(ValidationError, match="cannot be followed"):
        services.follow_create(user=member, target=people[0])
    entry = EntryFactory()
    flag = Flag.objects.create(
        content_type=ContentType.objects.get_for_model(entry),
        object_id=entry.pk,
        flagger=people[0],
        reason="spam",
    )
    with pytest.raises(ValidationError, match="cannot be followed"):
        services.follow_create(user=member, target=flag)


def test_someone_elses_unpublished_entry_cannot_be_followed_nor_seen(member, people):
    draft = EntryFactory(author=people[0], status=Status.IN_REVIEW, published_at=None)

    with pytest.raises(ValidationError, match="nothing to follow"):
        services.follow_create(user=member, target=draft)
    # The author may follow their own.
    assert services.follow_create(user=people[0], target=draft) is True


def test_follows_are_capped_per_person(member, kirklees, monkeypatch):
    monkeypatch.setattr(services, "FOLLOWS_MAX", 1)
    services.follow_create(user=member, target=kirklees)

    with pytest.raises(ValidationError, match="the most allowed"):
        services.follow_create(user=member, target=kirklees.region)


def test_unfollowing_removes_the_follow_and_is_harmless_twice(member, kirklees):
    services.follow_create(user=member, target=kirklees)

    assert services.follow_delete(user=member, target=kirklees) is True
    assert services.follow_delete(user=member, target=kirklees) is False
    assert not Follow.objects.exists()


def test_unfollowing_needs_a_logged_in_person(kirklees):
    with pytest.raises(ValidationError):
        services.follow_delete(user=None, target=kirklees)


def test_follows_move_to_the_merged_entry_without_duplicates(people):
    old, new = EntryFactory(), EntryFactory()
    both, only_old, only_new = people[:3]
    for person in (both, only_old):
        services.follow_create(user=person, target=old)
    for person in (both, only_new):
        services.follow_create(user=person, target=new)

    moved = services.follows_move(source=old, target=new)

    assert moved == 1
    entry_type = ContentType.objects.get_for_model(new)
    assert not Follow.objects.filter(content_type=entry_type, object_id=old.pk).exists()
    followers = Follow.objects.filter(content_type=entry_type, object_id=new.pk)
    assert sorted(followers.values_list("user_id", flat=True)) == sorted(
        [both.pk, only_old.pk, only_new.pk]
    )


def _query_count(function) -> int:
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def test_follows_move_costs_the_same_for_many_followers():
    def moving(follower_count: int) -> int:
        old, new = EntryFactory(), EntryFactory()
        for person in UserFactory.create_batch(follower_count):
            services.follow_create(user=person, target=old)
        return _query_count(lambda: services.follows_move(source=old, target=new))

    assert moving(1) == moving(8) <= 6


def test_follows_move_refuses_mixed_types(kirklees):
    with pytest.raises(ValueError, match="same type"):
        services.follows_move(source=kirklees, target=kirklees.region)


# --- Notices ------------------------------------------------------------------


def test_notify_reaches_each_recipient_once_and_never_the_actor(people):
    actor, first, second, _ = people

    made = _notify([first, second, first, second.pk, actor], actor=actor)

    assert len(made) == 2
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )
    notification = Notification.objects.get(recipient=first)
    assert notification.actor == actor
    assert notification.read_at is None
    assert notification.emailed_at is None


def test_blocked_people_are_not_notified(people):
    people[0].is_active = False
    people[0].save()

    _notify(people)

    assert Notification.objects.count() == 3
    assert not Notification.objects.filter(recipient=people[0]).exists()


def test_notify_records_what_it_is_about(member, kirklees):
    _notify([member], target=kirklees)

    assert Notification.objects.get().target == kirklees


@pytest.mark.parametrize(
    "overrides",
    [
        {"url": "https://elsewhere.example/"},
        {"url": "//elsewhere.example/"},
        {"url": "/\\elsewhere.example/"},
        {"url": "directory/"},
        {"message": "   "},
        {"kind": ""},
        {"kind": "x" * 61},
    ],
)
def test_notify_refuses_bad_links_and_empty_messages(member, overrides):
    with pytest.raises(ValueError):
        _notify([member], **overrides)
    assert not Notification.objects.exists()


def test_a_long_message_is_shortened_not_refused(member):
    _notify([member], message="word " * 300)

    assert len(Notification.objects.get().message) == Notification.MESSAGE_MAX


def test_notify_costs_the_same_for_one_or_many_recipients():
    few = UserFactory.create_batch(1)
    many = UserFactory.create_batch(25)

    # Who is active (with their preference), then one insert.
    assert _query_count(lambda: _notify(few)) == _query_count(lambda: _notify(many)) <= 4
    assert Notification.objects.count() == 26


def test_immediate_emails_go_through_the_worker_after_commit_only(
    people, worker, django_capture_on_commit_callbacks
):
    straight_away, daily, never, _ = people
    services.notification_preference_update(
        user=straight_away, email_frequency=EmailFrequency.IMMEDIATELY
    )
    services.notification_preference_update(user=never, email_frequency=EmailFrequency.NEVER)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _notify([straight_away, daily, never], message="A new entry in Kirklees: “Café”")
        assert mail.outbox == []  # nothing before the commit

    assert len(callbacks) == 1
    assert [message.to for message in mail.outbox] == [[straight_away.email]]
    assert "A new entry in Kirklees: “Café”" in mail.outbox[0].body
    emailed = Notification.objects.get(recipient=straight_away)
    assert emailed.emailed_at is not None
    # The others wait for their digest (or never get email).
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2


def test_no_email_when_the_transaction_rolls_back(
    member, worker, django_capture_on_commit_callbacks
):
    services.notification_preference_update(user=member, email_frequency=EmailFrequency.IMMEDIATELY)

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _notify([member])
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass

    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_notify_followers_reaches_followers_of_any_target_once(people, kirklees, leeds):
    actor, both, kirklees_only, stranger = people
    services.follow_create(user=both, target=kirklees)
    services.follow_create(user=both, target=leeds)
    services.follow_create(user=kirklees_only, target=kirklees)
    services.follow_create(user=actor, target=kirklees)

    made = services.notify_followers(
        targets=[kirklees, leeds],
        kind="test.area",
        message="News",
        url="/areas/",
        actor=actor,
    )

    assert sorted(n.recipient_id for n in made) == sorted([both.pk, kirklees_only.pk])
    assert not Notification.objects.filter(recipient__in=[actor, stranger]).exists()


def test_notify_followers_leaves_out_the_excluded(people, kirklees):
    for person in people:
        services.follow_create(user=person, target=kirklees)

    made = services.notify_followers(
        targets=[kirklees],
        kind="test.area",
        message="News",
        url="/",
        exclude=[people[0], people[1].pk],
    )

    assert sorted(n.recipient_id for n in made) == sorted([people[2].pk, people[3].pk])


def test_notify_followers_costs_the_same_for_many_followers(kirklees):
    def run() -> int:
        return _query_count(
            lambda: services.notify_followers(
                targets=[kirklees], kind="test.area", message="News", url="/"
            )
        )

    services.follow_create(user=UserFactory(), target=kirklees)
    one = run()
    for person in UserFactory.create_batch(20):
        services.follow_create(user=person, target=kirklees)
    assert run() == one <= 5
    assert Notification.objects.count() == 22


def test_collapse_unread_tells_a_follower_once_until_they_read_it(member, kirklees):
    services.follow_create(user=member, target=kirklees)

    def changed():
        return services.notify_followers(
            targets=[kirklees],
            kind="test.changed",
            message="Changed",
            url="/",
            target=kirklees,
            collapse_unread=True,
        )

    assert len(changed()) == 1
    assert changed() == []
    services.notifications_mark_all_read(user=member)
    assert len(changed()) == 1


def test_nobody_follows_nothing(people):
    assert services.notify_followers(targets=[], kind="test.x", message="x", url="/") == []


def test_an_announcement_is_claimed_once(kirklees):
    assert services.announcement_claim(key="test.new", target=kirklees) is True
    assert services.announcement_claim(key="test.new", target=kirklees) is False
    assert services.announcement_claim(key="test.other", target=kirklees) is True


# --- Reading and preferences ----------------------------------------------------


def test_marking_read(member, people):
    first, second = _notify([member]) + _notify([member])
    _notify([people[0]])

    assert services.notification_mark_read(user=member, notification=first) is True
    assert services.notification_mark_read(user=member, notification=first) is False
    with pytest.raises(ValueError):
        services.notification_mark_read(user=people[0], notification=second)
    assert services.notifications_mark_all_read(user=member) == 1
    assert Notification.objects.filter(read_at__isnull=True).count() == 1  # someone else's


def test_email_preference_defaults_to_a_daily_digest_and_can_change(member):
    assert email_frequency_for_user(user=member) == EmailFrequency.DAILY
    assert services.notification_preference_update(user=member, email_frequency="daily") is False

    assert services.notification_preference_update(user=member, email_frequency="weekly") is True
    assert services.notification_preference_update(user=member, email_frequency="weekly") is False
    assert email_frequency_for_user(user=member) == EmailFrequency.WEEKLY
    assert NotificationPreference.objects.count() == 1


def test_an_unknown_email_preference_is_refused(member):
    with pytest.raises(ValidationError):
        services.notification_preference_update(user=member, email_frequency="hourly")
    assert not NotificationPreference.objects.exists()


def test_unsubscribing_switches_email_off(member):
    assert services.email_unsubscribe(user=member) is True
    assert services.email_unsubscribe(user=member) is False
    assert email_frequency_for_user(user=member) == EmailFrequency.NEVER
