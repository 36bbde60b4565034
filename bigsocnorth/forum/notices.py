"""What the forum tells people: replies to them, mentions, quotes, likes, watched topics.

Called from the change hooks (content.py) inside the change's transaction,
each notice at most once (an announcement claim per post). Each person
hears of a post once, by the most specific reason: a reply to them, then a
mention, then a quote, then watching. Nobody hears from a topic or
category they muted, nor from someone they blocked.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bigsocnorth.forum.models import CategoryWatch, Level, Post, PostLike, Topic, TopicWatch
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.notifications.services import (
    announcement_claim,
    notify,
    notify_followers_each_once,
    notify_gathered,
)


class Kind:
    REPLY = "forum.reply"
    MENTION = "forum.mention"
    QUOTE = "forum.quote"
    POST = "forum.post"  # a new post in a watched topic or category
    TOPIC = "forum.topic"  # a new topic in a watched category, area or region
    LIKE = "forum.like"
    DISCUSSION = "forum.discussion"  # a discussion opened about your entry, story, cut…


# Every kind whose email can be answered to reply in the topic.
REPLYABLE_KINDS = (Kind.REPLY, Kind.MENTION, Kind.QUOTE, Kind.POST, Kind.TOPIC)


def _muted(topic: Topic) -> set[int]:
    """People who muted this topic, or its category without choosing a level for the topic."""
    topic_levels = dict(TopicWatch.objects.filter(topic=topic).values_list("user_id", "level"))
    muted = {user_id for user_id, level in topic_levels.items() if level == Level.MUTED}
    muted |= {
        user_id
        for user_id in CategoryWatch.objects.filter(
            category_id=topic.category_id, level=Level.MUTED
        ).values_list("user_id", flat=True)
        if user_id not in topic_levels
    }
    return muted


def _blocking(author_id: int | None) -> set[int]:
    """People who blocked the author: they hear nothing of what the author writes."""
    if author_id is None or not apps.is_installed("bigsocnorth.messaging"):
        return set()
    from bigsocnorth.messaging.models import Block

    return set(Block.objects.filter(blocked_id=author_id).values_list("blocker_id", flat=True))


def _watchers(topic: Topic) -> set[int]:
    topic_levels = dict(TopicWatch.objects.filter(topic=topic).values_list("user_id", "level"))
    watching = {user_id for user_id, level in topic_levels.items() if level == Level.WATCHING}
    watching |= {
        user_id
        for user_id in CategoryWatch.objects.filter(
            category_id=topic.category_id, level=Level.WATCHING
        ).values_list("user_id", flat=True)
        if user_id not in topic_levels
    }
    return watching


def _mentioned_ids(post: Post) -> list[int]:
    from bigsocnorth.accounts.models import Profile

    if not post.mentions:
        return []
    return list(Profile.objects.filter(handle__in=post.mentions).values_list("user_id", flat=True))


def _quoted_author_ids(post: Post) -> list[int]:
    from bigsocnorth.forum.text import post_text_read

    quoted = post_text_read(post.body).quoted_post_ids
    if not quoted:
        return []
    return list(
        Post.objects.public()
        .filter(pk__in=quoted, author__isnull=False)
        .values_list("author_id", flat=True)
    )


def _tell(recipients, *, told: set[int], kind: str, message: str, post: Post, actor) -> int:
    recipients = set(recipients) - told
    if not recipients:
        return 0
    told |= recipients
    return len(
        notify(
            recipients=recipients,
            kind=kind,
            message=message,
            url=post.get_absolute_url(),
            actor=actor,
            target=post.topic,
        )
    )


def post_published_notify(*, post: Post) -> int:
    """A reply that became public, once: the person answered, mentioned, quoted, and watchers."""
    topic = post.topic
    if not is_public(topic) or not announcement_claim(key=Kind.POST, target=post):
        return 0
    actor = post.author
    told = {post.author_id} | _muted(topic) | _blocking(post.author_id)
    values = {"title": topic.title}
    # Most specific reason first: a person answered and mentioned hears once, of the answer.
    reasons = []
    reply_to = post.reply_to
    if reply_to is not None and reply_to.author_id and is_public(reply_to):
        reasons.append(([reply_to.author_id], Kind.REPLY, _("A reply to your post in “%(title)s”")))
    reasons += [
        (_mentioned_ids(post), Kind.MENTION, _("You were mentioned in “%(title)s”")),
        (_quoted_author_ids(post), Kind.QUOTE, _("Your post was quoted in “%(title)s”")),
        (_watchers(topic), Kind.POST, _("A new post in “%(title)s”")),
    ]
    return sum(
        _tell(ids, told=told, kind=kind, message=message % values, post=post, actor=actor)
        for ids, kind, message in reasons
    )


def topic_published_notify(*, topic: Topic, opening: Post) -> int:
    """A new topic that became public, once: people mentioned, category watchers, and
    followers of its area; for a discussion, the author of what it discusses."""
    if not announcement_claim(key=Kind.TOPIC, target=topic):
        return 0
    actor = topic.author
    told = {topic.author_id} | _blocking(topic.author_id)
    told |= set(
        CategoryWatch.objects.filter(category_id=topic.category_id, level=Level.MUTED).values_list(
            "user_id", flat=True
        )
    )
    values = {"title": topic.title, "category": topic.category.name}
    count = _tell(
        _mentioned_ids(opening),
        told=told,
        kind=Kind.MENTION,
        message=_("You were mentioned in “%(title)s”") % values,
        post=opening,
        actor=actor,
    )
    subject = topic.subject if topic.subject_id else None
    subject_author = getattr(subject, "author_id", None) if subject is not None else None
    if subject_author:
        count += _tell(
            [subject_author],
            told=told,
            kind=Kind.DISCUSSION,
            message=_("A discussion started about “%(title)s”")
            % {"title": str(getattr(subject, "title", None) or getattr(subject, "name", subject))},
            post=opening,
            actor=actor,
        )
    count += _tell(
        CategoryWatch.objects.filter(
            category_id=topic.category_id, level=Level.WATCHING
        ).values_list("user_id", flat=True),
        told=told,
        kind=Kind.TOPIC,
        message=_("A new topic in %(category)s: “%(title)s”") % values,
        post=opening,
        actor=actor,
    )
    if topic.local_authority_id:
        places = [topic.local_authority, topic.local_authority.region]
    elif topic.category.region_id:
        places = [topic.category.region]
    else:
        places = []
    groups = [
        (
            place,
            _("A new forum topic in %(where)s: “%(title)s”")
            % {"where": getattr(place, "name_in_sentence", place.name), "title": topic.title},
        )
        for place in places
    ]
    if groups:
        count += notify_followers_each_once(
            groups=groups,
            kind=Kind.TOPIC,
            url=topic.get_absolute_url(),
            actor=actor,
            target=topic,
            told=told,
        )
    return count


def post_liked_notify(*, post: Post, liker) -> None:
    """Likes gather into one notice per post while it is unread: "Ann and 2 others liked…"."""
    if not post.author_id or post.author_id in _blocking(liker.pk) | _muted(post.topic):
        # `_blocking(liker)` is who blocked the liker.
        return
    count = PostLike.objects.filter(post=post).count()
    message = ngettext(
        "Your post in “%(title)s” was liked",
        "Your post in “%(title)s” was liked by %(count)d people",
        count,
    ) % {"count": count, "title": post.topic.title}
    notify_gathered(
        recipient=post.author_id,
        kind=Kind.LIKE,
        message=message,
        url=post.get_absolute_url(),
        actor=liker,
        target=post,
    )
