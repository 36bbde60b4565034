"""The forum's pages: reading, posting, quoting, the read position, discussions under content."""

from __future__ import annotations

import pytest

from bigsocnorth.forum import services
from bigsocnorth.forum.models import Post, TopicRead

pytestmark = pytest.mark.django_db


def test_visitors_read_every_list_and_the_topic(client, topic):
    for url in (
        "/forum/",
        "/forum/top/",
        "/forum/top/?period=week",
        "/forum/top/?period=nonsense",
        "/forum/categories/",
        topic.category.get_absolute_url(),
        topic.get_absolute_url(),
        "/forum/feed.atom",
        "/forum/feed.json",
        f"/forum/t/{topic.pk}/feed.atom",
        f"/forum/t/{topic.pk}/feed.json",
        f"{topic.category.get_absolute_url()}feed.atom",
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "DiscussionForumPosting" in page
    assert "to reply" in page


def test_members_lists_need_a_login(client):
    for url in ("/forum/unread/", "/forum/new/", "/forum/start/"):
        assert client.get(url).status_code == 302


def test_a_wrong_slug_redirects_and_a_hidden_topic_is_not_found(client, topic, moderator):
    response = client.get(f"/forum/t/{topic.pk}/wrong/")
    assert response.status_code == 301 and response["Location"] == topic.get_absolute_url()
    from bigsocnorth.moderation.services import content_hide

    content_hide(actor=moderator, content=topic, reason="Spam")
    assert client.get(topic.get_absolute_url()).status_code == 404
    assert client.get(f"/forum/t/{topic.pk}/feed.atom").status_code == 404
    assert client.get("/forum/t/999999/x/").status_code == 404


def test_a_member_starts_a_topic_that_waits_for_review(client, member, category):
    client.force_login(member)
    response = client.post(
        "/forum/start/",
        {
            "category": category.pk,
            "title": "Hello from Whitby",
            "body": "I run a **repair café** and I'm new here.",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "waits for a moderator" in response.content.decode()


def test_bad_topic_input_keeps_what_was_written(client, member, category):
    client.force_login(member)
    response = client.post(
        "/forum/start/", {"category": "nope", "title": "Hi", "body": "Keep this text"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Keep this text" in page


def test_a_member_replies_quoting_part_of_a_post(client, topic, make_trusted):
    ann = make_trusted()
    client.force_login(ann)
    opening = topic.posts.get()
    form = client.get(f"/forum/t/{topic.pk}/reply/?quote={opening.pk}&part=three+or+four")
    assert "&gt; three or four" in form.content.decode()
    response = client.post(
        f"/forum/t/{topic.pk}/reply/",
        {
            "body": f"> [Mod wrote]({opening.get_absolute_url()}):\n> three or four\n\nFive!",
            "reply_to": opening.pk,
        },
    )
    post = Post.objects.get(topic=topic, number=2)
    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()
    page = client.get(post.get_absolute_url(), follow=True).content.decode()
    assert "In reply to" in page and "Five!" in page


def test_quoting_a_post_of_another_topic_or_nonsense_is_ignored(client, topic, make_trusted):
    client.force_login(make_trusted())
    for value in ("abc", "999999", "-1"):
        assert client.get(f"/forum/t/{topic.pk}/reply/?quote={value}").status_code == 200


def test_a_member_opens_a_topic_at_the_first_unread_post(client, topic, moderator, make_trusted):
    ann = make_trusted()
    client.force_login(ann)
    client.get(topic.get_absolute_url())
    assert TopicRead.objects.get(user=ann, topic=topic).last_read_number == 1
    for n in range(25):
        services.post_create(author=moderator, topic=topic, body=f"Post {n}")
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].endswith("?page=1#post-2")
    client.get(topic.get_absolute_url() + "?page=2")
    assert TopicRead.objects.get(user=ann, topic=topic).last_read_number == 26


def test_liking_and_levels_through_the_pages(client, topic, make_trusted):
    ann = make_trusted()
    client.force_login(ann)
    opening = topic.posts.get()
    assert client.post(f"/forum/posts/{opening.pk}/like/").status_code == 302
    opening.refresh_from_db()
    assert opening.like_count == 1
    response = client.post(f"/forum/t/{topic.pk}/level/", {"level": "loud"}, follow=True)
    assert "Choose how much" in response.content.decode()
    assert client.get(f"/forum/posts/{opening.pk}/like/").status_code == 405


def test_editing_shows_the_history_to_everyone(client, topic, moderator):
    client.force_login(moderator)
    opening = topic.posts.get()
    client.post(f"/forum/posts/{opening.pk}/edit/", {"body": "A clearer question."})
    client.logout()
    page = client.get(f"/forum/posts/{opening.pk}/history/").content.decode()
    assert "A clearer question." in page and "three or four groups" in page


def test_someone_elses_post_cannot_be_edited_through_the_page(client, topic, make_trusted):
    client.force_login(make_trusted())
    opening = topic.posts.get()
    response = client.post(f"/forum/posts/{opening.pk}/edit/", {"body": "Mine"}, follow=True)
    assert "Only the person who wrote" in response.content.decode()
    opening.refresh_from_db()
    assert opening.body != "Mine"
