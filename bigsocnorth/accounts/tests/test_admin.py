"""The admin site for people."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bigsocnorth.accounts import services
from bigsocnorth.accounts.models import Role, User
from bigsocnorth.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


def test_admin_pages_for_people_open(admin_client_, member):
    token, _secret = services.api_token_create(user=member, name="Script")
    urls = [
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[member.pk]),
        reverse("admin:accounts_user_add"),
        reverse("admin:accounts_profile_changelist"),
        reverse("admin:accounts_profile_change", args=[member.profile.pk]),
        reverse("admin:accounts_apitoken_changelist"),
        reverse("admin:accounts_apitoken_change", args=[token.pk]),
    ]
    for url in urls:
        response = admin_client_.get(url)
        assert response.status_code == 200, url
        assert token.key_hash not in response.content.decode()


def test_changing_a_role_in_the_admin_goes_through_the_service(admin_client_, member):
    url = reverse("admin:accounts_user_change", args=[member.pk])
    page = admin_client_.get(url)
    form = page.context["adminform"].form
    data = {
        "email": member.email,
        "role": Role.ADMIN,
        "is_active": "on",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": member.profile.pk,
        "profile-0-user": member.pk,
        "profile-0-handle": member.profile.handle,
        "profile-0-display_name": member.profile.display_name,
        "profile-0-links": "[]",
    }
    assert "role" in form.fields

    response = admin_client_.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    member.refresh_from_db()
    assert (member.role, member.is_staff, member.is_superuser) == (Role.ADMIN, True, True)


def test_adding_a_person_in_the_admin_uses_their_email(admin_client_):
    response = admin_client_.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "added@example.org",
            "usable_password": "true",
            "password1": "a-long-admin-passphrase-1",
            "password2": "a-long-admin-passphrase-1",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    added = User.objects.get(email="added@example.org")
    assert added.role == Role.MEMBER
    assert added.profile.display_name == "Member"


def test_revoking_tokens_from_the_admin(admin_client_, member):
    token, _secret = services.api_token_create(user=member, name="Leaked")

    response = admin_client_.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_moderators_have_no_admin_site(client, moderator):
    client.force_login(moderator)

    response = client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 302
    assert "login" in response.url


def test_search_in_the_admin(admin_client_):
    UserFactory(email="findme@example.org")

    response = admin_client_.get(reverse("admin:accounts_user_changelist") + "?q=findme")

    assert "findme@example.org" in response.content.decode()
