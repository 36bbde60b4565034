"""The forum's moderator tools: closing, locking, pinning, moving, splitting and merging topics,
and setting the categories.

Each public function checks that the actor moderates the forum
(PermissionDenied), checks its input (a ValidationError a person can act
on, before anything is written), then makes its whole change in one
transaction: the rows, the topics' counts, the change fan-out (search,
kept pages, the types' hooks) and one row in the audit log.

Splitting and merging renumber posts. They lock the topics' rows first,
the lock `services.post_create` takes to number a reply, so no reply is
numbered while posts move.
"""

from __future__ import annotations

from bisect import bisect_right

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bigsocnorth.core.pagecache import forget_pages
from bigsocnorth.core.text import without_control_characters
from bigsocnorth.forum import services
from bigsocnorth.forum.models import Category, Level, Post, Topic, TopicRead, TopicWatch
from bigsocnorth.forum.permissions import can_moderate_forum
from bigsocnorth.moderation import lifecycle
from bigsocnorth.moderation.changes import content_changed
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.moderation.services import audit_log_write


class Action:
    """What the audit log calls each tool (at most 40 characters)."""

    CLOSE = "forum_close"
    REOPEN = "forum_reopen"
    LOCK = "forum_lock"
    UNLOCK = "forum_unlock"
    PIN = "forum_pin"
    UNPIN = "forum_unpin"
    MOVE = "forum_move"
    SPLIT = "forum_split"
    MERGE = "forum_merge"
    CATEGORY_CREATE = "forum_category_create"
    CATEGORY_UPDATE = "forum_category_update"


POSITION_MAX = 32_767
# Levels that mean "I follow this conversation": they follow it into the topic it is merged into.
FOLLOWING_LEVELS = (Level.TRACKING, Level.WATCHING)


def check_forum_moderator(*, actor) -> None:
    if not can_moderate_forum(user=actor):
        raise PermissionDenied(_("Only the forum's moderators can do this."))


# --- Checks -------------------------------------------------------------------


def check_conclusions(conclusions: str | None) -> str:
    conclusions = without_control_characters(str(conclusions or ""), keep_newlines=True).strip()
    if not conclusions:
        raise ValidationError(
            {
                "conclusions": _(
                    "Write the conclusions: what the topic came to, in a few lines. "
                    "They are shown at the top of the closed topic."
                )
            }
        )
    if len(conclusions) > Topic.CONCLUSIONS_MAX:
        raise ValidationError(
            {
                "conclusions": _(
                    "The conclusions can be up to %(max)s characters; these have %(count)s. "
                    "Shorten them, or link to a longer text."
                )
                % {"max": f"{Topic.CONCLUSIONS_MAX:,}", "count": f"{len(conclusions):,}"}
            }
        )
    return conclusions


def check_category_exists(category: Category | None, *, field: str = "category") -> Category:
    if category is None or category.pk is None:
        raise ValidationError({field: _("Choose a category from the list.")})
    found = Category.objects.filter(pk=category.pk).first()
    if found is None:
        raise ValidationError(
            {field: _("That category no longer exists. Choose another one from the list.")}
        )
    return found


def _locked_topic(topic: Topic) -> Topic:
    """The topic's row, locked until the transaction ends; the instance is brought up to date."""
    fresh = Topic.objects.select_for_update().get(pk=topic.pk)
    topic.numbers_given = fresh.numbers_given
    topic.category_id = fresh.category_id
    return fresh


# --- Closing, locking, pinning ------------------------------------------------


def topic_close(*, actor, topic: Topic, conclusions: str) -> Topic:
    """Close a topic with a summary of what it concluded (Markdown), shown at its top.

    Closing a closed topic again changes its conclusions. Only moderators
    can reply to a closed topic.
    """
    check_forum_moderator(actor=actor)
    conclusions = check_conclusions(conclusions)
    was_closed = topic.is_closed
    if was_closed and conclusions == topic.conclusions:
        raise ValidationError(
            {"conclusions": _("These are the conclusions already shown: change them first.")}
        )
    with transaction.atomic():
        if not was_closed:
            topic.closed_at = timezone.now()
            topic.closed_by = actor
        topic.conclusions = conclusions
        topic.save(update_fields=["closed_at", "closed_by", "conclusions", "updated_at"])
        content_changed(topic, previous_status=topic.status)
        audit_log_write(
            actor=actor,
            action=Action.CLOSE,
            obj=topic,
            details={"conclusions_changed": was_closed, "length": len(conclusions)},
        )
    return topic


