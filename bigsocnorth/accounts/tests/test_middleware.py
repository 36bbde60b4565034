"""Moderators and admins must turn on two-factor before acting (REQUIRE_STAFF_TWO_FACTOR)."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal import auth as totp_auth
from django.urls import reverse

from bigsocnorth.accounts import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _require_staff_two_factor(settings):
    settings.REQUIRE_STAFF_TWO_FACTOR = True


def test_a_moderator_without_two_factor_is_sent_to_set_it_up(client, moderator):
    client.force_login(moderator)

    response = client.get(reverse("accounts:profile_edit"))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    follow = client.get(reverse("mfa_index"))
    assert "Moderators and admins must turn on two-factor authentication" in (
        follow.content.decode()
    )


def test_an_admin_without_two_factor_cannot_reach_the_admin_site(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_a_member_is_not_asked(member_client):
    assert member_client.get(reverse("accounts:profile_edit")).status_code == 200


def test_nobody_is_asked_when_the_setting_is_off(client, moderator, settings):
    settings.REQUIRE_STAFF_TWO_FACTOR = False
    client.force_login(moderator)

    assert client.get(reverse("accounts:profile_edit")).status_code == 200


def test_a_moderator_with_two_factor_goes_on(client, moderator):
    totp_auth.TOTP.activate(moderator, totp_auth.generate_totp_secret())
    client.force_login(moderator)

    assert client.get(reverse("accounts:profile_edit")).status_code == 200


@pytest.mark.parametrize(
    "url_name", ["mfa_index", "mfa_activate_totp", "account_reauthenticate", "account_logout"]
)
def test_setting_up_two_factor_and_logging_out_stay_open(client, moderator, url_name):
    client.force_login(moderator)

    response = client.get(reverse(url_name))

    # The activation page itself first asks for the password again; that is allowed too.
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response.url.startswith(reverse("account_reauthenticate"))


def test_a_moderator_can_finish_setting_up_from_the_redirect(client, moderator, password):
    client.force_login(moderator)
    response = client.get(reverse("mfa_activate_totp"))
    response = client.post(response.url, {"password": password})
    assert response.url == reverse("mfa_activate_totp")
    client.get(response.url)
    secret = client.session[totp_auth.SECRET_SESSION_KEY]
    code = totp_auth.format_hotp_value(
        totp_auth.hotp_value(secret, next(totp_auth.yield_hotp_counters_from_time()))
    )

    client.post(reverse("mfa_activate_totp"), {"code": code})

    assert client.get(reverse("accounts:profile_edit")).status_code == 200


def test_anonymous_visitors_are_not_affected(client, db):
    assert client.get(reverse("core:home")).status_code == 200


def test_the_api_answers_a_moderator_without_two_factor_with_json(client, moderator):
    client.force_login(moderator)

    response = client.get("/api/v1/me")

    assert response.status_code == 403
    assert "two-factor" in response.json()["message"]


def test_a_moderators_api_token_needs_two_factor_too(client, moderator):
    _token, secret = services.api_token_create(user=moderator, name="Mod script")

    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 403
    assert "two-factor" in response.json()["message"]

    totp_auth.TOTP.activate(moderator, totp_auth.generate_totp_secret())
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["role"] == "moderator"
