"""Joining: the sign-up form, email confirmation, and mail through the task worker."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished
from django.test import override_settings
from django.urls import reverse

from bigsocnorth.accounts.models import Profile, User
from bigsocnorth.accounts.tests.conftest import assert_accessible_page

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "correct-horse-battery-42"


def signup_data(**overrides) -> dict:
    data = {
        "email": "asha@example.org",
        "display_name": "Asha from Sharrow",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        "home_area": "",
    }
    data.update(overrides)
    return data


def confirmation_link(message) -> str:
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def test_signup_page_is_accessible_and_groups_areas_by_region(client, area):
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    assert_accessible_page(response)
    html = response.content.decode()
    assert '<optgroup label="Yorkshire and The Humber">' in html
    assert f'<option value="{area.pk}">Sheffield</option>' in html
    assert 'name="display_name"' in html


def test_signup_creates_account_and_profile_then_confirming_by_post_lets_person_log_in(
    client, area
):
    response = client.post(reverse("account_signup"), signup_data(home_area=area.pk))

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="asha@example.org")
    profile = user.profile
    assert profile.display_name == "Asha from Sharrow"
    assert profile.home_area == area
    assert profile.handle == "asha-from-sharrow"
    address = EmailAddress.objects.get(user=user)
    assert not address.verified

    assert len(mail.outbox) == 1
    link = confirmation_link(mail.outbox[0])
    assert "Asha from Sharrow" in mail.outbox[0].body

    # Opening the link only shows a page; confirming takes a POST.
    page = client.get(link)
    assert page.status_code == 200
    assert_accessible_page(page)
    address.refresh_from_db()
    assert not address.verified

    confirmed = client.post(link)
    assert confirmed.status_code == 302
    address.refresh_from_db()
    assert address.verified

    logged_in = client.post(
        reverse("account_login"), {"login": "asha@example.org", "password": GOOD_PASSWORD}
    )
    assert logged_in.status_code == 302
    assert logged_in.url == reverse("accounts:profile_edit")


def test_unconfirmed_person_cannot_log_in_until_they_confirm(client):
    client.post(reverse("account_signup"), signup_data())
    mail.outbox.clear()

    response = client.post(
        reverse("account_login"), {"login": "asha@example.org", "password": GOOD_PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_expired_or_unknown_confirmation_link_explains_what_to_do(client):
    response = client.get(reverse("account_confirm_email", args=["not-a-real-key"]))

    assert response.status_code == 200
    assert_accessible_page(response)
    assert "This link has expired or has already been used." in response.content.decode()


def assert_nothing_saved():
    assert User.objects.count() == 0
    assert Profile.objects.count() == 0
    assert EmailAddress.objects.count() == 0
    assert len(mail.outbox) == 0


def errors_of(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "<title>Error:" in html
    return html


def test_signup_with_a_taken_email_tells_the_owner_by_email_not_the_page(client, member):
    # Saying "taken" on the page would tell anyone who has an account here
    # (test_enumeration.py); the owner hears of it by email instead.
    users_before = User.objects.count()

    response = client.post(reverse("account_signup"), signup_data(email=member.email.upper()))

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.count() == users_before
    assert [message.to for message in mail.outbox] == [[member.email]]
    assert "There is already an account with this address." in mail.outbox[0].body


def test_signup_with_a_malformed_email_says_so(client):
    response = client.post(reverse("account_signup"), signup_data(email="asha@@example"))

    assert "Enter a valid email address." in errors_of(response)
    assert_nothing_saved()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password", "This password is too common."),
        ("12345678", "This password is entirely numeric."),
        ("12345678", "This password is too short. It must contain at least 10 characters."),
    ],
)
def test_signup_with_a_weak_password_says_why(client, password, message):
    response = client.post(
        reverse("account_signup"), signup_data(password1=password, password2=password)
    )

    assert message in errors_of(response)
    assert_nothing_saved()


def test_signup_with_passwords_that_differ_says_so(client):
    response = client.post(reverse("account_signup"), signup_data(password2=GOOD_PASSWORD + "x"))

    assert "You must type the same password each time." in errors_of(response)
    assert_nothing_saved()


def test_signup_with_a_huge_display_name_says_how_long_it_may_be(client):
    response = client.post(reverse("account_signup"), signup_data(display_name="x" * 10_000))

    assert "Display name must be 80 characters or fewer; this one has 10000." in errors_of(response)
    assert_nothing_saved()


def test_signup_without_a_display_name_asks_for_one(client):
    response = client.post(reverse("account_signup"), signup_data(display_name="   "))

    assert "Enter a display name" in errors_of(response)
    assert_nothing_saved()


@pytest.mark.parametrize("bogus", ["999999", "not-a-number", "-1"])
def test_signup_with_a_home_area_that_does_not_exist_says_so(client, bogus):
    response = client.post(reverse("account_signup"), signup_data(home_area=bogus))

    assert "Choose your home area from the list of local authorities." in errors_of(response)
    assert_nothing_saved()


def test_error_summary_links_to_each_field(client):
    response = client.post(reverse("account_signup"), signup_data(email="", display_name=""))

    html = errors_of(response)
    assert 'href="#id_email"' in html
    assert 'href="#id_display_name"' in html
    assert 'aria-invalid="true"' in html


def test_signup_mail_goes_through_the_task_worker(client):
    immediate = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }
    queued_then_locmem = {
        "default": {"BACKEND": "bigsocnorth.core.mail.TaskQueueEmailBackend"},
        "delivery": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    }
    finished = []

    def record(sender, task_result, **kwargs):
        finished.append((task_result.task.name, task_result.status))

    task_finished.connect(record)
    try:
        with override_settings(TASKS=immediate, MAILERS=queued_then_locmem):
            response = client.post(reverse("account_signup"), signup_data())
    finally:
        task_finished.disconnect(record)

    assert response.status_code == 302
    assert finished == [("deliver_email", TaskResultStatus.SUCCESSFUL)]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["asha@example.org"]
    assert "/accounts/confirm-email/" in message.body
