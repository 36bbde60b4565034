"""Private messages through the services: starting, answering, reading, blocking, refusing."""

from __future__ import annotations

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404

from bigsocnorth.accounts.models import Role
from bigsocnorth.messaging import selectors, services
from bigsocnorth.messaging.models import Block, Conversation, ConversationMember, Message
from bigsocnorth.messaging.tests.conftest import person
from bigsocnorth.notifications.models import Notification

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<script>alert("x")</script> <img src=x onerror="alert(1)"> '
    '[click me](javascript:alert(1)) <a href="javascript:alert(2)">there</a>'
)


def _nothing_saved() -> None:
    assert Conversation.objects.count() == 0
    assert ConversationMember.objects.count() == 0
    assert Message.objects.count() == 0
    assert Notification.objects.count() == 0


def _problems(error: pytest.ExceptionInfo) -> dict:
    return error.value.message_dict


def _notices(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=services.Kind.MESSAGE))


# --- Starting a conversation --------------------------------------------------------


def test_a_conversation_starts_with_its_members_its_message_and_a_notice(ann, bob, start):
    conversation = start(ann, bob, body="Could you drive me to the **Northern General**?")

    assert conversation.subject == "Lift to the hospital"
    assert not conversation.to_moderators
    assert set(conversation.members.values_list("user_id", flat=True)) == {ann.pk, bob.pk}
    [message] = conversation.messages.all()
    assert message.author == ann
    assert message.body == "Could you drive me to the **Northern General**?"
    [notice] = _notices(bob)
    assert notice.url == conversation.get_absolute_url() == f"/messages/{conversation.pk}/"
    assert notice.actor == ann
    assert notice.target == conversation
    assert "Lift to the hospital" in notice.message
    # The notice (and so its email) never carries the message itself.
    assert "Northern General" not in notice.message
    assert _notices(ann) == []


def test_the_sender_has_read_it_and_the_recipient_has_not(ann, bob, start):
    conversation = start(ann, bob)

    [for_ann] = selectors.conversation_list_for(ann)
    [for_bob] = selectors.conversation_list_for(bob)
    assert (for_ann.pk, for_ann.is_unread) == (conversation.pk, False)
    assert (for_bob.pk, for_bob.is_unread) == (conversation.pk, True)
    assert selectors.unread_conversation_count(ann) == 0
    assert selectors.unread_conversation_count(bob) == 1

    assert services.conversation_mark_read(
        user=bob, conversation=selectors.conversation_get_for(bob, conversation.pk)
    )
    assert selectors.unread_conversation_count(bob) == 0
    # Reading again changes nothing.
    assert not services.conversation_mark_read(
        user=bob, conversation=selectors.conversation_get_for(bob, conversation.pk)
    )


@pytest.mark.parametrize(
    ("subject", "body", "field"),
    [
        ("Lift", "", "body"),
        ("Lift", "   \n\n\t  ", "body"),
        ("Lift", None, "body"),
        ("Lift", "x" * 200_000, "body"),
        ("Lift", "x" * 20_001, "body"),
        ("", "Hello", "subject"),
        ("   ", "Hello", "subject"),
        ("s" * 201, "Hello", "subject"),
    ],
    ids=[
        "empty-body",
        "blank-body",
        "no-body",
        "200000-characters",
        "one-too-many",
        "empty-subject",
        "blank-subject",
        "long-subject",
    ],
)
def test_unusable_subjects_and_bodies_are_refused_and_nothing_is_saved(
    ann, bob, start, subject, body, field
):
    with pytest.raises(ValidationError) as error:
        start(ann, bob, subject=subject, body=body)
    assert list(_problems(error)) == [field]
    _nothing_saved()


def test_the_problems_with_a_message_are_all_said_at_once(ann, start):
    with pytest.raises(ValidationError) as error:
        start(ann, ann, subject="", body="x" * 200_000)
    problems = _problems(error)
    assert problems["subject"] == ["Give your message a subject: a few words on what it is about."]
    assert "at most 20,000 characters; this one has 200,000" in problems["body"][0]
    assert problems[NON_FIELD_ERRORS] == ["You cannot send a message to yourself."]
    _nothing_saved()


