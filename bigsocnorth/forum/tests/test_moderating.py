"""The forum's moderator tools: each action, its audit row, refusals, and their pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bigsocnorth.forum import moderating, services
from bigsocnorth.forum.models import (
    Category,
    Level,
    Post,
    Topic,
    TopicRead,
    TopicWatch,
)
from bigsocnorth.moderation.models import AuditLog
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.moderation.services import content_hide
from bigsocnorth.search.models import SearchDocument

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<script>alert("conclusions")</script>\n\n'
    '<img src="x" onerror="alert(1)">\n\n'
    "[a link](javascript:alert(2)) and **the real conclusion**"
)


# --- Helpers ------------------------------------------------------------------


def _replies(topic: Topic, author, count: int, *, start: int = 2) -> list[Post]:
    return [
        services.post_create(author=author, topic=topic, body=f"Reply {start + i} in the topic.")
        for i in range(count)
    ]


def _topic(*, author, category: Category, title: str, replies: int = 0) -> Topic:
    topic = services.topic_create(
        author=author, category=category, title=title, body=f"The opening post of {title}."
    )
    _replies(topic, author, replies)
    topic.refresh_from_db()
    return topic


def _numbers(topic: Topic) -> list[int]:
    return list(
        Post.objects.filter(topic=topic).order_by("number").values_list("number", flat=True)
    )


def _bodies(topic: Topic) -> list[str]:
    return list(Post.objects.filter(topic=topic).order_by("number").values_list("body", flat=True))


def _audit(action: str) -> list[AuditLog]:
    return list(AuditLog.objects.filter(action=action))


def _indexed(topic: Topic) -> SearchDocument | None:
    return SearchDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(Topic), object_id=topic.pk
    ).first()


def _state(topic: Topic) -> tuple:
    fresh = Topic.objects.get(pk=topic.pk)
    return (
        fresh.status,
        fresh.closed_at,
        fresh.conclusions,
        fresh.locked_at,
        fresh.pinned_at,
        fresh.category_id,
        fresh.numbers_given,
        tuple(Post.objects.filter(topic=topic).values_list("pk", "number").order_by("pk")),
    )


@pytest.fixture
def other_category(db):
    return Category.objects.create(name="Funding and money", slug="funding", position=20)


# --- Closing and reopening ----------------------------------------------------


def test_closing_sets_the_conclusions_who_and_when_and_is_logged(topic, moderator):
    moderating.topic_close(
        actor=moderator, topic=topic, conclusions="  We share one minibus, insured jointly.  "
    )
    topic.refresh_from_db()
    assert topic.is_closed and topic.closed_by == moderator
    assert topic.conclusions == "We share one minibus, insured jointly."
    (row,) = _audit("forum_close")
    assert (row.actor, row.object_id, row.details["conclusions_changed"]) == (
        moderator,
        topic.pk,
        False,
    )


@pytest.mark.parametrize(
    ("conclusions", "message"),
    [
        ("", "Write the conclusions"),
        (" \n\t ", "Write the conclusions"),
        ("x" * (Topic.CONCLUSIONS_MAX + 1), "up to 10,000 characters; these have 10,001"),
    ],
)
def test_empty_or_oversized_conclusions_are_refused_and_nothing_changes(
    topic, moderator, conclusions, message
):
    before = _state(topic)
    with pytest.raises(ValidationError) as raised:
        moderating.topic_close(actor=moderator, topic=topic, conclusions=conclusions)
    assert message in raised.value.message_dict["conclusions"][0]
    assert _state(topic) == before
    assert not AuditLog.objects.exists()


def test_conclusions_of_the_longest_length_are_taken(topic, moderator):
    moderating.topic_close(actor=moderator, topic=topic, conclusions="y" * Topic.CONCLUSIONS_MAX)
    topic.refresh_from_db()
    assert len(topic.conclusions) == Topic.CONCLUSIONS_MAX


def test_a_closed_topic_refuses_replies_from_members_but_not_from_moderators(
    topic, moderator, make_trusted
):
    ann = make_trusted()
    moderating.topic_close(actor=moderator, topic=topic, conclusions="Done.")
    with pytest.raises(ValidationError, match="closed"):
        services.post_create(author=ann, topic=topic, body="One more thing.")
    assert Post.objects.filter(topic=topic).count() == 1
    services.post_create(author=moderator, topic=topic, body="A note from the moderators.")
    assert Post.objects.filter(topic=topic).count() == 2


def test_closing_again_changes_the_conclusions_and_keeps_the_date(topic, moderator):
    moderating.topic_close(actor=moderator, topic=topic, conclusions="First version.")
    topic.refresh_from_db()
    closed_at = topic.closed_at
    with pytest.raises(ValidationError, match="already shown"):
        moderating.topic_close(actor=moderator, topic=topic, conclusions="First version.")
    moderating.topic_close(actor=moderator, topic=topic, conclusions="Second version.")
    topic.refresh_from_db()
    assert (topic.conclusions, topic.closed_at) == ("Second version.", closed_at)
    assert [row.details["conclusions_changed"] for row in _audit("forum_close")] == [True, False]


def test_reopening_lets_members_reply_again(topic, moderator, make_trusted):
    ann = make_trusted()
    with pytest.raises(ValidationError, match="not closed"):
        moderating.topic_reopen(actor=moderator, topic=topic)
    moderating.topic_close(actor=moderator, topic=topic, conclusions="Done.")
    moderating.topic_reopen(actor=moderator, topic=topic)
    topic.refresh_from_db()
    assert not topic.is_closed and topic.closed_by is None
    assert topic.conclusions == "Done.", "kept for the next close"
    assert len(_audit("forum_reopen")) == 1
    post = services.post_create(author=ann, topic=topic, body="Thanks for reopening.")
    assert is_public(post)


# --- Locking and pinning ------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "off", "field", "action"),
    [
        (moderating.topic_lock, moderating.topic_unlock, "locked_at", "forum_lock"),
        (moderating.topic_pin, moderating.topic_unpin, "pinned_at", "forum_pin"),
    ],
)
def test_locking_and_pinning_switch_on_and_off_once_each(topic, moderator, on, off, field, action):
    with pytest.raises(ValidationError, match="nothing to"):
        off(actor=moderator, topic=topic)
    on(actor=moderator, topic=topic)
    topic.refresh_from_db()
    assert getattr(topic, field) is not None
    with pytest.raises(ValidationError, match="already"):
        on(actor=moderator, topic=topic)
    off(actor=moderator, topic=topic)
    topic.refresh_from_db()
    assert getattr(topic, field) is None
    assert [row.action for row in AuditLog.objects.order_by("pk")] == [
        action,
        action.replace("forum_", "forum_un"),
    ]


def test_a_locked_topic_refuses_replies(topic, moderator, make_trusted):
    ann = make_trusted()
    moderating.topic_lock(actor=moderator, topic=topic)
    with pytest.raises(ValidationError, match="locked"):
        services.post_create(author=ann, topic=topic, body="Still here.")


def test_a_pinned_topic_is_listed_above_the_others(client, topic, moderator, category):
    later = _topic(author=moderator, category=category, title="A later conversation")
    moderating.topic_pin(actor=moderator, topic=topic)
    page = client.get(reverse("forum:latest")).content.decode()
    assert page.index(topic.title) < page.index(later.title)


# --- Moving -------------------------------------------------------------------


def test_moving_recounts_both_categories_and_refiles_the_topic_in_search(
    topic, moderator, category, other_category
):
    category.refresh_from_db()
    assert category.topic_count == 1
    moderating.topic_move(actor=moderator, topic=topic, category=other_category)
    topic.refresh_from_db()
    category.refresh_from_db()
    other_category.refresh_from_db()
    assert topic.category == other_category
    assert (category.topic_count, other_category.topic_count) == (0, 1)
    assert category.last_posted_at is None
    assert other_category.last_posted_at == topic.last_posted_at
    assert _indexed(topic).categories == "funding"
    (row,) = _audit("forum_move")
    assert (row.details["from"]["id"], row.details["to"]["id"]) == (category.pk, other_category.pk)


def test_moving_to_a_missing_or_the_same_category_is_refused(topic, moderator, category):
    gone = Category.objects.create(name="Gone soon", slug="gone")
    gone.delete()
    gone.pk = 987654
    before = _state(topic)
    for target, message in [
        (None, "Choose a category"),
        (gone, "no longer exists"),
        (category, "already"),
    ]:
        with pytest.raises(ValidationError) as raised:
            moderating.topic_move(actor=moderator, topic=topic, category=target)
        assert message in raised.value.message_dict["category"][0]
    assert _state(topic) == before
    assert not AuditLog.objects.exists()


# --- Splitting ----------------------------------------------------------------


@pytest.fixture
def long_topic(topic, moderator, make_trusted):
    """Posts 1 to 6: 1 to 3 by the moderator, 4 by Ann answering 2, 5 hidden, 6 by the moderator."""
    ann = make_trusted()
    second, _third = _replies(topic, moderator, 2)
    fourth = services.post_create(
        author=ann, topic=topic, body="Post 4, the start of a new subject.", reply_to=second
    )
    fifth, _sixth = _replies(topic, moderator, 2, start=5)
    content_hide(actor=moderator, content=fifth, reason="Off topic.")
    AuditLog.objects.all().delete()
    topic.refresh_from_db()
    topic.ann = ann
    topic.fourth = fourth
    return topic


def test_splitting_moves_the_posts_into_a_new_topic_numbered_from_1(
    long_topic, moderator, category, other_category
):
    topic = long_topic
    category.refresh_from_db()
    topics_before = category.topic_count
    new = moderating.topic_split(
        actor=moderator,
        topic=topic,
        from_number=4,
        title="Insuring a shared minibus",
        category=other_category,
    )
    topic.refresh_from_db()
    new.refresh_from_db()
    assert _numbers(topic) == [1, 2, 3] and topic.numbers_given == 3
    assert _numbers(new) == [1, 2, 3] and new.numbers_given == 3
    assert _bodies(new) == [
        "Post 4, the start of a new subject.",
        "Reply 5 in the topic.",
        "Reply 6 in the topic.",
    ]
    assert new.author == topic.ann and is_public(new)
    assert (new.category, new.slug) == (other_category, "insuring-a-shared-minibus")
    # Counts: the hidden post goes with the others but is not counted.
    assert (topic.post_count, topic.last_public_number) == (3, 3)
    assert (new.post_count, new.last_public_number) == (2, 3)
    category.refresh_from_db()
    other_category.refresh_from_db()
    assert (category.topic_count, other_category.topic_count) == (topics_before, 1)
    # A post answering one that stayed keeps its link.
    opening = Post.objects.get(topic=new, number=1)
    assert opening.pk == topic.fourth.pk and opening.reply_to.topic_id == topic.pk
    # The new topic is searchable with its own opening post.
    assert "start of a new subject" in _indexed(new).body
    # The old topic numbers its next reply after its last remaining post.
    services.post_create(author=moderator, topic=topic, body="Back to minibuses.")
    assert _numbers(topic) == [1, 2, 3, 4]
    (row,) = _audit("forum_split")
    assert row.object_id == topic.pk and row.details["new_topic"]["id"] == new.pk
    assert row.details["posts_moved"] == 3


def test_splitting_keeps_readers_places_and_levels(long_topic, moderator, category, make_trusted):
    topic = long_topic
    bea, cal, dev = make_trusted(), make_trusted(), make_trusted()
    TopicRead.objects.create(user=bea, topic=topic, last_read_number=6)
    TopicRead.objects.create(user=cal, topic=topic, last_read_number=4)
    TopicRead.objects.create(user=dev, topic=topic, last_read_number=2)
    TopicWatch.objects.create(user=bea, topic=topic, level=Level.WATCHING)
    TopicWatch.objects.create(user=cal, topic=topic, level=Level.MUTED)
    new = moderating.topic_split(
        actor=moderator, topic=topic, from_number=4, title="A new subject", category=category
    )
    old_reads = dict(
        TopicRead.objects.filter(topic=topic).values_list("user_id", "last_read_number")
    )
    new_reads = dict(TopicRead.objects.filter(topic=new).values_list("user_id", "last_read_number"))
    assert old_reads == {bea.pk: 3, cal.pk: 3, dev.pk: 2}
    assert new_reads == {bea.pk: 3, cal.pk: 1}
    levels = dict(TopicWatch.objects.filter(topic=new).values_list("user_id", "level"))
    assert levels == {bea.pk: Level.WATCHING, cal.pk: Level.MUTED}


def test_a_split_off_topic_is_announced_once_to_its_categorys_watchers(
    long_topic, moderator, other_category, make_trusted
):
    from bigsocnorth.forum.models import CategoryWatch
    from bigsocnorth.notifications.models import Notification

    watcher = make_trusted()
    CategoryWatch.objects.create(user=watcher, category=other_category, level=Level.WATCHING)
    moderating.topic_split(
        actor=moderator,
        topic=long_topic,
        from_number=4,
        title="A new subject",
        category=other_category,
    )
    (notice,) = Notification.objects.filter(recipient=watcher, kind="forum.topic")
    assert notice.url == long_topic.fourth.get_absolute_url(), "its opening post"


@pytest.mark.parametrize(
    ("from_number", "field", "message"),
    [
        (1, "from_number", "opening post stays"),
        (0, "from_number", "opening post stays"),
        ("four", "from_number", "Give the number"),
        (None, "from_number", "Give the number"),
        (7, "from_number", "no post numbered 7 or after"),
        (10**6, "from_number", "its last post is number 6"),
    ],
)
def test_splitting_at_the_opening_post_or_past_the_end_is_refused(
    long_topic, moderator, category, from_number, field, message
):
    before = _state(long_topic)
    topics = Topic.objects.count()
    with pytest.raises(ValidationError) as raised:
        moderating.topic_split(
            actor=moderator,
            topic=long_topic,
            from_number=from_number,
            title="A new subject",
            category=category,
        )
    assert message in " ".join(raised.value.message_dict[field])
    assert _state(long_topic) == before and Topic.objects.count() == topics
    assert not AuditLog.objects.exists()


def test_splitting_needs_a_title_and_a_category_and_a_shown_first_post(
    long_topic, moderator, category
):
    with pytest.raises(ValidationError) as raised:
        moderating.topic_split(
            actor=moderator, topic=long_topic, from_number=4, title="No", category=None
        )
    assert set(raised.value.message_dict) == {"title", "category"}
    with pytest.raises(ValidationError, match="Post 5 is not shown"):
        moderating.topic_split(
            actor=moderator,
            topic=long_topic,
            from_number=5,
            title="From the hidden post",
            category=category,
        )
    assert _numbers(long_topic) == [1, 2, 3, 4, 5, 6]


# --- Merging ------------------------------------------------------------------


def test_merging_appends_the_posts_and_hides_the_source(
    topic, moderator, category, other_category, make_trusted
):
    target = topic
    _replies(target, moderator, 1)
    source = _topic(
        author=moderator, category=other_category, title="Minibus sharing again", replies=2
    )
    ann, bea, cal = make_trusted(), make_trusted(), make_trusted()
    category.refresh_from_db()
    other_category.refresh_from_db()
    counts = (category.topic_count, other_category.topic_count)
    TopicWatch.objects.create(user=ann, topic=source, level=Level.WATCHING)
    TopicWatch.objects.create(user=bea, topic=source, level=Level.MUTED)
    TopicWatch.objects.create(user=cal, topic=source, level=Level.TRACKING)
    TopicWatch.objects.create(user=cal, topic=target, level=Level.NORMAL)
    TopicRead.objects.create(user=ann, topic=source, last_read_number=3)
    assert _indexed(source) is not None
    moderating.topic_merge(actor=moderator, source=source, target=target)
    target.refresh_from_db()
    source.refresh_from_db()
    assert _numbers(target) == [1, 2, 3, 4, 5] and target.numbers_given == 5
    assert _bodies(target)[2:] == [
        "The opening post of Minibus sharing again.",
        "Reply 2 in the topic.",
        "Reply 3 in the topic.",
    ]
    assert (target.post_count, target.last_public_number) == (5, 5)
    assert not Post.objects.filter(topic=source).exists()
    assert not is_public(source) and target.title in source.hidden_reason
    assert target.get_absolute_url() in source.hidden_reason
    assert _indexed(source) is None and _indexed(target) is not None
    category.refresh_from_db()
    other_category.refresh_from_db()
    assert (category.topic_count, other_category.topic_count) == (counts[0], counts[1] - 1)
    # Followers follow the target; a level chosen for the target stays; mutes are dropped.
    levels = dict(TopicWatch.objects.filter(topic=target).values_list("user_id", "level"))
    assert levels == {ann.pk: Level.WATCHING, cal.pk: Level.NORMAL}
    assert not TopicWatch.objects.filter(topic=source).exists()
    assert list(
        TopicRead.objects.filter(topic=target).values_list("user_id", "last_read_number")
    ) == [(ann.pk, 0)]
    (row,) = _audit("forum_merge")
    assert row.object_id == source.pk and row.details["into"]["id"] == target.pk
    assert row.details["posts_moved"] == 3 and row.details["first_number"] == 3
    services.post_create(author=moderator, topic=target, body="After the merge.")
    assert _numbers(target) == [1, 2, 3, 4, 5, 6]


def test_merging_into_itself_a_missing_or_a_hidden_topic_is_refused(topic, moderator, category):
    other = _topic(author=moderator, category=category, title="Another conversation")
    content_hide(actor=moderator, content=other, reason="Spam.")
    AuditLog.objects.all().delete()
    before = _state(topic)
    for target, message in [
        (topic, "cannot be merged into itself"),
        (None, "There is no topic"),
        (other, "is not public"),
    ]:
        with pytest.raises(ValidationError) as raised:
            moderating.topic_merge(actor=moderator, source=topic, target=target)
        assert message in raised.value.message_dict["target"][0]
    assert _state(topic) == before
    assert not AuditLog.objects.exists()


# --- Only moderators ----------------------------------------------------------


@pytest.mark.parametrize(
    "act",
    [
        lambda actor, topic, other: moderating.topic_close(
            actor=actor, topic=topic, conclusions="Done."
        ),
        lambda actor, topic, other: moderating.topic_reopen(actor=actor, topic=topic),
        lambda actor, topic, other: moderating.topic_lock(actor=actor, topic=topic),
        lambda actor, topic, other: moderating.topic_unlock(actor=actor, topic=topic),
        lambda actor, topic, other: moderating.topic_pin(actor=actor, topic=topic),
        lambda actor, topic, other: moderating.topic_unpin(actor=actor, topic=topic),
        lambda actor, topic, other: moderating.topic_move(
            actor=actor, topic=topic, category=other.category
        ),
        lambda actor, topic, other: moderating.topic_split(
            actor=actor, topic=topic, from_number=2, title="A new subject", category=other.category
        ),
        lambda actor, topic, other: moderating.topic_merge(actor=actor, source=topic, target=other),
        lambda actor, topic, other: moderating.category_create(actor=actor, name="Housing"),
        lambda actor, topic, other: moderating.category_update(
            actor=actor, category=other.category, name="Renamed", slug="renamed"
        ),
    ],
)
@pytest.mark.parametrize("who", ["member", "anonymous", "blocked moderator"])
def test_only_active_moderators_can_use_the_tools_and_nothing_changes(
    topic, moderator, other_category, member, act, who
):
    _replies(topic, moderator, 1)
    other = _topic(author=moderator, category=other_category, title="Another conversation")
    actor = {
        "member": member,
        "anonymous": AnonymousUser(),
        "blocked moderator": moderator,
    }[who]
    if who == "blocked moderator":
        moderator.is_active = False
        moderator.save(update_fields=["is_active"])
    before = (_state(topic), _state(other), list(Category.objects.values()))
    with pytest.raises(PermissionDenied):
        act(actor, topic, other)
    assert (_state(topic), _state(other), list(Category.objects.values())) == before
    assert not AuditLog.objects.exists()


# --- Categories ---------------------------------------------------------------


def test_a_category_is_added_with_a_web_address_name_made_from_its_name(moderator):
    category = moderating.category_create(
        actor=moderator, name="  Housing and   homes ", description="Where to live.", position=5
    )
    assert (category.name, category.slug, category.position) == (
        "Housing and homes",
        "housing-and-homes",
        5,
    )
    assert _audit("forum_category_create")[0].object_id == category.pk


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": "IDEAS AND INNOVATION"}, "name", "already"),
        ({"name": "Something new", "slug": "ideas"}, "slug", "“ideas-2”"),
        ({"name": "x"}, "name", "at least 2"),
        ({"name": "x" * 81}, "name", "up to 80"),
        ({"name": "Fine name", "slug": "not a slug!"}, "slug", "lower-case letters"),
        ({"name": "Fine name", "description": "d" * 501}, "description", "up to 500"),
        ({"name": "Fine name", "position": -1}, "position", "from 0 to"),
        ({"name": "Fine name", "position": "first"}, "position", "from 0 to"),
    ],
)
def test_category_names_and_addresses_must_be_unique_and_sensible(
    category, moderator, values, field, message
):
    count = Category.objects.count()
    with pytest.raises(ValidationError) as raised:
        moderating.category_create(actor=moderator, **values)
    assert message in raised.value.message_dict[field][0]
    assert Category.objects.count() == count


def test_changing_a_categorys_address_refiles_its_topics_in_search(topic, moderator, category):
    moderating.category_update(
        actor=moderator,
        category=category,
        name="Ideas",
        slug="new-ideas",
        description="",
        position=1,
    )
    category.refresh_from_db()
    assert (category.name, category.slug) == ("Ideas", "new-ideas")
    assert _indexed(topic).categories == "new-ideas"
    (row,) = _audit("forum_category_update")
    assert row.details["changed"]["slug"] == ["ideas", "new-ideas"]
    # Saving it unchanged writes nothing.
    moderating.category_update(
        actor=moderator, category=category, name="Ideas", slug="new-ideas", position=1
    )
    assert len(_audit("forum_category_update")) == 1


# --- Pages --------------------------------------------------------------------


def _moderate_url(topic: Topic) -> str:
    return reverse("forum:topic_moderate", args=[topic.pk])


def test_the_moderate_page_is_for_moderators_only(client, topic, member, moderator):
    url = _moderate_url(topic)
    assert url == f"/forum/t/{topic.pk}/moderate/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "lock"}).status_code == 403
    client.force_login(member)
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "lock"}).status_code == 403
    assert "Moderate this topic" not in client.get(topic.get_absolute_url()).content.decode()
    topic.refresh_from_db()
    assert not topic.is_locked and not AuditLog.objects.exists()
    client.force_login(moderator)
    response = client.get(url)
    assert response.status_code == 200
    for action in ("close", "lock", "pin", "move", "split", "merge"):
        assert f'name="action" value="{action}"' in response.content.decode()
    assert url in client.get(topic.get_absolute_url()).content.decode()
    assert client.get(reverse("forum:topic_moderate", args=[987654])).status_code == 404


def test_closing_on_the_page_shows_the_conclusions_with_hostile_html_inert(
    client, topic, moderator
):
    client.force_login(moderator)
    response = client.post(_moderate_url(topic), {"action": "close", "close-conclusions": HOSTILE})
    assert response.status_code == 302 and response.url == topic.get_absolute_url()
    topic.refresh_from_db()
    assert topic.is_closed
    client.logout()
    page = client.get(topic.get_absolute_url()).content.decode()
    start = page.index("forum-conclusions")
    conclusions = page[start : page.index("</section>", start)]
    assert "<strong>the real conclusion</strong>" in conclusions
    # The HTML written is shown as text, never as tags, and no link runs a script.
    assert "<script>alert" not in page and "<img" not in conclusions
    assert 'href="javascript' not in conclusions


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "close", "close-conclusions": ""}, "Write the conclusions"),
        (
            {"action": "close", "close-conclusions": "c" * (Topic.CONCLUSIONS_MAX + 1)},
            "up to 10,000 characters",
        ),
        ({"action": "split", "split-from_number": "1", "split-title": "New"}, "opening post"),
        (
            {"action": "split", "split-from_number": "99", "split-title": "A new subject"},
            "no post numbered 99",
        ),
        ({"action": "split", "split-from_number": "abc"}, "Give the number"),
        ({"action": "move", "move-category": "987654"}, "Choose a category"),
        ({"action": "merge", "merge-target": "not an address"}, "web address"),
        ({"action": "merge", "merge-target": "987654"}, "There is no topic"),
        ({"action": "merge", "merge-target": "/forum/t/{pk}/x/"}, "into itself"),
        ({"action": "unlock"}, "not locked"),
        ({"action": "explode"}, "Choose one of the tools"),
        ({}, "Choose one of the tools"),
    ],
)
def test_bad_input_on_the_page_shows_the_problem_and_changes_nothing(
    client, topic, moderator, data, message
):
    _replies(topic, moderator, 2)
    data = {key: value.replace("{pk}", str(topic.pk)) for key, value in data.items()}
    if data.get("action") == "split":
        data.setdefault("split-category", str(topic.category_id))
    client.force_login(moderator)
    before = _state(topic)
    response = client.post(_moderate_url(topic), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "There is a problem" in page
    assert _state(topic) == before and not AuditLog.objects.exists()


def test_each_tool_works_from_the_page(client, topic, moderator, other_category):
    _replies(topic, moderator, 3)
    target = _topic(author=moderator, category=other_category, title="The conversation to keep")
    client.force_login(moderator)
    url = _moderate_url(topic)
    for action in ("lock", "pin", "unlock", "unpin"):
        response = client.post(url, {"action": action}, follow=True)
        assert response.redirect_chain[-1][0] == topic.get_absolute_url()
        assert response.status_code == 200
    response = client.post(
        url, {"action": "close", "close-conclusions": "All sorted."}, follow=True
    )
    (notice,) = response.context["messages"]
    assert "closed" in str(notice)
    client.post(url, {"action": "reopen"})
    response = client.post(url, {"action": "move", "move-category": other_category.pk})
    assert response.status_code == 302
    response = client.post(
        url,
        {
            "action": "split",
            "split-from_number": "3",
            "split-title": "Split off on the page",
            "split-category": other_category.pk,
        },
    )
    new = Topic.objects.get(title="Split off on the page")
    assert response.status_code == 302 and response.url == new.get_absolute_url()
    response = client.post(
        url, {"action": "merge", "merge-target": f"https://example.org{target.get_absolute_url()}"}
    )
    assert response.status_code == 302 and response.url == target.get_absolute_url()
    assert _numbers(target) == [1, 2, 3]
    assert [row.action for row in AuditLog.objects.order_by("pk")] == [
        "forum_lock",
        "forum_pin",
        "forum_unlock",
        "forum_unpin",
        "forum_close",
        "forum_reopen",
        "forum_move",
        "forum_split",
        "forum_merge",
    ]
    # The merged topic is hidden, but moderators still see its page of tools.
    assert client.get(url).status_code == 200


def test_the_moderate_page_costs_the_same_however_many_posts_and_categories(
    client, topic, moderator
):
    client.force_login(moderator)
    url = _moderate_url(topic)
    client.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    _replies(topic, moderator, 15)
    for number in range(10):
        Category.objects.create(name=f"Category {number}", slug=f"category-{number}")
    assert queries() == few
    assert few <= 11


def test_the_categories_page_adds_and_changes_categories(client, category, member, moderator):
    url = reverse("forum:category_manage")
    assert url == "/forum/categories/manage/"
    assert client.get(url).status_code == 403
    client.force_login(member)
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Housing", "position": "1"}).status_code == 403
    assert not Category.objects.filter(name="Housing").exists()
    client.force_login(moderator)
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Housing", "slug": "", "position": "1"})
    assert response.status_code == 302
    housing = Category.objects.get(slug="housing")
    response = client.post(url, {"name": "housing", "position": "1"})
    assert response.status_code == 400 and "There is a category called" in response.content.decode()
    response = client.post(url, {"name": "", "position": "-5"})
    assert response.status_code == 400
    edit_url = f"{url}?edit={housing.pk}"
    assert 'value="Housing"' in client.get(edit_url).content.decode()
    response = client.post(
        edit_url,
        {"name": "Housing and homes", "slug": "housing-and-homes", "position": "2", "region": ""},
    )
    assert response.status_code == 302
    housing.refresh_from_db()
    assert (housing.name, housing.slug, housing.position) == (
        "Housing and homes",
        "housing-and-homes",
        2,
    )
    response = client.post(edit_url, {"name": category.name, "slug": "x", "position": "2"})
    assert response.status_code == 400
    assert client.get(f"{url}?edit=nope").status_code == 404
    assert client.get(f"{url}?edit=987654").status_code == 404
    assert [row.action for row in AuditLog.objects.order_by("pk")] == [
        "forum_category_create",
        "forum_category_update",
    ]
