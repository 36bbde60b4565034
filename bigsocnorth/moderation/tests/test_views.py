import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bigsocnorth.directory.models import Entry
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation import services
from bigsocnorth.moderation.models import AuditLog, Flag, Status

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:queue")
LOG = reverse("moderation:audit_log")


def _flag_url(obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("moderation:flag_create", args=[content_type.pk, obj.pk])


def _action_url(obj, action: str) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("moderation:queue_action", args=[content_type.pk, obj.pk, action])


@pytest.mark.parametrize("url", [QUEUE, LOG])
def test_members_and_anonymous_get_403_on_moderation_pages(client, member, url):
    assert client.get(url).status_code == 403
    client.force_login(member)
    assert client.get(url).status_code == 403


def test_member_cannot_act(client, member, entry):
    client.force_login(member)
    response = client.post(_action_url(entry, "hide"), {"reason": "No"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED


def test_queue_shows_waiting_and_flagged_content_oldest_first(client, moderator, flaggers):
    waiting = EntryFactory(name="Waiting entry", status=Status.IN_REVIEW)
    flagged = EntryFactory(name="Flagged entry")
    services.flag_create(flagger=flaggers[0], content=flagged, reason="spam", note="Buy now")
    EntryFactory(name="Fine entry")
    client.force_login(moderator)
    response = client.get(QUEUE)
    page = response.content.decode()
    assert "Waiting entry" in page
    assert "Flagged entry" in page
    assert "Buy now" in page
    assert "Fine entry" not in page
    assert [item.content for item in response.context["items"]] == [waiting, flagged]


def test_queue_query_count_does_not_grow_with_items(client, moderator, flaggers):
    client.force_login(moderator)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE).status_code == 200
        return len(queries)

    services.flag_create(flagger=flaggers[0], content=EntryFactory(), reason="spam")
    EntryFactory(status=Status.IN_REVIEW)
    few = count()
    for _ in range(5):
        services.flag_create(flagger=flaggers[1], content=EntryFactory(), reason="spam")
        EntryFactory(status=Status.IN_REVIEW)
    assert count() == few


@pytest.mark.parametrize(
    ("action", "data", "expected_status"),
    [
        ("approve", {}, Status.PUBLISHED),
        ("hide", {"reason": "An advert"}, Status.HIDDEN),
        ("restore", {}, Status.PUBLISHED),
        ("dismiss_flags", {}, Status.IN_REVIEW),
        ("block_author", {}, Status.HIDDEN),
    ],
)
def test_each_queue_action_redirects_with_a_message_and_writes_an_audit_row(
    client, moderator, author, flaggers, action, data, expected_status
):
    entry = EntryFactory(author=author, status=Status.IN_REVIEW, published_at=None)
    services.flag_create(flagger=moderator, content=entry, reason="spam")
    client.force_login(moderator)
    response = client.post(_action_url(entry, action), data, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE
    assert list(response.context["messages"])
    entry.refresh_from_db()
    assert entry.status == expected_status
    assert AuditLog.objects.filter(actor=moderator, action=action).exists()
    if action != "block_author":
        assert not Flag.objects.filter(resolved_at__isnull=True).exists()


def test_hide_without_a_reason_changes_nothing(client, moderator, entry):
    client.force_login(moderator)
    response = client.post(_action_url(entry, "hide"), {"reason": ""}, follow=True)
    assert "Say why" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED
    assert not AuditLog.objects.exists()


def test_unknown_action_is_404(client, moderator, entry):
    client.force_login(moderator)
    assert client.post(_action_url(entry, "delete")).status_code == 404


def test_audit_log_page_lists_who_what_when_why(client, moderator, entry):
    services.content_hide(actor=moderator, content=entry, reason="An advert for double glazing")
    client.force_login(moderator)
    page = client.get(LOG).content.decode()
    assert entry.name in page
    assert "An advert for double glazing" in page
    assert str(moderator) in page


def test_flag_form_needs_login(client, entry):
    response = client.get(_flag_url(entry))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_member_flags_an_entry(client, member, entry):
    client.force_login(member)
    page = client.get(_flag_url(entry)).content.decode()
    assert 'type="radio"' in page
    assert "Promoting an agenda or advert" in page
    response = client.post(_flag_url(entry), {"reason": "agenda", "note": "An advert"})
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    flag = Flag.objects.get()
    assert (flag.flagger, flag.reason, flag.note) == (member, "agenda", "An advert")


def test_flagging_twice_shows_a_message_and_saves_nothing_more(client, member, entry):
    client.force_login(member)
    client.post(_flag_url(entry), {"reason": "spam"})
    response = client.post(_flag_url(entry), {"reason": "other"})
    assert response.status_code == 400
    assert "already flagged" in response.content.decode()
    assert Flag.objects.count() == 1


def test_different_people_are_counted_and_hide_at_the_threshold(client, entry, flaggers, settings):
    settings.FLAG_HIDE_THRESHOLD = 3
    for flagger in flaggers:
        client.force_login(flagger)
        assert client.post(_flag_url(entry), {"reason": "spam"}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.HIDDEN
    client.logout()
    assert client.get(entry.get_absolute_url()).status_code == 404


def test_flag_on_something_that_does_not_exist_is_404(client, member):
    client.force_login(member)
    content_type = ContentType.objects.get_for_model(Entry)
    url = reverse("moderation:flag_create", args=[content_type.pk, 999_999])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "spam"}).status_code == 404


def test_flag_on_a_type_that_is_not_content_is_404(client, member):
    client.force_login(member)
    content_type = ContentType.objects.get_for_model(AuditLog)
    url = reverse("moderation:flag_create", args=[content_type.pk, 1])
    assert client.get(url).status_code == 404


def test_flag_on_someone_elses_draft_is_404(client, member):
    draft = EntryFactory(status=Status.IN_REVIEW)
    client.force_login(member)
    assert client.get(_flag_url(draft)).status_code == 404


def test_flagging_your_own_entry_shows_a_message(client, author, entry):
    client.force_login(author)
    response = client.post(_flag_url(entry), {"reason": "spam"})
    assert response.status_code == 400
    assert "your own contribution" in response.content.decode()
    assert not Flag.objects.exists()


def test_unknown_reason_on_the_form_is_refused(client, member, entry):
    client.force_login(member)
    assert client.post(_flag_url(entry), {"reason": "boring"}).status_code == 400
    assert not Flag.objects.exists()