def test_a_message_of_exactly_the_limit_is_sent(ann, bob, start):
    conversation = start(ann, bob, subject="s" * 200, body="x" * 20_000)
    assert len(conversation.messages.get().body) == 20_000


def test_control_characters_are_dropped_and_the_subject_is_one_line(ann, bob, start):
    conversation = start(
        ann, bob, subject="  Lift\nto\x00 the   hospital ", body="Hello\x00 there\r\n"
    )
    assert conversation.subject == "Lift to the hospital"
    assert conversation.messages.get().body == "Hello there"


def test_hostile_html_is_kept_as_typed_and_rendered_inert(ann, bob, start):
    conversation = start(ann, bob, body=HOSTILE)
    assert conversation.messages.get().body == HOSTILE

    shown = selectors.conversation_get_for(bob, conversation.pk)
    [message] = selectors.message_page_for(conversation=shown).object_list
    html = str(message.html)
    assert "<script" not in html
    assert "<img" not in html
    assert "<a" not in html  # neither link survives as a link: both are text
    assert "&lt;script&gt;" in html  # shown as the text that was typed


@pytest.mark.parametrize(
    ("recipients", "problem"),
    [
        ([], "Choose who to send your message to."),
        ("self", "You cannot send a message to yourself."),
        ("eleven", "You can write to at most 10 people at once."),
    ],
    ids=["nobody", "yourself", "too-many"],
)
def test_who_a_message_goes_to_is_checked(ann, recipients, problem):
    if recipients == "self":
        recipients = [ann]
    elif recipients == "eleven":
        recipients = [person(f"Person {number}") for number in range(11)]
    with pytest.raises(ValidationError) as error:
        services.conversation_start(
            sender=ann, recipients=recipients, subject="Hello", body="Hello"
        )
    assert _problems(error) == {NON_FIELD_ERRORS: [problem]}
    assert Conversation.objects.count() == 0


def test_ten_people_at_once_is_fine_and_each_is_told_once(ann, start):
    people = [person(f"Person {number}") for number in range(10)]
    conversation = start(ann, *people, *people[:3])
    assert conversation.members.count() == 11
    assert Notification.objects.filter(recipient__in=people).count() == 10


def test_an_inactive_account_cannot_be_written_to(ann, bob, start):
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as error:
        start(ann, bob)
    assert _problems(error) == {
        NON_FIELD_ERRORS: ["Bob Barraclough cannot get messages on this site."]
    }
    _nothing_saved()


def test_an_inactive_sender_cannot_write(ann, bob, start):
    ann.is_active = False
    with pytest.raises(PermissionDenied):
        start(ann, bob)
    _nothing_saved()


def test_someone_who_blocked_you_cannot_be_written_to_and_the_reason_is_not_said(
    ann, bob, carol, start
):
    services.block_create(blocker=bob, blocked=ann)
    for recipients in ([bob], [carol, bob]):
        with pytest.raises(ValidationError) as error:
            start(ann, *recipients)
        assert _problems(error) == {NON_FIELD_ERRORS: ["You cannot send messages to this person."]}
    _nothing_saved()
    # Ann may still write to others.
    assert start(ann, carol).pk


def test_you_cannot_write_to_someone_you_blocked_until_you_unblock_them(ann, bob, start):
    services.block_create(blocker=ann, blocked=bob)
    with pytest.raises(ValidationError) as error:
        start(ann, bob)
    assert "You blocked Bob Barraclough" in _problems(error)[NON_FIELD_ERRORS][0]
    assert services.block_delete(blocker=ann, blocked=bob)
    assert start(ann, bob).pk


def test_a_failure_while_saving_leaves_nothing_half_saved(ann, bob, start, monkeypatch):
    def broken_notify(**kwargs):
        raise RuntimeError("the notification could not be saved")

    monkeypatch.setattr(services, "notify", broken_notify)
    with pytest.raises(RuntimeError):
        start(ann, bob)
    _nothing_saved()


