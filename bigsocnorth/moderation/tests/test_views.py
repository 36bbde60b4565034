from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.models import Entry
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation import services
from bigsocnorth.moderation.models import AuditLog, Flag, Status
from bigsocnorth.moderation.tests.helpers import entry_with_logo, waiting_story
from bigsocnorth.moderation.views import UNDO_SESSION_KEY

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:queue")
LOG = reverse("moderation:audit_log")
UNDO = reverse("moderation:hide_undo")


def _flag_url(obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("moderation:flag_create", args=[content_type.pk, obj.pk])


def _action_url(obj, action: str) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("moderation:queue_action", args=[content_type.pk, obj.pk, action])


def _block_url(obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("moderation:author_block", args=[content_type.pk, obj.pk])


def _undo_data(obj) -> dict:
    return {"content_type_id": ContentType.objects.get_for_model(obj).pk, "object_id": obj.pk}


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Who may see and act -----------------------------------------------------------------


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


def test_a_blocked_moderator_cannot_act(client, moderator, entry):
    client.force_login(moderator)
    moderator.is_active = False
    moderator.save()
    client.post(_action_url(entry, "hide"), {"reason": "No"})
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED


@pytest.mark.parametrize("url_for", [_block_url, lambda obj: UNDO])
def test_members_cannot_block_or_undo(client, member, entry, url_for):
    client.force_login(member)
    assert client.get(url_for(entry)).status_code in (403, 405)
    assert client.post(url_for(entry), {"reason": "No", **_undo_data(entry)}).status_code == 403
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED
    assert entry.author.is_active
    assert not AuditLog.objects.exists()


def test_actions_and_undo_refuse_get(client, moderator, entry):
    client.force_login(moderator)
    assert client.get(_action_url(entry, "hide")).status_code == 405
    assert client.get(UNDO).status_code == 405
    assert client.put(_block_url(entry)).status_code == 405


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (lambda entry: _action_url(entry, "hide"), {"reason": "An advert"}),
        (_block_url, {"reason": "Spam"}),
        (lambda entry: UNDO, {}),
    ],
)
def test_posts_without_the_csrf_token_are_refused(moderator, entry, url, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    assert client.post(url(entry), data).status_code == 403
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED
    assert entry.author.is_active


@pytest.mark.parametrize("make_url", [_action_url, _block_url])
def test_unknown_or_unregistered_content_is_404(client, moderator, make_url):
    client.force_login(moderator)
    entry_type = ContentType.objects.get_for_model(Entry).pk
    audit_type = ContentType.objects.get_for_model(AuditLog).pk
    if make_url is _action_url:
        urls = [
            reverse("moderation:queue_action", args=[entry_type, 999_999, "hide"]),
            reverse("moderation:queue_action", args=[audit_type, 1, "hide"]),
            reverse("moderation:queue_action", args=[999_999, 1, "hide"]),
        ]
    else:
        urls = [
            reverse("moderation:author_block", args=[entry_type, 999_999]),
            reverse("moderation:author_block", args=[audit_type, 1]),
            reverse("moderation:author_block", args=[999_999, 1]),
        ]
    for url in urls:
        assert client.get(url).status_code in (404, 405)
        assert client.post(url, {"reason": "Spam"}).status_code == 404


# --- The queue shows the content itself ----------------------------------------------------


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


def test_a_card_shows_a_storys_text_picture_place_author_and_why(client, moderator, member):
    story = waiting_story(member)
    client.force_login(moderator)
    page = client.get(QUEUE).content.decode()
    assert "Our repair café" in page
    assert "Every Saturday we <strong>fix things</strong> together" in page
    assert story.image.url in page
    assert 'alt="Volunteers mending a bicycle"' in page
    assert "In Calderdale" in page
    assert member.profile.display_name in page
    assert member.profile.get_absolute_url() in page
    assert "first contribution" in page
    assert "Story" in page


def test_a_card_shows_an_entrys_logo_areas_and_the_flags(client, moderator, flaggers, area):
    entry = entry_with_logo(area, name="Sheffield food bank", description="We *feed* people.")
    services.flag_create(flagger=flaggers[0], content=entry, reason="agenda", note="Selling")
    client.force_login(moderator)
    page = client.get(QUEUE).content.decode()
    assert "We <em>feed</em> people." in page
    assert entry.logo.url in page
    assert "Logo of “Sheffield food bank”" in page
    assert "In Sheffield" in page
    assert "Promoting an agenda or advert" in page
    assert "Selling" in page
    assert str(flaggers[0]) in page
    assert "first contribution" not in page


def test_hostile_text_is_shown_safely_and_cut_short(client, moderator):
    long_text = "<script>alert(1)</script> [click](javascript:alert(2)) " + "word " * 400
    EntryFactory(name="Odd entry", description=long_text, status=Status.IN_REVIEW)
    client.force_login(moderator)
    page = client.get(QUEUE).content.decode()
    assert "<script>alert(1)" not in page
    assert 'href="javascript' not in page
    assert "Read all of “Odd entry”" in page
    assert page.count("word ") < 120


def test_queue_query_count_does_not_grow_with_items_of_either_type(
    client, moderator, flaggers, area
):
    client.force_login(moderator)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE).status_code == 200
        return len(queries)

    def add_some() -> None:
        author = UserFactory()
        services.flag_create(
            flagger=flaggers[0], content=entry_with_logo(area), reason="spam", note="x"
        )
        EntryFactory(status=Status.IN_REVIEW, located_in=area)
        waiting_story(author, title=f"Story by {author.pk}")
        published = waiting_story(UserFactory(), title=f"Flagged story {author.pk}")
        services.content_approve(actor=moderator, content=published)
        services.flag_create(flagger=flaggers[1], content=published, reason="inaccurate")

    add_some()
    few = count()
    for _ in range(4):
        add_some()
    assert len(client.get(QUEUE).context["items"]) == 20
    assert count() == few


