"""Demo data: loaded on the first run only, passwords shown only then."""

from __future__ import annotations

import re
from io import StringIO

from django.core.management import call_command

from bigsocnorth.accounts.models import Role, User


def _load() -> str:
    out = StringIO()
    call_command("load_demo_data", first_run_only=True, stdout=out)
    return out.getvalue()


def test_first_run_creates_three_login_accounts_and_members_across_the_north(db, client):
    output = _load()
    roles = dict(User.objects.filter(email__in=[
        "member@example.org", "moderator@example.org", "admin@example.org"
    ]).values_list("email", "role"))  # fmt: skip
    assert roles == {
        "member@example.org": Role.MEMBER,
        "moderator@example.org": Role.MODERATOR,
        "admin@example.org": Role.ADMIN,
    }
    assert User.objects.get(email="admin@example.org").is_superuser
    areas = set(User.objects.values_list("profile__home_area__name", flat=True))
    assert len(areas) >= 8
    assert {"Sheffield", "Newcastle upon Tyne", "Leeds"} <= areas

    password = re.search(r"member@example\.org\s+password: (\S+)", output).group(1)
    response = client.post(
        "/accounts/login/", {"login": "member@example.org", "password": password}
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(
        User.objects.get(email="member@example.org").pk
    )


def test_second_run_changes_nothing_and_prints_no_passwords(db):
    from bigsocnorth.stories.models import FeedSource, Story

    _load()
    counts = (User.objects.count(), Story.objects.count(), FeedSource.objects.count())
    output = _load()
    assert output == ""
    assert (User.objects.count(), Story.objects.count(), FeedSource.objects.count()) == counts
    assert counts[1] > 0


def test_first_run_only_leaves_a_database_with_real_people_alone(db, member):
    assert _load() == ""
    assert User.objects.count() == 1


def test_prepare_migrates_and_loads_demo_data_once(db):
    out = StringIO()
    call_command("prepare", demo_data=True, stdout=out)
    assert "member@example.org" in out.getvalue()
    again = StringIO()
    call_command("prepare", demo_data=True, stdout=again)
    assert again.getvalue() == ""


def test_first_run_fills_the_directory_across_the_north(db):
    from django.db.models import Count

    from bigsocnorth.directory.models import Entry, Membership
    from bigsocnorth.moderation.models import Flag, Status
    from bigsocnorth.moderation.selectors import review_queue
    from bigsocnorth.places.models import LocalAuthority

    output = _load()
    assert "320 directory entries" in output
    published = Entry.objects.filter(status=Status.PUBLISHED)
    assert published.count() >= 300
    per_area = dict(
        LocalAuthority.objects.annotate(n=Count("directory_entries")).values_list("name", "n")
    )
    # Dense in cities, sparse in the dales: Leeds has more than the whole of Westmorland.
    assert per_area["Leeds"] > per_area["Westmorland and Furness"]
    assert sum(1 for n in per_area.values() if n) >= 55
    networks = Entry.objects.filter(kind__is_network=True)
    assert networks.filter(member_links__status="approved").distinct().count() >= 8
    umbrella = Entry.objects.get(name="Northern Network of Networks")
    members = Membership.objects.filter(network=umbrella, status="approved")
    assert members.count() >= 8
    assert all(m.member.kind.is_network for m in members)
    assert Flag.objects.filter(resolved_at__isnull=True).count() == 3
    queue = review_queue()
    assert sum(1 for item in queue if item.flags) == 3
    assert sum(1 for item in queue if item.is_in_review) >= 1


def test_prepare_builds_search_and_map_for_content_that_has_none(db):
    from bigsocnorth.directory.tests.factories import EntryFactory
    from bigsocnorth.mapping.models import MapItem
    from bigsocnorth.places.models import LocalAuthority
    from bigsocnorth.search.models import SearchDocument

    # As if the content came from before search and the map existed.
    EntryFactory(name="Older entry", located_in=LocalAuthority.objects.get(name="Leeds"))
    assert not SearchDocument.objects.exists() and not MapItem.objects.exists()
    out = StringIO()
    call_command("prepare", stdout=out)
    assert SearchDocument.objects.filter(title="Older entry").exists()
    assert MapItem.objects.filter(title="Older entry").count() == 1
    assert "Map rebuilt" in out.getvalue()
    again = StringIO()
    call_command("prepare", stdout=again)
    assert again.getvalue() == ""


def test_first_run_tells_stories_across_the_north_and_switches_on_the_demo_feeds(db, monkeypatch):
    from datetime import timedelta
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from bigsocnorth.core import fetch
    from bigsocnorth.core.demo.directory import FEED_SITES
    from bigsocnorth.core.demo.stories import LINKED_STORIES, NEWCOMERS, OWN_STORIES
    from bigsocnorth.core.views import DEMO_FEEDS_DIR
    from bigsocnorth.directory.permissions import can_edit_entry
    from bigsocnorth.mapping.models import MapItem
    from bigsocnorth.moderation.models import AuditLog, Status
    from bigsocnorth.moderation.selectors import review_queue
    from bigsocnorth.search.models import SearchDocument
    from bigsocnorth.stories.canonical import canonical_key
    from bigsocnorth.stories.models import FeedSource, PreviewState, Story, StoryKind

    def no_network(*args, **kwargs):
        raise AssertionError("The demo loader must not fetch anything.")

    monkeypatch.setattr(fetch, "_get", no_network)
    output = _load()
    now = timezone.now()
    own = Story.objects.filter(kind=StoryKind.OWN)
    linked = Story.objects.filter(kind=StoryKind.LINKED)
    published = Story.objects.filter(status=Status.PUBLISHED)
    assert f"{len(OWN_STORIES)} told here" in output
    assert f"{len(LINKED_STORIES)} linked from elsewhere" in output
    assert "3 news feeds are switched on" in output
    assert own.count() == len(OWN_STORIES) >= 20
    assert own.filter(status=Status.DRAFT).count() == 1
    assert own.filter(status=Status.PUBLISHED).count() == len(OWN_STORIES) - 3

    # Newcomers' first stories: two approved by the moderator, two waiting in the queue.
    newcomers = [newcomer[0] for newcomer in NEWCOMERS]
    waiting = own.filter(status=Status.IN_REVIEW)
    assert sorted(waiting.values_list("author__email", flat=True)) == newcomers[2:]
    queued = {item.content for item in review_queue() if item.is_in_review}
    assert set(waiting) <= queued
    approved = own.filter(author__email__in=newcomers[:2])
    assert all(story.status == Status.PUBLISHED and story.is_new_voice for story in approved)
    approvals = AuditLog.objects.filter(
        action="approve", content_type=ContentType.objects.get_for_model(Story)
    )
    assert set(approvals.values_list("object_id", flat=True)) == set(
        approved.values_list("pk", flat=True)
    )

    # A new voice is each author's first published story told here, and only that one.
    voices = own.filter(is_new_voice=True)
    assert voices.count() >= 8
    assert f"{voices.count()} of them new voices" in output
    for story in voices:
        earlier = published.filter(author=story.author, published_at__lt=story.published_at)
        assert not earlier.filter(kind=StoryKind.OWN).exists(), story.title
    assert voices.count() == len(set(voices.values_list("author", flat=True)))

    # Spread over months, never in the future; most with a place, some without.
    dates = sorted(published.values_list("published_at", flat=True))
    assert dates[0] < now - timedelta(days=200) and dates[-1] > now - timedelta(days=60)
    assert dates[-1] <= now
    located = published.filter(local_authority__isnull=False)
    assert located.count() >= 25 and published.filter(latitude__isnull=True).count() >= 2
    assert len(set(located.values_list("local_authority__region", flat=True))) == 3
    assert own.filter(about__isnull=False).distinct().count() >= 8
    told_for = own.exclude(on_behalf_of=None)
    assert told_for.count() >= 2
    assert all(can_edit_entry(user=s.author, entry=s.on_behalf_of) for s in told_for)

    # The map and search were brought up to date with the dates moved back.
    items = {item.object_id: item for item in MapItem.objects.filter(layer="stories")}
    assert set(items) == set(located.values_list("pk", flat=True))
    assert all(items[story.pk].published_at == story.published_at for story in located)
    documents = dict(
        SearchDocument.objects.filter(type_key="story").values_list("object_id", "published_at")
    )
    assert documents == dict(published.values_list("pk", "published_at"))

    # Linked stories look fetched, and nothing was fetched or queued for fetching.
    assert linked.count() == len(LINKED_STORIES)
    for story in linked:
        assert story.status == Status.PUBLISHED and story.preview_state == PreviewState.READY
        assert story.canonical_url == canonical_key(story.url)
        assert urlsplit(story.url).hostname.endswith(".example")
        assert story.source_name and story.summary
        assert story.source_published_at <= story.published_at
        assert not story.is_new_voice
    assert not DBTaskResult.objects.filter(task_path__startswith="bigsocnorth.stories").exists()

    # The three demo news sites take stories from the feeds this site serves in development.
    sources = FeedSource.objects.select_related("entry__kind", "enabled_by")
    assert sorted(source.url for source in sources) == sorted(
        f"{settings.SITE_URL}/demo/feeds/{site.feed}.xml" for site in FEED_SITES
    )
    for source in sources:
        assert source.enabled and source.entry.kind.slug == "hyperlocal-website"
        assert source.entry.status == Status.PUBLISHED
        assert source.enabled_by.email in {site.editor for site in FEED_SITES}
        assert source.next_poll_at <= now and source.last_polled_at is None
        assert (DEMO_FEEDS_DIR / source.url.rsplit("/", 1)[1]).is_file()
