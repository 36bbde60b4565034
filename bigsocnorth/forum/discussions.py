"""Discussion of anything: a topic about an entry, a story, a cut or a gathering.

A thing has at most one discussion (a unique constraint on the topic's
subject), started by the first person who writes under it, in the
"Discussions" category. Its owners (whoever may edit it) can turn
discussion off: the existing topic stays readable but takes no replies.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from bigsocnorth.forum.models import Category, DiscussionOff, Topic
from bigsocnorth.forum.sections import can_turn_discussion_off, discussion_is_off
from bigsocnorth.forum.selectors import discussion_for
from bigsocnorth.forum.services import post_create, topic_create
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.moderation.registry import title_for

DISCUSSIONS_SLUG = "discussions"


def discussions_category() -> Category:
    category = Category.objects.filter(slug=DISCUSSIONS_SLUG).first()
    if category is not None:
        return category
    try:
        with transaction.atomic():
            return Category.objects.create(
                name=_("Discussions"),
                slug=DISCUSSIONS_SLUG,
                description=_("Conversations about groups, stories and threats on this site."),
                position=900,
            )
    except IntegrityError:
        return Category.objects.get(slug=DISCUSSIONS_SLUG)


def discussion_post(*, author, subject, body: str):
    """Write under a thing: the first post starts its discussion, later ones reply to it."""
    if subject is None or not is_public(subject):
        raise ValidationError(_("This is not shown, so it cannot be discussed."))
    topic = discussion_for(subject)
    if discussion_is_off(subject):
        raise ValidationError(_("Discussion of this is turned off."))
    if topic is not None:
        return post_create(author=author, topic=topic, body=body)
    title = Truncator(title_for(subject)).chars(Topic.TITLE_MAX - 2)
    try:
        topic = topic_create(
            author=author,
            category=discussions_category(),
            title=title,
            body=body,
            local_authority=getattr(subject, "local_authority", None),
            subject=subject,
        )
    except ValidationError as error:
        # Two people started it at once: the other topic exists now; reply to it.
        topic = discussion_for(subject)
        if topic is None:
            raise
        if "already has a discussion" not in " ".join(error.messages):
            raise
        return post_create(author=author, topic=topic, body=body)
    return topic.posts.get(number=1)


def discussion_switch(*, actor, subject, on: bool) -> None:
    """Turn a thing's discussion off (the topic is locked) or on again."""
    if not can_turn_discussion_off(user=actor, subject=subject):
        raise ValidationError(_("Only the people who look after this can turn its discussion off."))
    content_type = ContentType.objects.get_for_model(subject)
    with transaction.atomic():
        if on:
            DiscussionOff.objects.filter(content_type=content_type, object_id=subject.pk).delete()
        else:
            DiscussionOff.objects.get_or_create(
                content_type=content_type,
                object_id=subject.pk,
                defaults={"turned_off_by": actor},
            )
        topic = discussion_for(subject)
        if topic is not None:
            Topic.objects.filter(pk=topic.pk).update(locked_at=None if on else timezone.now())
    from bigsocnorth.core.pagecache import forget_pages

    forget_pages()
