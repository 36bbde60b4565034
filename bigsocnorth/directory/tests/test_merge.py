"""Merging two entries that are the same group."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.editors import services as editor_services
from bigsocnorth.directory.models import EditorRequest, EntryIdentifier, EntryKind, Membership
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import AuditLog, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(db):
    return EntryFactory(name="Yorkshire Repair Network", kind=EntryKind.objects.get(slug="network"))


def test_memberships_editors_identifiers_and_requests_move_and_the_old_one_redirects(
    client, moderator, network
):
    old_editor, new_editor, asker = UserFactory.create_batch(3)
    source = EntryFactory(name="Walkley Repair Cafe", author=old_editor)
    target = EntryFactory(name="Walkley Repair Café", author=new_editor)
    other_network = EntryFactory(kind=network.kind)
    Membership.objects.create(network=network, member=source, role="Founder", status="approved")
    Membership.objects.create(network=other_network, member=source, status="approved")
    Membership.objects.create(network=other_network, member=target, status="approved")
    EntryIdentifier.objects.create(entry=source, scheme="GB-CHC", value="1123456")
    EditorRequest.objects.create(entry=source, requester=asker)
    earlier = EntryFactory(name="Walkley Repair", status=Status.ARCHIVED, merged_into=source)

    editor_services.entry_merge(actor=moderator, source=source, target=target, reason="Same group")

    source.refresh_from_db()
    earlier.refresh_from_db()
    assert source.status == Status.ARCHIVED
    assert source.merged_into == target
    assert earlier.merged_into == target
    assert set(target.editors.all()) == {old_editor, new_editor}
    assert [m.role for m in Membership.objects.filter(network=network, member=target)] == [
        "Founder"
    ]
    assert Membership.objects.filter(network=other_network, member=target).count() == 1
    assert not Membership.objects.filter(member=source).exists()
    assert [i.org_id for i in target.identifiers.all()] == ["GB-CHC-1123456"]
    assert EditorRequest.objects.get().entry == target
    log = AuditLog.objects.get(action="merge")
    assert log.actor == moderator and log.reason == "Same group"
    assert log.details["into"] == target.pk

    response = client.get(source.get_absolute_url())
    assert response.status_code == 301
    assert response["Location"] == target.get_absolute_url()
    response = client.get(reverse("api:directory_entry_detail", args=[source.slug]))
    assert response.status_code == 301
    assert response["Location"].endswith(f"/directory/entries/{target.slug}")


def test_a_network_merged_into_its_own_member_loses_that_membership(moderator, network):
    member = EntryFactory(kind=network.kind)
    Membership.objects.create(network=network, member=member, status="approved")
    editor_services.entry_merge(actor=moderator, source=network, target=member)
    assert not Membership.objects.exists()


def test_only_moderators_merge(member, network):
    with pytest.raises(PermissionDenied):
        editor_services.entry_merge(actor=member, source=EntryFactory(), target=network)


def test_nonsense_merges_are_refused(moderator, network):
    with pytest.raises(ValidationError, match="into itself"):
        editor_services.entry_merge(actor=moderator, source=network, target=network)
    merged = EntryFactory(merged_into=network, status=Status.ARCHIVED)
    with pytest.raises(ValidationError, match="already merged"):
        editor_services.entry_merge(actor=moderator, source=merged, target=network)
    with pytest.raises(ValidationError, match="merge into that one"):
        editor_services.entry_merge(actor=moderator, source=EntryFactory(), target=merged)
    assert not AuditLog.objects.exists()


def test_the_merge_page_for_moderators(client, moderator, member, network):
    source = EntryFactory(name="Duplicate network", kind=network.kind)
    url = reverse("directory:entry_merge", args=[source.slug])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(moderator)
    assert client.get(url).status_code == 200
    response = client.post(url, {"target": "no-such-entry", "reason": ""})
    assert response.status_code == 400
    assert "no entry with this web address name" in response.content.decode()
    response = client.post(url, {"target": network.slug, "reason": "Duplicate"})
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.merged_into == network


def test_followers_move_to_the_entry_that_stays(moderator, network):
    from bigsocnorth.notifications.models import Follow
    from bigsocnorth.notifications.services import follow_create

    source = EntryFactory()
    both, only_source = UserFactory.create_batch(2)
    follow_create(user=both, target=source)
    follow_create(user=both, target=network)
    follow_create(user=only_source, target=source)
    editor_services.entry_merge(actor=moderator, source=source, target=network)
    followers = Follow.objects.filter(object_id=network.pk).values_list("user", flat=True)
    assert sorted(followers) == sorted([both.pk, only_source.pk])
    assert not Follow.objects.filter(object_id=source.pk).exists()