# --- The relay: other apps put people in touch about something ------------------------


def test_the_relay_keeps_what_the_conversation_is_about(ann, bob, start):
    post = bob.profile  # any saved object with an address on the site
    conversation = start(ann, bob, about=post)

    conversation.refresh_from_db()
    assert conversation.about == post
    assert conversation.about_title == "Bob Barraclough"
    assert conversation.about_url == post.get_absolute_url()
    # It still reads right after the thing changes.
    post.display_name = "Robert B"
    post.save()
    conversation.refresh_from_db()
    assert conversation.about_title == "Bob Barraclough"


def test_the_relay_refuses_what_has_no_address_on_the_site(ann, bob, start):
    with pytest.raises(ValueError, match="get_absolute_url"):
        start(ann, bob, about=Block(blocker=ann, blocked=bob, pk=1))
    unsaved = type(bob.profile)(handle="x", display_name="x")
    with pytest.raises(ValueError, match="saved"):
        start(ann, bob, about=unsaved)
    _nothing_saved()


# --- Rate limits --------------------------------------------------------------


def test_starting_too_many_conversations_in_an_hour_is_refused(ann, bob, start, monkeypatch):
    monkeypatch.setattr(services, "CONVERSATIONS_PER_HOUR", 2)
    start(ann, bob)
    services.conversation_start_with_moderators(sender=ann, subject="Hello", body="Hi")
    with pytest.raises(ValidationError) as error:
        start(ann, bob)
    [problem] = _problems(error)[NON_FIELD_ERRORS]
    assert problem.startswith("You have started 2 conversations in the last hour")
    assert "try again later" in problem
    assert Conversation.objects.count() == 2


def test_refused_attempts_do_not_count_towards_the_rate_limit(ann, bob, start, monkeypatch):
    monkeypatch.setattr(services, "CONVERSATIONS_PER_HOUR", 1)
    with pytest.raises(ValidationError):
        start(ann, bob, body="")
    assert start(ann, bob).pk


def test_moderators_are_not_rate_limited(moderator, bob, start, monkeypatch):
    monkeypatch.setattr(services, "CONVERSATIONS_PER_HOUR", 1)
    for _ in range(3):
        start(moderator, bob)
    assert Conversation.objects.count() == 3


def test_sending_too_many_messages_in_an_hour_is_refused(ann, bob, start, monkeypatch):
    conversation = start(ann, bob)
    monkeypatch.setattr(services, "MESSAGES_PER_HOUR", 1)
    services.message_send(sender=bob, conversation=conversation, body="Yes")
    with pytest.raises(ValidationError) as error:
        services.message_send(sender=bob, conversation=conversation, body="When?")
    assert "You have sent 1 messages in the last hour" in _problems(error)[NON_FIELD_ERRORS][0]
    assert conversation.messages.count() == 2


# --- Answering ------------------------------------------------------------------


def test_an_answer_tells_the_others_once_until_they_have_read_it(ann, bob, start):
    conversation = start(ann, bob)
    services.message_send(sender=bob, conversation=conversation, body="Yes, on Tuesday.")
    assert len(_notices(ann)) == 1
    assert "A new message in “Lift to the hospital”" in _notices(ann)[0].message

    # Ann has not read it yet: a second answer adds no second notice.
    services.message_send(sender=bob, conversation=conversation, body="At nine?")
    assert len(_notices(ann)) == 1
    assert len(_notices(bob)) == 1  # from the start; never for his own messages

    services.conversation_mark_read(
        user=ann, conversation=selectors.conversation_get_for(ann, conversation.pk)
    )
    services.message_send(sender=bob, conversation=conversation, body="Or ten.")
    assert len(_notices(ann)) == 2

    thread = [m.body for m in selectors.messages_for(conversation)]
    assert thread == ["Can you help?", "Yes, on Tuesday.", "At nine?", "Or ten."]
    conversation.refresh_from_db()
    assert conversation.last_message_at == Message.objects.latest("created_at").created_at


