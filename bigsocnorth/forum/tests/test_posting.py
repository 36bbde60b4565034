"""Topics and posts through the services: review for new members, numbering, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bigsocnorth.forum import limits, services
from bigsocnorth.forum.models import Post, PostRevision, Topic
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.moderation.services import content_approve, content_hide

pytestmark = pytest.mark.django_db


def test_a_moderators_topic_is_public_with_its_opening_post(topic):
    assert is_public(topic)
    opening = topic.posts.get()
    assert opening.number == 1 and is_public(opening)
    topic.refresh_from_db()
    assert (topic.post_count, topic.last_public_number, topic.reply_count) == (1, 1, 0)
    topic.category.refresh_from_db()
    assert topic.category.topic_count == 1


def test_a_new_members_first_two_posts_wait_for_review_then_theirs_are_public(
    topic, member, moderator
):
    first = services.post_create(author=member, topic=topic, body="Hello from Hull.")
    assert not is_public(first)
    topic.refresh_from_db()
    assert topic.post_count == 1, "a post in review is not counted"
    content_approve(actor=moderator, content=first)
    second = services.post_create(author=member, topic=topic, body="And again.")
    assert not is_public(second)
    content_approve(actor=moderator, content=second)
    third = services.post_create(author=member, topic=topic, body="Now I am trusted.")
    assert is_public(third)
    topic.refresh_from_db()
    assert (topic.post_count, topic.last_public_number) == (4, 4)
    assert [p.number for p in topic.posts.order_by("number")] == [1, 2, 3, 4]


def test_a_new_members_topic_waits_and_its_opening_post_is_not_public_meanwhile(category, member):
    topic = services.topic_create(
        author=member, category=category, title="Hello from Kendal", body="We run a lunch club."
    )
    assert not is_public(topic)
    assert not Post.objects.public().filter(topic=topic).exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("x" * 200_000, "20,000"),
    ],
)
def test_empty_or_huge_posts_are_refused_and_nothing_is_saved(topic, moderator, body, message):
    before = Post.objects.count()
    with pytest.raises(ValidationError) as error:
        services.post_create(author=moderator, topic=topic, body=body)
    assert message in " ".join(error.value.messages)
    assert Post.objects.count() == before
    topic.refresh_from_db()
    assert topic.numbers_given == 1


def test_a_topic_needs_a_title_and_a_category(member, category):
    with pytest.raises(ValidationError) as error:
        services.topic_create(author=member, category=None, title="Hi", body="")
    assert set(error.value.message_dict) >= {"title", "category", "body"}
    assert not Topic.objects.exists()


def test_hostile_markdown_is_shown_inert(client, topic, moderator):
    services.post_create(
        author=moderator,
        topic=topic,
        body="<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)>",
    )
    page = client.get(topic.get_absolute_url() + "?page=1").content.decode()
    post_html = page.split('id="post-2"')[1].split("</article>")[0]
    assert "<script" not in post_html
    assert 'href="javascript:' not in post_html
    assert "<img" not in post_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in post_html, "shown as the text it is"
    # The JSON-LD carries plain text, escaped for a script element.
    assert "<script>alert" not in page.split("application/ld+json")[1].split("</script>")[0]


def test_mentions_are_bounded(topic, moderator):
    from bigsocnorth.accounts.tests.factories import UserFactory

    people = [UserFactory() for _ in range(12)]
    body = " ".join(f"@{person.profile.handle}" for person in people)
    with pytest.raises(ValidationError) as error:
        services.post_create(author=moderator, topic=topic, body=body)
    assert "up to 10 people" in " ".join(error.value.messages)
    many = " ".join(f"@nobody-{n}" for n in range(500))
    post = services.post_create(author=moderator, topic=topic, body=many)
    assert post.mentions == [], "a mention of nobody is plain text"


def test_quoting_a_hidden_post_is_refused(topic, moderator, make_trusted):
    ann = make_trusted()
    post = services.post_create(author=ann, topic=topic, body="Something I regret.")
    content_hide(actor=moderator, content=post, reason="Personal details")
    quote = f"> [Ann wrote]({post.get_absolute_url()}):\n> Something\n\nIndeed."
    with pytest.raises(ValidationError) as error:
        services.post_create(author=moderator, topic=topic, body=quote)
    assert "no longer shown" in " ".join(error.value.messages)


def test_replying_in_a_locked_or_closed_topic_is_refused(topic, make_trusted):
    ann = make_trusted()
    Topic.objects.filter(pk=topic.pk).update(locked_at=timezone.now())
    topic.refresh_from_db()
    with pytest.raises(ValidationError, match="locked"):
        services.post_create(author=ann, topic=topic, body="Still here")
    Topic.objects.filter(pk=topic.pk).update(locked_at=None, closed_at=timezone.now())
    topic.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        services.post_create(author=ann, topic=topic, body="Still here")


def test_editing_someone_elses_post_is_refused(topic, make_trusted):
    ann = make_trusted()
    opening = topic.posts.get()
    with pytest.raises(ValidationError):
        services.post_edit(actor=ann, post=opening, body="Mine now")
    opening.refresh_from_db()
    assert "minibus" in opening.body
    assert not PostRevision.objects.exists()


def test_edits_keep_their_history(topic, moderator):
    opening = topic.posts.get()
    services.post_edit(actor=moderator, post=opening, body="A better question about minibuses.")
    services.post_edit(actor=moderator, post=opening, body="The best question about minibuses.")
    opening.refresh_from_db()
    assert opening.edit_count == 2
    assert [r.body[:5] for r in opening.revisions.all()] == ["Has a", "A bet"]


def test_likes_are_once_each_never_your_own_and_gathered_in_one_notice(
    topic, moderator, make_trusted
):
    from bigsocnorth.notifications.models import Notification

    opening = topic.posts.get()
    ann, bob = make_trusted(), make_trusted()
    assert services.post_like(user=ann, post=opening)
    assert not services.post_like(user=ann, post=opening)
    assert services.post_like(user=bob, post=opening)
    with pytest.raises(ValidationError):
        services.post_like(user=moderator, post=opening)
    opening.refresh_from_db()
    topic.refresh_from_db()
    assert opening.like_count == 2 and topic.like_count == 2
    notices = Notification.objects.filter(recipient=moderator, kind="forum.like")
    assert notices.count() == 1
    assert "2 people" in notices.get().message
    services.post_unlike(user=bob, post=opening)
    opening.refresh_from_db()
    assert opening.like_count == 1


def test_new_members_have_gentle_limits_that_lift_after_a_week(topic, member, settings):
    links = "https://a.example/ https://b.example/ https://c.example/"
    with pytest.raises(ValidationError, match="up to 2 links"):
        services.post_create(author=member, topic=topic, body=links)
    member.date_joined = timezone.now() - timedelta(days=8)
    member.save()
    services.post_create(author=member, topic=topic, body=links)
    assert limits.limits_explained(user=member) == ""


def test_new_members_posts_an_hour_are_limited(topic, member):
    for n in range(limits.NEW_MEMBER_POSTS_PER_HOUR):
        services.post_create(author=member, topic=topic, body=f"Post {n}")
    with pytest.raises(ValidationError, match="last hour"):
        services.post_create(author=member, topic=topic, body="One more")


def test_replying_to_a_post_in_another_topic_is_refused(topic, category, moderator):
    other = services.topic_create(
        author=moderator, category=category, title="Another conversation", body="Hello."
    )
    with pytest.raises(ValidationError):
        services.post_create(author=moderator, topic=topic, body="Hi", reply_to=other.posts.get())
