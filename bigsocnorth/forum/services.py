"""Writes for the forum: topics, posts, edits, likes. Moderators' tools are in moderating.py.

Each public function checks everything first (a ValidationError a person
can act on, before anything is written), then makes its whole change in one
transaction that ends with the content contract's change fan-out.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bigsocnorth.core.tags import tags_check
from bigsocnorth.core.text import without_control_characters
from bigsocnorth.forum.limits import check_post_limits
from bigsocnorth.forum.models import Category, Post, PostLike, PostRevision, Topic
from bigsocnorth.forum.pictures import (
    check_pictures,
    pictures_remove,
    pictures_stored,
    pictures_to_remove,
)
from bigsocnorth.forum.text import post_text_read
from bigsocnorth.moderation import lifecycle
from bigsocnorth.moderation.changes import content_changed
from bigsocnorth.moderation.permissions import is_public, is_visible_to

# A new member's first posts are read by a moderator before they appear.
NEW_MEMBER_REVIEW_POSTS = 2
MENTIONS_MAX = 10
TAGS_MAX = 5


# --- Checks -------------------------------------------------------------------


def check_body(body: str | None) -> str:
    body = without_control_characters(str(body or ""), keep_newlines=True).strip()
    if not body:
        raise ValidationError({"body": _("Write something first: the post is empty.")})
    if len(body) > Post.BODY_MAX:
        raise ValidationError(
            {
                "body": _(
                    "A post can be up to %(max)s characters; this one has %(count)s. "
                    "Shorten it, or split it into two posts."
                )
                % {"max": f"{Post.BODY_MAX:,}", "count": f"{len(body):,}"}
            }
        )
    return body


def check_title(title: str | None) -> str:
    title = " ".join(without_control_characters(str(title or ""), keep_newlines=False).split())
    if len(title) < 5:
        raise ValidationError({"title": _("Give the topic a title of at least 5 characters.")})
    if len(title) > Topic.TITLE_MAX:
        raise ValidationError(
            {
                "title": _("A title can be up to %(max)d characters; this one has %(count)d.")
                % {"max": Topic.TITLE_MAX, "count": len(title)}
            }
        )
    return title


def mentioned_handles(handles: list[str]) -> list[str]:
    """The handles of real people among those written, at most MENTIONS_MAX of them."""
    from bigsocnorth.accounts.models import Profile

    if not handles:
        return []
    # One more than allowed is enough to know there are too many.
    found = list(
        Profile.objects.filter(handle__in=handles[:500], user__is_active=True).values_list(
            "handle", flat=True
        )
    )
    if len(found) > MENTIONS_MAX:
        raise ValidationError(
            {
                "body": _(
                    "A post can mention up to %(max)d people; this one mentions %(count)d. "
                    "To reach a whole group, start a topic in its category."
                )
                % {"max": MENTIONS_MAX, "count": len(found)}
            }
        )
    return [handle for handle in handles if handle in set(found)]


def check_quotes(*, quoted_post_ids: list[int], author) -> None:
    if not quoted_post_ids:
        return
    shown = set(
        Post.objects.public().filter(pk__in=quoted_post_ids[:100]).values_list("pk", flat=True)
    )
    if any(post_id not in shown for post_id in quoted_post_ids):
        raise ValidationError(
            {
                "body": _(
                    "You quoted a post that is no longer shown. Remove that quote and send "
                    "your post again."
                )
            }
        )


def check_can_reply(*, user, topic: Topic) -> None:
    if not user.is_authenticated:
        raise ValidationError(_("Log in to reply."))
    if not is_visible_to(user=user, obj=topic):
        raise ValidationError(_("This topic is not shown, so it cannot be replied to."))
    if user.is_moderator:
        return
    if topic.is_closed:
        raise ValidationError(
            _("This topic is closed: its conclusions are at the top. Start a new topic to go on.")
        )
    if topic.is_locked:
        raise ValidationError(_("This topic is locked by a moderator: replies are turned off."))


def _checked_text(*, body: str, author, new_topic: bool = False):
    body = check_body(body)
    text = post_text_read(body)
    handles = mentioned_handles(text.handles)
    check_quotes(quoted_post_ids=text.quoted_post_ids, author=author)
    check_post_limits(user=author, link_count=text.link_count, new_topic=new_topic)
    return body, text, handles


def _checked_text_and_pictures(*, body: str, author, pictures):
    """The text and the pictures checked together, so a person sees every problem at once."""
    if not pictures:
        return (*_checked_text(body=body, author=author), [])
    errors: dict[str, list[str]] = {}
    checked_text = checked = None
    try:
        checked_text = _checked_text(body=body, author=author)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            errors.update(error.message_dict)
        else:
            errors["__all__"] = error.messages
    try:
        checked = check_pictures(user=author, pictures=pictures)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return (*checked_text, checked)


def _slug(title: str) -> str:
    return (slugify(title)[:170].strip("-")) or "topic"


# --- Topics and posts ---------------------------------------------------------


def topic_create(
    *,
    author,
    category: Category | None,
    title: str,
    body: str,
    tags: str = "",
    local_authority=None,
    subject=None,
    pictures=(),
) -> Topic:
    """A new topic with its opening post; in review for a new member's first posts.

    `pictures`: the opening post's, as forum.pictures.check_pictures takes them.
    """
    errors = {}
    try:
        title = check_title(title)
    except ValidationError as error:
        errors.update(error.message_dict)
    if category is None or not Category.objects.filter(pk=category.pk).exists():
        errors["category"] = [_("Choose a category for the topic.")]
    try:
        tags = tags_check(tags, max_count=TAGS_MAX, max_total=500)
    except ValidationError as error:
        errors["tags"] = error.messages
    try:
        body, text, handles = _checked_text(body=body, author=author, new_topic=True)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            errors.update(error.message_dict)
        else:
            errors.setdefault("__all__", []).extend(error.messages)
    try:
        checked = check_pictures(user=author, pictures=pictures)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    topic = Topic(
        author=author,
        category=category,
        title=title,
        slug=_slug(title),
        tags=tags,
        local_authority=local_authority,
        numbers_given=1,
        last_posted_at=now,
        last_poster=author,
    )
    if subject is not None:
        topic.subject = subject
    post = Post(
        author=author,
        number=1,
        body=body,
        mentions=handles,
        site_paths=text.site_paths[:20],
    )
    with pictures_stored(checked) as attach, transaction.atomic():
        lifecycle.status_stamp(
            topic, lifecycle.initial_status(author=author, review_count=NEW_MEMBER_REVIEW_POSTS)
        )
        try:
            with transaction.atomic():
                topic.save()
        except IntegrityError as error:
            raise ValidationError(_("This already has a discussion.")) from error
        post.topic = topic
        # The opening post is public exactly when its topic is.
        lifecycle.stamp_public(post)
        post.save()
        attach(post)
        content_changed(post, previous_status=None)
        content_changed(topic, previous_status=None)
    return topic


def post_create(
    *,
    author,
    topic: Topic,
    body: str,
    reply_to: Post | None = None,
    by_email: bool = False,
    pictures=(),
) -> Post:
    """A reply in a topic, numbered after the last one; in review for a new member's first."""
    check_can_reply(user=author, topic=topic)
    if reply_to is not None and (reply_to.topic_id != topic.pk or not is_public(reply_to)):
        raise ValidationError(_("The post you are replying to is no longer shown in this topic."))
    body, text, handles, checked = _checked_text_and_pictures(
        body=body, author=author, pictures=pictures
    )
    with pictures_stored(checked) as attach, transaction.atomic():
        # The topic row is the lock that numbers posts one after another.
        locked = Topic.objects.select_for_update().get(pk=topic.pk)
        number = locked.numbers_given + 1
        Topic.objects.filter(pk=topic.pk).update(numbers_given=number)
        topic.numbers_given = number
        post = Post(
            topic=topic,
            author=author,
            number=number,
            body=body,
            reply_to=reply_to,
            mentions=handles,
            site_paths=text.site_paths[:20],
            by_email=by_email,
        )
        lifecycle.status_stamp(
            post, lifecycle.initial_status(author=author, review_count=NEW_MEMBER_REVIEW_POSTS)
        )
        post.save()
        attach(post)
        content_changed(post, previous_status=None)
    return post


