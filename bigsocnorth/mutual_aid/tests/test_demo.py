"""The demo needs and offers: across the North, from people and groups, each capability shown."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bigsocnorth.accounts.models import User
from bigsocnorth.core.demo import registry
from bigsocnorth.messaging.models import Message
from bigsocnorth.moderation.models import Status
from bigsocnorth.mutual_aid import notices
from bigsocnorth.mutual_aid.demo import PLANS, load_mutual_aid_demo
from bigsocnorth.mutual_aid.models import (
    AidCategory,
    Match,
    MatchEvent,
    MatchState,
    Post,
    PostKind,
    PostState,
    VolunteerChecks,
    When,
)

FICTIONAL = re.compile(r"^[^@\d]*((07700 900\d{3}|[\w.]+@example\.org)[^@\d]*)+$")


def _counts() -> tuple[int, ...]:
    return (
        Post.objects.count(),
        Match.objects.count(),
        MatchEvent.objects.count(),
        Message.objects.count(),
        VolunteerChecks.objects.count(),
        User.objects.count(),
    )


def test_the_demo_needs_and_offers_show_every_capability_and_load_once(
    db, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    for key in ("people", "directory"):
        registry._sets[key].load()
    with django_capture_on_commit_callbacks(execute=True):
        result = load_mutual_aid_demo()
    assert result.summary[0].startswith("Needs and offers:")
    assert result.summary[1].startswith("Answers:")
    # Invented people are told on the site, never written to.
    assert mail.outbox == []

    today = timezone.localdate()
    posts = Post.objects.all()
    assert posts.count() == len(PLANS)
    assert len(set(posts.values_list("local_authority__name", flat=True))) >= 12
    # Every kind of help, each with a need and an offer.
    for category in AidCategory.objects.all():
        kinds = set(posts.filter(category=category).values_list("kind", flat=True))
        assert kinds == {PostKind.NEED, PostKind.OFFER}, category.slug
    assert posts.filter(entry__isnull=False).count() >= 5
    assert {When.ONGOING, When.DATE, When.WINDOW} <= set(posts.values_list("when", flat=True))
    assert posts.filter(urgency="1").count() >= 2

    # Safeguarding holds the one that mentions children; everything else is public.
    held = posts.get(status=Status.IN_REVIEW)
    assert "school run" in held.title and "children" in held.held_because
    assert set(posts.exclude(pk=held.pk).values_list("status", flat=True)) == {Status.PUBLISHED}
    assert list(posts.exclude(held_because="").values_list("pk", flat=True)) == [held.pk]

    # Where posts are in their lives: closing soon, lapsed, met, no longer needed.
    open_posts = posts.filter(state=PostState.OPEN)
    assert open_posts.filter(expires_on__lte=today + timedelta(days=3)).count() >= 2
    assert not open_posts.filter(expires_on__lt=today).exists()
    lapsed = posts.get(state=PostState.LAPSED)
    assert lapsed.expires_on < today and lapsed.closed_at is not None
    met = posts.get(state=PostState.MET)
    assert met.matches.filter(state=MatchState.DONE).exists()
    assert posts.filter(state=PostState.NOT_NEEDED).count() == 1
    assert posts.filter(created_at__lt=timezone.now() - timedelta(days=14)).count() >= 5
    # Those closing soon have been asked "still needed?" on the site already, so the
    # scheduler's first run writes to no invented address.
    closing = open_posts.filter(expires_on__lte=today + timedelta(days=3))
    assert set(closing.values_list("expiry_warned_on", flat=True)) == {today}
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.posts_expiring_warn() == 0
    assert mail.outbox == []

    # A group's posts come from one of its editors, someone living in its area where the
    # demo has someone settled there: Mary, in Hull, for the Hull groups.
    group_posts = posts.filter(entry__isnull=False).select_related("author__profile__home_area")
    for post in group_posts:
        assert post.entry.editors.filter(pk=post.author_id).exists(), post.title
    hull = group_posts.filter(local_authority__name="Kingston upon Hull, City of")
    assert hull.count() >= 2
    assert {post.author.profile.home_area.name for post in hull} == {"Kingston upon Hull, City of"}

    # Answers, each through its private conversation, with its history.
    matches = Match.objects.all()
    done = matches.filter(state=MatchState.DONE)
    assert done.count() >= 2
    for match in done:
        assert match.poster_says == "done" and match.responder_says == "done"
        actions = list(match.events.values_list("action", flat=True))
        assert actions == ["requested", "accepted", "done", "done"]
        assert match.conversation.messages.count() >= 2
    accepted = matches.get(state=MatchState.ACCEPTED)
    assert accepted.poster_contact and accepted.post.state == PostState.OPEN
    declined = matches.get(state=MatchState.DECLINED)
    assert declined.events.get(action="declined").note
    assert matches.filter(state=MatchState.REQUESTED).count() >= 1
    assert all(match.conversation_id for match in matches)
    # Contact details are fictional: drama numbers and example.org addresses only.
    for match in matches:
        for contact in (match.responder_contact, match.poster_contact):
            assert not contact or FICTIONAL.match(contact), contact

    # A group says how it checks its volunteers, and posts for volunteers.
    checks = VolunteerChecks.objects.get()
    assert checks.how and checks.declared_by in checks.entry.editors.all()
    assert checks.entry.aid_posts.filter(category__slug="volunteers-wanted").exists()

    # The public list shows them by kind of help, never the held one.
    lifts = client.get(reverse("mutual_aid:post_list") + "?category=lifts-and-transport")
    page = lifts.content.decode()
    assert "Van and driver for moving furniture" in page and held.title not in page

    before = _counts()
    assert load_mutual_aid_demo().summary == []
    assert _counts() == before
