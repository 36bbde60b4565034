"""The message pages as people use them: the inbox, a conversation, writing, blocking."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bigsocnorth.messaging import services
from bigsocnorth.messaging.models import Block, Conversation, Message
from bigsocnorth.messaging.tests.conftest import person
from bigsocnorth.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_ann(client, ann, password):
    client.login(email=ann.email, password=password)
    return client


def _notices(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _new_url(user) -> str:
    return reverse("messaging:conversation_new", kwargs={"handle": user.profile.handle})


# --- Signing in -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("messaging:inbox", {}),
        ("messaging:moderators_new", {}),
        ("messaging:block_list", {}),
        ("messaging:conversation_detail", {"pk": 1}),
        ("messaging:conversation_new", {"handle": "someone"}),
    ],
)
def test_every_page_asks_visitors_to_log_in(client, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert response.headers.get("Cache-Control") is None or "max-age=0" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("messaging:conversation_detail", {"pk": 1}),
        ("messaging:conversation_block", {"pk": 1}),
        ("messaging:conversation_archive", {"pk": 1}),
        ("messaging:block_delete", {"user_id": 1}),
        ("messaging:moderators_new", {}),
    ],
)
def test_visitors_cannot_post_either(client, name, kwargs):
    response = client.post(reverse(name, kwargs=kwargs), {"subject": "x", "body": "x"})
    assert response.status_code == 302
    assert Message.objects.count() == 0


# --- The inbox ------------------------------------------------------------------


def test_the_inbox_shows_conversations_newest_first_with_what_is_new(
    as_ann, ann, bob, carol, start
):
    older = start(bob, ann, subject="Older question")
    newer = start(carol, ann, subject="Newer question")
    services.conversation_mark_read(user=ann, conversation=older)
    response = as_ann.get(reverse("messaging:inbox"))
    assert response.status_code == 200
    text = response.content.decode()
    assert text.index("Newer question") < text.index("Older question")
    assert "With Carol Cartwright" in text and "With Bob Barraclough" in text
    assert text.count('class="conversation-new"') == 1
    assert list(response.context["conversations"]) == [newer, older]
    assert response["Cache-Control"].startswith("max-age=0")


def test_an_empty_inbox_says_what_to_do(as_ann):
    text = as_ann.get(reverse("messaging:inbox")).content.decode()
    assert "No messages yet" in text
    assert reverse("messaging:moderators_new") in text


@pytest.mark.parametrize("page", ["abc", "-3", "99999", "1" * 40])
def test_the_inbox_forgives_odd_page_numbers(as_ann, ann, bob, start, page):
    start(bob, ann)
    assert as_ann.get(reverse("messaging:inbox"), {"page": page}).status_code == 200


def _inbox_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("messaging:inbox"))
    assert response.status_code == 200
    return len(queries)


def test_the_inbox_costs_the_same_queries_for_few_or_many_conversations(as_ann, ann):
    others = [person(f"Neighbour {number}") for number in range(12)]

    def add(count: int) -> None:
        for number in range(count):
            sender = others[number % len(others)]
            services.conversation_start(
                sender=sender,
                recipients=[ann, others[(number + 1) % len(others)]],
                subject=f"Question {number}",
                body="Hello",
            )

    add(3)
    _inbox_queries(as_ann)  # once, so what a process loads on first use is loaded
    few = _inbox_queries(as_ann)
    add(17)
    many = _inbox_queries(as_ann)
    assert len(as_ann.get(reverse("messaging:inbox")).context["conversations"]) == 20
    assert many <= few, (few, many)


def test_the_moderators_inbox_costs_the_same_for_more_conversations(client, moderator, password):
    client.login(email=moderator.email, password=password)
    writers = [person(f"Writer {number}") for number in range(6)]
    for writer in writers[:2]:
        services.conversation_start_with_moderators(sender=writer, subject="Help", body="Hi")
    _inbox_queries(client)
    few = _inbox_queries(client)
    for writer in writers[2:]:
        services.conversation_start_with_moderators(sender=writer, subject="Help", body="Hi")
    assert _inbox_queries(client) <= few


def test_the_archive_lists_archived_conversations(as_ann, ann, bob, start):
    conversation = start(bob, ann, subject="Old news")
    response = as_ann.post(
        reverse("messaging:conversation_archive", kwargs={"pk": conversation.pk})
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:inbox")
    assert list(as_ann.get(reverse("messaging:inbox")).context["conversations"]) == []
    archived = as_ann.get(reverse("messaging:inbox"), {"show": "archived"})
    assert list(archived.context["conversations"]) == [conversation]
    assert "Old news" in archived.content.decode()

    response = as_ann.post(
        reverse("messaging:conversation_unarchive", kwargs={"pk": conversation.pk})
    )
    assert response["Location"] == conversation.get_absolute_url()
    assert list(as_ann.get(reverse("messaging:inbox")).context["conversations"]) == [conversation]


# --- A conversation ---------------------------------------------------------------


def test_a_conversation_shows_its_messages_in_order_and_a_reply_form(as_ann, ann, bob, start):
    conversation = start(bob, ann, body="First, from Bob.")
    services.message_send(sender=ann, conversation=conversation, body="Then **Ann**.")
    services.message_send(sender=bob, conversation=conversation, body="Last, from Bob.")
    response = as_ann.get(conversation.get_absolute_url())
    assert response.status_code == 200
    text = response.content.decode()
    assert text.index("First, from Bob.") < text.index("<strong>Ann</strong>")
    assert text.index("<strong>Ann</strong>") < text.index("Last, from Bob.")
    assert 'name="body"' in text and "csrfmiddlewaretoken" in text
    assert "Formatting help" in text and "At most 20,000 characters." in text
    assert "Block this person" in text
    # Opening it marks it read.
    assert as_ann.get(reverse("messaging:inbox")).context["conversations"][0].is_unread is False


def test_a_conversation_page_costs_a_bounded_number_of_queries(
    as_ann, ann, bob, start, django_assert_max_num_queries
):
    conversation = start(bob, ann)
    for number in range(30):
        services.message_send(
            sender=ann if number % 2 else bob, conversation=conversation, body=f"Message {number}"
        )
    with django_assert_max_num_queries(16):
        response = as_ann.get(conversation.get_absolute_url())
    assert response.status_code == 200


def test_a_long_conversation_opens_at_its_newest_messages(as_ann, ann, bob, start):
    conversation = start(bob, ann, body="The very first")
    for number in range(55):
        services.message_send(sender=bob, conversation=conversation, body=f"Message {number}")
    text = as_ann.get(conversation.get_absolute_url()).content.decode()
    assert "Message 54" in text and "The very first" not in text
    assert "Earlier messages" in text
    earlier = as_ann.get(conversation.get_absolute_url(), {"page": 1}).content.decode()
    assert "The very first" in earlier and "Later messages" in earlier


def test_someone_elses_conversation_is_not_found(client, ann, bob, carol, password, start):
    conversation = start(ann, bob)
    client.login(email=carol.email, password=password)
    url = conversation.get_absolute_url()
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "Let me in"}).status_code == 404
    for name in ("conversation_block", "conversation_archive", "conversation_unarchive"):
        assert (
            client.post(reverse(f"messaging:{name}", kwargs={"pk": conversation.pk})).status_code
            == 404
        )
    assert (
        client.get(reverse("messaging:conversation_detail", kwargs={"pk": 99999})).status_code
        == 404
    )
    assert client.get(f"/messages/{'9' * 30}/").status_code == 404
    assert conversation.messages.count() == 1
    assert not Block.objects.exists()


def test_a_reply_is_sent_then_the_page_is_shown_again(as_ann, ann, bob, start):
    conversation = start(bob, ann)
    response = as_ann.post(conversation.get_absolute_url(), {"body": "Yes, I can."})
    message = conversation.messages.latest("created_at")
    assert response.status_code == 302
    assert response["Location"] == f"{conversation.get_absolute_url()}#message-{message.pk}"
    assert message.author == ann and message.body == "Yes, I can."
    assert _notices(response) == ["Your message is sent."]
    assert Notification.objects.filter(recipient=bob, kind="messaging.message").count() == 1


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("", "Write your message."),
        ("   ", "Write your message."),
        ("x" * 200_000, "A message can be at most 20000 characters; this one has 200000."),
    ],
    ids=["empty", "blank", "200000-characters"],
)
def test_a_bad_reply_is_shown_with_what_to_do(as_ann, ann, bob, start, body, problem):
    conversation = start(bob, ann)
    response = as_ann.post(conversation.get_absolute_url(), {"body": body})
    assert response.status_code == 400
    text = response.content.decode()
    assert problem in text
    assert "There is a problem" in text
    assert conversation.messages.count() == 1


def test_a_reply_to_someone_who_blocked_you_is_refused(as_ann, ann, bob, start):
    conversation = start(ann, bob)
    services.block_create(blocker=bob, blocked=ann)
    response = as_ann.post(conversation.get_absolute_url(), {"body": "Hello?"})
    assert response.status_code == 400
    assert "You cannot send messages to this person." in response.content.decode()
    assert conversation.messages.count() == 1


def test_forms_need_their_csrf_token(ann, bob, password, start):
    conversation = start(bob, ann)
    client = Client(enforce_csrf_checks=True)
    client.login(email=ann.email, password=password)
    assert client.post(conversation.get_absolute_url(), {"body": "Hi"}).status_code == 403
    assert client.post(_new_url(bob), {"subject": "Hi", "body": "Hi"}).status_code == 403
    assert (
        client.post(reverse("messaging:conversation_block", kwargs={"pk": conversation.pk}))
    ).status_code == 403
    assert conversation.messages.count() == 1
    assert not Block.objects.exists()


def test_hostile_html_in_a_message_is_shown_as_text(as_ann, ann, bob, start):
    conversation = start(bob, ann, subject="<b>Hi</b>", body='<script>alert("x")</script>')
    text = as_ann.get(conversation.get_absolute_url()).content.decode()
    assert '<script>alert("x")</script>' not in text
    assert "&lt;script&gt;" in text
    assert "&lt;b&gt;Hi&lt;/b&gt;" in text


def test_the_relay_shows_what_a_conversation_is_about(as_ann, ann, bob, start):
    conversation = start(bob, ann, about=bob.profile)
    text = as_ann.get(conversation.get_absolute_url()).content.decode()
    assert f'About: <a href="{bob.profile.get_absolute_url()}">Bob Barraclough</a>' in text
    inbox = as_ann.get(reverse("messaging:inbox")).content.decode()
    assert "About: Bob Barraclough" in inbox


# --- Writing to a person, and to the moderators -----------------------------------


def test_writing_to_a_person_from_their_profile(as_ann, ann, bob):
    page = as_ann.get(_new_url(bob))
    assert page.status_code == 200
    assert "Send a message to Bob Barraclough" in page.content.decode()
    assert bob.email not in page.content.decode()

    response = as_ann.post(_new_url(bob), {"subject": "Tea on Saturday?", "body": "At the hall."})
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == conversation.get_absolute_url()
    assert _notices(response) == ["Your message to Bob Barraclough is sent."]
    assert set(conversation.members.values_list("user_id", flat=True)) == {ann.pk, bob.pk}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"subject": "", "body": "Hello"}, "Give your message a subject"),
        ({"subject": "Hello", "body": ""}, "Write your message."),
        ({"subject": "s" * 201, "body": "Hello"}, "A subject can be at most 200 characters"),
        ({"subject": "Hello", "body": "x" * 200_000}, "at most 20000 characters"),
        ({"subject": "Hello\x00", "body": "Hi"}, "Null characters are not allowed."),
        ({}, "Write your message."),
    ],
    ids=["no-subject", "no-body", "long-subject", "long-body", "nul", "nothing"],
)
def test_a_bad_new_message_is_shown_with_what_to_do(as_ann, bob, data, problem):
    response = as_ann.post(_new_url(bob), data)
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert not Conversation.objects.exists()


def test_writing_to_someone_who_blocked_you_is_refused_without_saying_why(as_ann, ann, bob):
    services.block_create(blocker=bob, blocked=ann)
    page = as_ann.get(_new_url(bob))
    assert page.status_code == 200  # the block is not shown
    response = as_ann.post(_new_url(bob), {"subject": "Hello", "body": "Hello"})
    assert response.status_code == 400
    assert "You cannot send messages to this person." in response.content.decode()
    assert not Conversation.objects.exists()


def test_writing_to_nobody_or_yourself(as_ann, ann):
    assert (
        as_ann.get(reverse("messaging:conversation_new", kwargs={"handle": "nobody"})).status_code
        == 404
    )
    response = as_ann.get(_new_url(ann))
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:inbox")
    assert as_ann.post(_new_url(ann), {"subject": "Me", "body": "Me"}).status_code == 302
    assert not Conversation.objects.exists()


def test_an_inactive_persons_profile_cannot_be_written_to(as_ann, bob):
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    assert as_ann.get(_new_url(bob)).status_code == 404


def test_too_many_new_conversations_are_refused_on_the_page(as_ann, bob, monkeypatch):
    monkeypatch.setattr(services, "CONVERSATIONS_PER_HOUR", 1)
    as_ann.post(_new_url(bob), {"subject": "One", "body": "One"})
    response = as_ann.post(_new_url(bob), {"subject": "Two", "body": "Two"})
    assert response.status_code == 400
    assert "in the last hour, the most allowed" in response.content.decode()
    assert Conversation.objects.count() == 1


def test_writing_to_the_moderators_and_a_moderator_answering(
    as_ann, ann, moderator, client, password
):
    page = as_ann.get(reverse("messaging:moderators_new"))
    assert page.status_code == 200 and "Write to the moderators" in page.content.decode()
    response = as_ann.post(
        reverse("messaging:moderators_new"), {"subject": "Spam in the forum", "body": "Look."}
    )
    conversation = Conversation.objects.get()
    assert conversation.to_moderators
    assert response["Location"] == conversation.get_absolute_url()
    shown = as_ann.get(conversation.get_absolute_url()).content.decode()
    assert "With the moderators" in shown
    assert "Block this person" not in shown

    moderating = Client()
    moderating.login(email=moderator.email, password=password)
    page = moderating.get(conversation.get_absolute_url()).content.decode()
    assert "You are reading this as a moderator" in page
    assert "From Ann Ashworth, to the moderators" in page
    response = moderating.post(conversation.get_absolute_url(), {"body": "Thanks, hidden."})
    assert response.status_code == 302
    page = as_ann.get(conversation.get_absolute_url()).content.decode()
    assert "Thanks, hidden." in page and "Moderator</span>" in page


def test_a_bad_message_to_the_moderators_is_refused(as_ann):
    response = as_ann.post(reverse("messaging:moderators_new"), {"subject": "", "body": ""})
    assert response.status_code == 400
    assert not Conversation.objects.exists()


# --- Blocking ------------------------------------------------------------------


def test_blocking_from_a_conversation_and_unblocking(as_ann, ann, bob, start):
    conversation = start(bob, ann)
    response = as_ann.post(reverse("messaging:conversation_block", kwargs={"pk": conversation.pk}))
    assert response.status_code == 302
    assert response["Location"] == conversation.get_absolute_url()
    assert Block.objects.filter(blocker=ann, blocked=bob).exists()
    assert "You blocked Bob Barraclough" in _notices(response)[0]
    assert not Notification.objects.filter(recipient=bob).exists()  # silent

    page = as_ann.get(conversation.get_absolute_url()).content.decode()
    assert "You blocked this person" in page
    assert 'name="body"' not in page

    blocked = as_ann.get(reverse("messaging:block_list"))
    assert "Bob Barraclough" in blocked.content.decode()
    response = as_ann.post(reverse("messaging:block_delete", kwargs={"user_id": bob.pk}))
    assert response["Location"] == reverse("messaging:block_list")
    assert "You unblocked Bob Barraclough" in _notices(response)[0]
    assert not Block.objects.exists()
    assert (
        "You have not blocked anyone"
        in as_ann.get(reverse("messaging:block_list")).content.decode()
    )


def test_unblocking_someone_not_blocked_changes_nothing(as_ann, bob):
    for user_id in (bob.pk, 99999, 2**70):
        response = as_ann.post(reverse("messaging:block_delete", kwargs={"user_id": user_id}))
        assert response.status_code == 302


def test_there_is_no_one_to_block_in_a_group_conversation(as_ann, ann, bob, carol, start):
    conversation = start(ann, bob, carol)
    assert "Block this person" not in as_ann.get(conversation.get_absolute_url()).content.decode()
    response = as_ann.post(reverse("messaging:conversation_block", kwargs={"pk": conversation.pk}))
    assert response.status_code == 404
    assert not Block.objects.exists()


def test_only_posts_change_things(as_ann, ann, bob, start):
    conversation = start(bob, ann)
    for name in ("conversation_block", "conversation_archive"):
        assert (
            as_ann.get(reverse(f"messaging:{name}", kwargs={"pk": conversation.pk})).status_code
            == 405
        )
    assert not Block.objects.exists()


# --- On profile pages -----------------------------------------------------------


def test_a_profile_offers_to_send_a_message_to_signed_in_people_but_its_owner(
    client, ann, bob, password
):
    url = bob.profile.get_absolute_url()
    assert "Send a message" not in client.get(url).content.decode()
    client.login(email=bob.email, password=password)
    assert "Send a message" not in client.get(url).content.decode()
    client.logout()
    client.login(email=ann.email, password=password)
    text = client.get(url).content.decode()
    assert "Send a message" in text
    assert _new_url(bob) in text