def topic_reopen(*, actor, topic: Topic) -> Topic:
    """Open a closed topic to replies again; its conclusions are kept for the next close."""
    check_forum_moderator(actor=actor)
    if not topic.is_closed:
        raise ValidationError(_("This topic is not closed, so there is nothing to reopen."))
    with transaction.atomic():
        closed_at = topic.closed_at
        topic.closed_at = None
        topic.closed_by = None
        topic.save(update_fields=["closed_at", "closed_by", "updated_at"])
        content_changed(topic, previous_status=topic.status)
        audit_log_write(
            actor=actor,
            action=Action.REOPEN,
            obj=topic,
            details={"closed_at": closed_at.isoformat()},
        )
    return topic


def _switch(*, actor, topic: Topic, field: str, on: bool, action: str, already: str) -> Topic:
    check_forum_moderator(actor=actor)
    if (getattr(topic, field) is not None) == on:
        raise ValidationError(already)
    with transaction.atomic():
        setattr(topic, field, timezone.now() if on else None)
        topic.save(update_fields=[field, "updated_at"])
        content_changed(topic, previous_status=topic.status)
        audit_log_write(actor=actor, action=action, obj=topic)
    return topic


def topic_lock(*, actor, topic: Topic) -> Topic:
    """Turn replies off (and editing, for everyone but moderators); the topic stays readable."""
    return _switch(
        actor=actor,
        topic=topic,
        field="locked_at",
        on=True,
        action=Action.LOCK,
        already=_("This topic is locked already."),
    )


def topic_unlock(*, actor, topic: Topic) -> Topic:
    return _switch(
        actor=actor,
        topic=topic,
        field="locked_at",
        on=False,
        action=Action.UNLOCK,
        already=_("This topic is not locked, so there is nothing to unlock."),
    )


def topic_pin(*, actor, topic: Topic) -> Topic:
    """Show a topic above the others in its lists (the most recently pinned first)."""
    return _switch(
        actor=actor,
        topic=topic,
        field="pinned_at",
        on=True,
        action=Action.PIN,
        already=_("This topic is pinned already."),
    )


def topic_unpin(*, actor, topic: Topic) -> Topic:
    return _switch(
        actor=actor,
        topic=topic,
        field="pinned_at",
        on=False,
        action=Action.UNPIN,
        already=_("This topic is not pinned, so there is nothing to unpin."),
    )


# --- Moving -------------------------------------------------------------------


def topic_move(*, actor, topic: Topic, category: Category | None) -> Topic:
    """Move a topic to another category; both categories' counts follow."""
    check_forum_moderator(actor=actor)
    category = check_category_exists(category)
    if category.pk == topic.category_id:
        raise ValidationError(
            {
                "category": _("The topic is in “%(name)s” already. Choose another category.")
                % {"name": category.name}
            }
        )
    with transaction.atomic():
        previous = topic.category
        topic.category = category
        topic.save(update_fields=["category", "updated_at"])
        content_changed(topic, previous_status=topic.status)
        services.category_counts_refresh(previous.pk)
        services.category_counts_refresh(category.pk)
        audit_log_write(
            actor=actor,
            action=Action.MOVE,
            obj=topic,
            details={
                "from": {"id": previous.pk, "name": previous.name},
                "to": {"id": category.pk, "name": category.name},
            },
        )
    return topic


# --- Splitting ----------------------------------------------------------------


def _check_split_input(*, topic: Topic, from_number, title, category) -> tuple[int, str, Category]:
    errors: dict[str, list] = {}
    try:
        from_number = int(from_number)
    except (TypeError, ValueError):
        errors["from_number"] = [_("Give the number of the first post to move, such as 5.")]
    else:
        if from_number <= 1:
            errors["from_number"] = [
                _("The opening post stays with its topic: give the number of a reply, 2 or more.")
            ]
    try:
        title = services.check_title(title)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        category = check_category_exists(category)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return from_number, title, category