def check_edit_permission(*, user, post: Post) -> None:
    from bigsocnorth.forum.permissions import can_edit_post

    if not can_edit_post(user=user, post=post):
        raise ValidationError(_("Only the person who wrote a post, or a moderator, can edit it."))


def post_edit(*, actor, post: Post, body: str, pictures=(), remove_pictures=()) -> Post:
    """Change a post's text, keeping the text it had in its history; add or remove pictures.

    `remove_pictures`: ids of the post's pictures to take away (others are
    ignored). Pictures are not text: changing only them adds nothing to
    the history and does not mark the post "edited".
    """
    check_edit_permission(user=actor, post=post)
    if not actor.is_moderator and post.topic.is_locked:
        raise ValidationError(_("This topic is locked by a moderator: posts cannot be edited."))
    errors: dict[str, list[str]] = {}
    try:
        body = check_body(body)
    except ValidationError as error:
        errors.update(error.message_dict)
    removed = pictures_to_remove(post=post, ids=remove_pictures)
    checked = []
    if pictures:
        kept = post.pictures.count() - len(removed)
        try:
            checked = check_pictures(user=actor, pictures=pictures, kept=kept)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    text_changed = body != post.body
    if not (text_changed or checked or removed):
        return post
    if text_changed:
        text = post_text_read(body)
        handles = mentioned_handles(text.handles)
        check_quotes(quoted_post_ids=text.quoted_post_ids, author=actor)
    now = timezone.now()
    with pictures_stored(checked) as attach, transaction.atomic():
        if text_changed:
            PostRevision.objects.create(post=post, body=post.body, edited_by=actor, replaced_at=now)
            post.body = body
            post.mentions = handles
            post.site_paths = text.site_paths[:20]
            post.edited_at = now
            post.edit_count = F("edit_count") + 1
            post.save(
                update_fields=[
                    "body",
                    "mentions",
                    "site_paths",
                    "edited_at",
                    "edit_count",
                    "updated_at",
                ]
            )
            post.refresh_from_db(fields=["edit_count"])
        else:
            post.save(update_fields=["updated_at"])
        pictures_remove(removed)
        attach(post)
        content_changed(post, previous_status=post.status)
    return post


