"""Who hears of a post: the person answered, mentioned or quoted, watchers; never the muted."""

from __future__ import annotations

import pytest

from bigsocnorth.forum import reading, services
from bigsocnorth.forum.models import Level
from bigsocnorth.forum.text import quote_block
from bigsocnorth.moderation.services import content_approve
from bigsocnorth.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _kinds():
    return dict(
        Notification.objects.filter(kind__startswith="forum.").values_list("recipient_id", "kind")
    )


def test_each_person_hears_once_by_the_most_specific_reason(topic, moderator, make_trusted):
    ann, bob, cat = make_trusted(), make_trusted(), make_trusted()
    Notification.objects.all().delete()
    reading.topic_level_set(user=cat, topic=topic, level=Level.WATCHING)
    reading.topic_level_set(user=ann, topic=topic, level=Level.WATCHING)
    first = services.post_create(author=ann, topic=topic, body="We share ours.")
    Notification.objects.all().delete()
    body = (
        quote_block(body=first.body, author_name="Ann", post_url=first.get_absolute_url())
        + f"How, @{moderator.profile.handle}?"
    )
    services.post_create(author=bob, topic=topic, body=body, reply_to=first)
    assert _kinds() == {
        ann.pk: "forum.reply",
        moderator.pk: "forum.mention",
        cat.pk: "forum.post",
    }
    assert Notification.objects.filter(kind__startswith="forum.").count() == 3


def test_a_quoted_author_hears_of_it(topic, moderator, make_trusted):
    ann, bob = make_trusted(), make_trusted()
    first = services.post_create(author=ann, topic=topic, body="A thought.")
    Notification.objects.all().delete()
    body = quote_block(body=first.body, author_name="Ann", post_url=first.get_absolute_url())
    services.post_create(author=bob, topic=topic, body=body + "Agreed.")
    assert _kinds() == {ann.pk: "forum.quote"}


def test_muted_topics_and_categories_say_nothing(topic, moderator, make_trusted):
    ann, bob = make_trusted(), make_trusted()
    first = services.post_create(author=ann, topic=topic, body="A thought.")
    reading.topic_level_set(user=ann, topic=topic, level=Level.MUTED)
    Notification.objects.all().delete()
    services.post_create(author=bob, topic=topic, body="A reply.", reply_to=first)
    assert _kinds() == {}
    reading.category_level_set(user=moderator, category=topic.category, level=Level.MUTED)
    services.post_create(author=bob, topic=topic, body=f"@{moderator.profile.handle} hello")
    assert moderator.pk not in _kinds()


def test_a_post_in_review_tells_nobody_until_it_is_approved_and_then_once(
    topic, moderator, member, make_trusted
):
    ann = make_trusted()
    first = services.post_create(author=ann, topic=topic, body="A thought.")
    Notification.objects.all().delete()
    post = services.post_create(author=member, topic=topic, body="I agree!", reply_to=first)
    assert _kinds() == {}
    content_approve(actor=moderator, content=post)
    assert _kinds() == {ann.pk: "forum.reply"}
    content_approve(actor=moderator, content=post)
    assert Notification.objects.filter(kind="forum.reply").count() == 1


def test_category_watchers_hear_of_new_topics(category, moderator, make_trusted):
    ann = make_trusted()
    reading.category_level_set(user=ann, category=category, level=Level.WATCHING)
    Notification.objects.all().delete()
    services.topic_create(
        author=moderator, category=category, title="Fresh ideas wanted", body="Go on."
    )
    assert _kinds() == {ann.pk: "forum.topic"}


def test_a_bad_level_is_refused(topic, make_trusted):
    from django.core.exceptions import ValidationError

    ann = make_trusted()
    for level in ("loud", 99, None, "3; drop table"):
        with pytest.raises(ValidationError):
            reading.topic_level_set(user=ann, topic=topic, level=level)


def test_followers_of_an_area_and_its_region_hear_of_a_new_topic_there_once(
    category, moderator, make_trusted, area
):
    from bigsocnorth.notifications.services import follow_create

    ann, bob = make_trusted(), make_trusted()
    follow_create(user=ann, target=area)
    follow_create(user=bob, target=area.region)
    follow_create(user=bob, target=area)
    Notification.objects.all().delete()
    services.topic_create(
        author=moderator,
        category=category,
        title="Minibus sharing in Sheffield",
        body="Who has one?",
        local_authority=area,
    )
    told = Notification.objects.filter(kind="forum.topic").order_by("recipient_id")
    assert [(n.recipient_id, n.message) for n in told] == [
        (ann.pk, "A new forum topic in Sheffield: “Minibus sharing in Sheffield”"),
        (bob.pk, "A new forum topic in Sheffield: “Minibus sharing in Sheffield”"),
    ]
