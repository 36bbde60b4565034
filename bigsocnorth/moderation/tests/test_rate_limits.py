"""How fast a member may add content: one count across every kind, per hour and per day.

A member who adds more than CONTENT_PER_HOUR things in an hour (or
CONTENT_PER_DAY in a day) is told to wait, and nothing of the refused one is
saved. Moderators are not limited: they add things for people who ring in.
The limits count what people do on the site (web requests); the services
called straight from a test count inside `limits.counting()`, as on the site.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.moderation import limits
from bigsocnorth.stories.models import Story

pytestmark = pytest.mark.django_db

MESSAGE = "You have added a lot in a short time. Please wait a few minutes and try again."


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.CONTENT_PER_HOUR = 30
    settings.CONTENT_PER_DAY = 200


def story_add(author, title: str = "Saving the library"):
    from bigsocnorth.stories import services
    from bigsocnorth.stories.services import Action

    with limits.counting():
        return services.story_create(
            author=author, action=Action.PUBLISH, title=title, summary="How.", body="We did."
        )


def stories_add(author, count: int) -> None:
    for number in range(count):
        story_add(author, title=f"Story {number}")


# --- One maker for each kind of content, through its own service --------------------------


def _forum_category():
    from bigsocnorth.forum.models import Category

    category, _created = Category.objects.get_or_create(
        slug="ideas", defaults={"name": "Ideas and innovation", "position": 10}
    )
    return category


def forum_topic_add(author, area):
    from bigsocnorth.forum import services

    return services.topic_create(
        author=author, category=_forum_category(), title="A minibus to share", body="Who has one?"
    )


def forum_reply_add(author, area):
    from bigsocnorth.forum import services

    topic = services.topic_create(
        author=UserFactory(role="moderator"),
        category=_forum_category(),
        title="Sharing a minibus",
        body="Has anyone shared one?",
    )
    return services.post_create(author=author, topic=topic, body="We did, with two groups.")


def gathering_add(author, area):
    from bigsocnorth.events import services
    from bigsocnorth.events.tests.conftest import gathering_values

    return services.gathering_create(author=author, values=gathering_values(area))


def cut_report_add(author, area):
    from bigsocnorth.cuts import services
    from bigsocnorth.cuts.tests.conftest import report_values

    return services.cut_report(author=author, values=report_values(area))


def cut_timeline_entry_add(author, area):
    from bigsocnorth.cuts import services
    from bigsocnorth.cuts.choices import EntryKind
    from bigsocnorth.cuts.tests.conftest import report_values

    cut = services.cut_report(
        author=UserFactory(role="moderator"), values=report_values(area, title="Pool to close")
    )
    return services.timeline_entry_add(
        author=author,
        cut=cut,
        kind=EntryKind.NEWS,
        happened_on=timezone.localdate(),
        text="The council meets about it on Thursday.",
    )


def directory_entry_add(author, area):
    from bigsocnorth.directory.entries import services
    from bigsocnorth.directory.models import Category, EntryKind

    return services.entry_create(
        author=author,
        name="Sheffield Tenants Together",
        kind=EntryKind.objects.get(slug="network"),
        sector="citizen_led",
        categories=[Category.objects.get(slug="innovation")],
        description="We support tenants.",
        places=[{"name": "Office", "latitude": 53.3811, "longitude": -1.4701}],
    )


def mutual_aid_post_add(author, area):
    from bigsocnorth.mutual_aid import services
    from bigsocnorth.mutual_aid.tests.conftest import post_values

    return services.post_create(author=author, values=post_values(area))


def _models():
    from bigsocnorth.cuts.models import Cut, TimelineEntry
    from bigsocnorth.directory.models import Entry
    from bigsocnorth.events.models import Gathering
    from bigsocnorth.forum.models import Post, Topic
    from bigsocnorth.mutual_aid.models import Post as AidPost

    return {
        forum_topic_add: Topic,
        forum_reply_add: Post,
        gathering_add: Gathering,
        cut_report_add: Cut,
        cut_timeline_entry_add: TimelineEntry,
        directory_entry_add: Entry,
        mutual_aid_post_add: AidPost,
    }


MAKERS = [
    forum_topic_add,
    forum_reply_add,
    gathering_add,
    cut_report_add,
    cut_timeline_entry_add,
    directory_entry_add,
    mutual_aid_post_add,
]


# --- The limits ------------------------------------------------------------------------------


def test_the_31st_story_in_an_hour_is_refused_with_the_message_and_nothing_saved(client, member):
    stories_add(member, 30)
    client.force_login(member)

    response = client.post(
        reverse("stories:story_create"),
        {"title": "One more", "summary": "Again.", "body": "And again.", "publish": "1"},
    )

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert Story.objects.filter(author=member).count() == 30
    assert not Story.objects.filter(title="One more").exists()


@pytest.mark.parametrize("make", MAKERS, ids=lambda make: make.__name__)
def test_every_kind_of_content_counts_towards_the_one_limit(settings, member, area, make):
    settings.CONTENT_PER_HOUR = 3
    stories_add(member, 3)
    model = _models()[make]
    before = model.objects.count()

    with pytest.raises(ValidationError, match=MESSAGE), limits.counting():
        make(member, area)

    # Makers that need something to add to (a topic, a cut) add that as a moderator;
    # of what the member was adding, nothing is left.
    assert model.objects.filter(author=member).count() == 0
    assert model.objects.count() <= before + 2


def test_the_daily_limit_holds_when_the_hours_do_not(settings, member):
    settings.CONTENT_PER_HOUR = 1000
    settings.CONTENT_PER_DAY = 4
    stories_add(member, 4)

    with pytest.raises(ValidationError, match=MESSAGE):
        story_add(member, title="The fifth today")

    assert Story.objects.filter(author=member).count() == 4


def test_the_limit_is_each_members_own(settings, member):
    settings.CONTENT_PER_HOUR = 2
    stories_add(member, 2)

    someone_else = UserFactory()
    story_add(someone_else, title="Mine")

    assert Story.objects.filter(author=someone_else).count() == 1


def test_moderators_are_not_limited(settings, moderator):
    settings.CONTENT_PER_HOUR = 2
    stories_add(moderator, 5)

    assert Story.objects.filter(author=moderator).count() == 5


def test_what_the_operator_runs_outside_the_site_is_not_counted(settings, member):
    # The demo data, a command: no web request, nobody to slow down.
    from bigsocnorth.stories import services
    from bigsocnorth.stories.services import Action

    settings.CONTENT_PER_HOUR = 2
    for number in range(4):
        services.story_create(
            author=member, action=Action.PUBLISH, title=f"Loaded {number}", summary="x", body="y"
        )

    assert Story.objects.filter(author=member).count() == 4


def test_the_limit_lifts_when_the_hour_is_over(settings, member, monkeypatch):
    import time

    settings.CONTENT_PER_HOUR = 2
    stories_add(member, 2)
    with pytest.raises(ValidationError, match=MESSAGE):
        story_add(member)

    later = time.time() + timedelta(hours=1).total_seconds()
    monkeypatch.setattr(time, "time", lambda: later)
    story_add(member, title="An hour later")

    assert Story.objects.filter(title="An hour later").exists()


def test_a_forum_reply_over_the_limit_is_refused_on_the_page(settings, member, area):
    from bigsocnorth.forum.models import Post

    settings.CONTENT_PER_HOUR = 2
    stories_add(member, 2)
    topic = forum_reply_add(UserFactory(role="moderator"), area).topic
    client = Client()
    client.force_login(member)

    response = client.post(
        reverse("forum:reply", args=[topic.pk]), {"body": "Count us in for Thursday."}
    )

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not Post.objects.filter(author=member).exists()


def test_a_gathering_over_the_limit_is_refused_on_the_page(settings, client, member, area):
    from bigsocnorth.events.models import Gathering
    from bigsocnorth.events.tests.test_views import _form

    settings.CONTENT_PER_HOUR = 2
    stories_add(member, 2)
    client.force_login(member)

    response = client.post(reverse("events:gathering_create"), _form())

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert not Gathering.objects.exists()


def test_a_directory_entry_over_the_limit_is_refused_on_the_page(settings, client, member, area):
    from bigsocnorth.directory.models import Category, Entry, EntryKind

    settings.CONTENT_PER_HOUR = 2
    stories_add(member, 2)
    client.force_login(member)
    kind = EntryKind.objects.get(slug="network")
    category = Category.objects.get(slug="innovation")

    response = client.post(
        reverse("directory:entry_create"),
        {
            "name": "Sheffield Tenants Together",
            "kind": str(kind.pk),
            "sector": "citizen_led",
            "categories": [str(category.pk)],
            "description": "We support tenants.",
            "places-TOTAL_FORMS": "1",
            "places-INITIAL_FORMS": "0",
            "places-0-place": "Office",
            "places-0-place_latitude": "53.3811",
            "places-0-place_longitude": "-1.4701",
            "places-0-place_chosen": "Office",
        },
    )

    assert response.status_code == 400, response.content.decode()[:3000]
    assert MESSAGE in response.content.decode()
    assert not Entry.objects.filter(author=member).exists()