def topic_split(*, actor, topic: Topic, from_number, title: str, category: Category) -> Topic:
    """Move the posts numbered `from_number` onward (every one, whatever its status) into a
    new topic, and return it.

    The first post moved opens the new topic, whose author is that post's
    author: it is numbered 1 and the others follow in their order. A post
    answering one that stays keeps its link. The new topic is published,
    as a moderator's new topic is (its category's watchers hear of it),
    even when the old topic is not public; the old topic's numbering goes
    on from its last remaining post. Readers keep their place in both
    topics, and each member's level for the conversation (watching,
    muted…) holds for both.
    """
    check_forum_moderator(actor=actor)
    from_number, title, category = _check_split_input(
        topic=topic, from_number=from_number, title=title, category=category
    )
    with transaction.atomic():
        _locked_topic(topic)
        moving = list(
            Post.objects.filter(topic=topic, number__gte=from_number)
            .select_related("author")
            .order_by("number")
        )
        if not moving:
            last = Post.objects.filter(topic=topic).aggregate(last=Max("number"))["last"] or 1
            raise ValidationError(
                {
                    "from_number": _(
                        "There is no post numbered %(number)d or after in this topic: its last "
                        "post is number %(last)d."
                    )
                    % {"number": from_number, "last": last}
                }
            )
        opening = moving[0]
        if not is_public(opening):
            raise ValidationError(
                {
                    "from_number": _(
                        "Post %(number)d is not shown (it is waiting for review, or hidden), so "
                        "it cannot open a topic. Approve it first, or split from another post."
                    )
                    % {"number": opening.number}
                }
            )
        old_numbers = [post.number for post in moving]
        new_topic = Topic(
            author=opening.author,
            category=category,
            title=title,
            slug=slugify(title)[:170].strip("-") or "topic",
            local_authority_id=topic.local_authority_id,
            numbers_given=len(moving),
            last_posted_at=moving[-1].created_at,
            last_poster=moving[-1].author,
        )
        lifecycle.stamp_public(new_topic)
        new_topic.save()
        for new_number, post in enumerate(moving, start=1):
            post.topic = new_topic
            post.number = new_number
        Post.objects.bulk_update(moving, ["topic", "number"], batch_size=500)

        # The old topic numbers its next reply after its last remaining post.
        remaining = Post.objects.filter(topic=topic).aggregate(last=Max("number"))["last"] or 1
        Topic.objects.filter(pk=topic.pk).update(numbers_given=remaining)
        topic.numbers_given = remaining
        _reads_split(topic=topic, new_topic=new_topic, old_numbers=old_numbers, last=remaining)
        TopicWatch.objects.bulk_create(
            [
                TopicWatch(user_id=user_id, topic=new_topic, level=level)
                for user_id, level in TopicWatch.objects.filter(topic=topic).values_list(
                    "user_id", "level"
                )
            ],
            ignore_conflicts=True,
        )
        forget_pages()

        services.topic_counts_refresh(new_topic)
        content_changed(new_topic, previous_status=None)
        services.topic_counts_refresh(topic)
        content_changed(topic, previous_status=topic.status)
        services.category_counts_refresh(topic.category_id)
        services.category_counts_refresh(category.pk)
        audit_log_write(
            actor=actor,
            action=Action.SPLIT,
            obj=topic,
            details={
                "from_number": from_number,
                "posts_moved": len(moving),
                "new_topic": {"id": new_topic.pk, "title": new_topic.title},
            },
        )
    return new_topic


def _reads_split(*, topic: Topic, new_topic: Topic, old_numbers: list[int], last: int) -> None:
    """Who had read into the moved posts has read as far in the new topic; nobody has read
    past the old topic's last post."""
    reads = list(
        TopicRead.objects.filter(topic=topic, last_read_number__gte=old_numbers[0]).values_list(
            "user_id", "last_read_number"
        )
    )
    TopicRead.objects.bulk_create(
        [
            TopicRead(
                user_id=user_id,
                topic=new_topic,
                last_read_number=bisect_right(old_numbers, read),
            )
            for user_id, read in reads
        ],
        ignore_conflicts=True,
    )
    TopicRead.objects.filter(topic=topic, last_read_number__gt=last).update(last_read_number=last)


# --- Merging ------------------------------------------------------------------


