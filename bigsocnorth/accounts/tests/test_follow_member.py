"""Following a member: the button on their profile page, who may be followed, "what you
follow", and hearing of the gatherings they organise."""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bigsocnorth.accounts import services as account_services
from bigsocnorth.accounts.models import Profile, User
from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.events import services as event_services
from bigsocnorth.events.notices import Kind
from bigsocnorth.events.tests.conftest import gathering_values
from bigsocnorth.moderation import services as moderation_services
from bigsocnorth.notifications import services as notification_services
from bigsocnorth.notifications.models import Follow, Notification

pytestmark = pytest.mark.django_db

FOLLOW_URL = reverse("notifications:follow")
UNFOLLOW_URL = reverse("notifications:unfollow")
FOLLOWING_URL = reverse("notifications:following")
KEY = "accounts.profile"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _profile_url(person: User) -> str:
    return reverse("accounts:profile_detail", args=[person.profile.handle])


def _form_for(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the form on the page that posts to `action`, as a browser sends them."""
    match = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', page, re.S)
    assert match, f"no form posting to {action}"
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', match.group(0))
    return dict(fields)


def _follows(user: User, person: User) -> bool:
    return Follow.objects.filter(
        user=user,
        content_type=ContentType.objects.get_for_model(Profile),
        object_id=person.profile.pk,
    ).exists()


@pytest.fixture
def organiser(db):
    person = UserFactory()
    Profile.objects.filter(user=person).update(display_name="Kath Hughes")
    person.refresh_from_db()
    return person


@pytest.fixture
def csrf_client(member):
    """A browser without JavaScript: CSRF is checked, as it is for people."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    return client


# --- The button on the profile page ------------------------------------------------------


def test_a_member_follows_and_unfollows_someone_from_their_profile_page(
    csrf_client, member, organiser
):
    url = _profile_url(organiser)
    page = csrf_client.get(url).content.decode()
    assert "Follow<span" in page
    form = _form_for(page, FOLLOW_URL)
    assert form["type"] == KEY
    assert form["id"] == str(organiser.profile.pk)
    assert form["next"] == url
    assert form["csrfmiddlewaretoken"]

    response = csrf_client.post(FOLLOW_URL, form)

    assert response.status_code == 302
    assert response.url == url
    assert _follows(member, organiser)
    page = csrf_client.get(url).content.decode()
    assert "You follow “Kath Hughes”" in page
    assert "Following — unfollow" in page

    response = csrf_client.post(UNFOLLOW_URL, _form_for(page, UNFOLLOW_URL))

    assert response.status_code == 302
    assert response.url == url
    assert not _follows(member, organiser)
    assert "You no longer follow “Kath Hughes”" in csrf_client.get(url).content.decode()


def test_a_follow_without_the_csrf_token_is_refused(csrf_client, member, organiser):
    response = csrf_client.post(FOLLOW_URL, {"type": KEY, "id": str(organiser.profile.pk)})

    assert response.status_code == 403
    assert not Follow.objects.exists()


def test_visitors_are_asked_to_log_in_to_follow_a_member(client, organiser):
    page = client.get(_profile_url(organiser)).content.decode()

    assert "Log in to follow" in page
    assert f'action="{FOLLOW_URL}"' not in page


def test_your_own_profile_has_no_follow_button(client, organiser):
    client.force_login(organiser)

    page = client.get(_profile_url(organiser)).content.decode()

    assert f'action="{FOLLOW_URL}"' not in page
    assert "Log in to follow" not in page
    assert "Edit your profile" in page


# --- Who may be followed -----------------------------------------------------------------


def test_you_cannot_follow_yourself(client, member):
    client.force_login(member)

    response = client.post(
        FOLLOW_URL, {"type": KEY, "id": str(member.profile.pk), "next": FOLLOWING_URL}, follow=True
    )

    assert response.status_code == 200
    assert "You cannot follow yourself." in response.content.decode()
    assert not Follow.objects.exists()
    with pytest.raises(ValidationError, match="cannot follow yourself"):
        notification_services.follow_create(user=member, target=member.profile)
    assert not Follow.objects.exists()


def _deactivated(person: User) -> None:
    User.objects.filter(pk=person.pk).update(is_active=False)


def _unconfirmed(person: User) -> None:
    person.emailaddress_set.update(verified=False)


@pytest.mark.parametrize(
    "make_hidden", [_deactivated, _unconfirmed], ids=["inactive", "unconfirmed"]
)
def test_a_member_whose_profile_is_not_public_cannot_be_followed(
    client, member, organiser, make_hidden
):
    make_hidden(organiser)
    client.force_login(member)

    response = client.post(FOLLOW_URL, {"type": KEY, "id": str(organiser.profile.pk)})

    assert response.status_code == 404
    with pytest.raises(ValidationError, match="nothing to follow"):
        notification_services.follow_create(user=member, target=organiser.profile)
    assert not Follow.objects.exists()


# --- "What you follow" -------------------------------------------------------------------


def test_the_following_page_lists_a_followed_member_with_a_link_to_their_profile(
    client, member, organiser
):
    notification_services.follow_create(user=member, target=organiser.profile)
    client.force_login(member)

    page = client.get(FOLLOWING_URL).content.decode()

    assert "Member:" in page
    assert f'<a href="{_profile_url(organiser)}">Kath Hughes</a>' in page


def _delete_account(person: User) -> None:
    account_services.user_delete(user=person)


@pytest.mark.parametrize("make_gone", [_deactivated, _delete_account], ids=["inactive", "deleted"])
def test_the_following_page_still_works_when_the_member_is_gone_and_they_can_be_unfollowed(
    client, member, organiser, make_gone
):
    notification_services.follow_create(user=member, target=organiser.profile)
    profile_id = organiser.profile.pk
    make_gone(organiser)
    client.force_login(member)

    response = client.get(FOLLOWING_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "no longer available" in page
    assert "Kath Hughes" not in page
    response = client.post(
        UNFOLLOW_URL, {"type": KEY, "id": str(profile_id), "next": FOLLOWING_URL}
    )
    assert response.status_code == 302
    assert response.url == FOLLOWING_URL
    assert not Follow.objects.exists()


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_following_page_costs_one_query_for_members_however_many(client, member):
    client.force_login(member)
    notification_services.follow_create(user=member, target=UserFactory().profile)
    client.get(FOLLOWING_URL)
    one = _count_queries(client, FOLLOWING_URL)
    for _ in range(4):
        notification_services.follow_create(user=member, target=UserFactory().profile)

    assert _count_queries(client, FOLLOWING_URL) == one


# --- The profile page's cost -------------------------------------------------------------


def test_the_profile_page_costs_the_same_whether_or_not_you_follow_and_however_many_do(
    client, member, organiser
):
    url = _profile_url(organiser)
    client.force_login(member)
    client.get(url)
    not_following = _count_queries(client, url)
    notification_services.follow_create(user=member, target=organiser.profile)
    for _ in range(5):
        notification_services.follow_create(user=UserFactory(), target=organiser.profile)

    assert _count_queries(client, url) == not_following


# --- Hearing of the gatherings they organise ---------------------------------------------


def _organise(author, area, **overrides):
    return event_services.gathering_create(
        author=author, values=gathering_values(area, **overrides)
    )


def test_followers_of_an_organiser_hear_of_their_new_gathering_once(member, moderator, area):
    """Following the organiser, their area and their group: one notice, naming the organiser."""
    group = EntryFactory(name="Burngreave Tenants")
    for target in (moderator.profile, area, area.region, group):
        notification_services.follow_create(user=member, target=target)
    bystander = UserFactory()
    notification_services.follow_create(user=bystander, target=moderator.profile)

    gathering = _organise(moderator, area, title="Park clean-up")

    (notice,) = Notification.objects.filter(recipient=member)
    assert notice.kind == Kind.NEW
    assert notice.url == gathering.get_absolute_url()
    assert "Park clean-up" in notice.message
    (other,) = Notification.objects.filter(recipient=bystander)
    assert moderator.profile.display_name in other.message
    assert "is organising “Park clean-up”" in other.message
    # The organiser hears that it is published, not that they are organising it.
    assert not Notification.objects.filter(recipient=moderator, kind=Kind.NEW).exists()


def test_the_organiser_message_comes_before_the_area_one(member, moderator, area):
    notification_services.follow_create(user=member, target=area)
    notification_services.follow_create(user=member, target=moderator.profile)

    _organise(moderator, area, title="Park clean-up")

    (notice,) = Notification.objects.filter(recipient=member)
    assert notice.message.startswith(f"{moderator.profile.display_name} is organising")


def test_a_gathering_published_after_review_reaches_the_organisers_followers_once(
    member, moderator, area
):
    newcomer = UserFactory()
    notification_services.follow_create(user=member, target=newcomer.profile)
    gathering = _organise(newcomer, area, title="First gathering")
    assert not Notification.objects.filter(recipient=member).exists()

    moderation_services.content_approve(actor=moderator, content=gathering)
    gathering.refresh_from_db()
    moderation_services.content_hide(actor=moderator, content=gathering, reason="Posted twice.")
    moderation_services.content_restore(actor=moderator, content=gathering)

    (notice,) = Notification.objects.filter(recipient=member, kind=Kind.NEW)
    assert "First gathering" in notice.message


def test_people_who_stopped_following_are_not_told(member, moderator, area):
    notification_services.follow_create(user=member, target=moderator.profile)
    notification_services.follow_delete(user=member, target=moderator.profile)

    _organise(moderator, area)

    assert not Notification.objects.filter(recipient=member).exists()
