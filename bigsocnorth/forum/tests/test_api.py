"""The read-only forum API: public topics and posts only, paged, and bad input answered in JSON."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.forum import services
from bigsocnorth.forum.models import Category, Topic
from bigsocnorth.moderation import lifecycle
from bigsocnorth.places.models import LocalAuthority, Region

pytestmark = pytest.mark.django_db

API = "/api/v1/forum"
TOPICS = f"{API}/topics"


def _topic(author, category, title="Sharing a minibus", body="Has anyone shared one?", **values):
    return services.topic_create(author=author, category=category, title=title, body=body, **values)


def _json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["message"]
    return body


# --- Categories ----------------------------------------------------------------


def test_categories_come_in_the_forums_order_with_their_public_topics_counted(
    client, category, moderator, member, django_assert_max_num_queries
):
    region = Region.objects.get(slug="north-east")
    regional = Category.objects.create(
        name="North East", slug="north-east", position=200, region=region
    )
    _topic(moderator, category)
    _topic(member, category, title="Waiting for a moderator")  # in review: not counted
    with django_assert_max_num_queries(1):
        body = client.get(f"{API}/categories").json()
    assert [item["slug"] for item in body] == ["ideas", "north-east"]
    ideas, north_east = body
    assert ideas["topic_count"] == 1 and ideas["region"] is None
    assert ideas["url"] == f"{settings.SITE_URL}{category.get_absolute_url()}"
    assert ideas["last_posted_at"]
    assert north_east["region"] == {"slug": "north-east", "name": "North East"}
    assert north_east["topic_count"] == 0 and north_east["last_posted_at"] is None
    assert regional.region_id == region.pk


# --- Topics ---------------------------------------------------------------------


def test_the_list_has_public_topics_only_latest_activity_first(client, category, moderator, member):
    older = _topic(moderator, category, title="An older topic")
    newer = _topic(moderator, category, title="A newer topic")
    services.post_create(author=moderator, topic=older, body="Bringing this back up.")
    _topic(member, category, title="A new member's topic")  # waits for review
    hidden = _topic(moderator, category, title="A hidden topic")
    lifecycle.hide(hidden, reason="Spam")
    body = client.get(TOPICS).json()
    assert body["count"] == 2 and body["page"] == 1 and body["pages"] == 1
    assert [item["title"] for item in body["items"]] == ["An older topic", "A newer topic"]
    item = body["items"][0]
    assert item["id"] == older.pk
    assert item["url"] == f"{settings.SITE_URL}{older.get_absolute_url()}"
    assert item["posts_url"] == f"{settings.SITE_URL}{TOPICS}/{older.pk}/posts"
    assert item["category"] == {"slug": "ideas", "name": "Ideas and innovation"}
    assert item["author"] == {
        "name": moderator.profile.display_name,
        "profile_url": f"{settings.SITE_URL}{moderator.profile.get_absolute_url()}",
    }
    assert (item["post_count"], item["reply_count"]) == (2, 1)
    assert (item["pinned"], item["locked"], item["closed"]) == (False, False, False)
    assert "email" not in str(body).lower()
    assert newer.pk in {i["id"] for i in body["items"]}


def test_filters_by_category_area_and_tag(client, category, moderator):
    other = Category.objects.create(name="Funding", slug="funding", position=20)
    sheffield = LocalAuthority.objects.get(slug="sheffield")
    leeds = LocalAuthority.objects.get(slug="leeds")
    newcastle = LocalAuthority.objects.get(slug="newcastle-upon-tyne")
    _topic(moderator, category, title="Repair café", local_authority=sheffield, tags="repair")
    _topic(moderator, other, title="Grants for halls", local_authority=leeds, tags="grants, halls")
    _topic(moderator, other, title="Grant reports", local_authority=newcastle, tags="grant")

    def titles(**query):
        response = client.get(TOPICS, query)
        assert response.status_code == 200, response.content
        return sorted(item["title"] for item in response.json()["items"])

    assert titles(category="funding") == ["Grant reports", "Grants for halls"]
    assert titles(area="sheffield") == ["Repair café"]
    assert titles(area="yorkshire-and-the-humber") == ["Grants for halls", "Repair café"]
    # A whole tag, never part of one; any case.
    assert titles(tag="grant") == ["Grant reports"]
    assert titles(tag="Grants") == ["Grants for halls"]
    assert titles(tag="halls") == ["Grants for halls"]
    assert titles(tag="rants") == []
    assert titles(category="funding", area="north-east") == ["Grant reports"]


def test_an_unknown_category_or_area_is_a_404_that_says_where_to_look(client, category):
    body = _json_error(client.get(TOPICS, {"category": "no-such-category"}), 404)
    assert "/api/v1/forum/categories" in body["message"]
    body = _json_error(client.get(TOPICS, {"area": "atlantis"}), 404)
    assert "/api/v1/areas" in body["message"]


@pytest.mark.parametrize(
    "query",
    [
        {"page": "0"},
        {"page": "-1"},
        {"page": "abc"},
        {"page": "9" * 30},
        {"page": "100001"},
        {"category": "<script>alert(1)</script>"},
        {"category": "x" * 91},
        {"area": "a/b"},
        {"area": "x" * 101},
        {"tag": "x" * 41},
        {"tag": "one, two"},
        {"tag": "nul\x00byte"},
    ],
)
def test_bad_list_queries_get_a_json_error_per_field(client, query):
    body = _json_error(client.get(TOPICS, query), 422)
    assert body["errors"][0]["field"] == next(iter(query))


def test_a_page_past_the_end_is_the_last_page(client, category, moderator):
    _topic(moderator, category)
    body = client.get(TOPICS, {"page": 99}).json()
    assert (body["page"], body["pages"], len(body["items"])) == (1, 1, 1)


def test_the_list_costs_the_same_few_queries_however_many_topics(
    client, category, moderator, django_assert_max_num_queries
):
    for number in range(3):
        _topic(moderator, category, title=f"Topic number {number}", tags="halls")
    with django_assert_max_num_queries(3):
        assert len(client.get(TOPICS).json()["items"]) == 3
    for number in range(3, 60):
        _topic(moderator, category, title=f"Topic number {number}", tags="halls")
    with django_assert_max_num_queries(3):
        assert len(client.get(TOPICS).json()["items"]) == 50
    with django_assert_max_num_queries(5):
        body = client.get(TOPICS, {"category": "ideas", "area": "leeds", "tag": "halls"}).json()
    assert body["count"] == 0
    with django_assert_max_num_queries(4):
        assert len(client.get(TOPICS, {"page": 2, "category": "ideas"}).json()["items"]) == 10


# --- One topic ------------------------------------------------------------------------


def test_a_topic_comes_with_its_opening_post(
    client, category, moderator, django_assert_max_num_queries
):
    sheffield = LocalAuthority.objects.get(slug="sheffield")
    topic = _topic(
        moderator,
        category,
        title="Repair café in Burngreave",
        body="We fix **toasters**.",
        local_authority=sheffield,
        tags="repair, reuse",
    )
    # The topic, its opening post, and that post's pictures.
    with django_assert_max_num_queries(3):
        response = client.get(f"{TOPICS}/{topic.pk}")
    body = response.json()
    assert body["title"] == "Repair café in Burngreave"
    assert body["tags"] == ["repair", "reuse"]
    assert body["area"] == {"slug": "sheffield", "name": "Sheffield"}
    assert body["discussion_of"] is None
    assert (body["closed"], body["closed_at"], body["conclusions"]) == (False, None, "")
    opening = body["opening_post"]
    assert opening["number"] == 1 and opening["reply_to"] is None
    assert opening["body"] == "We fix **toasters**."
    assert "<strong>toasters</strong>" in opening["body_html"]
    assert opening["url"] == f"{settings.SITE_URL}/forum/posts/{topic.posts.get().pk}/"


def test_a_closed_topic_shows_its_conclusions(client, topic, moderator):
    # As a moderator's closing leaves it.
    Topic.objects.filter(pk=topic.pk).update(
        closed_at=timezone.now(), closed_by=moderator, conclusions="We agreed to **share** it."
    )
    body = client.get(f"{TOPICS}/{topic.pk}").json()
    assert body["closed"] is True and body["closed_at"]
    assert body["conclusions"] == "We agreed to **share** it."
    assert "<strong>share</strong>" in body["conclusions_html"]


def test_a_discussion_names_what_it_discusses_only_while_that_is_public(
    client, category, moderator
):
    subject = _topic(moderator, category, title="The thing discussed")
    discussion = _topic(moderator, category, title="About the thing", subject=subject)
    body = client.get(f"{TOPICS}/{discussion.pk}").json()
    assert body["discussion_of"] == {
        "title": "The thing discussed",
        "url": f"{settings.SITE_URL}{subject.get_absolute_url()}",
    }
    lifecycle.hide(subject, reason="Off topic")
    assert client.get(f"{TOPICS}/{discussion.pk}").json()["discussion_of"] is None


def test_a_topic_that_is_not_public_is_not_found(client, category, moderator, member):
    waiting = _topic(member, category, title="Waiting for review")
    hidden = _topic(moderator, category, title="Hidden by a moderator")
    lifecycle.hide(hidden, reason="Spam")
    for topic in (waiting, hidden):
        for path in (f"{TOPICS}/{topic.pk}", f"{TOPICS}/{topic.pk}/posts"):
            body = _json_error(client.get(path), 404)
            assert "Hidden" not in str(body) and "Waiting" not in str(body)
    # Even for its author: the API shows what anyone may see.
    client.force_login(member)
    _json_error(client.get(f"{TOPICS}/{waiting.pk}"), 404)
    _json_error(client.get(f"{TOPICS}/{Topic.objects.order_by('-pk')[0].pk + 1}"), 404)


@pytest.mark.parametrize("topic_id", ["abc", "0", "-3", "1.5", "9" * 30, "%00"])
def test_bad_topic_ids_get_a_json_error(client, topic_id):
    for path in (f"{TOPICS}/{topic_id}", f"{TOPICS}/{topic_id}/posts"):
        response = client.get(path)
        assert response.status_code in (404, 422), path
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["message"]


# --- Posts ------------------------------------------------------------------------------


def test_posts_come_in_number_order_public_ones_only(client, topic, moderator, member):
    helper = UserFactory(role="moderator")
    second = services.post_create(author=helper, topic=topic, body="Yes, *we* did.")
    services.post_create(author=member, topic=topic, body="New here: waiting for review.")
    hidden = services.post_create(author=helper, topic=topic, body="Buy my minibus!")
    fourth = services.post_create(
        author=moderator,
        topic=topic,
        body=f"Thanks @{helper.profile.handle}, that helps.",
        reply_to=second,
    )
    answer_to_hidden = services.post_create(
        author=moderator, topic=topic, body="Please don't sell here.", reply_to=hidden
    )
    lifecycle.hide(hidden, reason="Selling")
    services.post_edit(actor=moderator, post=fourth, body=fourth.body + " Edited.")
    services.post_like(user=member, post=second)

    body = client.get(f"{TOPICS}/{topic.pk}/posts").json()
    assert body["count"] == 4 and body["pages"] == 1
    assert body["topic"] == {
        "title": topic.title,
        "url": f"{settings.SITE_URL}{topic.get_absolute_url()}",
    }
    items = body["items"]
    assert [item["number"] for item in items] == [1, 2, 5, 6]
    by_number = {item["number"]: item for item in items}
    assert by_number[2]["author"]["name"] == helper.profile.display_name
    assert by_number[2]["like_count"] == 1 and by_number[2]["edited_at"] is None
    assert "<em>we</em>" in by_number[2]["body_html"]
    assert by_number[5]["reply_to"] == 2
    assert by_number[5]["edited_at"] and by_number[5]["body"].endswith("Edited.")
    profile_url = helper.profile.get_absolute_url()
    assert f'href="{profile_url}"' in by_number[5]["body_html"]
    # It answers a post that is no longer shown: its number is not given.
    assert by_number[6]["reply_to"] is None
    assert answer_to_hidden.reply_to_id == hidden.pk
    assert "Buy my minibus" not in str(body) and "waiting for review" not in str(body)


def test_posts_are_paged_at_the_same_cost_however_many(
    client, topic, moderator, django_assert_max_num_queries
):
    for number in range(2, 5):
        services.post_create(author=moderator, topic=topic, body=f"Reply {number}.")
    # The topic, the count, the page of posts and their pictures.
    with django_assert_max_num_queries(4):
        assert len(client.get(f"{TOPICS}/{topic.pk}/posts").json()["items"]) == 4
    others = [UserFactory(role="moderator") for _ in range(5)]
    for number in range(5, 56):
        services.post_create(author=others[number % 5], topic=topic, body=f"Reply {number}.")
    with django_assert_max_num_queries(4):
        body = client.get(f"{TOPICS}/{topic.pk}/posts").json()
    assert (body["count"], body["pages"], len(body["items"])) == (55, 2, 50)
    assert [item["number"] for item in body["items"]] == list(range(1, 51))
    page = client.get(f"{TOPICS}/{topic.pk}/posts", {"page": 2}).json()
    assert [item["number"] for item in page["items"]] == list(range(51, 56))
    for query in ({"page": "0"}, {"page": "x"}, {"page": "9" * 30}):
        _json_error(client.get(f"{TOPICS}/{topic.pk}/posts", query), 422)


# --- The API as a whole -------------------------------------------------------------------


def test_the_forum_endpoints_are_documented_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = {
        "/api/v1/forum/categories",
        "/api/v1/forum/topics",
        "/api/v1/forum/topics/{topic_id}",
        "/api/v1/forum/topics/{topic_id}/posts",
    }
    assert paths <= set(spec["paths"])
    for path in paths:
        operation = spec["paths"][path]["get"]
        assert operation["tags"] == ["forum"]
        assert operation["summary"] and operation["description"]
        for parameter in operation.get("parameters", []):
            assert parameter["schema"].get("description") or parameter.get("description")
    schemas = spec["components"]["schemas"]
    for name in ("CategoryOut", "TopicOut", "TopicDetailOut", "PostOut", "TopicPage", "PostPage"):
        assert name in schemas, name
    post = schemas["PostOut"]["properties"]
    assert post["body_html"]["description"] and post["reply_to"]["description"]
    assert "404" in spec["paths"]["/api/v1/forum/topics/{topic_id}"]["get"]["responses"]


def test_the_forum_api_only_reads(client, topic):
    assert client.post(TOPICS, {}).status_code == 405
    assert client.delete(f"{TOPICS}/{topic.pk}").status_code == 405
    assert reverse("api:forum_topic_list") == TOPICS


def test_the_list_takes_its_count_from_the_categories_not_from_counting_topics(
    client, category, moderator
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    other = Category.objects.create(name="Funding and cuts", slug="funding", position=20)
    for number in range(3):
        _topic(moderator, category, title=f"Ideas topic {number}")
    _topic(moderator, other, title="A funding topic")
    lifecycle.hide(_topic(moderator, other, title="Hidden"), reason="Spam")
    with CaptureQueriesContext(connection) as seen:
        assert client.get(TOPICS).json()["count"] == 4
    assert client.get(f"{TOPICS}?category=funding").json()["count"] == 1
    assert client.get(f"{TOPICS}?category=ideas").json()["count"] == 3
    counted = [q["sql"] for q in seen.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not any("forum_topic" in sql for sql in counted)