def topic_merge(*, actor, source: Topic, target: Topic | None) -> Topic:
    """Move every post of `source` to the end of `target`, in their order, then hide `source`
    with a reason naming `target`; returns `target`.

    Members who followed the source (tracking or watching it) follow the
    target, unless they chose a level for it already; members who had read
    in the source find the target among their unread topics. A discussion
    of something (an entry, a story…) stays one: when the target discusses
    nothing, it becomes the discussion the source was.

    Posts keep their own status, so the published posts of a source that
    was not public (a new member's topic in review) are public in the
    target: merging is the moderator's decision to show them.
    """
    check_forum_moderator(actor=actor)
    if target is None or target.pk is None or not Topic.objects.filter(pk=target.pk).exists():
        raise ValidationError(
            {"target": _("There is no topic at that address. Copy the address of the topic.")}
        )
    if source.pk == target.pk:
        raise ValidationError(
            {"target": _("A topic cannot be merged into itself. Give another topic's address.")}
        )
    if not is_public(target):
        raise ValidationError(
            {
                "target": _(
                    "“%(title)s” is not public (waiting for review, hidden or archived). "
                    "Merge into a public topic, or restore that one first."
                )
                % {"title": target.title}
            }
        )
    with transaction.atomic():
        # Both rows, always in the same order, so two merges cannot wait on each other.
        for topic in sorted((source, target), key=lambda topic: topic.pk):
            _locked_topic(topic)
        moving = list(Post.objects.filter(topic=source).order_by("number"))
        first_number = target.numbers_given + 1
        for new_number, post in enumerate(moving, start=first_number):
            post.topic = target
            post.number = new_number
        Post.objects.bulk_update(moving, ["topic", "number"], batch_size=500)
        if moving:
            target.numbers_given = moving[-1].number
            Topic.objects.filter(pk=target.pk).update(numbers_given=target.numbers_given)
        Topic.objects.filter(pk=source.pk).update(numbers_given=0)
        source.numbers_given = 0
        _follows_merge(source=source, target=target)
        if source.subject_type_id is not None and target.subject_type_id is None:
            subject_type_id, subject_id = source.subject_type_id, source.subject_id
            Topic.objects.filter(pk=source.pk).update(subject_type=None, subject_id=None)
            Topic.objects.filter(pk=target.pk).update(
                subject_type_id=subject_type_id, subject_id=subject_id
            )
            source.subject_type_id = source.subject_id = None
            target.subject_type_id, target.subject_id = subject_type_id, subject_id
        forget_pages()

        services.topic_counts_refresh(source)
        lifecycle.hide(
            source,
            reason=_("Merged into “%(title)s” (%(url)s).")
            % {"title": target.title, "url": target.get_absolute_url()},
        )
        services.topic_counts_refresh(target)
        content_changed(target, previous_status=target.status)
        services.category_counts_refresh(source.category_id)
        services.category_counts_refresh(target.category_id)
        audit_log_write(
            actor=actor,
            action=Action.MERGE,
            obj=source,
            details={
                "into": {"id": target.pk, "title": target.title},
                "posts_moved": len(moving),
                "first_number": first_number if moving else None,
            },
        )
    return target


def _follows_merge(*, source: Topic, target: Topic) -> None:
    following = TopicWatch.objects.filter(topic=source, level__in=FOLLOWING_LEVELS)
    TopicWatch.objects.bulk_create(
        [
            TopicWatch(user_id=user_id, topic=target, level=level)
            for user_id, level in following.values_list("user_id", "level")
        ],
        ignore_conflicts=True,
    )
    TopicWatch.objects.filter(topic=source).delete()
    # Their place in the source means nothing in the target: the whole target is
    # unread for them, so it is in their unread list and opens at its first post.
    TopicRead.objects.bulk_create(
        [
            TopicRead(user_id=user_id, topic=target, last_read_number=0)
            for user_id in TopicRead.objects.filter(topic=source).values_list("user_id", flat=True)
        ],
        ignore_conflicts=True,
    )
    TopicRead.objects.filter(topic=source).delete()


# --- Categories ---------------------------------------------------------------


