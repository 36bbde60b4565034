"""What private messages hold about a person, for their data export
(accounts/personal_data.py): their conversations with every message in them, messages they
wrote for the moderators, and the people they blocked.

Other people appear as the site shows them in a conversation (their display
name), never with their email address.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigsocnorth.accounts.personal_data import register_personal_data, rows, site_url
from bigsocnorth.messaging.models import Block, ConversationMember, Message


def messaging_personal_data(user):
    conversations = rows(
        ConversationMember.objects.filter(user=user, as_moderator=False).order_by(
            "conversation__created_at", "conversation_id"
        ),
        "conversation_id",
        "conversation__subject",
        "conversation__to_moderators",
        "conversation__about_title",
        "conversation__about_url",
        "conversation__created_at",
        "joined_at",
        "last_read_at",
        "archived",
    )
    ids = [row["conversation_id"] for row in conversations]
    people: dict[int, list[str]] = {}
    for conversation_id, name in (
        ConversationMember.objects.filter(conversation_id__in=ids, as_moderator=False)
        .exclude(user=user)
        .order_by("joined_at", "pk")
        .values_list("conversation_id", "user__profile__display_name")
    ):
        people.setdefault(conversation_id, []).append(name or "")
    messages: dict[int | None, list[dict]] = {}
    for message in (
        Message.objects.filter(Q(conversation_id__in=ids) | Q(author=user))
        .order_by("created_at", "pk")
        .values(
            "conversation_id", "author_id", "author__profile__display_name", "body", "created_at"
        )
    ):
        by_you = message.pop("author_id") == user.pk
        name = message.pop("author__profile__display_name")
        message["from"] = "you" if by_you else name or None
        messages.setdefault(message.pop("conversation_id"), []).append(message)
    threads = []
    for row in conversations:
        conversation_id = row["conversation_id"]
        threads.append(
            {
                "subject": row["conversation__subject"],
                "with_the_moderators": row["conversation__to_moderators"],
                "about": row["conversation__about_title"],
                "about_url": site_url(row["conversation__about_url"]),
                "started_at": row["conversation__created_at"],
                "page": site_url(
                    reverse("messaging:conversation_detail", kwargs={"pk": conversation_id})
                ),
                "with": people.get(conversation_id, []),
                "you_joined_at": row["joined_at"],
                "you_read_up_to": row["last_read_at"],
                "archived": row["archived"],
                "messages": messages.pop(conversation_id, []),
            }
        )
    # What is left: what the person wrote as a moderator in others' conversations.
    written_as_moderator = [
        {"conversation_id": conversation_id, **message}
        for conversation_id, written in messages.items()
        for message in written
    ]
    blocks = rows(
        Block.objects.filter(blocker=user).order_by("created_at", "pk"),
        "blocked__profile__display_name",
        "created_at",
    )
    return {
        "conversations": threads,
        "messages_written_as_moderator": written_as_moderator,
        "people_you_blocked": [
            {"name": block["blocked__profile__display_name"], "since": block["created_at"]}
            for block in blocks
        ],
    }, []


register_personal_data(
    "messaging",
    describe=_(
        "Your private conversations with every message in them (other people by the name "
        "they show on the site), messages you wrote as a moderator, and the people you blocked."
    ),
    collect=messaging_personal_data,
)