def post_like(*, user, post: Post) -> bool:
    """Like a post once; True when the like is new. Liking your own post is not offered."""
    if not user.is_authenticated:
        raise ValidationError(_("Log in to like posts."))
    if not is_public(post) or not is_public(post.topic):
        raise ValidationError(_("This post is no longer shown."))
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot like your own post."))
    try:
        with transaction.atomic():
            PostLike.objects.create(post=post, user=user)
            _likes_refresh(post)
            from bigsocnorth.forum.notices import post_liked_notify

            post_liked_notify(post=post, liker=user)
    except IntegrityError:
        return False
    return True


def post_unlike(*, user, post: Post) -> bool:
    with transaction.atomic():
        deleted, _rows = PostLike.objects.filter(post=post, user=user).delete()
        if deleted:
            _likes_refresh(post)
    return bool(deleted)


def _likes_refresh(post: Post) -> None:
    Post.objects.filter(pk=post.pk).update(like_count=post.likes.count())
    post.refresh_from_db(fields=["like_count"])
    topic_counts_refresh(post.topic)


# --- What the lists read, kept on the topic and the category --------------------


def topic_counts_refresh(topic: Topic) -> None:
    """Recount a topic's public posts and likes, its last post and its score."""
    posts = Post.objects.filter(topic=topic, status="published")
    figures = posts.aggregate(count=Count("pk"), last=Max("number"), likes=Sum("like_count"))
    last = posts.order_by("-number").values("created_at", "author_id").first()
    count = figures["count"] or 0
    likes = figures["likes"] or 0
    Topic.objects.filter(pk=topic.pk).update(
        post_count=count,
        last_public_number=figures["last"] or 0,
        like_count=likes,
        score=max(0, count - 1) + likes,
        last_posted_at=last["created_at"] if last else topic.created_at,
        last_poster_id=last["author_id"] if last else topic.author_id,
    )
    topic.refresh_from_db(
        fields=["post_count", "last_public_number", "like_count", "score", "last_posted_at"]
    )
    Category.objects.filter(pk=topic.category_id).filter(
        last_posted_at__lt=topic.last_posted_at
    ).update(last_posted_at=topic.last_posted_at)
    Category.objects.filter(pk=topic.category_id, last_posted_at__isnull=True).update(
        last_posted_at=topic.last_posted_at
    )


def reply_counted(post: Post) -> None:
    """Add a new public reply to what its topic keeps, in one UPDATE.

    Called in the transaction that numbered the post under the topic's lock,
    so it is the topic's last. A topic whose opening post is not counted (in
    review) is recounted instead, so the figures stay those of a recount.
    """
    topic = post.topic
    added = Topic.objects.filter(pk=topic.pk, post_count__gte=1).update(
        post_count=F("post_count") + 1,
        score=F("score") + 1,
        last_public_number=post.number,
        last_posted_at=post.created_at,
        last_poster_id=post.author_id,
    )
    if not added:
        topic_counts_refresh(topic)
        return
    topic.refresh_from_db(fields=["post_count", "score", "last_public_number", "last_posted_at"])
    topic.last_poster_id = post.author_id
    Category.objects.filter(
        Q(last_posted_at__lt=post.created_at) | Q(last_posted_at__isnull=True),
        pk=topic.category_id,
    ).update(last_posted_at=post.created_at)


def category_counts_refresh(category_id: int) -> None:
    """Recount a category's public topics (when a topic appears, goes or moves)."""
    topics = Topic.objects.public().filter(category_id=category_id)
    Category.objects.filter(pk=category_id).update(
        topic_count=topics.count(),
        last_posted_at=topics.aggregate(last=Max("last_posted_at"))["last"],
    )
