"""Download a copy of your data, and delete your account."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp_auth
from django.core import mail
from django.urls import reverse

from bigsocnorth.accounts import services
from bigsocnorth.accounts.models import ApiToken, DataExport, Profile, Role, User
from bigsocnorth.accounts.tests.conftest import assert_accessible_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(settings, tmp_path):
    """Tasks run as soon as they are queued, as the worker would; exports kept in tmp_path."""
    settings.PERSONAL_DATA_EXPORT_DIR = tmp_path / "personal-data"
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }


def _exported(client, django_capture_on_commit_callbacks) -> tuple[dict, str]:
    """Ask for a copy of your data, let the worker prepare it, download it: data.json."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:profile_export"))
    export = DataExport.objects.get()
    response = client.get(
        reverse("accounts:profile_export_download", kwargs={"export_id": export.pk})
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    raw = archive.read("data.json").decode()
    return json.loads(raw), raw


def test_the_export_has_everything_about_the_account(
    member_client, member, area, worker, django_capture_on_commit_callbacks
):
    services.profile_update(
        profile=member.profile,
        display_name="Kath",
        pronouns="she/her",
        bio="Hello",
        home_area=area,
        links=["https://kath.example.org"],
    )
    token, secret = services.api_token_create(user=member, name="Map script")
    services.api_token_revoke(actor=member, token=token)
    services.api_token_create(user=member, name="Second")
    EmailAddress.objects.create(user=member, email="old@example.org", verified=False)

    data, raw = _exported(member_client, django_capture_on_commit_callbacks)

    assert data["format"] == "bigsocnorth-personal-data/1"
    account = data["account"]
    assert account["email"] == member.email
    assert {address["email"] for address in account["email_addresses"]} == {
        member.email,
        "old@example.org",
    }
    assert account["role"] == "member"
    assert account["date_joined"]
    assert account["two_factor"] == {"enabled": False, "methods": []}
    profile = data["profile"]
    assert profile["display_name"] == "Kath"
    assert profile["pronouns"] == "she/her"
    assert profile["bio"] == "Hello"
    assert profile["home_area"] == {"code": area.code, "name": area.name, "slug": area.slug}
    assert profile["links"] == ["https://kath.example.org"]
    tokens = {entry["name"]: entry for entry in account["api_tokens"]}
    assert set(tokens) == {"Map script", "Second"}
    assert tokens["Map script"]["revoked_at"]
    assert tokens["Second"]["revoked_at"] is None
    # Names and dates only: no part of a token is in the copy.
    assert set(tokens["Second"]) == {"name", "created_at", "last_used_at", "revoked_at"}
    assert secret not in raw
    assert f"bsn_{token.prefix}" not in raw
    for stored in ApiToken.objects.values_list("key_hash", flat=True):
        assert stored not in raw
    assert "password" not in raw


def test_the_export_says_when_two_factor_is_on(
    member_client, member, worker, django_capture_on_commit_callbacks
):
    totp_auth.TOTP.activate(member, totp_auth.generate_totp_secret())

    data, _raw = _exported(member_client, django_capture_on_commit_callbacks)

    assert data["account"]["two_factor"] == {"enabled": True, "methods": ["totp"]}


def test_asking_for_an_export_needs_logging_in(client, db):
    response = client.post(reverse("accounts:profile_export"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_delete_page_explains_what_happens(member_client):
    response = member_client.get(reverse("accounts:profile_delete"))

    assert response.status_code == 200
    assert_accessible_page(response)
    html = response.content.decode()
    assert "This cannot be undone." in html
    assert reverse("accounts:profile_export") in html


def test_deleting_an_account_removes_everything_logs_out_and_says_goodbye(
    member_client, member, password, django_capture_on_commit_callbacks
):
    services.api_token_create(user=member, name="Script")
    totp_auth.TOTP.activate(member, totp_auth.generate_totp_secret())
    user_id, email = member.pk, member.email

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(reverse("accounts:profile_delete"), {"password": password})

    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert not User.objects.filter(pk=user_id).exists()
    assert not Profile.objects.filter(user_id=user_id).exists()
    assert not ApiToken.objects.filter(user_id=user_id).exists()
    assert not EmailAddress.objects.filter(user_id=user_id).exists()
    assert not Authenticator.objects.filter(user_id=user_id).exists()
    assert "_auth_user_id" not in member_client.session
    home = member_client.get(response.url)
    assert "Your account and profile are deleted." in home.content.decode()
    assert [message.to for message in mail.outbox] == [[email]]
    assert "deleted" in mail.outbox[0].subject


def test_deleting_with_the_wrong_password_keeps_the_account(member_client, member):
    response = member_client.post(reverse("accounts:profile_delete"), {"password": "not-mine"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "That is not your current password." in html
    member.refresh_from_db()
    assert member.is_active
    assert Profile.objects.filter(user=member).exists()
    assert member_client.session["_auth_user_id"] == str(member.pk)


def test_deleting_without_a_password_asks_for_it(member_client, member):
    response = member_client.post(reverse("accounts:profile_delete"), {"password": ""})

    assert "Enter your password to delete your account." in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()


def test_guessing_the_password_on_the_delete_page_is_throttled(member_client, member, password):
    for _attempt in range(5):
        member_client.post(reverse("accounts:profile_delete"), {"password": "guess-123456"})

    response = member_client.post(reverse("accounts:profile_delete"), {"password": password})

    assert "Too many failed attempts to log in" in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()


def test_the_last_admin_cannot_delete_their_account(client, admin_user, password):
    client.force_login(admin_user)

    response = client.post(reverse("accounts:profile_delete"), {"password": password})

    assert response.status_code == 200
    assert "You are the only admin" in response.content.decode()
    assert User.objects.filter(pk=admin_user.pk).exists()


def test_an_admin_can_delete_their_account_when_there_is_another(client, admin_user, password):
    from bigsocnorth.accounts.tests.factories import UserFactory

    UserFactory(role=Role.ADMIN)
    client.force_login(admin_user)

    response = client.post(reverse("accounts:profile_delete"), {"password": password})

    assert response.status_code == 302
    assert not User.objects.filter(pk=admin_user.pk).exists()


def test_delete_needs_logging_in(client, db):
    response = client.post(reverse("accounts:profile_delete"), {"password": "x"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
