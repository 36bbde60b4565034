"""Reply addresses: signed, expiring, per person and topic; and the Reply-To they give emails."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from bigsocnorth.forum import reply_addresses
from bigsocnorth.forum.notices import REPLYABLE_KINDS, Kind
from bigsocnorth.forum.reply_addresses import (
    FORUM_REPLY_DAYS,
    Expired,
    Forged,
    forum_reply_to,
    is_reply_address,
    reply_address_check,
    reply_address_for_ids,
    reply_address_make,
)
from bigsocnorth.notifications import registry
from bigsocnorth.notifications.emails import digest_email, notification_email
from bigsocnorth.notifications.models import EmailFrequency
from bigsocnorth.notifications.services import notify

REPLY_SENTENCE = "Reply to this email to post your reply in the topic"


@pytest.fixture(autouse=True)
def _reply_domain(settings):
    settings.REPLY_EMAIL_DOMAIN = "reply.bigsocnorth.example"


def test_an_address_round_trips_to_its_person_and_topic(member, topic):
    address = reply_address_make(user=member, topic=topic)
    local_part, _at, domain = address.partition("@")
    assert domain == "reply.bigsocnorth.example"
    assert local_part.startswith(f"reply+{member.pk}.{topic.pk}.")
    assert len(local_part) <= 64
    assert reply_address_check(address) == (member.pk, topic.pk)
    assert is_reply_address(address)


def test_mail_servers_changing_case_or_adding_angle_brackets_do_no_harm(member, topic):
    address = reply_address_make(user=member, topic=topic)
    assert reply_address_check(address.upper()) == (member.pk, topic.pk)
    assert reply_address_check(f" <{address}> ") == (member.pk, topic.pk)


def test_the_local_part_stays_within_64_characters_for_the_largest_ids():
    address = reply_address_for_ids(user_id=10**15 - 1, topic_id=10**15 - 1)
    assert len(address.partition("@")[0]) <= 64
    assert reply_address_check(address) == (10**15 - 1, 10**15 - 1)
    with pytest.raises(ValueError):
        reply_address_for_ids(user_id=10**16, topic_id=1)


def test_every_changed_character_makes_it_forged(member, topic):
    address = reply_address_make(user=member, topic=topic)
    local_part, _at, domain = address.partition("@")
    for index in range(len("reply+"), len(local_part)):
        character = local_part[index]
        if character == ".":
            replacement = "-"
        elif character.isdigit():
            replacement = "9" if character != "9" else "8"
        else:
            replacement = "a" if character != "a" else "b"
        changed = local_part[:index] + replacement + local_part[index + 1 :]
        with pytest.raises(Forged):
            reply_address_check(f"{changed}@{domain}")


def test_another_persons_or_topics_ids_under_a_real_signature_are_forged(member, topic):
    address = reply_address_make(user=member, topic=topic)
    signature = address.partition("@")[0].rsplit(".", 1)[1]
    expiry = address.split(".")[2]
    for user_id, topic_id in ((member.pk + 1, topic.pk), (member.pk, topic.pk + 1)):
        with pytest.raises(Forged):
            reply_address_check(
                f"reply+{user_id}.{topic_id}.{expiry}.{signature}@reply.bigsocnorth.example"
            )
    # Leading zeros name the same ids but were never made here.
    with pytest.raises(Forged):
        reply_address_check(address.replace(f"reply+{member.pk}.", f"reply+0{member.pk}.", 1))


@pytest.mark.parametrize(
    "address",
    [
        "",
        "reply@reply.bigsocnorth.example",
        "reply+1.2.3@reply.bigsocnorth.example",
        "reply+1.2.99999.abcdefghijklmnop@reply.bigsocnorth.example",
        "reply+x.y.z.abcdefghijklmnop@reply.bigsocnorth.example",
        "someone@example.org",
        "reply+1.2.3.abcdefghijklmnop",
        "a" * 10_000 + "@reply.bigsocnorth.example",
        "reply+1.2.3.abcdefghijklmnop@reply.bigsocnorth.example.evil.example",
    ],
)
def test_addresses_not_made_here_are_forged(address):
    with pytest.raises(Forged):
        reply_address_check(address)


def test_an_address_at_another_domain_is_forged(member, topic, settings):
    address = reply_address_make(user=member, topic=topic)
    settings.REPLY_EMAIL_DOMAIN = "reply.elsewhere.example"
    with pytest.raises(Forged):
        reply_address_check(address)
    assert not is_reply_address(address)


def test_an_address_takes_replies_for_30_days_then_expires(member, topic):
    sent = timezone.now()
    address = reply_address_make(user=member, topic=topic, now=sent)
    assert FORUM_REPLY_DAYS == 30
    assert reply_address_check(address, now=sent + timedelta(days=30)) == (member.pk, topic.pk)
    with pytest.raises(Expired):
        reply_address_check(address, now=sent + timedelta(days=32))


def test_a_forged_expired_address_is_forged_not_expired(member, topic):
    sent = timezone.now() - timedelta(days=90)
    address = reply_address_make(user=member, topic=topic, now=sent)
    with pytest.raises(Expired):
        reply_address_check(address)
    local_part, _at, domain = address.partition("@")
    forged = local_part[:-1] + ("a" if local_part[-1] != "a" else "b") + "@" + domain
    with pytest.raises(Forged):
        reply_address_check(forged)


def test_addresses_made_with_a_previous_secret_key_still_work(member, topic, settings):
    old_key = settings.SECRET_KEY
    address = reply_address_make(user=member, topic=topic)
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50
    with pytest.raises(Forged):
        reply_address_check(address)
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert reply_address_check(address) == (member.pk, topic.pk)


def test_no_domain_turns_reply_by_email_off(member, topic, settings):
    settings.REPLY_EMAIL_DOMAIN = ""
    with pytest.raises(ValueError):
        reply_address_make(user=member, topic=topic)
    with pytest.raises(Forged):
        reply_address_check(f"reply+{member.pk}.{topic.pk}.1.abcdefghijklmnop@")
    assert not is_reply_address("reply+1.2.3.abcdefghijklmnop@")


# --- The Reply-To of notification emails ---------------------------------------------


def _notice(*, recipient, kind, target, actor=None):
    (notification,) = notify(
        recipients=[recipient],
        kind=kind,
        message="A new post in “Sharing a minibus between groups”",
        url=target.get_absolute_url(),
        actor=actor,
        target=target,
    )
    return notification


@pytest.mark.parametrize("kind", REPLYABLE_KINDS)
def test_notification_emails_about_a_topic_carry_a_reply_address(member, moderator, topic, kind):
    notification = _notice(recipient=member, kind=kind, target=topic, actor=moderator)
    message = notification_email(notification=notification)
    assert len(message.reply_to) == 1
    assert reply_address_check(message.reply_to[0]) == (member.pk, topic.pk)
    assert REPLY_SENTENCE in message.body
    assert message.message()["Reply-To"] == message.reply_to[0]


def test_a_reply_to_someones_post_is_emailed_with_the_topics_reply_address(
    topic, make_trusted, settings
):
    from bigsocnorth.forum import services
    from bigsocnorth.notifications.emails import immediate_emails_send
    from bigsocnorth.notifications.models import Notification
    from bigsocnorth.notifications.services import notification_preference_update

    ann, bea = make_trusted(), make_trusted()
    notification_preference_update(user=ann, email_frequency=EmailFrequency.IMMEDIATELY)
    first = services.post_create(author=ann, topic=topic, body="We share one with two groups.")
    services.post_create(author=bea, topic=topic, body="Which insurer?", reply_to=first)
    notification = Notification.objects.get(recipient=ann, kind=Kind.REPLY)

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    from django.core import mail

    immediate_emails_send(notification_ids=[notification.pk])
    sent = [m for m in mail.outbox if ann.email in m.to]
    assert len(sent) == 1
    assert reply_address_check(sent[0].reply_to[0]) == (ann.pk, topic.pk)
    assert REPLY_SENTENCE in sent[0].body


def test_likes_and_notices_about_other_things_have_no_reply_address(member, moderator, topic, area):
    opening = topic.posts.get()
    like = _notice(recipient=member, kind=Kind.LIKE, target=opening, actor=moderator)
    about_area = _notice(recipient=member, kind="places.news", target=area)
    # A replyable kind about something that is not a topic has none either.
    odd = _notice(recipient=member, kind=Kind.POST, target=opening, actor=moderator)
    for notification in (like, about_area, odd):
        message = notification_email(notification=notification)
        assert message.reply_to == []
        assert REPLY_SENTENCE not in message.body
        assert "Reply-To" not in message.message()


def test_digests_have_no_reply_address(member, moderator, topic):
    notification = _notice(recipient=member, kind=Kind.POST, target=topic, actor=moderator)
    message = digest_email(
        user=member,
        frequency=EmailFrequency.DAILY,
        notifications=[notification],
        shown_max=10,
    )
    assert message.reply_to == []
    assert REPLY_SENTENCE not in message.body
    assert "Reply-To" not in message.message()


def test_the_forum_maker_gives_nothing_for_other_kinds_or_without_a_domain(member, topic, settings):
    from django.contrib.contenttypes.models import ContentType

    from bigsocnorth.forum.models import Topic

    topic_type = ContentType.objects.get_for_model(Topic)
    notice = SimpleNamespace(
        kind=Kind.MENTION,
        recipient_id=member.pk,
        target_content_type_id=topic_type.pk,
        target_object_id=topic.pk,
    )
    assert reply_address_check(forum_reply_to(notice)) == (member.pk, topic.pk)
    assert forum_reply_to(SimpleNamespace(**{**vars(notice), "kind": Kind.DISCUSSION})) is None
    assert forum_reply_to(SimpleNamespace(**{**vars(notice), "target_object_id": None})) is None
    settings.REPLY_EMAIL_DOMAIN = ""
    assert forum_reply_to(notice) is None


def test_the_registry_picks_the_longest_prefix_and_forgets_on_request():
    notice = SimpleNamespace(kind="forum.reply")
    registry.register_reply_to("forum.reply", lambda notification: "special@example.org")
    try:
        assert registry.reply_to_for(notice) == "special@example.org"
        assert registry.reply_to_for(SimpleNamespace(kind="stories.new")) is None
    finally:
        registry.unregister_reply_to("forum.reply")
    # The forum's own maker is back in charge (and gives None for a bare namespace kind).
    assert registry.reply_to_for(SimpleNamespace(kind="forum.like")) is None
    with pytest.raises(ValueError):
        registry.register_reply_to("", lambda notification: None)


def test_the_notifications_app_names_no_forum_module():
    from pathlib import Path

    folder = Path(registry.__file__).parent
    for path in folder.rglob("*.py"):
        assert "bigsocnorth.forum" not in path.read_text(), path
    assert reply_addresses.forum_reply_to is forum_reply_to
