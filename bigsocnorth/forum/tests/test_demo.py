"""The demo forum: loaded after every other demo set, as `make run` loads them, and only once.

One test, because the whole demo takes a while to load: it checks what the
forum holds, that what the lists read equals a recount, and that loading
again adds nothing. The forum's own load time is printed (run with -s).
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import timedelta
from io import StringIO

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import Count, F, Min
from django.utils import timezone

from bigsocnorth.accounts.models import Profile, User
from bigsocnorth.core.demo import registry
from bigsocnorth.forum import selectors, services
from bigsocnorth.forum.demo import DEMO_LOGIN, MODERATOR, load_forum_demo
from bigsocnorth.forum.discussions import DISCUSSIONS_SLUG
from bigsocnorth.forum.models import (
    Category,
    CategoryWatch,
    Post,
    PostLike,
    PostRevision,
    Topic,
    TopicRead,
    TopicWatch,
)
from bigsocnorth.forum.text import post_text_read
from bigsocnorth.moderation.models import Status
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.moderation.selectors import review_queue
from bigsocnorth.places.models import Region
from bigsocnorth.search.models import SearchDocument

DERIVED = (
    "post_count",
    "last_public_number",
    "like_count",
    "score",
    "last_posted_at",
    "last_poster_id",
)


def _load_everything(monkeypatch) -> tuple[str, float]:
    """Every registered demo set in order; returns the output and the forum set's seconds."""
    timed = {}
    forum = registry._sets["forum"]

    def load():
        started = time.perf_counter()
        result = forum.load()
        timed["seconds"] = time.perf_counter() - started
        return result

    monkeypatch.setitem(
        registry._sets, "forum", registry.DemoSet(key="forum", load=load, order=forum.order)
    )
    out = StringIO()
    call_command("load_demo_data", first_run_only=True, stdout=out)
    return out.getvalue(), timed["seconds"]


def _snapshot():
    return (
        {row["pk"]: row for row in Topic.objects.values("pk", *DERIVED, "numbers_given")},
        dict(Category.objects.values_list("pk", "topic_count")),
        dict(Category.objects.values_list("pk", "last_posted_at")),
    )


