import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.entries import services
from bigsocnorth.directory.models import Entry
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status
from bigsocnorth.places.models import LocalAuthority

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
    located = EntryFactory(name="In Sheffield", located_in=area)
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

    EntryFactory(located_in=area).categories.add(category)
    few = count()
    for _ in range(10):
        EntryFactory(located_in=area).categories.add(category)
    assert count() == few
    assert few <= 9


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
        located_in=area,
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


def test_approximate_location_is_rounded_on_the_page(client, member, entry_values):
    entry_values.update(
        places=[{"latitude": 53.38114, "longitude": -1.47013}], approximate_location=True
    )
    entry = services.entry_create(author=UserFactory(role="moderator"), **entry_values)
    client.force_login(member)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "53.38114" not in page
    assert "-1.47013" not in page
    assert "53.38, -1.47" in page
    assert '"latitude": 53.38, "longitude": -1.47' in page  # the JSON-LD too


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
        (
            {"places-0-place_typed_latitude": "95", "places-0-place_typed_longitude": "-1.4"},
            "Latitude must be between -90 and 90",
        ),
        (
            {"places-0-place_typed_latitude": "north", "places-0-place_typed_longitude": "-1"},
            "Give the latitude and longitude as numbers",
        ),
        ({"places-0-place_longitude": ""}, "Give both the latitude and the longitude"),
        (
            {"places-0-place_latitude": "51.5074", "places-0-place_longitude": "-0.1278"},
            "outside the North",
        ),
        (
            {
                "places-0-place": "Hebdon Brige",
                "places-0-place_latitude": "",
                "places-0-place_longitude": "",
            },
            "no place called “Hebdon Brige” in the North",
        ),
        ({"places-TOTAL_FORMS": "5000"}, "Please submit at most 20 forms"),
        ({"identifiers": "charity 1123456"}, "not in org-id form"),
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


def test_area_page_lists_the_entries_in_and_serving_the_area(client, area, entry_values, moderator):
    EntryFactory(name="Based here", located_in=area)
    serving = EntryFactory(name="Serves here")
    serving.areas_served.add(area)
    serving.areas.add(area)
    EntryFactory(name="Elsewhere", located_in=LocalAuthority.objects.get(name="Leeds"))
    EntryFactory(name="Waiting here", located_in=area, status=Status.IN_REVIEW)
    page = client.get(area.get_absolute_url()).content.decode()
    assert "Based here" in page and "Serves here" in page
    assert "Elsewhere" not in page and "Waiting here" not in page
    region_page = client.get(area.region.get_absolute_url()).content.decode()
    assert "Based here" in region_page and "Elsewhere" in region_page


def test_area_page_entries_cost_the_same_queries_however_many(client, area, category):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(area.get_absolute_url()).status_code == 200
        return len(queries)

    EntryFactory(located_in=area)
    few = count()
    for _ in range(10):
        EntryFactory(located_in=area).categories.add(category)
    assert count() == few


