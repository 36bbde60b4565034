"""Nobody can learn whether an email address has an account here by asking the site.

Resetting a password and joining answer the same way for an address with an
account and for one without; what differs goes by email, to the address's owner.
"""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from bigsocnorth.accounts.models import User

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "correct-horse-battery-42"
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def page_text(response, *, typed: str) -> str:
    """The page as a person sees it, less what differs for reasons of its own: the CSRF
    token (new on every page) and the address the person typed, which it repeats."""
    text = CSRF_TOKEN.sub("", response.content.decode())
    return re.sub(re.escape(typed), "TYPED", text, flags=re.IGNORECASE)


def answer(client, response, *, typed: str) -> tuple[int, str, str]:
    """What the site answers: the status, where it sends the person, and the page they land on."""
    where = response.get("Location", "")
    landing = client.get(where) if response.status_code == 302 else response
    return response.status_code, where, page_text(landing, typed=typed)


def signup_data(email: str) -> dict:
    return {
        "email": email,
        "display_name": "Someone",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        "home_area": "",
    }


def test_password_reset_answers_the_same_for_an_address_with_or_without_an_account(client, member):
    reset = reverse("account_reset_password")
    known = answer(client, client.post(reset, {"email": member.email}), typed=member.email)
    unknown = answer(
        client,
        client.post(reset, {"email": "nobody@example.org"}),
        typed="nobody@example.org",
    )

    assert known[0] == unknown[0] == 302
    assert known[1] == unknown[1] == reverse("account_reset_password_done")
    assert known[2] == unknown[2]
    # The owner of the account gets the link; the other address is told it has no account.
    assert [message.to for message in mail.outbox] == [[member.email], ["nobody@example.org"]]
    assert re.search(r"/accounts/password/reset/key/\S+/", mail.outbox[0].body)
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body
    assert "There is no account with this address" in mail.outbox[1].body


def test_joining_with_a_taken_address_answers_as_for_a_new_one_and_tells_the_owner(client, member):
    # Another client, so the first sign-up's session does not colour the second's answer.
    signup = reverse("account_signup")
    new = answer(
        client, client.post(signup, signup_data("new@example.org")), typed="new@example.org"
    )
    other = Client()
    taken = answer(other, other.post(signup, signup_data(member.email.upper())), typed=member.email)

    assert new[0] == taken[0] == 302
    assert new[1] == taken[1] == reverse("account_email_verification_sent")
    assert new[2] == taken[2]
    # No second account for the taken address, and its owner hears someone tried.
    assert User.objects.filter(email__iexact=member.email).count() == 1
    assert EmailAddress.objects.filter(email__iexact=member.email).count() <= 1
    to_owner = [message for message in mail.outbox if message.to == [member.email]]
    assert len(to_owner) == 1
    assert "tried to join using this email address" in to_owner[0].body
    assert "/accounts/password/reset/" in to_owner[0].body
