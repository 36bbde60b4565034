"""The gatherings API: public gatherings only, the list's filters, bad input answered in
JSON with a message, and the same queries however many a page holds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bigsocnorth.events import services
from bigsocnorth.moderation.services import content_hide

pytestmark = pytest.mark.django_db

API = "/api/v1/events"


def _json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["message"]
    return body


def test_the_list_gives_public_gatherings_to_come(client, organise, member, moderator):
    shown = organise(title="Shown", online=True, online_url="https://meet.example.org/secret")
    organise(author=member, title="In review")
    hidden = organise(title="Hidden")
    content_hide(actor=moderator, content=hidden, reason="Spam")
    services.rsvp_member(user=member, gathering=shown)
    response = client.get(API)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["page"] == 1 and body["pages"] == 1
    (item,) = body["items"]
    assert item["id"] == shown.pk and item["title"] == "Shown"
    assert item["uuid"] == str(shown.uuid)
    assert item["starts_at"] == shown.starts_at.isoformat()
    assert item["timezone"] == "Europe/London"
    assert item["online_url"] is None  # shown only to people going
    assert "secret" not in response.content.decode()
    assert item["places_left"] == 30 - 1
    assert item["area"]["slug"] == shown.local_authority.slug
    assert item["access"]["step_free"] is True and item["access"]["quiet_room"] is None
    assert item["ics_url"].endswith(f"/gatherings/{shown.slug}/calendar.ics")
    assert "email" not in response.content.decode()


def test_one_gathering_by_id_and_hidden_ones_are_404(client, organise, member, moderator):
    shown = organise(title="Shown", online=True, online_url_going_only=False,
                     online_url="https://meet.example.org/open")  # fmt: skip
    in_review = organise(author=member, title="In review")
    hidden = organise(title="Hidden")
    content_hide(actor=moderator, content=hidden, reason="Spam")
    body = client.get(f"{API}/{shown.pk}").json()
    assert body["title"] == "Shown" and body["online_url"] == "https://meet.example.org/open"
    for gathering in (in_review, hidden):
        error = _json_error(client.get(f"{API}/{gathering.pk}"), 404)
        assert "no public gathering" in error["message"]
    assert "no public gathering" in _json_error(client.get(f"{API}/999999"), 404)["message"]


def test_the_filters(client, organise, area):
    organise(title="In Sheffield")
    organise(title="Online only", in_person=False, online=True, place=None, venue_name="",
             venue_address="", online_url="https://meet.example.org/x")  # fmt: skip
    titles = lambda **query: sorted(i["title"] for i in client.get(API, query).json()["items"])  # noqa: E731
    assert titles(mode="online") == ["Online only"]
    assert titles(mode="in_person") == ["In Sheffield"]
    assert titles(area=area.slug) == ["In Sheffield"]
    assert titles(area=area.region.slug) == ["In Sheffield"]
    assert titles(area="leeds") == []


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ({"area": "atlantis"}, 404, 'no area called "atlantis"'),
        ({"page": "0"}, 422, "not valid"),
        ({"page": "-1"}, 422, "not valid"),
        ({"page": "two"}, 422, "not valid"),
        ({"page": "9" * 30}, 422, "not valid"),
        ({"mode": "teleport"}, 422, "not valid"),
        ({"area": "<script>"}, 422, "not valid"),
        ({"area": "x" * 300}, 422, "not valid"),
        ({"area": "sheff\x00ield"}, 422, "not valid"),
    ],
)
def test_bad_input_is_answered_with_a_message(client, query, status, says):
    assert says in _json_error(client.get(API, query), status)["message"]


@pytest.mark.parametrize("bad", ["0", "-3", "abc", "9" * 30])
def test_a_bad_id_is_answered_with_a_message(client, bad):
    response = client.get(f"{API}/{bad}")
    assert response.status_code in (404, 422)
    assert response.json()["message"]


def test_a_page_past_the_end_gives_the_last_page(client, organise):
    organise()
    body = client.get(API, {"page": "5"}).json()
    assert body["page"] == 1 and len(body["items"]) == 1


def test_a_page_costs_the_same_queries_however_many_it_holds(client, organise):
    organise(title="One")
    with CaptureQueriesContext(connection) as few:
        assert client.get(API).status_code == 200
    for number in range(6):
        organise(title=f"More {number}", recurrence="FREQ=WEEKLY;COUNT=3")
    with CaptureQueriesContext(connection) as many:
        assert client.get(API).json()["count"] == 7
    assert len(many) == len(few)


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/events" in paths and "/api/v1/events/{gathering_id}" in paths
    parameters = {p["name"] for p in paths["/api/v1/events"]["get"]["parameters"]}
    assert {"page", "area", "mode"} <= parameters
