"""Reads for private messages: the inbox, one conversation and its messages, blocks.

Every conversation read here is scoped by permissions.py, and every list
costs the same few queries whatever its length: the people in each
conversation come in one prefetch, and whether it is unread is worked out
in the same query as the list.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from bigsocnorth.core.markdown import render_markdown
from bigsocnorth.messaging.models import Block, Conversation, ConversationMember, Message
from bigsocnorth.messaging.permissions import (
    filter_conversations_visible_to,
    is_signed_in,
)

INBOX_PER_PAGE = 25
MESSAGES_PER_PAGE = 50
UNREAD_COUNT_CAP = 99
# Database ids are 64-bit: a longer number in an address is nobody's conversation.
ID_MAX = 2**63 - 1


def _people_prefetch() -> Prefetch:
    """The members in their own right, with their names, as `conversation.people`."""
    return Prefetch(
        "members",
        queryset=ConversationMember.objects.filter(as_moderator=False)
        .select_related("user__profile")
        .order_by("joined_at", "pk"),
        to_attr="people",
    )


def _with_reader_state(queryset: QuerySet[Conversation], user) -> QuerySet[Conversation]:
    """Annotate how far `user` has read each conversation, and whether they archived it.

    A moderator who never opened a conversation with the moderators has no
    row: it is unread and in their inbox.
    """
    mine = ConversationMember.objects.filter(conversation=OuterRef("pk"), user=user)
    return queryset.annotate(
        my_last_read_at=Subquery(mine.values("last_read_at")[:1]),
        my_archived=Coalesce(Subquery(mine.values("archived")[:1]), Value(False)),
    ).annotate(
        is_unread=Case(
            When(
                Q(my_last_read_at__isnull=True) | Q(last_message_at__gt=F("my_last_read_at")),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def _describe(conversation: Conversation, user) -> Conversation:
    """Who the conversation is with, as `user` sees it."""
    people = getattr(conversation, "people", [])
    conversation.viewer_is_member = any(member.user_id == user.pk for member in people)
    conversation.others = [member.user for member in people if member.user_id != user.pk]
    return conversation


def conversation_list_for(user, *, archived: bool = False) -> QuerySet[Conversation]:
    """The person's inbox (or their archive), newest first, each with `is_unread`.

    Evaluate it with `inbox_page_for` for pages: it also says who each one is with.
    """
    if not is_signed_in(user):
        return Conversation.objects.none()
    queryset = filter_conversations_visible_to(user=user, queryset=Conversation.objects.all())
    return (
        _with_reader_state(queryset, user)
        .filter(my_archived=archived)
        .prefetch_related(_people_prefetch())
        .order_by("-last_message_at", "-pk")
    )


def inbox_page_for(*, user, archived: bool = False, page: int = 1) -> Page:
    """A page of the inbox: three queries (count, page, people) however many are shown."""
    paginated = Paginator(conversation_list_for(user, archived=archived), INBOX_PER_PAGE).get_page(
        page
    )
    for conversation in paginated.object_list:
        _describe(conversation, user)
    return paginated


def conversation_get_for(user, pk) -> Conversation:
    """The conversation if `user` may read it, with its people and reading state; else Http404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk <= ID_MAX or not is_signed_in(user):
        raise Http404
    queryset = filter_conversations_visible_to(user=user, queryset=Conversation.objects.all())
    conversation = (
        _with_reader_state(queryset, user)
        .prefetch_related(_people_prefetch())
        .filter(pk=pk)
        .first()
    )
    if conversation is None:
        raise Http404
    return _describe(conversation, user)


def messages_for(conversation: Conversation) -> QuerySet[Message]:
    """The conversation's messages in the order they were written, with their authors' names."""
    return (
        Message.objects.filter(conversation=conversation)
        .select_related("author__profile")
        .order_by("created_at", "pk")
    )


def message_page_for(*, conversation: Conversation, page: int | None = None) -> Page:
    """A page of messages, the newest page unless another is asked for.

    Each message gets its sanitised HTML (`html`) and, in a conversation with
    the moderators, whether a moderator wrote it (`from_moderators`).
    """
    paginator = Paginator(messages_for(conversation), MESSAGES_PER_PAGE)
    paginated = paginator.get_page(paginator.num_pages if page is None else page)
    member_ids = {member.user_id for member in getattr(conversation, "people", [])}
    for message in paginated.object_list:
        message.html = render_markdown(message.body)
        message.from_moderators = bool(
            conversation.to_moderators
            and message.author_id is not None
            and message.author_id not in member_ids
        )
    return paginated


def other_person(*, conversation: Conversation, user):
    """The one other person in a conversation between two people, else None.

    Needs `conversation.people` (conversation_get_for). Conversations with
    the moderators have no other person: nobody blocks the moderators.
    """
    if conversation.to_moderators:
        return None
    people = [member.user for member in getattr(conversation, "people", [])]
    if len(people) != 2 or user.pk not in {person.pk for person in people}:
        return None
    return next(person for person in people if person.pk != user.pk)


def is_blocked(*, blocker, blocked) -> bool:
    """Whether `blocker` blocked `blocked`."""
    if blocker is None or blocked is None or blocker.pk is None or blocked.pk is None:
        return False
    return Block.objects.filter(blocker_id=blocker.pk, blocked_id=blocked.pk).exists()


def blocked_by_any(*, blocker_ids, blocked) -> bool:
    """Whether any of these people blocked `blocked`. One query."""
    ids = {pk for pk in blocker_ids if pk is not None}
    if not ids:
        return False
    return Block.objects.filter(blocker_id__in=ids, blocked_id=blocked.pk).exists()


def block_list_for(user) -> QuerySet[Block]:
    """The people `user` blocked, most recent first, with their names."""
    if not is_signed_in(user):
        return Block.objects.none()
    return Block.objects.filter(blocker=user).select_related("blocked__profile")


def unread_conversation_count(user) -> int:
    """Conversations in the inbox with a message the person has not read, up to CAP + 1.

    One query; none for visitors.
    """
    if not is_signed_in(user):
        return 0
    return (
        conversation_list_for(user)
        .prefetch_related(None)
        .filter(is_unread=True)
        .order_by()
        .values("pk")[: UNREAD_COUNT_CAP + 1]
        .count()
    )
