"""The read-only stories API: published stories only, and bad query values answered in JSON."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status
from bigsocnorth.stories import services
from bigsocnorth.stories.services import Action

pytestmark = pytest.mark.django_db

LIST = "/api/v1/stories"


def _story(author, **values):
    fields = {"title": "Repair café", "summary": "We fix things.", "body": "Saturdays.", **values}
    return services.story_create(author=author, action=Action.PUBLISH, **fields)


def test_the_list_has_published_stories_with_their_place_and_groups(client, moderator):
    entry = EntryFactory(name="Calder Food Hub")
    story = _story(moderator, about=[entry], latitude=53.742, longitude=-2.014, tags="repair")
    services.story_create(author=UserFactory(), action=Action.SAVE_DRAFT, title="Draft")
    body = client.get(LIST).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == str(story.uuid)
    assert item["url"] == f"http://testserver{story.get_absolute_url()}"
    assert item["about"] == [{"slug": entry.slug, "name": "Calder Food Hub"}]
    assert item["place"]["area"] == {"slug": "calderdale", "name": "Calderdale"}
    assert item["tags"] == ["repair"]
    assert item["new_voice"] is True
    assert item["by"] == moderator.profile.display_name
    assert "email" not in str(item).lower()


def test_filters(client, moderator):
    _story(moderator, title="Hebden", latitude=53.742, longitude=-2.014, tags="floods")
    _story(moderator, title="Leeds", latitude=53.8, longitude=-1.55)
    assert [i["title"] for i in client.get(LIST, {"area": "calderdale"}).json()["items"]] == [
        "Hebden"
    ]
    assert [i["title"] for i in client.get(LIST, {"tag": "floods"}).json()["items"]] == ["Hebden"]
    assert client.get(LIST, {"kind": "linked"}).json()["count"] == 0
    assert client.get(LIST, {"area": "atlantis"}).json()["count"] == 0


@pytest.mark.parametrize(
    "query",
    [{"page": "0"}, {"page": "abc"}, {"kind": "<script>"}, {"tag": "x" * 41}, {"page": "9" * 30}],
)
def test_bad_query_values_get_a_json_error(client, query):
    response = client.get(LIST, query)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")


def test_a_draft_is_only_for_its_author(client, member):
    draft = services.story_create(author=member, action=Action.SAVE_DRAFT, title="Mine")
    url = f"{LIST}/{draft.slug}"
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).json()["status"] == Status.DRAFT


def test_the_api_answers_only_reads(client):
    assert client.post(LIST, {}).status_code == 405
    assert reverse("api:story_list") == LIST
