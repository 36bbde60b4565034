"""allauth's pages in the site's clothes: logging in and out, passwords, email, two-factor."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp_auth
from django.core import mail
from django.urls import reverse

from bigsocnorth.accounts.tests.conftest import assert_accessible_page, login_through_form
from bigsocnorth.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
]
MEMBER_PAGES = [
    "account_email",
    "account_change_password",
    "account_logout",
    "account_reauthenticate",
    "mfa_index",
]


@pytest.mark.parametrize("url_name", ANONYMOUS_PAGES)
def test_entrance_pages_use_the_site_layout_with_one_heading_and_labelled_fields(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert_accessible_page(response)


@pytest.mark.parametrize("url_name", MEMBER_PAGES)
def test_account_pages_use_the_site_layout_with_one_heading_and_labelled_fields(
    member_client, url_name
):
    response = member_client.get(reverse(url_name))

    assert response.status_code == 200
    assert_accessible_page(response)


def test_login_page_speaks_plain_english(client):
    html = client.get(reverse("account_login")).content.decode()

    assert "<h1>Log in</h1>" in html
    assert "<title>Log in \N{EN DASH} Big Society in the North</title>" in html
    assert '<label for="id_login">Email address</label>' in html
    assert "Keep me logged in on this device" in html
    assert 'placeholder="' not in html


def test_log_in_and_out(client, member, password):
    response = login_through_form(client, email=member.email, password=password)
    assert response.url == reverse("accounts:profile_edit")
    assert client.session["_auth_user_id"] == str(member.pk)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_password_says_so_without_logging_in(client, member):
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": "not-the-password"}
    )

    assert response.status_code == 200
    assert "The email address or password is not right." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failed_logins_are_throttled_even_with_the_right_password(
    client, member, password
):
    # LOGIN_FAILED_RATE_LIMIT defaults to 5 failures per account per 5 minutes.
    for _attempt in range(5):
        response = client.post(
            reverse("account_login"), {"login": member.email, "password": "guess-again-123"}
        )
        assert "Too many failed attempts" not in response.content.decode()

    response = client.post(reverse("account_login"), {"login": member.email, "password": password})

    assert response.status_code == 200
    assert "Too many failed attempts to log in. Wait a few minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_from_email_link_to_new_password(client, member):
    response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.endswith("Reset your password")
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[0].body)
    assert link

    # allauth moves the key into the session and redirects to a key-less address.
    response = client.get(link.group(0))
    assert response.status_code == 302
    form_page = client.get(response.url)
    assert form_page.status_code == 200
    assert_accessible_page(form_page)
    assert "Choose a new password" in form_page.content.decode()

    new_password = "a-brand-new-passphrase-77"
    done = client.post(response.url, {"password1": new_password, "password2": new_password})

    assert done.status_code == 302
    member.refresh_from_db()
    assert member.check_password(new_password)
    assert_accessible_page(client.get(done.url))


def test_password_reset_link_that_does_not_work_says_so(client, member):
    response = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"})
    )

    assert response.status_code == 200
    assert_accessible_page(response)
    assert "This link does not work" in response.content.decode()


def test_change_password(member_client, member, password):
    new_password = "another-long-passphrase-9"
    response = member_client.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": new_password, "password2": new_password},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(new_password)


def test_change_password_with_wrong_current_password_changes_nothing(
    member_client, member, password
):
    new_password = "x-new-passphrase-1"
    response = member_client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": new_password, "password2": new_password},
    )

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(password)


def test_change_email_sends_a_link_to_the_new_address_and_keeps_the_old_one_meanwhile(
    member_client, member
):
    response = member_client.post(
        reverse("account_email"), {"action_add": "", "email": "new-address@example.org"}
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new-address@example.org"]
    pending = EmailAddress.objects.get(email="new-address@example.org")
    assert not pending.verified
    member.refresh_from_db()
    assert member.email != "new-address@example.org"

    page = member_client.get(reverse("account_email"))
    html = page.content.decode()
    assert_accessible_page(page)
    assert "Waiting for you to confirm" in html
    assert "new-address@example.org" in html


def test_change_email_to_a_malformed_address_says_so(member_client, member):
    response = member_client.post(
        reverse("account_email"), {"action_add": "", "email": "not an address"}
    )

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert EmailAddress.objects.filter(user=member).count() == 1


def open_totp_activation(client, *, password):
    """Setting up two-factor first asks for the password again, then shows the page."""
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert_accessible_page(client.get(response.url))
    response = client.post(response.url, {"password": password})
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    return client.get(response.url)


def test_totp_activation_page_shows_the_qr_code_and_the_key_as_text(member_client, password):
    response = open_totp_activation(member_client, password=password)
    client = member_client

    assert response.status_code == 200
    page = assert_accessible_page(response)
    html = response.content.decode()
    assert re.search(r'<img class="qr-code" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', html)
    assert 'alt="QR code for your authenticator app.' in html
    secret = client.session[totp_auth.SECRET_SESSION_KEY]
    assert f'<code class="secret" aria-labelledby="totp-secret-label">{secret}</code>' in html
    assert page.h1_count == 1


def test_turning_on_two_factor_with_a_right_code(member_client, member, password):
    client = member_client
    open_totp_activation(client, password=password)
    secret = client.session[totp_auth.SECRET_SESSION_KEY]
    code = totp_auth.format_hotp_value(
        totp_auth.hotp_value(secret, next(totp_auth.yield_hotp_counters_from_time()))
    )

    response = client.post(reverse("mfa_activate_totp"), {"code": code})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()
    codes_page = client.get(response.url)
    assert codes_page.status_code == 200
    assert_accessible_page(codes_page)
    for url_name in ("mfa_index", "mfa_generate_recovery_codes", "mfa_deactivate_totp"):
        page = client.get(reverse(url_name))
        assert page.status_code == 200, url_name
        assert_accessible_page(page)
    assert "On: logging in asks for a code" in client.get(reverse("mfa_index")).content.decode()


def test_turning_on_two_factor_with_a_wrong_code_says_so(member_client, member, password):
    open_totp_activation(member_client, password=password)

    response = member_client.post(reverse("mfa_activate_totp"), {"code": "000000x"})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=member).exists()


def test_logging_in_with_two_factor_asks_for_the_code(client, password):
    person = UserFactory(password=password)
    secret = totp_auth.generate_totp_secret()
    totp_auth.TOTP.activate(person, secret)

    response = client.post(reverse("account_login"), {"login": person.email, "password": password})

    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    page = client.get(response.url)
    assert_accessible_page(page)
    assert "Enter your code" in page.content.decode()
    assert "_auth_user_id" not in client.session

    code = totp_auth.format_hotp_value(
        totp_auth.hotp_value(secret, next(totp_auth.yield_hotp_counters_from_time()))
    )
    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_failed_logins_count_per_account_whatever_host_the_request_names(
    client, member, password, settings
):
    # Every name the site answers to counts towards the same five failures.
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", "www.example.org"]
    hosts = ["testserver", "localhost", "127.0.0.1", "www.example.org", "localhost"]
    for host in hosts:
        response = client.post(
            reverse("account_login"),
            {"login": member.email, "password": "guess-again-123"},
            HTTP_HOST=host,
        )
        assert "Too many failed attempts" not in response.content.decode()

    response = client.post(
        reverse("account_login"),
        {"login": member.email, "password": password},
        HTTP_HOST="www.example.org",
    )

    assert "Too many failed attempts to log in. Wait a few minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
