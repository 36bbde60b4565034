"""The lists a member reads: unread, new, pinned; and what a reply adds to its topic."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bigsocnorth.forum import reading, selectors, services
from bigsocnorth.forum.models import Category, Level, Topic
from bigsocnorth.moderation.services import content_hide

pytestmark = pytest.mark.django_db


def _topic(author, category, title):
    return services.topic_create(author=author, category=category, title=title, body="Hello.")


def _figures(topic):
    topic.refresh_from_db()
    return (
        topic.post_count,
        topic.last_public_number,
        topic.like_count,
        topic.score,
        topic.last_posted_at,
        topic.last_poster_id,
    )


def test_unread_lists_topics_with_posts_beyond_where_the_member_read(
    category, moderator, make_trusted
):
    ann = make_trusted()
    other = Category.objects.create(name="Funding and cuts", slug="funding", position=20)
    behind = _topic(moderator, category, "Behind on this one")
    up_to_date = _topic(moderator, category, "Read to the end")
    muted_topic = _topic(moderator, category, "Muted topic")
    in_muted_category = _topic(moderator, other, "In a muted category")
    hidden_later = _topic(moderator, category, "Hidden later")
    never_opened = _topic(moderator, category, "Never opened")
    for topic in (behind, up_to_date, muted_topic, in_muted_category, hidden_later):
        reading.topic_read_mark(user=ann, topic=topic, number=1)
    for topic in (behind, muted_topic, in_muted_category, hidden_later, never_opened):
        services.post_create(author=moderator, topic=topic, body="A new reply.")
    reading.topic_level_set(user=ann, topic=muted_topic, level=Level.MUTED)
    reading.category_level_set(user=ann, category=other, level=Level.MUTED)
    content_hide(actor=moderator, content=hidden_later, reason="Off topic")

    assert list(selectors.unread_topics(user=ann)) == [behind]
    assert never_opened in selectors.new_topics(user=ann)
    assert behind not in selectors.new_topics(user=ann)


def test_unread_is_newest_first_and_costs_the_same_however_many(
    client, category, moderator, make_trusted
):
    ann = make_trusted()
    topics = [_topic(moderator, category, f"Topic number {n}") for n in range(4)]
    for topic in topics:
        reading.topic_read_mark(user=ann, topic=topic, number=1)
    for topic in reversed(topics):
        services.post_create(author=moderator, topic=topic, body="News.")
    assert list(selectors.unread_topics(user=ann)) == topics
    client.force_login(ann)

    def queries(url):
        with CaptureQueriesContext(connection) as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    four = queries("/forum/unread/")
    services.post_create(author=moderator, topic=_topic(moderator, category, "Fifth"), body="x")
    reading.topic_read_mark(user=ann, topic=Topic.objects.get(title="Fifth"), number=1)
    services.post_create(author=moderator, topic=Topic.objects.get(title="Fifth"), body="More.")
    assert selectors.unread_topics(user=ann).count() == 5
    assert queries("/forum/unread/") == four


def test_pinned_topics_are_those_of_the_category_and_public(category, moderator):
    from bigsocnorth.forum.moderating import topic_pin

    other = Category.objects.create(name="Digital tools", slug="digital", position=30)
    here = _topic(moderator, category, "Pinned here")
    elsewhere = _topic(moderator, other, "Pinned elsewhere")
    hidden = _topic(moderator, category, "Pinned then hidden")
    for topic in (here, elsewhere, hidden):
        topic_pin(actor=moderator, topic=topic)
    content_hide(actor=moderator, content=hidden, reason="Spam")

    assert selectors.pinned_topics(category=category) == [here]
    assert set(selectors.pinned_topics()) == {here, elsewhere}
    assert here not in selectors.latest_topics(user=moderator, category=category)


def test_a_reply_keeps_the_topics_figures_those_of_a_recount(category, moderator, make_trusted):
    ann, bob = make_trusted(), make_trusted()
    topic = _topic(moderator, category, "Counting replies")
    first = services.post_create(author=ann, topic=topic, body="One.")
    services.post_like(user=bob, post=first)
    services.post_create(author=bob, topic=topic, body="Two.", reply_to=first)
    kept = _figures(topic)
    services.topic_counts_refresh(topic)
    assert _figures(topic) == kept
    assert kept[0] == 3 and kept[1] == 3 and kept[3] == 3 and kept[5] == bob.pk
    category.refresh_from_db()
    assert category.last_posted_at == kept[4]


def test_a_reply_in_a_topic_still_in_review_is_recounted_not_added(category, moderator, db):
    from bigsocnorth.accounts.tests.factories import UserFactory

    newcomer = UserFactory()
    topic = _topic(newcomer, category, "My first topic")
    assert topic.status == "in_review"
    services.post_create(author=moderator, topic=topic, body="Welcome!")
    kept = _figures(topic)
    services.topic_counts_refresh(topic)
    assert _figures(topic) == kept