# --- Quiet actions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "data", "expected_status"),
    [
        ("approve", {}, Status.PUBLISHED),
        ("restore", {}, Status.PUBLISHED),
        ("dismiss_flags", {}, Status.IN_REVIEW),
    ],
)
def test_each_queue_action_redirects_with_a_message_and_writes_an_audit_row(
    client, moderator, author, action, data, expected_status
):
    entry = EntryFactory(author=author, status=Status.IN_REVIEW, published_at=None)
    services.flag_create(flagger=moderator, content=entry, reason="spam")
    client.force_login(moderator)
    response = client.post(_action_url(entry, action), data, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE
    assert _messages(response)
    entry.refresh_from_db()
    assert entry.status == expected_status
    assert AuditLog.objects.filter(actor=moderator, action=action).exists()
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()


def test_unknown_action_is_404(client, moderator, entry):
    client.force_login(moderator)
    assert client.post(_action_url(entry, "delete")).status_code == 404


def test_blocking_straight_from_the_queue_is_not_possible(client, moderator, author):
    entry = EntryFactory(author=author, status=Status.IN_REVIEW)
    client.force_login(moderator)
    assert client.post(_action_url(entry, "block_author")).status_code == 404
    author.refresh_from_db()
    entry.refresh_from_db()
    assert author.is_active
    assert entry.status == Status.IN_REVIEW


def test_the_queue_separates_and_labels_the_destructive_actions(client, moderator, author):
    entry = EntryFactory(author=author, status=Status.IN_REVIEW)
    client.force_login(moderator)
    page = client.get(QUEUE).content.decode()
    decide = page.index("queue-decide")
    danger = page.index('class="queue-danger"')
    assert decide < danger
    assert page.index("Approve and publish") < danger < page.index("Hide it from everyone")
    assert "they can no longer log in" in page.lower()
    assert _block_url(entry) in page


def test_no_block_offered_for_a_moderators_contribution(client, moderator, admin_user):
    entry = EntryFactory(author=admin_user, status=Status.IN_REVIEW)
    client.force_login(moderator)
    assert _block_url(entry) not in client.get(QUEUE).content.decode()


# --- Hiding, and undoing it ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Say why"), ("   ", "Say why"), ("x" * 10_000, "at most 1000 characters")],
)
def test_hide_without_a_usable_reason_changes_nothing(client, moderator, entry, reason, message):
    client.force_login(moderator)
    response = client.post(_action_url(entry, "hide"), {"reason": reason}, follow=True)
    assert message in " ".join(_messages(response))
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED
    assert not AuditLog.objects.exists()
    assert response.context["undo"] is None