def check_category_fields(
    *, category: Category | None, name, slug, description, position, region
) -> dict:
    """The cleaned values, or a ValidationError naming each problem's field."""
    from bigsocnorth.places.models import Region

    errors: dict[str, list] = {}
    name = " ".join(without_control_characters(str(name or ""), keep_newlines=False).split())
    if len(name) < 2:
        errors["name"] = [_("Give the category a name of at least 2 characters.")]
    elif len(name) > Category.NAME_MAX:
        errors["name"] = [
            _("A name can be up to %(max)d characters; this one has %(count)d.")
            % {"max": Category.NAME_MAX, "count": len(name)}
        ]
    slug = str(slug or "").strip().lower() or slugify(name)[:90].strip("-")
    slug_field = Category._meta.get_field("slug")
    try:
        validate_slug(slug)
    except ValidationError:
        errors["slug"] = [
            _(
                "Use only lower-case letters, numbers and hyphens in the web address name, "
                "such as “housing-and-homes”."
            )
        ]
    else:
        if len(slug) > slug_field.max_length:
            errors["slug"] = [
                _("A web address name can be up to %(max)d characters; this one has %(count)d.")
                % {"max": slug_field.max_length, "count": len(slug)}
            ]
    description = " ".join(
        without_control_characters(str(description or ""), keep_newlines=True).split()
    )
    if len(description) > Category.DESCRIPTION_MAX:
        errors["description"] = [
            _("The description can be up to %(max)d characters; this one has %(count)d.")
            % {"max": Category.DESCRIPTION_MAX, "count": len(description)}
        ]
    try:
        position = int(position if position not in (None, "") else 100)
    except (TypeError, ValueError):
        position = -1
    if not 0 <= position <= POSITION_MAX:
        errors["position"] = [
            _("Give a whole number from 0 to %(max)d: lower numbers come first.")
            % {"max": POSITION_MAX}
        ]
    if region is not None and (
        region.pk is None or not Region.objects.filter(pk=region.pk).exists()
    ):
        errors["region"] = [_("That region is not in the list. Choose one, or none.")]
    others = Category.objects.all()
    if category is not None:
        others = others.exclude(pk=category.pk)
    if "name" not in errors:
        same_name = others.filter(name__iexact=name).first()
        if same_name is not None:
            errors["name"] = [
                _("There is a category called “%(name)s” already. Choose another name.")
                % {"name": same_name.name}
            ]
    if "slug" not in errors and others.filter(slug=slug).exists():
        errors["slug"] = [
            _(
                "Another category has the web address name “%(slug)s”. Choose another one, "
                "such as “%(slug)s-2”."
            )
            % {"slug": slug}
        ]
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "slug": slug,
        "description": description,
        "position": position,
        "region": region,
    }


def _category_save(category: Category) -> None:
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError as error:
        # Someone saved the same name or web address name a moment ago.
        raise ValidationError(
            {"name": _("A category with this name or web address name was saved just now.")}
        ) from error


def category_create(
    *, actor, name: str, slug: str = "", description: str = "", position=100, region=None
) -> Category:
    """A new forum category; the web address name is made from the name when left empty."""
    check_forum_moderator(actor=actor)
    fields = check_category_fields(
        category=None,
        name=name,
        slug=slug,
        description=description,
        position=position,
        region=region,
    )
    with transaction.atomic():
        category = Category(**fields)
        _category_save(category)
        forget_pages()
        audit_log_write(
            actor=actor,
            action=Action.CATEGORY_CREATE,
            obj=category,
            details={"name": category.name, "slug": category.slug},
        )
    return category


def category_update(
    *,
    actor,
    category: Category,
    name: str,
    slug: str,
    description: str = "",
    position=100,
    region=None,
) -> Category:
    """Change a category; its topics' search entries follow a new name or web address name."""
    check_forum_moderator(actor=actor)
    fields = check_category_fields(
        category=category,
        name=name,
        slug=slug,
        description=description,
        position=position,
        region=region,
    )
    changed = {
        field: [str(getattr(category, field)), str(value)]
        for field, value in fields.items()
        if getattr(category, field) != value
    }
    if not changed:
        return category
    with transaction.atomic():
        for field, value in fields.items():
            setattr(category, field, value)
        _category_save(category)
        forget_pages()
        if "name" in changed or "slug" in changed:
            # Search files each topic under its category's name and web address name.
            for topic in Topic.objects.public().filter(category=category).iterator():
                content_changed(topic, previous_status=topic.status)
        audit_log_write(
            actor=actor, action=Action.CATEGORY_UPDATE, obj=category, details={"changed": changed}
        )
    return category
