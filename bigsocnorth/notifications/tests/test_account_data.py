"""A person's follows, notifications and email preference: in their data export, gone with them."""

from __future__ import annotations

import pytest

from bigsocnorth.accounts import services as account_services
from bigsocnorth.accounts.personal_data import collect_personal_data
from bigsocnorth.notifications import services
from bigsocnorth.notifications.models import (
    DigestDelivery,
    EmailFrequency,
    Follow,
    Notification,
    NotificationPreference,
)

pytestmark = pytest.mark.django_db


def test_the_export_has_follows_notifications_and_the_email_preference(
    client, member, kirklees, housing, settings
):
    settings.SITE_URL = "https://bigsocnorth.example.org"
    services.follow_create(user=member, target=kirklees)
    services.follow_create(user=member, target=housing)
    services.notification_preference_update(user=member, email_frequency=EmailFrequency.WEEKLY)
    services.notify(recipients=[member], kind="test.hello", message="Hello", url="/areas/")
    client.force_login(member)

    data = collect_personal_data(user=member)[0]["notifications"]

    assert data["email_frequency"] == "weekly"
    follows = {follow["type"]: follow for follow in data["follows"]}
    assert follows["places.localauthority"]["title"] == "Kirklees"
    assert (
        follows["places.localauthority"]["url"] == "https://bigsocnorth.example.org/areas/kirklees/"
    )
    assert follows["directory.category"]["id"] == housing.pk
    assert follows["places.localauthority"]["followed_at"]
    (notification,) = data["notifications"]
    assert notification["message"] == "Hello"
    assert notification["url"] == "https://bigsocnorth.example.org/areas/"
    assert notification["read_at"] is None


def test_the_export_of_someone_who_never_chose_shows_the_default(client, member):
    client.force_login(member)
    data = collect_personal_data(user=member)[0]["notifications"]
    assert data == {"email_frequency": "daily", "follows": [], "notifications": []}


def test_deleting_an_account_removes_its_follows_notifications_and_preference(
    member, people, kirklees
):
    other = people[0]
    services.follow_create(user=member, target=kirklees)
    services.follow_create(user=other, target=kirklees)
    services.notification_preference_update(user=member, email_frequency=EmailFrequency.NEVER)
    services.notify(recipients=[member], kind="test.hello", message="For them", url="/")
    # Something they did that someone else was told about stays, without their name.
    services.notify(recipients=[other], kind="test.hello", message="By them", url="/", actor=member)
    DigestDelivery.objects.create(user=member, frequency="daily", period="2026-07-01")

    account_services.user_delete(user=member)

    assert list(Follow.objects.values_list("user_id", flat=True)) == [other.pk]
    assert list(Notification.objects.values_list("message", flat=True)) == ["By them"]
    assert Notification.objects.get().actor is None
    assert not NotificationPreference.objects.exists()
    assert not DigestDelivery.objects.exists()