def test_hiding_offers_an_undo_that_puts_it_back_with_its_flags(client, moderator, flaggers):
    entry = EntryFactory(name="Flagged advert")
    services.flag_create(flagger=flaggers[0], content=entry, reason="agenda")
    client.force_login(moderator)
    response = client.post(_action_url(entry, "hide"), {"reason": "An advert"}, follow=True)
    entry.refresh_from_db()
    assert entry.status == Status.HIDDEN
    page = response.content.decode()
    assert "“Flagged advert” is hidden from everyone" in page
    assert f'action="{UNDO}"' in page
    assert "Undo: put “Flagged advert” back" in page

    response = client.post(UNDO, _undo_data(entry), follow=True)
    assert "back as it was" in " ".join(_messages(response))
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED
    assert entry.hidden_reason == ""
    assert Flag.objects.get().resolved_at is None  # back in the queue as it was
    assert [item.content for item in response.context["items"]] == [entry]
    undo_row = AuditLog.objects.get(action=services.Action.RESTORE)
    assert undo_row.actor == moderator
    assert undo_row.details["undo"] == services.Action.HIDE
    assert response.context["undo"] is None


def test_undoing_the_hide_of_a_waiting_contribution_puts_it_back_in_review(
    client, moderator, author
):
    entry = EntryFactory(author=author, status=Status.IN_REVIEW, published_at=None)
    client.force_login(moderator)
    client.post(_action_url(entry, "hide"), {"reason": "Spam"})
    client.post(UNDO, _undo_data(entry))
    entry.refresh_from_db()
    assert entry.status == Status.IN_REVIEW
    assert entry.published_at is None


def test_undo_is_gone_once_something_else_happens(client, moderator, entry):
    other = EntryFactory(status=Status.IN_REVIEW)
    client.force_login(moderator)
    client.post(_action_url(entry, "hide"), {"reason": "Spam"})
    client.post(_action_url(other, "approve"))
    response = client.post(UNDO, _undo_data(entry), follow=True)
    assert "nothing to undo" in " ".join(_messages(response))
    entry.refresh_from_db()
    assert entry.status == Status.HIDDEN


def test_undo_is_gone_after_a_few_minutes(client, moderator, entry):
    client.force_login(moderator)
    client.post(_action_url(entry, "hide"), {"reason": "Spam"})
    session = client.session
    session[UNDO_SESSION_KEY]["at"] = (timezone.now() - timedelta(hours=1)).isoformat()
    session.save()
    assert client.get(QUEUE).context["undo"] is None
    response = client.post(UNDO, _undo_data(entry), follow=True)
    assert "nothing to undo" in " ".join(_messages(response))
    entry.refresh_from_db()
    assert entry.status == Status.HIDDEN


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"content_type_id": "abc", "object_id": "1"},
        {"content_type_id": "-1", "object_id": "<script>"},
        {"content_type_id": "9" * 400, "object_id": "1"},
    ],
)
def test_malformed_undo_changes_nothing(client, moderator, entry, data):
    client.force_login(moderator)
    client.post(_action_url(entry, "hide"), {"reason": "Spam"})
    response = client.post(UNDO, data, follow=True)
    message = " ".join(_messages(response))
    assert "nothing to undo" in message or "Only the last thing you hid" in message
    entry.refresh_from_db()
    assert entry.status == Status.HIDDEN