def test_someone_outside_the_conversation_can_neither_read_nor_answer_it(ann, bob, carol, start):
    conversation = start(ann, bob)
    with pytest.raises(Http404):
        selectors.conversation_get_for(carol, conversation.pk)
    with pytest.raises(Http404):
        services.message_send(sender=carol, conversation=conversation, body="Hello")
    with pytest.raises(Http404):
        services.conversation_mark_read(user=carol, conversation=conversation)
    with pytest.raises(Http404):
        services.conversation_archive(user=carol, conversation=conversation)
    assert conversation.messages.count() == 1
    assert selectors.conversation_list_for(carol).count() == 0
    assert not ConversationMember.objects.filter(user=carol).exists()


@pytest.mark.parametrize("pk", [0, -1, 2**70, "abc", None])
def test_a_conversation_that_cannot_exist_is_not_found(ann, pk):
    with pytest.raises(Http404):
        selectors.conversation_get_for(ann, pk)


def test_an_answer_is_refused_once_the_other_person_blocked_you(ann, bob, start):
    conversation = start(ann, bob)
    services.block_create(blocker=bob, blocked=ann)
    with pytest.raises(ValidationError) as error:
        services.message_send(sender=ann, conversation=conversation, body="Hello?")
    assert _problems(error) == {NON_FIELD_ERRORS: ["You cannot send messages to this person."]}
    with pytest.raises(ValidationError) as error:
        services.message_send(sender=bob, conversation=conversation, body="Bye")
    assert "You blocked Ann Ashworth" in _problems(error)[NON_FIELD_ERRORS][0]
    assert conversation.messages.count() == 1
    assert len(_notices(bob)) == 1


def test_an_answer_nobody_could_read_is_refused(ann, bob, start):
    conversation = start(ann, bob)
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as error:
        services.message_send(sender=ann, conversation=conversation, body="Hello?")
    assert _problems(error) == {
        NON_FIELD_ERRORS: ["Nobody else in this conversation can get messages now."]
    }


@pytest.mark.parametrize("body", ["", "x" * 200_000])
def test_an_unusable_answer_is_refused(ann, bob, start, body):
    conversation = start(ann, bob)
    with pytest.raises(ValidationError) as error:
        services.message_send(sender=bob, conversation=conversation, body=body)
    assert list(_problems(error)) == ["body"]
    assert conversation.messages.count() == 1
    assert _notices(ann) == []


def test_an_archived_conversation_comes_back_with_its_next_message(ann, bob, start):
    conversation = start(ann, bob)
    assert services.conversation_archive(user=ann, conversation=conversation)
    assert not services.conversation_archive(user=ann, conversation=conversation)
    assert list(selectors.conversation_list_for(ann)) == []
    assert list(selectors.conversation_list_for(ann, archived=True)) == [conversation]

    services.message_send(sender=bob, conversation=conversation, body="Still need a lift?")
    assert list(selectors.conversation_list_for(ann)) == [conversation]
    assert services.conversation_archive(user=ann, conversation=conversation)
    assert services.conversation_unarchive(user=ann, conversation=conversation)
    assert list(selectors.conversation_list_for(ann)) == [conversation]


# --- Writing to the moderators ---------------------------------------------------


def test_every_moderator_hears_of_a_message_to_the_moderators(ann, bob, moderator, admin_user):
    conversation = services.conversation_start_with_moderators(
        sender=ann, subject="A member is rude to me", body="In the forum, yesterday."
    )
    assert conversation.to_moderators
    assert list(conversation.members.values_list("user_id", flat=True)) == [ann.pk]
    assert len(_notices(moderator)) == 1
    assert len(_notices(admin_user)) == 1
    assert "A member is rude to me" in _notices(moderator)[0].message
    assert _notices(bob) == []
    assert _notices(ann) == []


