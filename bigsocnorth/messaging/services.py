"""Writes for private messages: starting conversations (the relay), answering, reading, blocks.

Every public function checks everything first and raises a ValidationError
a person can act on, then makes its whole change in one transaction
(joining the caller's): the conversation, its members, the message and
the recipients' notifications are saved together or not at all.

Other apps put people in touch through `conversation_start(about=...)`
(docs/messaging.md). Nobody's email address is ever shown, and a
notification gives the subject, never the message itself; like every
notice, its text does not name the sender (the notice's actor does).

Private rows are inserted with `bulk_create` and changed with `update()`,
which send no model signals: a private message changes no public page, so
it must not make every kept page (core/pagecache.py) out of date.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bigsocnorth.accounts.models import Role
from bigsocnorth.core.ratelimit import rate_limit_hit
from bigsocnorth.core.text import without_control_characters
from bigsocnorth.messaging import selectors
from bigsocnorth.messaging.models import Block, Conversation, ConversationMember, Message
from bigsocnorth.messaging.permissions import (
    acts_for_moderators,
    check_read_permission,
    check_reply_permission,
    is_signed_in,
)
from bigsocnorth.moderation.registry import title_for
from bigsocnorth.notifications.services import notify

RECIPIENTS_MAX = 10
# A person writing by hand starts a few conversations an hour and sends a
# few dozen messages; these stop a script, not a busy day. Moderators are
# not limited: answering a wave of reports is their work.
CONVERSATIONS_PER_HOUR = 20
MESSAGES_PER_HOUR = 120
# Far more than anyone blocks by hand; stops a script filling the table.
BLOCKS_MAX = 1_000
# Said the same whoever blocked whom, so a blocked person learns nothing more.
BLOCKED_MESSAGE = gettext_lazy("You cannot send messages to this person.")


class Kind:
    MESSAGE = "messaging.message"


def _insert(obj: Model) -> Model:
    """Save one new private row without model signals (see the module's note)."""
    return type(obj).objects.bulk_create([obj])[0]


# --- Checks -------------------------------------------------------------------


def _name(user) -> str:
    """A person's display name; never their email address."""
    profile = getattr(user, "profile", None)
    return profile.display_name if profile is not None else _("This person")


def _check_sender(sender) -> None:
    if not is_signed_in(sender):
        raise PermissionDenied(_("Log in to send messages."))


def check_subject(subject) -> str:
    """The subject on one line, tidied; ValidationError({"subject": ...}) if empty or too long."""
    # Line breaks become spaces before the other control characters go.
    text = without_control_characters(" ".join(str(subject or "").split()), keep_newlines=False)
    text = " ".join(text.split())
    if not text:
        raise ValidationError(
            {"subject": [_("Give your message a subject: a few words on what it is about.")]}
        )
    if len(text) > Conversation.SUBJECT_MAX:
        raise ValidationError(
            {
                "subject": [
                    _("A subject can be at most %(limit)s characters; this one has %(count)s.")
                    % {"limit": Conversation.SUBJECT_MAX, "count": f"{len(text):,}"}
                ]
            }
        )
    return text


def check_body(body) -> str:
    """The message as written (Markdown), tidied; ValidationError({"body": ...}) if unusable.

    Control characters go (PostgreSQL refuses NUL); HTML stays as typed and
    is shown as text, because messages are rendered with render_markdown.
    """
    text = without_control_characters(str(body or ""), keep_newlines=True)
    text = text.lstrip("\n").rstrip()
    if not text.strip():
        raise ValidationError({"body": [_("Write your message.")]})
    if len(text) > Message.BODY_MAX:
        raise ValidationError(
            {
                "body": [
                    _(
                        "A message can be at most %(limit)s characters; this one has %(count)s. "
                        "Shorten it, or send it in parts."
                    )
                    % {"limit": f"{Message.BODY_MAX:,}", "count": f"{len(text):,}"}
                ]
            }
        )
    return text


def _not_for(message: str) -> ValidationError:
    return ValidationError({NON_FIELD_ERRORS: [message]})


def _user_id(value) -> int | None:
    if value is None:
        return None
    return value if isinstance(value, int) else value.pk


def check_recipients(*, sender, recipients: Iterable) -> list:
    """The people to write to, fresh from the database; ValidationError if any cannot be.

    Refuses no one, more than RECIPIENTS_MAX, the sender, closed accounts,
    and anyone the sender blocked or who blocked the sender. A block is
    never named as such: "You cannot send messages to this person."
    """
    ids = []
    for recipient in recipients or ():
        user_id = _user_id(recipient)
        if user_id is not None and user_id not in ids:
            ids.append(user_id)
    if not ids:
        raise _not_for(_("Choose who to send your message to."))
    if len(ids) > RECIPIENTS_MAX:
        raise _not_for(
            _("You can write to at most %(limit)s people at once.") % {"limit": RECIPIENTS_MAX}
        )
    if sender.pk in ids:
        raise _not_for(_("You cannot send a message to yourself."))
    people = {
        person.pk: person
        for person in get_user_model().objects.filter(pk__in=ids).select_related("profile")
    }
    for user_id in ids:
        person = people.get(user_id)
        if person is None or not person.is_active:
            name = _name(person) if person is not None else _("Someone you chose")
            raise _not_for(_("%(name)s cannot get messages on this site.") % {"name": name})
    ordered = [people[user_id] for user_id in ids]
    _check_no_blocks(sender=sender, others=ordered)
    return ordered


def _check_no_blocks(*, sender, others: list) -> None:
    """Refuse when the sender blocked one of `others`, or one of them blocked the sender."""
    if not others:
        return
    blocked_by_sender = set(
        Block.objects.filter(
            blocker_id=sender.pk, blocked_id__in=[person.pk for person in others]
        ).values_list("blocked_id", flat=True)
    )
    for person in others:
        if person.pk in blocked_by_sender:
            raise _not_for(
                _(
                    "You blocked %(name)s. Unblock them on your list of blocked people "
                    "to write to them."
                )
                % {"name": _name(person)}
            )
    if selectors.blocked_by_any(blocker_ids=[person.pk for person in others], blocked=sender):
        raise _not_for(str(BLOCKED_MESSAGE))


def _about_values(about: Model | None) -> dict:
    """What the conversation is about, kept as it reads now. A bad `about` is a caller's bug."""
    if about is None:
        return {}
    if not isinstance(about, Model) or about.pk is None:
        raise ValueError("about= is a saved model instance.")
    get_url = getattr(about, "get_absolute_url", None)
    if get_url is None:
        raise ValueError(f"{type(about).__name__} needs get_absolute_url() to be about=.")
    url = str(get_url())
    # "//host", and "/" followed by a backslash, are other sites to a browser.
    if not url.startswith("/") or url[1:2] in {"/", "\\"} or len(url) > Conversation.ABOUT_URL_MAX:
        raise ValueError("about= links to a path on this site, such as /needs/lift/.")
    title = without_control_characters(" ".join(title_for(about).split()), keep_newlines=False)
    return {
        "about_content_type": ContentType.objects.get_for_model(about),
        "about_object_id": about.pk,
        "about_title": Truncator(title).chars(Conversation.ABOUT_TITLE_MAX),
        "about_url": url,
    }


def _checked(*checks) -> list:
    """Run each check; raise every problem at once, or return each check's value."""
    values, problems = [], {}
    for check in checks:
        try:
            values.append(check())
        except ValidationError as error:
            values.append(None)
            for field, messages in error.message_dict.items():
                problems.setdefault(field, []).extend(messages)
    if problems:
        raise ValidationError(problems)
    return values


def _check_rate(*, sender, action: str, limit: int, message: str) -> None:
    """Counted last, once everything else is fine: refused attempts cost nothing."""
    if acts_for_moderators(sender):
        return
    if rate_limit_hit(action=action, who=str(sender.pk), limit=limit, per_seconds=3600):
        raise ValidationError({NON_FIELD_ERRORS: [message]}, code="rate_limited")


def _check_new_conversation_rate(sender) -> None:
    _check_rate(
        sender=sender,
        action="messaging.conversation",
        limit=CONVERSATIONS_PER_HOUR,
        message=_(
            "You have started %(limit)s conversations in the last hour, the most allowed. "
            "Nothing was sent: try again later."
        )
        % {"limit": CONVERSATIONS_PER_HOUR},
    )


# --- Starting conversations ------------------------------------------------------


def _moderator_ids(*, exclude: int | None = None) -> list[int]:
    moderators = get_user_model().objects.filter(
        role__in=[Role.MODERATOR, Role.ADMIN], is_active=True
    )
    if exclude is not None:
        moderators = moderators.exclude(pk=exclude)
    return list(moderators.values_list("pk", flat=True))


def _conversation_create(*, sender, subject: str, body: str, others: list, **fields):
    """The conversation, its members and first message, in the caller's transaction."""
    now = timezone.now()
    conversation = _insert(
        Conversation(subject=subject, created_at=now, last_message_at=now, **fields)
    )
    ConversationMember.objects.bulk_create(
        [
            ConversationMember(
                conversation=conversation, user=sender, joined_at=now, last_read_at=now
            )
        ]
        + [
            ConversationMember(conversation=conversation, user=person, joined_at=now)
            for person in others
        ]
    )
    _insert(Message(conversation=conversation, author=sender, body=body, created_at=now))
    return conversation


def conversation_start(
    *, sender, recipients: Iterable, subject: str, body: str, about: Model | None = None
) -> Conversation:
    """Start a private conversation between `sender` and up to RECIPIENTS_MAX people.

    The relay other apps use to put people in touch: `about` is the thing
    it is about (a need, an offer), shown as "About: <title>" with a link;
    its title and address are kept as they are now. The caller decides
    whether the sender may write about it. Each recipient is notified.
    Raises ValidationError (fields "subject", "body", and NON_FIELD_ERRORS
    for who it goes to and the rate limit); nothing is saved then.
    """
    _check_sender(sender)
    about_values = _about_values(about)
    others, subject, body = _checked(
        lambda: check_recipients(sender=sender, recipients=recipients),
        lambda: check_subject(subject),
        lambda: check_body(body),
    )
    _check_new_conversation_rate(sender)
    with transaction.atomic():
        conversation = _conversation_create(
            sender=sender, subject=subject, body=body, others=others, **about_values
        )
        notify(
            recipients=[person.pk for person in others],
            kind=Kind.MESSAGE,
            message=_("You have a new message: “%(subject)s”") % {"subject": subject},
            url=conversation.get_absolute_url(),
            actor=sender,
            target=conversation,
        )
    return conversation


def conversation_start_with_moderators(*, sender, subject: str, body: str) -> Conversation:
    """Write to the moderators as a group: every moderator is notified and may answer."""
    _check_sender(sender)
    subject, body = _checked(lambda: check_subject(subject), lambda: check_body(body))
    _check_new_conversation_rate(sender)
    with transaction.atomic():
        conversation = _conversation_create(
            sender=sender, subject=subject, body=body, others=[], to_moderators=True
        )
        notify(
            recipients=_moderator_ids(exclude=sender.pk),
            kind=Kind.MESSAGE,
            message=_("A new message to the moderators: “%(subject)s”") % {"subject": subject},
            url=conversation.get_absolute_url(),
            actor=sender,
            target=conversation,
        )
    return conversation


# --- Answering -------------------------------------------------------------------


def _members(conversation: Conversation) -> list[ConversationMember]:
    return list(
        ConversationMember.objects.filter(conversation=conversation, as_moderator=False)
        .select_related("user__profile")
        .order_by("pk")
    )


def _check_can_answer(*, sender, conversation: Conversation, members: list) -> None:
    """Blocks, and someone left to read it: conversations with the moderators have neither."""
    if conversation.to_moderators:
        return
    others = [member.user for member in members if member.user_id != sender.pk]
    _check_no_blocks(sender=sender, others=others)
    if not any(person.is_active for person in others):
        raise _not_for(_("Nobody else in this conversation can get messages now."))


def _readers_to_tell(*, conversation: Conversation, sender, previous, sender_is_member: bool):
    """Who hears of a new message: those who had read everything before it.

    Someone with unread messages here was told already, and is not told
    again until they have read them (ten messages, one notice). In a
    conversation with the moderators, a member's message goes to the
    moderators, and a moderator's answer to the member.
    """
    caught_up = list(
        ConversationMember.objects.filter(conversation=conversation, last_read_at__gte=previous)
        .exclude(user=sender)
        .values_list("user_id", "as_moderator")
    )
    recipients = {user_id for user_id, as_moderator in caught_up if not as_moderator}
    if conversation.to_moderators and sender_is_member:
        # A moderator who never opened it has no reading place: they were told when it started.
        seats = {user_id for user_id, as_moderator in caught_up if as_moderator}
        recipients |= seats & set(_moderator_ids(exclude=sender.pk))
    return recipients


def message_send(*, sender, conversation: Conversation, body: str) -> Message:
    """Add a message to a conversation the sender may answer, and tell the others.

    Http404 for someone who may not read the conversation. ValidationError
    for an unusable message, when a block stands between the people in it,
    when nobody else could read it, or over the rate limit. The
    conversation comes back to the inbox of anyone who had archived it.
    """
    _check_sender(sender)
    check_reply_permission(user=sender, conversation=conversation)
    members = _members(conversation)
    sender_is_member = any(member.user_id == sender.pk for member in members)
    (body,) = _checked(lambda: check_body(body))
    _check_can_answer(sender=sender, conversation=conversation, members=members)
    _check_rate(
        sender=sender,
        action="messaging.message",
        limit=MESSAGES_PER_HOUR,
        message=_(
            "You have sent %(limit)s messages in the last hour, the most allowed. "
            "Nothing was sent: try again later."
        )
        % {"limit": MESSAGES_PER_HOUR},
    )
    with transaction.atomic():
        # One message at a time per conversation, so each sees the one before.
        previous = (
            Conversation.objects.select_for_update()
            .filter(pk=conversation.pk)
            .values_list("last_message_at", flat=True)
            .get()
        )
        now = max(timezone.now(), previous)
        message = _insert(
            Message(conversation=conversation, author=sender, body=body, created_at=now)
        )
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
        conversation.last_message_at = now
        recipients = _readers_to_tell(
            conversation=conversation,
            sender=sender,
            previous=previous,
            sender_is_member=sender_is_member,
        )
        ConversationMember.objects.filter(conversation=conversation).update(archived=False)
        if not ConversationMember.objects.filter(conversation=conversation, user=sender).update(
            last_read_at=now
        ):
            # A moderator answering for the first time: their reading place.
            _insert(
                ConversationMember(
                    conversation=conversation, user=sender, as_moderator=True, last_read_at=now
                )
            )
        if conversation.to_moderators and sender_is_member:
            text = _("A new message to the moderators: “%(subject)s”")
        else:
            text = _("A new message in “%(subject)s”")
        notify(
            recipients=recipients,
            kind=Kind.MESSAGE,
            message=text % {"subject": conversation.subject},
            url=conversation.get_absolute_url(),
            actor=sender,
            target=conversation,
        )
    return message


# --- Reading and archiving --------------------------------------------------------


def conversation_mark_read(*, user, conversation: Conversation) -> bool:
    """Mark the conversation read up to its newest message as loaded. Returns whether it changed.

    Pass the conversation as loaded before its messages were read, so a
    message that came in meanwhile stays unread.
    """
    check_read_permission(user=user, conversation=conversation)
    if getattr(conversation, "is_unread", True) is False:
        return False  # conversation_get_for already knows: no write needed
    upto = conversation.last_message_at
    with transaction.atomic():
        updated = (
            ConversationMember.objects.filter(conversation=conversation, user=user)
            .filter(Q(last_read_at__isnull=True) | Q(last_read_at__lt=upto))
            .update(last_read_at=upto)
        )
        if updated:
            return True
        if not ConversationMember.objects.filter(conversation=conversation, user=user).exists():
            # A moderator opening a conversation with the moderators for the first time.
            _insert(
                ConversationMember(
                    conversation=conversation, user=user, as_moderator=True, last_read_at=upto
                )
            )
            return True
    return False


def _archive_set(*, user, conversation: Conversation, archived: bool) -> bool:
    check_read_permission(user=user, conversation=conversation)
    with transaction.atomic():
        rows = ConversationMember.objects.filter(conversation=conversation, user=user)
        if rows.exclude(archived=archived).update(archived=archived):
            return True
        if archived and not rows.exists():
            _insert(
                ConversationMember(
                    conversation=conversation, user=user, as_moderator=True, archived=True
                )
            )
            return True
    return False


def conversation_archive(*, user, conversation: Conversation) -> bool:
    """Take the conversation out of the person's inbox until its next message."""
    return _archive_set(user=user, conversation=conversation, archived=True)


def conversation_unarchive(*, user, conversation: Conversation) -> bool:
    """Put an archived conversation back in the person's inbox."""
    return _archive_set(user=user, conversation=conversation, archived=False)


# --- Blocking -------------------------------------------------------------------


def block_create(*, blocker, blocked) -> bool:
    """Stop `blocked` sending messages to `blocker`. Returns False if it was blocked already.

    Silent: the blocked person is not told, and what they may see when they
    try to write is the same as for anyone who cannot be written to.
    """
    if not is_signed_in(blocker):
        raise PermissionDenied(_("Log in to block someone."))
    if blocked is None or blocked.pk is None:
        raise ValidationError(_("Choose who to block."))
    if blocked.pk == blocker.pk:
        raise ValidationError(_("You cannot block yourself."))
    if selectors.is_blocked(blocker=blocker, blocked=blocked):
        return False
    if Block.objects.filter(blocker=blocker).count() >= BLOCKS_MAX:
        raise ValidationError(
            _("You have blocked %(limit)s people, the most allowed. Unblock some first.")
            % {"limit": f"{BLOCKS_MAX:,}"}
        )
    try:
        with transaction.atomic():
            _insert(Block(blocker=blocker, blocked=blocked))
    except IntegrityError:  # blocked twice at once: one block stands
        return False
    return True


def block_delete(*, blocker, blocked) -> bool:
    """Accept messages from `blocked` again. Returns whether there was a block to remove."""
    if not is_signed_in(blocker):
        raise PermissionDenied(_("Log in to change who you block."))
    if blocked is None or blocked.pk is None:
        return False
    with transaction.atomic():
        deleted, _rows = Block.objects.filter(blocker=blocker, blocked_id=blocked.pk).delete()
    return bool(deleted)
