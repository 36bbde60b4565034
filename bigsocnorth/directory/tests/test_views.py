import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.models import Entry
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status

pytestmark = pytest.mark.django_db

LIST_URL = reverse("directory:entry_list")
NEW_URL = reverse("directory:entry_create")


def test_directory_appears_in_the_menu(client):
    assert f'href="{LIST_URL}"' in client.get("/").content.decode()


def test_list_shows_only_published_entries_to_anonymous(client, member):
    EntryFactory(name="Visible group")
    EntryFactory(name="Waiting group", status=Status.IN_REVIEW, author=member)
    EntryFactory(name="Hidden group", status=Status.HIDDEN)
    page = client.get(LIST_URL).content.decode()
    assert "Visible group" in page
    assert "Waiting group" not in page
    assert "Hidden group" not in page


def test_list_shows_your_own_entries_waiting_for_review(client, member):
    EntryFactory(name="Waiting group", status=Status.IN_REVIEW, author=member)
    EntryFactory(name="Someone else's draft", status=Status.DRAFT)
    client.force_login(member)
    page = client.get(LIST_URL).content.decode()
    assert "Waiting group" in page
    assert "Someone else&#x27;s draft" not in page


def test_list_filters_by_kind_category_and_area(client, area, category):
    located = EntryFactory(name="In Sheffield", local_authority=area)
    located.categories.add(category)
    EntryFactory(name="Elsewhere")
    page = client.get(LIST_URL, {"area": area.slug}).content.decode()
    assert "In Sheffield" in page and "Elsewhere" not in page
    page = client.get(LIST_URL, {"area": "yorkshire-and-the-humber"}).content.decode()
    assert "In Sheffield" in page and "Elsewhere" not in page
    page = client.get(LIST_URL, {"category": category.slug}).content.decode()
    assert "In Sheffield" in page and "Elsewhere" not in page
    page = client.get(LIST_URL, {"kind": "network"}).content.decode()
    assert "In Sheffield" not in page
    assert client.get(LIST_URL, {"area": "no-such-place", "page": "x"}).status_code == 200


def test_list_is_paginated(client):
    EntryFactory.create_batch(25)
    first = client.get(LIST_URL).content.decode()
    assert "Page 1 of 2" in first
    assert client.get(LIST_URL, {"page": "2"}).context["page_obj"].number == 2
    assert client.get(LIST_URL, {"page": "99"}).context["page_obj"].number == 2


def test_list_page_query_count_does_not_grow_with_entries(client, area, category):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST_URL).status_code == 200
        return len(queries)

    EntryFactory(local_authority=area).categories.add(category)
    few = count()
    for _ in range(10):
        EntryFactory(local_authority=area).categories.add(category)
    assert count() == few
    assert few <= 8


def test_detail_of_someone_elses_draft_is_404(client, member):
    entry = EntryFactory(status=Status.IN_REVIEW)
    assert client.get(entry.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(entry.get_absolute_url()).status_code == 404


def test_author_sees_their_entry_with_a_review_banner(client, member):
    entry = EntryFactory(status=Status.IN_REVIEW, author=member)
    client.force_login(member)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "waiting for review" in page
    assert reverse("directory:entry_edit", args=[entry.slug]) in page
    assert "application/ld+json" not in page


def test_moderator_sees_hidden_entry(client, moderator):
    entry = EntryFactory(status=Status.HIDDEN)
    client.force_login(moderator)
    assert client.get(entry.get_absolute_url()).status_code == 200


def test_detail_page_shows_the_entry_safely(client, area, member):
    entry = EntryFactory(
        author=UserFactory(),
        description='<script>alert("x")</script> [click](javascript:alert(1)) **bold**',
        website="https://example.org/",
        local_authority=area,
    )
    client.force_login(member)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert 'href="javascript' not in page
    assert "<strong>bold</strong>" in page
    assert 'href="https://example.org/" rel="nofollow ugc noopener"' in page
    assert area.get_absolute_url() in page
    assert "Flag this" in page
    assert reverse("directory:entry_edit", args=[entry.slug]) not in page


def test_detail_page_has_json_ld_and_opengraph(client):
    entry = EntryFactory(name="Tea & cake </script><script>alert(1)</script>")
    page = client.get(entry.get_absolute_url()).content.decode()
    assert '<meta property="og:title"' in page
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match, "JSON-LD is missing or was broken out of"
    data = json.loads(match.group(1))
    assert data["@type"] == "Organization"
    assert data["name"] == entry.name


def test_approximate_location_is_rounded_on_the_page(client, area):
    entry = EntryFactory(
        latitude=53.38114, longitude=-1.47013, approximate_location=True, local_authority=area
    )
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "53.38114" not in page
    assert "-1.47013" not in page
    assert "53.38, -1.47" in page


def test_adding_an_entry_needs_login(client):
    response = client.get(NEW_URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_new_member_adds_an_entry_and_is_told_it_waits_for_review(client, member, form_data):
    client.force_login(member)
    assert client.get(NEW_URL).status_code == 200
    response = client.post(NEW_URL, form_data, follow=True)
    entry = Entry.objects.get()
    assert response.redirect_chain[0][0] == entry.get_absolute_url()
    assert entry.status == Status.IN_REVIEW
    assert "waiting for review" in response.content.decode()


def test_moderator_adds_an_entry_and_is_told_it_is_published(client, moderator, form_data):
    client.force_login(moderator)
    response = client.post(NEW_URL, form_data, follow=True)
    assert Entry.objects.get().status == Status.PUBLISHED
    assert "Your entry is published." in response.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "This field is required"),
        ({"name": "x" * 12_000}, "at most 200 characters"),
        ({"website": "javascript:alert(1)"}, "starting with http:// or https://"),
        ({"latitude": "95"}, "Latitude must be between -90 and 90"),
        ({"latitude": "51.5074", "longitude": "-0.1278"}, "outside the North of England"),
        ({"description": "x" * 20_001}, "at most 20000 characters"),
    ],
)
def test_bad_input_on_the_form_is_shown_and_nothing_saved(
    client, member, form_data, change, message
):
    client.force_login(member)
    form_data.update(change)
    response = client.post(NEW_URL, form_data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Entry.objects.exists()


def test_five_megabyte_description_is_refused_with_a_clear_message(client, member, form_data):
    client.force_login(member)
    form_data["description"] = "x" * 5_000_000
    response = client.post(NEW_URL, form_data)
    assert response.status_code == 413
    assert "far too big" in response.content.decode()
    assert not Entry.objects.exists()


def test_editor_edits_their_entry(client, member, form_data):
    entry = EntryFactory(author=member, status=Status.PUBLISHED)
    client.force_login(member)
    url = reverse("directory:entry_edit", args=[entry.slug])
    assert client.get(url).status_code == 200
    form_data["name"] = "New name"
    response = client.post(url, form_data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.name == "New name"


def test_non_editor_cannot_edit(client, member, form_data):
    entry = EntryFactory(author=UserFactory())
    client.force_login(member)
    url = reverse("directory:entry_edit", args=[entry.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, form_data).status_code == 403
