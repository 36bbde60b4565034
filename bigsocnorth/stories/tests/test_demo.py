"""The demo stories: told here, linked from invented news sites, and the demo news feeds."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image

from bigsocnorth.accounts.models import User
from bigsocnorth.core import fetch
from bigsocnorth.directory.demo import FEED_SITES
from bigsocnorth.directory.permissions import can_edit_entry
from bigsocnorth.mapping.models import MapItem
from bigsocnorth.moderation.models import AuditLog, Status
from bigsocnorth.moderation.selectors import review_queue
from bigsocnorth.search.models import SearchDocument
from bigsocnorth.stories.canonical import canonical_key
from bigsocnorth.stories.demo import LINKED_STORIES, NEWCOMERS, OWN_STORIES
from bigsocnorth.stories.demo_feed_views import DEMO_FEEDS_DIR
from bigsocnorth.stories.models import FeedSource, PreviewState, Story, StoryKind


def _load() -> str:
    out = StringIO()
    call_command("load_demo_data", first_run_only=True, stdout=out)
    return out.getvalue()


def test_the_demo_tells_stories_across_the_north_and_switches_on_the_demo_feeds(db, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("The demo loader must not fetch anything.")

    monkeypatch.setattr(fetch, "_get", no_network)
    output = _load()
    now = timezone.now()
    # The stories demo's own; other demos tell a story or two of their own (a gathering's).
    titles = [story.title for story in (*OWN_STORIES, *LINKED_STORIES)]
    stories = Story.objects.filter(title__in=titles)
    own = stories.filter(kind=StoryKind.OWN)
    linked = stories.filter(kind=StoryKind.LINKED)
    published = stories.filter(status=Status.PUBLISHED)
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
    assert set(located.values_list("pk", flat=True)) <= set(items)
    assert all(items[story.pk].published_at == story.published_at for story in located)
    documents = dict(
        SearchDocument.objects.filter(type_key="story").values_list("object_id", "published_at")
    )
    assert dict(published.values_list("pk", "published_at")).items() <= documents.items()

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

    # Every story told here has a picture drawn at load time, described, stored as an
    # upload would be: a valid image with no metadata at all.
    for story in own:
        assert story.image and story.image_alt.startswith("An illustration of "), story.title
        with story.image.open("rb") as file, Image.open(file) as picture:
            picture.load()
            assert picture.format == "JPEG"
            assert (picture.width, picture.height) == (story.image_width, story.image_height)
            assert not picture.getexif() and "exif" not in picture.info
    assert len({story.image_alt for story in own}) >= 8

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


def test_a_second_run_tells_nothing_again(db):
    _load()
    counts = (User.objects.count(), Story.objects.count(), FeedSource.objects.count())
    assert _load() == ""
    assert (User.objects.count(), Story.objects.count(), FeedSource.objects.count()) == counts
    assert counts[1] > 0
