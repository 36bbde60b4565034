"""Who may read and answer a conversation, decided here and nowhere else.

A conversation is for its members. One with the moderators is also for
every moderator, for as long as they are one. To anyone else a
conversation looks as if it does not exist (Http404).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from bigsocnorth.messaging.models import Conversation, ConversationMember


def is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def acts_for_moderators(user) -> bool:
    """Reads and answers every conversation with the moderators."""
    return is_signed_in(user) and user.is_moderator


def is_member(*, user, conversation: Conversation) -> bool:
    """A member in their own right (a moderator's reading place does not count)."""
    if not is_signed_in(user):
        return False
    return ConversationMember.objects.filter(
        conversation=conversation, user=user, as_moderator=False
    ).exists()


def can_read_conversation(*, user, conversation: Conversation) -> bool:
    if not is_signed_in(user):
        return False
    if conversation.to_moderators and acts_for_moderators(user):
        return True
    return is_member(user=user, conversation=conversation)


def check_read_permission(*, user, conversation: Conversation) -> None:
    """Http404 for anyone who may not read the conversation: they learn nothing of it."""
    if not can_read_conversation(user=user, conversation=conversation):
        raise Http404


def check_reply_permission(*, user, conversation: Conversation) -> None:
    """Whoever may read a conversation may answer it (blocks are checked by the service)."""
    check_read_permission(user=user, conversation=conversation)


def filter_conversations_visible_to(*, user, queryset: QuerySet[Conversation]):
    """The conversations in `queryset` that `user` may read."""
    if not is_signed_in(user):
        return queryset.none()
    member = ConversationMember.objects.filter(
        conversation=OuterRef("pk"), user=user, as_moderator=False
    )
    visible = Q(Exists(member))
    if acts_for_moderators(user):
        visible |= Q(to_moderators=True)
    return queryset.filter(visible)
