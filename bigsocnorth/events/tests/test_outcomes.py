"""After the gathering: its organisers say how many came and what happened, shown safely on
its page and the past list, and turn it into a draft story linked from the gathering."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.events import outcomes
from bigsocnorth.events.models import Gathering
from bigsocnorth.moderation import lifecycle
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.stories.models import Story

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> It went **well**. <img src=x onerror=alert(1)>'


def _ended(gathering: Gathering, *, days_ago: int = 2) -> Gathering:
    """Move a gathering into the past (the services refuse to make one there)."""
    starts_at = timezone.now() - timedelta(days=days_ago)
    Gathering.objects.filter(pk=gathering.pk).update(
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=2),
        last_ends_at=starts_at + timedelta(hours=2),
    )  # fmt: skip
    gathering.refresh_from_db()
    return gathering


def _afterwards(gathering) -> str:
    return reverse("events:gathering_afterwards", args=[gathering.slug])


def _story_url(gathering) -> str:
    return reverse("events:gathering_story", args=[gathering.slug])


def _nothing_recorded(gathering) -> None:
    gathering.refresh_from_db()
    assert gathering.attended is None
    assert gathering.outcome == ""
    assert gathering.outcome_recorded_at is None


@pytest.fixture
def past(organise, moderator):
    """A public gathering that ended two days ago, organised by `moderator`."""
    return _ended(organise(author=moderator))


# --- Recording how it went -------------------------------------------------------------------


def test_an_organiser_records_how_it_went_and_it_is_shown_safely(client, past, moderator, password):
    client.login(email=moderator.email, password=password)
    form = client.get(_afterwards(past))
    assert form.status_code == 200
    assert "How many people came?" in form.content.decode()
    response = client.post(_afterwards(past), {"attended": "23", "outcome": HOSTILE})
    assert response.status_code == 302 and response.url == past.get_absolute_url()
    past.refresh_from_db()
    assert past.attended == 23 and past.outcome_recorded_at is not None
    assert past.outcome == HOSTILE.strip()  # kept as written; made safe when shown
    client.logout()
    page = client.get(past.get_absolute_url()).content.decode()
    assert "Afterwards" in page
    assert "23 people came." in page
    assert "<strong>well</strong>" in page
    assert '<script>alert("x")' not in page
    assert "&lt;script&gt;" in page
    assert "<img src=x" not in page and 'onerror="alert' not in page
    assert "Record how it went" not in page and "Edit what happened" not in page


def test_a_co_organiser_records_and_sees_the_link_to_change_it(client, past, member, password):
    past.co_organisers.add(member)
    client.login(email=member.email, password=password)
    assert "Record how it went" in client.get(past.get_absolute_url()).content.decode()
    client.post(_afterwards(past), {"attended": "0", "outcome": ""})
    past.refresh_from_db()
    assert past.attended == 0
    page = client.get(past.get_absolute_url()).content.decode()
    assert "0 people came." in page and "Edit what happened" in page
    assert 'value="0"' in client.get(_afterwards(past)).content.decode()


def test_nothing_is_recorded_before_the_end(client, organise, moderator, password):
    to_come = organise(author=moderator)
    client.login(email=moderator.email, password=password)
    assert "Record how it went" not in client.get(to_come.get_absolute_url()).content.decode()
    for response in (
        client.get(_afterwards(to_come)),
        client.post(_afterwards(to_come), {"attended": "10", "outcome": "Great"}),
    ):
        assert response.status_code == 302 and response.url == to_come.get_absolute_url()
    page = client.get(to_come.get_absolute_url()).content.decode()
    assert "You can say how it went once the gathering has ended." in page
    _nothing_recorded(to_come)
    with pytest.raises(ValidationError):
        outcomes.gathering_outcome_record(
            actor=moderator, gathering=to_come, attended=10, outcome="Great"
        )
    _nothing_recorded(to_come)


def test_a_cancelled_gathering_takes_no_record(past, moderator):
    from bigsocnorth.events import services

    services.gathering_cancel(actor=moderator, gathering=past)
    with pytest.raises(ValidationError, match="cancelled"):
        outcomes.gathering_outcome_record(actor=moderator, gathering=past, attended=3, outcome="")
    _nothing_recorded(past)


def test_others_are_refused_and_visitors_asked_to_sign_in(client, past, member, password):
    for response in (
        client.get(_afterwards(past)),
        client.post(_afterwards(past), {"attended": "5"}),
        client.post(_story_url(past)),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    client.login(email=member.email, password=password)
    assert client.get(_afterwards(past)).status_code == 403
    assert client.post(_afterwards(past), {"attended": "5"}).status_code == 403
    assert client.post(_story_url(past)).status_code == 403
    assert "Record how it went" not in client.get(past.get_absolute_url()).content.decode()
    _nothing_recorded(past)
    assert not Story.objects.exists()
    with pytest.raises(PermissionDenied):
        outcomes.gathering_outcome_record(actor=member, gathering=past, attended=5, outcome="")


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"attended": "-1"}, "Give the number of people who came, from 0 to 100,000."),
        ({"attended": "lots"}, "Give the number of people who came, from 0 to 100,000."),
        ({"attended": "100001"}, "Give the number of people who came, from 0 to 100,000."),
        ({"attended": "9" * 40}, "Give the number of people who came, from 0 to 100,000."),
        (
            {"attended": "12", "outcome": "x" * (Gathering.OUTCOME_MAX + 1)},
            "The notes can be at most 10000 characters (they have 10001).",
        ),
        ({"attended": "", "outcome": "   "}, "Say how many people came, or write a few words"),
    ],
)
def test_bad_input_is_answered_plainly_and_nothing_is_saved(
    client, past, moderator, password, data, says
):
    client.login(email=moderator.email, password=password)
    response = client.post(_afterwards(past), data)
    assert response.status_code == 400
    assert says in response.content.decode()
    _nothing_recorded(past)


def test_the_service_checks_what_the_form_does_not(past, moderator):
    for attended, outcome in (
        (-1, ""), ("12x", ""), (True, ""), (outcomes.ATTENDED_MAX + 1, ""),
        (12, "x" * (Gathering.OUTCOME_MAX + 1)), (None, ""),
    ):  # fmt: skip
        with pytest.raises(ValidationError):
            outcomes.gathering_outcome_record(
                actor=moderator, gathering=past, attended=attended, outcome=outcome
            )
    _nothing_recorded(past)
    outcomes.gathering_outcome_record(
        actor=moderator, gathering=past, attended=outcomes.ATTENDED_MAX, outcome=""
    )
    past.refresh_from_db()
    assert past.attended == outcomes.ATTENDED_MAX


def test_the_past_list_shows_how_many_came_and_that_there_are_notes(
    client, past, organise, moderator
):
    quiet = _ended(organise(author=moderator, title="A quiet one"), days_ago=3)
    outcomes.gathering_outcome_record(
        actor=moderator, gathering=past, attended=1041, outcome="We planted *twelve* trees."
    )
    page = client.get(reverse("events:gathering_past")).content.decode()
    assert quiet.title in page
    assert page.count("1,041 came") == 1
    assert page.count(">Notes<") == 1
    assert "1,041 people came." in client.get(past.get_absolute_url()).content.decode()


# --- The story -------------------------------------------------------------------------------


def test_an_organiser_turns_it_into_a_draft_story_once(client, past, moderator, password, area):
    group = EntryFactory(located_in=area, author=moderator)
    past.entries.add(group)
    client.login(email=moderator.email, password=password)
    client.post(_afterwards(past), {"attended": "12", "outcome": "We agreed to meet monthly."})
    response = client.post(_story_url(past))
    story = Story.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("stories:story_edit", args=[story.slug])
    past.refresh_from_db()
    assert past.story == story
    assert not is_public(story) and lifecycle.is_draft(story)
    assert story.author == moderator
    assert "We agreed to meet monthly." in story.body
    assert "12 people came." in story.body
    assert f"({past.get_absolute_url()})" in story.body
    assert past.title in story.title
    assert list(story.about.all()) == [group]
    assert story.local_authority == area
    assert client.get(response.url).status_code == 200

    again = client.post(_story_url(past))
    assert again.status_code == 302 and again.url == past.get_absolute_url()
    assert Story.objects.count() == 1
    page = client.get(past.get_absolute_url()).content.decode()
    assert "A story about this gathering exists already." in page
    assert story.get_absolute_url() in page and "Draft" in page
    assert "Turn it into a story" not in page
    assert story.get_absolute_url() in client.get(_afterwards(past)).content.decode()


def test_no_story_before_anything_is_recorded(client, past, moderator, password):
    client.login(email=moderator.email, password=password)
    response = client.post(_story_url(past))
    assert response.status_code == 302 and response.url == past.get_absolute_url()
    assert not Story.objects.exists()
    past.refresh_from_db()
    assert past.story is None


def test_visitors_see_the_story_link_only_once_it_is_published(
    client, past, moderator, member, password
):
    outcomes.gathering_outcome_record(
        actor=moderator, gathering=past, attended=8, outcome="Good turnout."
    )
    story = outcomes.gathering_story_create(actor=moderator, gathering=past)
    link = f'href="{story.get_absolute_url()}"'
    assert link not in client.get(past.get_absolute_url()).content.decode()
    client.login(email=member.email, password=password)
    assert link not in client.get(past.get_absolute_url()).content.decode()
    client.logout()
    lifecycle.publish(story)
    page = client.get(past.get_absolute_url()).content.decode()
    assert link in page
    assert "Good turnout." in page


# --- What the page costs ---------------------------------------------------------------------


def _count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("as_organiser", [False, True])
def test_the_page_costs_the_same_queries_with_or_without_what_happened(
    client, past, moderator, password, as_organiser
):
    if as_organiser:
        client.login(email=moderator.email, password=password)
    path = past.get_absolute_url()
    _count_queries(client, path)  # what a process loads once is loaded
    without = _count_queries(client, path)
    outcomes.gathering_outcome_record(
        actor=moderator,
        gathering=past,
        attended=30,
        outcome="Notes with a [link](https://example.org).",
    )
    assert _count_queries(client, path) == without
    story = outcomes.gathering_story_create(actor=moderator, gathering=past)
    lifecycle.publish(story)
    # Reading the story it links to (title, address, whether it is public) is one query.
    assert _count_queries(client, path) == without + 1
