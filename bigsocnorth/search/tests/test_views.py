"""The /search/ page: works without JavaScript, serves its results fragment to htmx."""

import re

import pytest
from django.urls import reverse

from bigsocnorth.moderation.models import Status

pytestmark = pytest.mark.django_db

URL = reverse("search:index")
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_search_is_in_the_menu(client):
    assert f'<a href="{URL}">Search</a>' in client.get("/").content.decode()


def test_empty_page_shows_the_form_and_how_to_search(client):
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Search</h1>" in page
    assert '<label for="id_q">Search for</label>' in page
    assert '<label for="id_area">Area</label>' in page
    assert "Type a word or two" in page
    assert page.count('role="search"') == 1
    assert 'aria-current="page"' in page


def test_results_are_listed_with_count_highlight_and_link(client, indexed_entry, leeds):
    entry = indexed_entry(
        name="Leeds Food Bank", description="Food parcels on Mondays.", areas=[leeds]
    )
    indexed_entry(name="Bike kitchen", description="Repairs.")
    response = client.get(URL, {"q": "food", "area": "leeds"})
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        '<p id="search-status" class="search-status" role="status">1 result for “food”.</p>' in page
    )
    assert f'<a href="{entry.get_absolute_url()}">Leeds <mark>Food</mark> Bank</a>' in page
    assert "<mark>Food</mark> parcels on Mondays." in page
    assert "Bike kitchen" not in page
    assert '<option value="leeds" selected>Leeds</option>' in page
    assert "<title>Search results for “food” \N{EN DASH} " in page


def test_no_results_suggests_what_to_change(client, indexed_entry):
    page = client.get(URL, {"q": "zebra"}).content.decode()
    assert "0 results for “zebra”." in page
    assert "No results" in page and "remove a filter" in page


def test_htmx_request_gets_only_the_results_and_the_count_for_the_live_region(
    client, indexed_entry
):
    indexed_entry(name="Hull Sea Scouts")
    response = client.get(URL, {"q": "scouts"}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and "<form" not in page
    assert '<p id="search-status" hx-swap-oob="innerHTML">1 result for “scouts”.</p>' in page
    assert "Hull Sea <mark>Scouts</mark>" in page
    assert "HX-Request" in response["Vary"]


def test_history_restore_gets_the_whole_page(client, indexed_entry):
    response = client.get(URL, {"q": "scouts"}, **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": ""}, "Type what you are looking for."),
        ({"q": "x" * 10_000}, "Use at most 200 characters to search (this search has 10,000)."),
        ({"q": "the and"}, "very common words"),
        ({"q": "🙂 ***"}, "only punctuation or symbols"),
        ({"q": "food", "area": "atlantis"}, "There is no area “atlantis” in the North."),
        ({"q": "food", "category": "<b>x</b>"}, "There is no category “&lt;b&gt;x&lt;/b&gt;”."),
        ({"q": "food", "type": "parrot"}, "There is no type “parrot” to search."),
    ],
)
def test_problems_are_explained_next_to_the_field(client, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page
    fragment = client.get(URL, params, **HTMX)
    assert fragment.status_code == 200
    assert 'role="alert"' in fragment.content.decode()
    assert message in fragment.content.decode()


def test_content_with_markup_is_shown_as_text(client, indexed_entry):
    indexed_entry(name="<script>alert(1)</script> Choir", description="<i>Sing</i> with us.")
    page = client.get(URL, {"q": "choir sing"}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Choir</mark>" in page
    assert "&lt;i&gt;<mark>Sing</mark>&lt;/i&gt; with us." in page


def test_hidden_entries_are_not_found(client, indexed_entry, moderator):
    indexed_entry(name="Hidden choir", status=Status.HIDDEN)
    client.force_login(moderator)
    assert "Hidden choir" not in client.get(URL, {"q": "choir"}).content.decode()


def test_pages_keep_the_search_and_filters(client, indexed_entry):
    for number in range(25):
        indexed_entry(name=f"Rambling group {number}")
    page = client.get(URL, {"q": "rambling", "type": "entry"}).content.decode()
    assert "25 results for “rambling”." in page
    assert "Page 1 of 2" in page
    link = re.search(r'<a href="(\?[^"]+)" hx-get="[^"]+"[^>]*rel="next"', page).group(1)
    assert link == "?q=rambling&amp;type=entry&amp;page=2"
    second = client.get(URL, {"q": "rambling", "type": "entry", "page": "2"}).content.decode()
    assert second.count('class="search-result"') == 5
    assert '<ol class="search-result-list" start="21">' in second


def test_page_query_count_does_not_grow_with_results(
    client, indexed_entry, leeds, innovation, django_assert_max_num_queries
):
    def search():
        params = {"q": "gardening", "area": "yorkshire-and-the-humber", "category": "innovation"}
        response = client.get(URL, params)
        assert response.status_code == 200

    indexed_entry(name="Gardening 0", areas=[leeds], categories=[innovation])
    search()  # the process's index of places is built on first use, by whichever test
    # The form's choices: categories, regions, authorities (3); checking the
    # category (1) and the region with its authorities (3); the count and the
    # page of results (2). None of it depends on how many results there are.
    with django_assert_max_num_queries(9):
        search()
    for number in range(1, 20):
        indexed_entry(name=f"Gardening {number}", areas=[leeds], categories=[innovation])
    with django_assert_max_num_queries(9):
        search()


def test_a_misspelt_search_shows_the_corrected_results_and_says_so(client, indexed_entry, leeds):
    indexed_entry(name="Leeds Food Bank", description="Food parcels on Mondays.", areas=[leeds])
    response = client.get(URL, {"q": "Foood", "area": "leeds"})
    page = response.content.decode()
    assert response.status_code == 200
    status = re.search(r'<p id="search-status"[^>]*role="status">(.*?)</p>', page, re.S).group(1)
    # Announced with the count: what was searched for, and what is shown.
    assert "No results for “Foood”; showing 1 result for “Food”." in status
    assert 'Did you mean <a href="?q=Food&amp;area=leeds">Food</a>?' in status
    assert "Leeds <mark>Food</mark> Bank" in page
    assert "<h2>No results</h2>" not in page


def test_the_suggestion_reaches_the_live_region_of_an_htmx_search(client, indexed_entry):
    indexed_entry(name="Hebden Bridge Repair Café")
    page = client.get(URL, {"q": "hebdon bridge"}, **HTMX).content.decode()
    assert 'hx-swap-oob="innerHTML"' in page
    assert "No results for “hebdon bridge”; showing 1 result for “hebden bridge”." in page
    assert '<a href="?q=hebden+bridge">hebden bridge</a>' in page


def test_a_suggestion_is_escaped(client, indexed_entry):
    indexed_entry(name="Food Bank")
    page = client.get(URL, {"q": "<script>alert(1)</script> foood"}).content.decode()
    assert "<script>alert(1)" not in page


def test_a_misspelt_search_costs_the_same_queries_whatever_it_finds(
    client, indexed_entry, django_assert_max_num_queries
):
    indexed_entry(name="Food Bank 0")
    # Session and menu aside: count, suggestion, then count and page of the correction.
    with django_assert_max_num_queries(12) as few:
        client.get(URL, {"q": "foood bankk"})
    for number in range(1, 25):
        indexed_entry(name=f"Food Bank {number}")
    with django_assert_max_num_queries(len(few)):
        assert (
            "showing 25 results for “food bank”"
            in client.get(URL, {"q": "foood bankk"}).content.decode()
        )
