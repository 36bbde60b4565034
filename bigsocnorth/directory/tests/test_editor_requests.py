"""'This is our group': asking to become an editor, and answering."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.editors import services
from bigsocnorth.directory.models import EditorRequest, RequestStatus
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return UserFactory()


@pytest.fixture
def entry(editor):
    return EntryFactory(author=editor, name="Hull Food Network")


def test_a_member_asks_and_an_editor_approves(entry, editor, member):
    request = services.editor_request_create(
        entry=entry, requester=member, message="I am the  treasurer.\n"
    )
    assert request.status == RequestStatus.PENDING
    assert request.message == "I am the  treasurer."
    assert services.editor_request_approve(actor=editor, request=request) is True
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert request.decided_by == editor
    assert entry.editors.filter(pk=member.pk).exists()
    # Answering twice changes nothing.
    assert services.editor_request_decline(actor=editor, request=request) is False
    assert entry.editors.filter(pk=member.pk).exists()


def test_a_moderator_may_decline(entry, member, moderator):
    request = services.editor_request_create(entry=entry, requester=member)
    assert services.editor_request_decline(actor=moderator, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    assert not entry.editors.filter(pk=member.pk).exists()


def test_someone_else_cannot_answer(entry, member):
    request = services.editor_request_create(entry=entry, requester=member)
    with pytest.raises(PermissionDenied):
        services.editor_request_approve(actor=UserFactory(), request=request)
    with pytest.raises(PermissionDenied):
        services.editor_request_approve(actor=member, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_an_editor_cannot_ask_again(entry, editor):
    with pytest.raises(ValidationError, match="already an editor"):
        services.editor_request_create(entry=entry, requester=editor)
    assert not EditorRequest.objects.exists()


def test_asking_twice_is_refused(entry, member):
    services.editor_request_create(entry=entry, requester=member)
    with pytest.raises(ValidationError, match="already asked"):
        services.editor_request_create(entry=entry, requester=member)
    assert EditorRequest.objects.count() == 1


@pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.HIDDEN, Status.ARCHIVED])
def test_only_published_entries_take_requests(member, status):
    entry = EntryFactory(status=status)
    with pytest.raises(ValidationError, match="no published entry"):
        services.editor_request_create(entry=entry, requester=member)


def test_bad_requests_are_refused(entry, member):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ValidationError, match="Log in"):
        services.editor_request_create(entry=entry, requester=AnonymousUser())
    with pytest.raises(ValidationError, match="no published entry"):
        services.editor_request_create(entry=None, requester=member)
    with pytest.raises(ValidationError, match="at most 1,000"):
        services.editor_request_create(entry=entry, requester=member, message="x" * 1001)
    assert not EditorRequest.objects.exists()


# --- Pages ---------------------------------------------------------------------


def test_the_ask_page_sends_a_request_and_the_editors_page_answers_it(
    client, entry, editor, member
):
    client.force_login(member)
    detail = client.get(entry.get_absolute_url()).content.decode()
    ask_url = reverse("directory:editor_request_create", args=[entry.slug])
    assert ask_url in detail
    response = client.post(ask_url, {"message": "<script>alert(1)</script> I run it"})
    assert response.status_code == 302
    detail = client.get(entry.get_absolute_url()).content.decode()
    assert "You asked to become an editor" in detail

    client.force_login(editor)
    page = client.get(reverse("directory:entry_editors", args=[entry.slug])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; I run it" in page
    request = EditorRequest.objects.get()
    approve = reverse("directory:editor_request_decide", args=[entry.slug, request.pk, "approve"])
    assert client.post(approve).status_code == 302
    assert entry.editors.filter(pk=member.pk).exists()


def test_the_editors_page_is_only_for_editors_and_moderators(client, entry, member):
    client.force_login(member)
    assert client.get(reverse("directory:entry_editors", args=[entry.slug])).status_code == 403


def test_a_second_request_shows_the_message_on_the_form(client, entry, member):
    client.force_login(member)
    url = reverse("directory:editor_request_create", args=[entry.slug])
    client.post(url, {"message": ""})
    response = client.post(url, {"message": "again"})
    assert response.status_code == 400
    assert "already asked" in response.content.decode()


def test_an_unknown_decision_or_request_is_404(client, entry, editor, member):
    request = services.editor_request_create(entry=entry, requester=member)
    client.force_login(editor)
    bad = reverse("directory:editor_request_decide", args=[entry.slug, request.pk, "maybe"])
    assert client.post(bad).status_code == 404
    missing = reverse("directory:editor_request_decide", args=[entry.slug, 999999, "approve"])
    assert client.post(missing).status_code == 404
    assert (
        client.get(
            reverse("directory:editor_request_decide", args=[entry.slug, request.pk, "approve"])
        ).status_code
        == 405
    )


def test_the_editors_hear_of_a_request_and_the_asker_of_the_answer(entry, editor, member):
    from bigsocnorth.notifications.models import Notification

    request = services.editor_request_create(entry=entry, requester=member)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [editor.pk]
    services.editor_request_approve(actor=editor, request=request)
    assert Notification.objects.filter(recipient=member).count() == 1