def test_the_demo_forum_is_alive_consistent_and_loaded_once(db, monkeypatch, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    output, seconds = _load_everything(monkeypatch)
    print(f"\nThe forum's demo loaded in {seconds:.2f} s.")
    now = timezone.now()

    # 15 categories, Discussions included: the topical ones, one per region.
    assert "Forum: 15 categories, 400 topics" in output
    assert Category.objects.count() == 15
    regions = Category.objects.exclude(region=None)
    assert sorted(regions.values_list("name", flat=True)) == sorted(
        Region.objects.values_list("name", flat=True)
    )
    assert Category.objects.filter(slug=DISCUSSIONS_SLUG).exists()
    assert all(category.topic_count > 0 for category in Category.objects.all())

    # 400 topics and over 4,000 posts, by many people, over six months.
    topics = Topic.objects.all()
    posts = Post.objects.all()
    assert topics.count() == 400
    assert posts.count() >= 4000
    assert posts.values("author").distinct().count() >= 50
    first, last = posts.order_by("created_at")[0], posts.order_by("-created_at")[0]
    assert first.created_at < now - timedelta(days=170)
    assert now - timedelta(days=2) < last.created_at <= now
    for topic in topics.filter(status=Status.PUBLISHED):
        assert topic.published_at == topic.first_published_at == topic.created_at

    # Posts are numbered 1..n in each topic, in time order; replies answer earlier posts.
    rows = defaultdict(list)
    for row in posts.values("topic_id", "number", "created_at", "reply_to__topic_id",
                            "reply_to__number"):  # fmt: skip
        rows[row["topic_id"]].append(row)
    given = dict(topics.values_list("pk", "numbers_given"))
    for topic_id, topic_rows in rows.items():
        topic_rows.sort(key=lambda row: row["number"])
        assert [row["number"] for row in topic_rows] == list(range(1, given[topic_id] + 1))
        times = [row["created_at"] for row in topic_rows]
        assert times == sorted(times)
        for row in topic_rows:
            if row["reply_to__number"] is not None:
                assert row["reply_to__topic_id"] == topic_id
                assert row["reply_to__number"] < row["number"]
    assert posts.exclude(reply_to=None).count() >= 800

    # Quotes are what quoting writes, of an earlier post in the same topic.
    quoting = [post for post in posts.select_related("topic") if post.body.startswith("> [")]
    assert len(quoting) >= 100
    names = dict(Profile.objects.values_list("user_id", "display_name"))
    for post in quoting[:200]:
        (quoted_id,) = post_text_read(post.body).quoted_post_ids
        quoted = Post.objects.get(pk=quoted_id)
        assert quoted.topic_id == post.topic_id and quoted.number < post.number
        head = f"> [{names[quoted.author_id]} wrote]({quoted.get_absolute_url()}):"
        assert post.body.splitlines()[:2] == [head, ">"]
        quoted_line = post.body.splitlines()[2].removeprefix("> ")
        assert quoted_line in quoted.body

    # Mentions name real people, as the text says; links to the site's pages show cards.
    handles = set(Profile.objects.values_list("handle", flat=True))
    mentioning = posts.exclude(mentions=[])
    assert mentioning.count() >= 100
    for post in mentioning:
        assert post.mentions == [h for h in post_text_read(post.body).handles if h in handles]
    # (A quote links to the post it quotes: an address on the site too.)
    paths = [
        path
        for post in posts.exclude(site_paths=[])
        for path in post.site_paths
        if not path.startswith("/forum/posts/")
    ]
    assert len(paths) >= 50
    indexed = set(SearchDocument.objects.values_list("url", flat=True))
    assert all(path in indexed for path in paths)
    assert {path.split("/")[1] for path in paths} == {"stories", "cuts", "directory"}

    # Likes: as many rows as counted, never one's own, only on public posts.
    counted = dict(posts.annotate(n=Count("likes")).values_list("pk", "n"))
    assert dict(posts.values_list("pk", "like_count")) == counted
    assert PostLike.objects.count() >= 2000
    assert not PostLike.objects.filter(user_id=F("post__author_id")).exists()
    assert not PostLike.objects.exclude(post__in=Post.objects.public()).exists()

    # Edits keep the text they replaced.
    revisions = PostRevision.objects.select_related("post")
    assert revisions.count() >= 30
    for revision in revisions:
        post = revision.post
        assert post.edit_count == 1 and post.edited_at == revision.replaced_at
        assert post.body.startswith(revision.body) and post.body != revision.body
        assert post.created_at < post.edited_at

    # One debate closed by a moderator with conclusions; one pinned welcome; one locked.
    (closed,) = topics.exclude(closed_at=None)
    assert closed.closed_by.email == MODERATOR and closed.closed_by.is_moderator
    assert closed.conclusions.startswith("**What we came to.**")
    assert closed.closed_at > closed.last_posted_at
    assert closed.posts.count() >= 20
    (pinned,) = topics.exclude(pinned_at=None)
    assert pinned.category.slug == "welcome" and is_public(pinned)
    assert pinned.post_count > 40
    assert topics.exclude(locked_at=None).count() == 1

    # A new member's topic and another's reply wait for review, and nothing of theirs is out.
    (waiting_topic,) = topics.filter(status=Status.IN_REVIEW)
    (waiting_post,) = posts.filter(status=Status.IN_REVIEW)
    assert waiting_post.number > 1 and is_public(waiting_post.topic)
    queued = {item.content for item in review_queue() if item.is_in_review}
    assert {waiting_topic, waiting_post} <= queued
    for newcomer in (waiting_topic.author, waiting_post.author):
        assert (
            not posts.filter(author=newcomer, status=Status.PUBLISHED)
            .exclude(topic=waiting_topic)
            .exists()
        )
    assert not SearchDocument.objects.filter(type_key="topic", object_id=waiting_topic.pk)

    # Discussions under public stories and cuts, in the Discussions category.
    story_type = ContentType.objects.get_for_model(apps.get_model("stories", "Story"))
    cut_type = ContentType.objects.get_for_model(apps.get_model("cuts", "Cut"))
    discussions = topics.exclude(subject_type=None)
    assert discussions.filter(subject_type=story_type).count() >= 5
    assert discussions.filter(subject_type=cut_type).count() >= 5
    for topic in discussions:
        assert topic.category.slug == DISCUSSIONS_SLUG
        assert is_public(topic.subject) and topic.created_at > topic.subject.published_at
        assert selectors.discussion_for(topic.subject) == topic

    # Search has every public topic, with its date.
    documents = dict(
        SearchDocument.objects.filter(type_key="topic").values_list("object_id", "published_at")
    )
    assert documents == dict(
        topics.filter(status=Status.PUBLISHED).values_list("pk", "published_at")
    )

    # The demo login has unread and new topics, watches and muted one; people joined first.
    member = User.objects.get(email=DEMO_LOGIN)
    assert selectors.unread_topics(user=member).exists()
    assert selectors.new_topics(user=member).exists()
    assert TopicWatch.objects.filter(user=member).count() >= 5
    assert CategoryWatch.objects.filter(user=member).exists()
    assert TopicRead.objects.count() >= 1000
    firsts = posts.values("author").annotate(first=Min("created_at"))
    joined = dict(User.objects.values_list("pk", "date_joined"))
    assert all(joined[row["author"]] < row["first"] for row in firsts)

    # What the lists read is what a recount gives.
    before = _snapshot()
    for topic in topics:
        services.topic_counts_refresh(topic)
    for category in Category.objects.all():
        services.category_counts_refresh(category.pk)
    assert _snapshot() == before
    for row in before[0].values():
        assert row["numbers_given"] == len(rows[row["pk"]])

    # A second load adds nothing.
    counts = (
        User.objects.count(),
        Category.objects.count(),
        topics.count(),
        posts.count(),
        PostLike.objects.count(),
        TopicRead.objects.count(),
    )
    assert load_forum_demo().summary == []
    out = StringIO()
    call_command("load_demo_data", first_run_only=True, stdout=out)
    assert out.getvalue() == ""
    assert (
        User.objects.count(),
        Category.objects.count(),
        topics.count(),
        posts.count(),
        PostLike.objects.count(),
        TopicRead.objects.count(),
    ) == counts