def _image_upload(size=(600, 300), fmt="JPEG", name="logo.jpg", **save):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format=fmt, **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_a_logo_is_re_encoded_resized_and_stripped_then_replaced_and_removed(
    client, moderator, form_data, django_capture_on_commit_callbacks
):
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    client.force_login(moderator)
    response = client.post(NEW_URL, {**form_data, "logo": _image_upload(exif=exif)})
    assert response.status_code == 302
    entry = Entry.objects.get()
    first = entry.logo.name
    with Image.open(entry.logo.path) as logo:
        assert logo.format == "PNG"
        assert logo.size == (512, 256)
        assert not logo.getexif()
    page = client.get(entry.get_absolute_url()).content.decode()
    assert entry.logo.url in page
    assert '<meta property="og:image"' in page

    edit = reverse("directory:entry_edit", args=[entry.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit, {**form_data, "logo": _image_upload(size=(100, 100))})
    entry.refresh_from_db()
    assert entry.logo.name != first
    assert not entry.logo.storage.exists(first)  # the old file goes once committed
    second = entry.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit, {**form_data, "remove_logo": "on"})
    entry.refresh_from_db()
    assert not entry.logo
    assert not entry.logo.storage.exists(second)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ("pdf", "not an image we can read"),
        ("huge", "12,000 by 20 pixels"),
    ],
)
def test_a_bad_logo_is_refused_and_nothing_is_saved(client, member, form_data, upload, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    if upload == "pdf":
        logo = SimpleUploadedFile(
            "logo.png", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj", "image/png"
        )
    else:
        logo = _image_upload(size=(12_000, 20), fmt="PNG", name="wide.png")
    client.force_login(member)
    response = client.post(NEW_URL, {**form_data, "logo": logo})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Entry.objects.exists()


def test_add_another_place_keeps_what_was_typed_and_saves_nothing(client, member, form_data):
    client.force_login(member)
    response = client.post(NEW_URL, {**form_data, "add_place": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="places-1-place_latitude"' in page
    assert 'name="places-0-place_latitude" value="53.3811"' in page
    assert 'value="Sheffield Tenants Together"' in page
    assert "There is a problem" not in page
    assert not Entry.objects.exists()


def test_a_place_by_name_comes_back_with_choices_and_everything_typed_is_kept(
    client, member, form_data
):
    client.force_login(member)
    form_data.update(
        {
            "places-0-place": "Todmorden",
            "places-0-place_latitude": "",
            "places-0-place_longitude": "",
            "places-0-place_chosen": "",
            "website": "not a link",
        }
    )
    response = client.post(NEW_URL, form_data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Did you mean:" in page
    assert 'name="places-0-place_pick" value="town:calderdale:todmorden"' in page
    assert "Place 1: Choose which place you mean" in page  # in the summary at the top
    assert "starting with http:// or https://" in page  # every problem at once
    assert 'value="Sheffield Tenants Together"' in page
    assert "We **support** tenants." in page
    assert not Entry.objects.exists()

    form_data.update(
        {"places-0-place_pick": "town:calderdale:todmorden", "website": "https://t.example"}
    )
    response = client.post(NEW_URL, form_data)
    assert response.status_code == 302
    place = Entry.objects.get().places.get()
    assert (place.name, place.local_authority.name) == ("Todmorden", "Calderdale")


def test_a_whole_area_is_not_a_place_of_the_directory(client, member, form_data):
    client.force_login(member)
    form_data.update(
        {
            "places-0-place": "Leeds",
            "places-0-place_latitude": "",
            "places-0-place_longitude": "",
            "places-0-place_pick": "area:leeds",
        }
    )
    response = client.post(NEW_URL, form_data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Leeds is a whole local authority area" in page
    # The choices offered are towns: a whole area goes under "Areas served".
    assert 'value="area:leeds"' not in page
    assert 'name="places-0-place_whole_area"' not in page
    assert 'name="places-0-place_roughly"' not in page
    assert not Entry.objects.exists()


def test_the_edit_form_shows_the_places_chosen(client, member, entry_values):
    entry = services.entry_create(author=member, **entry_values)
    client.force_login(member)
    page = client.get(reverse("directory:entry_edit", args=[entry.slug])).content.decode()
    assert 'name="places-0-place" value="Office"' in page
    assert 'name="places-0-place_latitude" value="53.3811"' in page
    assert "The pin is in Sheffield." in page
    assert "places/place-picker.js" in page


def test_add_a_group_here_from_the_map_fills_in_the_first_place(client, member):
    client.force_login(member)
    page = client.get(NEW_URL, {"latitude": "53.74213", "longitude": "-2.01437"}).content.decode()
    assert 'name="places-0-place_latitude" value="53.74213"' in page
    assert "The pin is in Calderdale." in page
    for outside in ({"latitude": "51.5", "longitude": "-0.12"}, {"latitude": "x"}):
        page = client.get(NEW_URL, outside).content.decode()
        assert 'name="places-0-place_latitude" value=""' in page


def test_a_near_copy_is_shown_before_saving_and_can_be_added_anyway(client, member, form_data):
    existing = EntryFactory(name="Sheffield Tenants Together CIC")
    client.force_login(member)
    response = client.post(NEW_URL, form_data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Is it one of these?" in page
    assert existing.get_absolute_url() in page
    assert Entry.objects.count() == 1
    response = client.post(NEW_URL, {**form_data, "not_a_duplicate": "1"})
    assert response.status_code == 302
    assert Entry.objects.count() == 2


def test_the_early_duplicate_check_answers_a_fragment(client, member):
    EntryFactory(name="Walkley Repair Cafe")
    url = reverse("directory:entry_duplicates")
    assert client.get(url, {"name": "Walkley Repair Café"}).status_code == 302  # log in first
    client.force_login(member)
    fragment = client.get(url, {"name": "walkley repair cafe"}, HTTP_HX_REQUEST="true")
    assert "Walkley Repair Cafe" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert "Is it one of these?" not in client.get(url, {"name": "zz"}).content.decode()
    assert client.get(url, {"name": "x" * 10_000}).status_code == 200


def test_private_contact_is_for_editors_and_moderators_only(client, member, moderator):
    editor = UserFactory()
    entry = EntryFactory(author=editor, private_contact="Jo on 07700 900123")
    assert "07700 900123" not in client.get(entry.get_absolute_url()).content.decode()
    client.force_login(member)
    assert "07700 900123" not in client.get(entry.get_absolute_url()).content.decode()
    client.force_login(editor)
    assert "07700 900123" in client.get(entry.get_absolute_url()).content.decode()
    client.force_login(moderator)
    assert "07700 900123" in client.get(entry.get_absolute_url()).content.decode()


def test_your_contributions_page_shows_each_status(client, member):
    EntryFactory(author=member, name="Waiting one", status=Status.IN_REVIEW)
    EntryFactory(author=member, name="Hidden one", status=Status.HIDDEN, hidden_reason="Advert")
    EntryFactory(name="Someone else's")
    url = reverse("moderation:contribution_list")
    assert client.get(url).status_code == 302
    client.force_login(member)
    page = client.get(url).content.decode()
    assert "Waiting one" in page and "In review" in page
    assert "Hidden one" in page and "The moderators hid it: Advert" in page
    assert "Someone else" not in page
