"""Discussion of anything: a topic under an entry, linked both ways, that its owner can turn off."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.forum import discussions
from bigsocnorth.forum.models import Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(moderator, area):
    return EntryFactory(name="Walkley Repair Café", located_in=area, author=moderator)


def _urls(entry):
    content_type = ContentType.objects.get_for_model(entry)
    return (
        f"/forum/discuss/{content_type.pk}/{entry.pk}/",
        f"/forum/discuss/{content_type.pk}/{entry.pk}/switch/",
    )


def test_the_first_post_under_a_thing_opens_its_discussion_and_later_ones_reply(
    client, entry, make_trusted
):
    ann, bob = make_trusted(), make_trusted()
    first = discussions.discussion_post(author=ann, subject=entry, body="Great people.")
    second = discussions.discussion_post(author=bob, subject=entry, body="Agreed!")
    topic = Topic.objects.get(subject_id=entry.pk)
    assert first.topic == second.topic == topic and second.number == 2
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Great people." in page and topic.get_absolute_url() in page
    topic_page = client.get(topic.get_absolute_url()).content.decode()
    assert entry.get_absolute_url() in topic_page


def test_a_member_discusses_through_the_page(client, entry, make_trusted):
    client.force_login(make_trusted())
    start, _switch = _urls(entry)
    assert client.post(start, {"body": ""}).status_code == 400
    response = client.post(start, {"body": "Who fixes bikes?"})
    assert response.status_code == 302
    assert Topic.objects.filter(subject_id=entry.pk).exists()


def test_the_owner_turns_discussion_off_and_nobody_else_can(client, entry, moderator, make_trusted):
    ann = make_trusted()
    discussions.discussion_post(author=ann, subject=entry, body="Hello.")
    with pytest.raises(ValidationError):
        discussions.discussion_switch(actor=ann, subject=entry, on=False)
    discussions.discussion_switch(actor=moderator, subject=entry, on=False)
    with pytest.raises(ValidationError):
        discussions.discussion_post(author=ann, subject=entry, body="More")
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "turned off" in page and "Hello." in page
    discussions.discussion_switch(actor=moderator, subject=entry, on=True)
    discussions.discussion_post(author=ann, subject=entry, body="More")


def test_nothing_unregistered_or_hidden_can_be_discussed(client, entry, moderator, make_trusted):
    client.force_login(make_trusted())
    assert client.post("/forum/discuss/999/1/", {"body": "x"}).status_code == 404
    from bigsocnorth.moderation.services import content_hide

    content_hide(actor=moderator, content=entry, reason="Closed down")
    start, _switch = _urls(entry)
    assert client.post(start, {"body": "x"}).status_code == 404
