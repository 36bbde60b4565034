"""Notification pages: your own only, follow buttons that work with and without JavaScript."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status
from bigsocnorth.notifications import services
from bigsocnorth.notifications.emails import unsubscribe_token_make
from bigsocnorth.notifications.models import EmailFrequency, Follow, Notification
from bigsocnorth.notifications.selectors import email_frequency_for_user

pytestmark = pytest.mark.django_db

LIST_URL = reverse("notifications:list")
FOLLOWING_URL = reverse("notifications:following")
SETTINGS_URL = reverse("notifications:settings")
FOLLOW_URL = reverse("notifications:follow")
UNFOLLOW_URL = reverse("notifications:unfollow")


def _notification(user, message="Something new", *, minutes_ago=0, **values) -> Notification:
    return Notification.objects.create(
        recipient=user,
        kind="test.hello",
        message=message,
        url=values.pop("url", "/areas/kirklees/"),
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
        **values,
    )


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# --- Your notifications -------------------------------------------------------


@pytest.mark.parametrize("url", [LIST_URL, FOLLOWING_URL, SETTINGS_URL])
def test_the_pages_need_logging_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_list_shows_your_notifications_newest_first_with_unread_marked(client, member, people):
    _notification(member, "Older and read", minutes_ago=10, read_at=timezone.now())
    _notification(member, "Newer and unread", minutes_ago=1)
    _notification(people[0], "Someone else's news")
    client.force_login(member)

    page = client.get(LIST_URL).content.decode()

    assert page.index("Newer and unread") < page.index("Older and read")
    assert "Someone else" not in page
    assert page.count("notification-unread") == 1
    assert ">New<" in page
    assert "Mark all as read" in page


def test_the_list_names_who_did_it(client, member, people):
    actor = people[0]
    _notification(member, actor=actor)
    client.force_login(member)

    assert f"by {actor.profile.display_name}" in client.get(LIST_URL).content.decode()


def test_the_list_is_paged(client, member):
    for minute in range(25):
        _notification(member, f"Notice {minute}", minutes_ago=minute)
    client.force_login(member)

    first = client.get(LIST_URL)
    assert "Page 1 of 2" in first.content.decode()
    assert "Notice 0<" in first.content.decode() and "Notice 24<" not in first.content.decode()
    assert client.get(LIST_URL, {"page": "2"}).context["page_obj"].number == 2
    assert client.get(LIST_URL, {"page": "x"}).status_code == 200


def test_the_list_query_count_does_not_grow_with_notifications(client, member, people):
    client.force_login(member)
    _notification(member, actor=people[0])
    few = _count_queries(client, LIST_URL)
    for person in people:
        _notification(member, actor=person)
    assert _count_queries(client, LIST_URL) == few


def test_the_empty_list_says_how_to_get_notifications(client, member):
    client.force_login(member)
    assert "You have no notifications yet" in client.get(LIST_URL).content.decode()


def test_opening_a_notification_marks_it_read_and_goes_there(client, member):
    notification = _notification(member, url="/areas/kirklees/")
    client.force_login(member)

    response = client.get(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 302
    assert response.url == "/areas/kirklees/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_someone_elses_notification_is_not_found(client, member, people):
    theirs = _notification(people[0])
    client.force_login(member)

    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[999999])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read_marks_only_yours(client, member, people):
    _notification(member)
    _notification(member)
    theirs = _notification(people[0])
    client.force_login(member)

    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    response = client.post(reverse("notifications:mark_all_read"))

    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- The header -------------------------------------------------------------------


def test_the_header_shows_the_unread_count(client, member):
    client.force_login(member)
    page = client.get("/").content.decode()
    assert f'href="{LIST_URL}"' in page
    assert "notification-count" not in page

    for _ in range(3):
        _notification(member)
    page = client.get("/").content.decode()
    assert '<span class="notification-count">3<span class="visually-hidden"> unread</span>' in page


def test_the_header_count_stops_at_99(client, member):
    Notification.objects.bulk_create(
        [Notification(recipient=member, kind="test", message="x", url="/") for _ in range(120)]
    )
    client.force_login(member)
    assert 'notification-count">99+<' in client.get("/").content.decode()


def test_the_header_costs_one_query(client, member):
    from bigsocnorth.notifications.selectors import unread_notification_count

    client.force_login(member)
    for _ in range(5):
        _notification(member)
    with CaptureQueriesContext(connection) as queries:
        assert unread_notification_count(user=member) == 5
    assert len(queries) == 1
    # And the page costs the same whatever the count.
    few = _count_queries(client, "/")
    for _ in range(20):
        _notification(member)
    assert _count_queries(client, "/") == few


def test_visitors_see_no_notifications_link(client):
    assert f'href="{LIST_URL}"' not in client.get("/").content.decode()


# --- Following ------------------------------------------------------------------


def _follow_data(target, key, **extra):
    return {"type": key, "id": str(target.pk), **extra}


def test_following_an_area_redirects_back(client, member, kirklees):
    client.force_login(member)

    response = client.post(
        FOLLOW_URL, _follow_data(kirklees, "places.localauthority", next="/areas/kirklees/")
    )

    assert response.status_code == 302
    assert response.url == "/areas/kirklees/"
    assert Follow.objects.get().target == kirklees
    page = client.get(response.url).content.decode()
    assert "You follow “Kirklees”" in page
    assert "Following — unfollow" in page


@pytest.mark.parametrize(
    "hostile",
    [
        "https://evil.example/",
        "//evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "https:///evil.example",
    ],
)
def test_a_hostile_next_is_ignored(client, member, kirklees, hostile):
    client.force_login(member)

    response = client.post(
        FOLLOW_URL, _follow_data(kirklees, "places.localauthority", next=hostile)
    )

    assert response.status_code == 302
    assert response.url == kirklees.get_absolute_url()


@pytest.mark.parametrize(
    ("key", "object_id"),
    [
        ("places.localauthority", "999999"),
        ("places.localauthority", "not-a-number"),
        ("places.localauthority", "-1"),
        ("places.localauthority", str(2**70)),
        ("accounts.user", "1"),
        ("", ""),
        ("places.localauthority\x00", "1"),
    ],
)
def test_following_something_that_is_not_there_is_not_found(client, member, key, object_id):
    client.force_login(member)

    response = client.post(FOLLOW_URL, {"type": key, "id": object_id})

    assert response.status_code == 404
    assert not Follow.objects.exists()


def test_following_someone_elses_draft_is_not_found(client, member, people):
    draft = EntryFactory(author=people[0], status=Status.IN_REVIEW, published_at=None)
    client.force_login(member)

    response = client.post(FOLLOW_URL, _follow_data(draft, "directory.entry"))

    assert response.status_code == 404


def test_following_twice_is_harmless(client, member, kirklees):
    client.force_login(member)
    data = _follow_data(kirklees, "places.localauthority")

    client.post(FOLLOW_URL, data)
    response = client.post(FOLLOW_URL, data)

    assert response.status_code == 302
    assert Follow.objects.count() == 1


def test_visitors_are_sent_to_log_in_and_back(client, kirklees):
    response = client.post(
        FOLLOW_URL, _follow_data(kirklees, "places.localauthority", next="/areas/kirklees/")
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=/areas/kirklees/" in response.url
    assert not Follow.objects.exists()


def test_follow_is_post_only(client, member):
    client.force_login(member)
    assert client.get(FOLLOW_URL).status_code == 405
    assert client.get(UNFOLLOW_URL).status_code == 405


def test_following_with_htmx_returns_only_the_new_button(client, member, kirklees):
    client.force_login(member)

    response = client.post(
        FOLLOW_URL,
        _follow_data(kirklees, "places.localauthority", next="/areas/kirklees/"),
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and "<form" in body
    assert "Following — unfollow" in body
    assert f'action="{UNFOLLOW_URL}"' in body
    assert 'id="follow-places-localauthority-' in body

    response = client.post(
        UNFOLLOW_URL,
        _follow_data(kirklees, "places.localauthority", next="/areas/kirklees/"),
        headers={"HX-Request": "true"},
    )
    assert ">Follow<" in response.content.decode()
    assert not Follow.objects.exists()


def test_a_refused_follow_with_htmx_says_why_in_place(client, member, kirklees, monkeypatch):
    monkeypatch.setattr(services, "FOLLOWS_MAX", 0)
    client.force_login(member)

    response = client.post(
        FOLLOW_URL, _follow_data(kirklees, "places.localauthority"), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200  # htmx swaps 2xx only
    assert "the most allowed" in response.content.decode()
    assert not Follow.objects.exists()


def test_unfollowing_redirects_with_a_message(client, member, kirklees):
    services.follow_create(user=member, target=kirklees)
    client.force_login(member)

    response = client.post(
        UNFOLLOW_URL, _follow_data(kirklees, "places.localauthority"), follow=True
    )

    assert "You no longer follow “Kirklees”" in response.content.decode()
    assert not Follow.objects.exists()


def test_an_entry_hidden_since_can_still_be_unfollowed(client, member):
    entry = EntryFactory()
    services.follow_create(user=member, target=entry)
    entry.status = Status.HIDDEN
    entry.save()
    client.force_login(member)

    page = client.get(FOLLOWING_URL).content.decode()
    assert "no longer available" in page
    response = client.post(UNFOLLOW_URL, _follow_data(entry, "directory.entry", next=FOLLOWING_URL))

    assert response.url == FOLLOWING_URL
    assert not Follow.objects.exists()


def test_a_follow_of_something_deleted_can_be_unfollowed(client, member, housing):
    Follow.objects.create(
        user=member,
        content_type=ContentType.objects.get_for_model(housing),
        object_id=987654,
    )
    client.force_login(member)

    response = client.post(
        UNFOLLOW_URL, {"type": "directory.category", "id": "987654", "next": FOLLOWING_URL}
    )

    assert response.status_code == 302
    assert not Follow.objects.exists()


def test_the_following_page_lists_what_you_follow_with_unfollow_buttons(
    client, member, kirklees, housing, people
):
    entry = EntryFactory(name="Batley Bikes")
    for target in (kirklees, kirklees.region, housing, entry):
        services.follow_create(user=member, target=target)
    services.follow_create(user=people[0], target=kirklees.region)
    client.force_login(member)

    page = client.get(FOLLOWING_URL).content.decode()

    assert 'href="/areas/kirklees/"' in page
    assert f'href="{kirklees.region.get_absolute_url()}"' in page
    assert f'href="/directory/?category={housing.slug}"' in page
    assert f'href="{entry.get_absolute_url()}"' in page
    assert page.count(f'action="{UNFOLLOW_URL}"') == 4


def test_the_following_page_query_count_does_not_grow(client, member, kirklees, leeds, housing):
    client.force_login(member)
    services.follow_create(user=member, target=kirklees)
    services.follow_create(user=member, target=EntryFactory())
    few = _count_queries(client, FOLLOWING_URL)
    services.follow_create(user=member, target=leeds)
    services.follow_create(user=member, target=EntryFactory())
    services.follow_create(user=member, target=EntryFactory())
    # One more type followed (categories) costs one more query, not one per follow.
    services.follow_create(user=member, target=housing)
    assert _count_queries(client, FOLLOWING_URL) == few + 1


# --- Email settings ---------------------------------------------------------------


def test_the_settings_page_shows_and_changes_the_email_frequency(client, member):
    client.force_login(member)
    page = client.get(SETTINGS_URL).content.decode()
    assert 'value="daily" id="id_email_frequency_1" checked' in page or (
        'value="daily"' in page and "checked" in page
    )

    response = client.post(SETTINGS_URL, {"email_frequency": "weekly"}, follow=True)

    assert "Your email settings are saved." in response.content.decode()
    assert email_frequency_for_user(user=member) == EmailFrequency.WEEKLY


def test_an_unknown_frequency_is_refused_with_a_message(client, member):
    client.force_login(member)

    response = client.post(SETTINGS_URL, {"email_frequency": "hourly"})

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert email_frequency_for_user(user=member) == EmailFrequency.DAILY


# --- Unsubscribing ----------------------------------------------------------------


def _unsubscribe_url(user) -> str:
    return reverse("unsubscribe", kwargs={"token": unsubscribe_token_make(user=user)})


def test_the_unsubscribe_link_asks_first_and_one_click_stops_email(member):
    client = Client(enforce_csrf_checks=True)  # no session, no CSRF cookie: from an email
    url = _unsubscribe_url(member)

    page = client.get(url)
    assert page.status_code == 200
    assert "Stop notification emails" in page.content.decode()
    assert email_frequency_for_user(user=member) == EmailFrequency.DAILY  # a GET changes nothing

    response = client.post(url)
    assert response.status_code == 302
    assert email_frequency_for_user(user=member) == EmailFrequency.NEVER
    assert "You will get no more notification emails" in client.get(url).content.decode()


def test_mail_providers_one_click_post_unsubscribes(member):
    client = Client(enforce_csrf_checks=True)

    response = client.post(_unsubscribe_url(member), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert email_frequency_for_user(user=member) == EmailFrequency.NEVER


@pytest.mark.parametrize("token", ["nonsense", "1-AAAAAAAAAAAAAAAA", "", "%00"])
def test_a_bad_unsubscribe_token_changes_nothing(client, member, token):
    response = client.post(f"/unsubscribe/{token}/")
    assert response.status_code in {400, 404}
    assert email_frequency_for_user(user=member) == EmailFrequency.DAILY


def test_a_tampered_unsubscribe_token_changes_nothing(client, member, people):
    signature = unsubscribe_token_make(user=member).split("-", 1)[1]

    response = client.post(reverse("unsubscribe", kwargs={"token": f"{people[0].pk}-{signature}"}))

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert email_frequency_for_user(user=people[0]) == EmailFrequency.DAILY


def test_the_unsubscribe_link_of_a_deleted_account_is_not_valid(client):
    gone = UserFactory()
    url = _unsubscribe_url(gone)
    gone.delete()

    assert client.get(url).status_code == 400


# --- The follow button on other apps' pages -----------------------------------------


def test_an_area_page_has_a_follow_button(client, member, kirklees):
    url = kirklees.get_absolute_url()
    page = client.get(url).content.decode()
    assert "Log in to follow" in page
    assert f"{reverse('account_login')}?next={url}" in page

    client.force_login(member)
    page = client.get(url).content.decode()
    assert f'action="{FOLLOW_URL}"' in page
    assert 'name="type" value="places.localauthority"' in page
    assert f'name="next" value="{url}"' in page
    services.follow_create(user=member, target=kirklees)
    assert "Following — unfollow" in client.get(url).content.decode()


def test_a_region_page_has_a_follow_button(client, member, kirklees):
    client.force_login(member)
    page = client.get(kirklees.region.get_absolute_url()).content.decode()
    assert 'name="type" value="places.region"' in page


def test_an_entry_page_has_a_follow_button(client, member):
    entry = EntryFactory()
    client.force_login(member)

    page = client.get(entry.get_absolute_url()).content.decode()

    assert 'name="type" value="directory.entry"' in page
    assert f'name="id" value="{entry.pk}"' in page


def test_the_directory_offers_to_follow_the_chosen_category(client, member, housing):
    client.force_login(member)
    directory = reverse("directory:entry_list")

    assert 'value="directory.category"' not in client.get(directory).content.decode()
    page = client.get(directory, {"category": housing.slug, "page": "1"}).content.decode()
    # Back to the same filtered list afterwards, its query string kept.
    assert f'name="next" value="/directory/?category={housing.slug}&amp;page=1"' in page
    assert 'name="type" value="directory.category"' in page
    assert f"Hear about new entries in the category {housing.name}" in page
    assert (
        'value="directory.category"'
        not in client.get(directory, {"category": "no-such-category"}).content.decode()
    )


def test_the_follow_button_renders_nothing_for_what_cannot_be_followed(rf, member):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = member
    html = Template("{% load notification_tags %}[{% follow_button thing %}]").render(
        Context({"request": request, "thing": member})
    )
    assert html.strip("[]\n ") == ""
