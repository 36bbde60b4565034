"""GET /api/v1/search: the search page's results as JSON, errors as a message to act on."""

import pytest

from bigsocnorth.moderation.models import Status

pytestmark = pytest.mark.django_db

URL = "/api/v1/search"


def test_results_are_paged_like_the_directory_api(client, indexed_entry, leeds):
    entry = indexed_entry(name="Leeds Food Bank", description="<b>Food</b> parcels.", areas=[leeds])
    response = client.get(URL, {"q": "food"})
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("count", "more", "page", "pages")} == {
        "count": 1,
        "more": False,
        "page": 1,
        "pages": 1,
    }
    assert body["items"] == [
        {
            "type": "entry",
            "type_label": "Directory entry",
            "title": "Leeds Food Bank",
            "url": f"http://testserver{entry.get_absolute_url()}",
            "published_at": entry.published_at.isoformat(),
            "title_html": "Leeds <mark>Food</mark> Bank",
            "snippet_html": "&lt;b&gt;<mark>Food</mark>&lt;/b&gt; parcels.",
        }
    ]


def test_filters_and_pages(client, indexed_entry, leeds, newcastle, innovation):
    for number in range(22):
        indexed_entry(name=f"Leeds swimming club {number}", areas=[leeds], categories=[innovation])
    indexed_entry(name="Tyneside swimming club", areas=[newcastle])
    assert client.get(URL, {"q": "swimming"}).json()["count"] == 23
    body = client.get(URL, {"q": "swimming", "area": "north-east"}).json()
    assert [item["title"] for item in body["items"]] == ["Tyneside swimming club"]
    body = client.get(
        URL,
        {"q": "swimming", "area": "leeds", "category": "innovation", "type": "entry", "page": 2},
    ).json()
    assert (body["count"], body["page"], body["pages"], len(body["items"])) == (22, 2, 2, 2)
    assert client.get(URL, {"q": "swimming", "page": 50}).json()["page"] == 2


def test_only_published_things_even_for_their_author(client, indexed_entry, member):
    indexed_entry(name="Waiting choir", status=Status.IN_REVIEW, author=member)
    client.force_login(member)
    assert client.get(URL, {"q": "choir"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({}, "q", "Type what you are looking for."),
        ({"q": "x" * 10_000}, "q", "Use at most 200 characters"),
        ({"q": "\x00"}, "q", "Type what you are looking for."),
        ({"q": '"*" NEAR() -(🙂)'}, None, None),
        ({"q": "food", "type": "parrot"}, "type", "There is no type “parrot” to search."),
        ({"q": "food", "category": "x" * 10_000}, "category", "There is no category"),
        ({"q": "food", "area": "leeds\x00"}, "area", "There is no area"),
    ],
)
def test_input_that_cannot_be_searched_is_a_400_with_a_message(client, params, field, message):
    response = client.get(URL, params)
    if field is None:
        assert response.status_code == 200
        return
    assert response.status_code == 400
    body = response.json()
    assert message in body["message"]
    assert body["errors"][0]["field"] == field


def test_several_problems_are_listed(client):
    body = client.get(URL, {"q": "the", "area": "atlantis"}).json()
    assert [error["field"] for error in body["errors"]] == ["q", "area"]
    assert "very common words" in body["message"] and "atlantis" in body["message"]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", ""])
def test_a_page_that_is_not_a_positive_number_is_refused(client, page):
    response = client.get(URL, {"q": "food", "page": page})
    assert response.status_code == 422
    body = response.json()
    assert body["message"]
    assert body["errors"][0]["field"] == "page"


def test_only_get(client):
    response = client.post(URL, {"q": "food"})
    assert response.status_code == 405
    assert "message" in response.json()


def test_described_in_openapi(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/search"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == {
        "q", "type", "category", "area", "page",
    }  # fmt: skip
    assert set(operation["responses"]) == {"200", "400", "422"}
    page = schema["components"]["schemas"]["SearchPage"]["properties"]
    assert "misspelt words" in page["did_you_mean"]["description"]


def test_a_misspelt_search_says_what_it_searched_for_instead(client, indexed_entry):
    indexed_entry(name="Hebden Bridge Repair Café", description="Kettles mended.")
    body = client.get(URL, {"q": "hebdon bridge"}).json()
    assert body["did_you_mean"] == "hebden bridge"
    assert body["count"] == 1 and body["items"][0]["title"] == "Hebden Bridge Repair Café"
    assert "<mark>Hebden</mark>" in body["items"][0]["title_html"]
    body = client.get(URL, {"q": "hebden bridge"}).json()
    assert body["did_you_mean"] is None and body["count"] == 1
    body = client.get(URL, {"q": "zeppelin"}).json()
    assert (body["did_you_mean"], body["count"]) == (None, 0)


@pytest.mark.parametrize("q", ["%_", "%%%", "_", "foo%_", "'; SELECT 1; --", "<script>"])
def test_wildcards_and_sql_are_words_or_a_message(client, indexed_entry, q):
    indexed_entry(name="Food Bank")
    response = client.get(URL, {"q": q})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["message"]
    else:
        # "foo" may well be "food"; never a wildcard or a symbol.
        assert response.json()["did_you_mean"] in (None, "food")


def test_query_count_does_not_grow_with_results(
    client, indexed_entry, leeds, django_assert_max_num_queries
):
    indexed_entry(name="Orchard 0", areas=[leeds])
    # The authority (1), the categories to check against (the directory's and
    # the forum's, 2), count (1), and with no results, the suggestion (1); with
    # a suggestion that finds something, the corrected search's count and page
    # (2 more).
    with django_assert_max_num_queries(5):
        assert (
            client.get(URL, {"q": "orchard", "area": "leeds", "category": "innovation"}).json()[
                "count"
            ]
            == 0
        )
    for number in range(1, 20):
        indexed_entry(name=f"Orchard {number}", areas=[leeds])
    with django_assert_max_num_queries(5):
        assert client.get(URL, {"q": "orchard", "area": "leeds"}).json()["count"] == 20