def test_moderators_read_and_answer_and_the_member_hears_back(ann, bob, moderator, admin_user):
    conversation = services.conversation_start_with_moderators(
        sender=ann, subject="Question", body="How do I add my group?"
    )
    [in_inbox] = selectors.conversation_list_for(moderator)
    assert in_inbox.is_unread
    assert selectors.unread_conversation_count(moderator) == 1
    shown = selectors.conversation_get_for(moderator, conversation.pk)
    assert not shown.viewer_is_member
    assert shown.others == [ann]
    services.conversation_mark_read(user=moderator, conversation=shown)
    assert selectors.unread_conversation_count(moderator) == 0
    # Bob is no moderator: he cannot see it.
    with pytest.raises(Http404):
        selectors.conversation_get_for(bob, conversation.pk)

    services.message_send(sender=moderator, conversation=conversation, body="Use the form.")
    assert len(_notices(ann)) == 1
    assert len(_notices(admin_user)) == 1  # only the first notice: moderators' answers go out
    [_first, answer] = selectors.message_page_for(
        conversation=selectors.conversation_get_for(ann, conversation.pk)
    ).object_list
    assert answer.from_moderators

    # Ann answers: the moderator who read everything hears of it; the one who never opened it
    # was told at the start and is not told again.
    services.message_send(sender=ann, conversation=conversation, body="Thank you!")
    assert len(_notices(moderator)) == 2
    assert len(_notices(admin_user)) == 1


def test_a_former_moderator_no_longer_reads_conversations_with_the_moderators(ann, moderator):
    conversation = services.conversation_start_with_moderators(
        sender=ann, subject="Question", body="Hello"
    )
    services.message_send(sender=moderator, conversation=conversation, body="Hello Ann")
    moderator.role = Role.MEMBER
    moderator.save(update_fields=["role"])
    with pytest.raises(Http404):
        selectors.conversation_get_for(moderator, conversation.pk)
    with pytest.raises(Http404):
        services.message_send(sender=moderator, conversation=conversation, body="Still here")
    assert list(selectors.conversation_list_for(moderator)) == []


def test_a_block_does_not_stop_the_moderators_answering(ann, moderator):
    conversation = services.conversation_start_with_moderators(
        sender=ann, subject="Question", body="Hello"
    )
    services.block_create(blocker=ann, blocked=moderator)
    services.message_send(sender=moderator, conversation=conversation, body="We are here to help.")
    assert conversation.messages.count() == 2


def test_writing_to_the_moderators_checks_the_message_too(ann, moderator):
    with pytest.raises(ValidationError) as error:
        services.conversation_start_with_moderators(sender=ann, subject="", body="")
    assert set(_problems(error)) == {"subject", "body"}
    _nothing_saved()


# --- Blocking -------------------------------------------------------------------


def test_blocking_is_silent_and_happens_once(ann, bob):
    assert services.block_create(blocker=ann, blocked=bob)
    assert not services.block_create(blocker=ann, blocked=bob)
    assert Block.objects.count() == 1
    assert selectors.is_blocked(blocker=ann, blocked=bob)
    assert not selectors.is_blocked(blocker=bob, blocked=ann)
    assert Notification.objects.count() == 0
    assert [block.blocked for block in selectors.block_list_for(ann)] == [bob]
    assert list(selectors.block_list_for(bob)) == []


def test_unblocking(ann, bob):
    services.block_create(blocker=ann, blocked=bob)
    assert services.block_delete(blocker=ann, blocked=bob)
    assert not services.block_delete(blocker=ann, blocked=bob)
    assert not selectors.is_blocked(blocker=ann, blocked=bob)


def test_you_cannot_block_yourself_or_nobody(ann):
    with pytest.raises(ValidationError, match="You cannot block yourself"):
        services.block_create(blocker=ann, blocked=ann)
    with pytest.raises(ValidationError, match="Choose who to block"):
        services.block_create(blocker=ann, blocked=None)
    assert Block.objects.count() == 0


def test_too_many_blocks_are_refused(ann, bob, carol, monkeypatch):
    monkeypatch.setattr(services, "BLOCKS_MAX", 1)
    services.block_create(blocker=ann, blocked=bob)
    with pytest.raises(ValidationError, match="the most allowed"):
        services.block_create(blocker=ann, blocked=carol)
    assert Block.objects.count() == 1
