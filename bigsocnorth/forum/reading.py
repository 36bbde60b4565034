"""Each member's reading: how far they have read each topic, and how much they hear of it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from bigsocnorth.forum.models import Category, CategoryWatch, Level, Topic, TopicRead, TopicWatch


def topic_read_mark(*, user, topic: Topic, number: int) -> None:
    """Remember that the member has read up to post `number`; a position never moves back."""
    if not user.is_authenticated or number <= 0:
        return
    number = min(number, topic.last_public_number or number)
    updated = (
        TopicRead.objects.filter(user=user, topic=topic)
        .filter(Q(last_read_number__lt=number))
        .update(last_read_number=number)
    )
    if updated:
        return
    try:
        with transaction.atomic():
            TopicRead.objects.get_or_create(
                user=user, topic=topic, defaults={"last_read_number": number}
            )
    except IntegrityError:
        pass  # two tabs at once: the other one wrote it


def check_level(level) -> int:
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = -1
    if level not in Level.values:
        raise ValidationError({"level": _("Choose how much you want to hear from the list.")})
    return level


def topic_level_set(*, user, topic: Topic, level) -> None:
    level = check_level(level)
    with transaction.atomic():
        TopicWatch.objects.update_or_create(user=user, topic=topic, defaults={"level": level})


def category_level_set(*, user, category: Category, level) -> None:
    level = check_level(level)
    with transaction.atomic():
        if level == Level.NORMAL:
            CategoryWatch.objects.filter(user=user, category=category).delete()
        else:
            CategoryWatch.objects.update_or_create(
                user=user, category=category, defaults={"level": level}
            )


def topic_track_on_posting(*, user, topic: Topic) -> None:
    """Posting in a topic tracks it, unless the member chose a level for it already."""
    TopicWatch.objects.get_or_create(user=user, topic=topic, defaults={"level": Level.TRACKING})