def test_undo_only_puts_back_what_was_just_hidden(client, moderator, entry):
    other = EntryFactory()
    services.content_hide(actor=moderator, content=other, reason="Old and hidden")
    client.force_login(moderator)
    client.post(_action_url(entry, "hide"), {"reason": "Spam"})
    response = client.post(UNDO, _undo_data(other), follow=True)
    assert "Only the last thing you hid" in " ".join(_messages(response))
    other.refresh_from_db()
    assert other.status == Status.HIDDEN


def test_undo_after_someone_else_restored_it_says_so(client, moderator, entry):
    client.force_login(moderator)
    client.post(_action_url(entry, "hide"), {"reason": "Spam"})
    services.content_restore(actor=moderator, content=entry)
    response = client.post(UNDO, _undo_data(entry), follow=True)
    assert "not hidden any more" in " ".join(_messages(response))
    assert AuditLog.objects.filter(action=services.Action.RESTORE).count() == 1


# --- Blocking an author through the confirm page -------------------------------------------


def test_the_block_page_says_what_will_happen(client, moderator, author):
    first = EntryFactory(author=author, name="First waiting", status=Status.IN_REVIEW)
    EntryFactory(author=author, name="Second waiting", status=Status.IN_REVIEW)
    client.force_login(moderator)
    response = client.get(_block_url(first))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Block {author.profile.display_name}?" in page
    assert author.profile.get_absolute_url() in page
    assert "can no longer log in" in page
    assert "2 contributions of theirs are waiting for review" in page
    assert "Second waiting" in page
    assert 'name="reason"' in page
    author.refresh_from_db()
    assert author.is_active  # looking changes nothing


def test_confirming_blocks_the_author_and_hides_what_waits(client, moderator, author):
    waiting = EntryFactory(author=author, status=Status.IN_REVIEW)
    story = waiting_story(author)
    client.force_login(moderator)
    response = client.post(_block_url(waiting), {"reason": "Spam account"}, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE
    assert "is blocked" in " ".join(_messages(response))
    author.refresh_from_db()
    waiting.refresh_from_db()
    story.refresh_from_db()
    assert not author.is_active
    assert (waiting.status, story.status) == (Status.HIDDEN, Status.HIDDEN)
    assert waiting.hidden_reason == "Spam account"
    block = AuditLog.objects.get(action=services.Action.BLOCK_AUTHOR)
    assert (block.actor, block.reason) == (moderator, "Spam account")


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Say why you are blocking"), ("x" * 10_000, "at most 1000 characters")],
)
def test_block_without_a_usable_reason_changes_nothing(client, moderator, author, reason, message):
    waiting = EntryFactory(author=author, status=Status.IN_REVIEW)
    client.force_login(moderator)
    response = client.post(_block_url(waiting), {"reason": reason})
    assert response.status_code == 400
    assert message in response.content.decode()
    author.refresh_from_db()
    waiting.refresh_from_db()
    assert author.is_active
    assert waiting.status == Status.IN_REVIEW
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("self", "cannot block yourself"),
        ("other_moderator", "Moderators and admins cannot be blocked"),
        ("nobody", "no author to block"),
        ("blocked", "blocked already"),
    ],
)
def test_who_cannot_be_blocked(client, moderator, admin_user, author, who, message):
    if who == "self":
        target = moderator
    elif who == "other_moderator":
        target = admin_user
    elif who == "nobody":
        target = None
    else:
        target = author
        author.is_active = False
        author.save()
    entry = EntryFactory(author=target, status=Status.IN_REVIEW)
    client.force_login(moderator)
    for response in (
        client.get(_block_url(entry), follow=True),
        client.post(_block_url(entry), {"reason": "Because"}, follow=True),
    ):
        assert response.redirect_chain[-1][0] == QUEUE
        assert message in " ".join(_messages(response))
    entry.refresh_from_db()
    assert entry.status == Status.IN_REVIEW
    assert not AuditLog.objects.exists()
    if target is not None and who != "blocked":
        target.refresh_from_db()
        assert target.is_active


# --- The audit log and flagging ------------------------------------------------------------


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
