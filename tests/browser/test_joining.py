"""A newcomer joins, confirms their email, logs in, fills in their profile and leaves.

Runs at 1280 and 360 px (the `page` fixture), with axe on every page.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.browser.conftest import check_page

# The live server sees only committed data (conftest.py reloads the areas).
pytestmark = pytest.mark.django_db(transaction=True)


def test_join_confirm_log_in_fill_in_profile_make_a_token_and_leave(page, live_server):
    base_url = live_server.url

    page.goto(f"{base_url}/accounts/signup/")
    check_page(page)
    # A mistake first: the error summary leads to the field.
    page.get_by_label("Email address").fill("kath@example.org")
    page.get_by_role("button", name="Join").click()
    page.get_by_role("alert").get_by_text("There is a problem").wait_for()
    check_page(page)

    page.get_by_label("Display name").fill("Kath from Walkley")
    page.get_by_label("Password", exact=True).fill("a-very-long-passphrase-42")
    page.get_by_label("Type your password again").fill("a-very-long-passphrase-42")
    page.get_by_label("Home area").select_option(label="Sheffield")
    page.get_by_role("button", name="Join").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    check_page(page)

    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    check_page(page)
    page.get_by_role("button", name="Confirm my email address").click()

    page.goto(f"{base_url}/accounts/login/")
    check_page(page)
    page.get_by_label("Email address").fill("kath@example.org")
    page.get_by_label("Password").fill("a-very-long-passphrase-42")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Your profile and account").wait_for()
    check_page(page)

    page.get_by_label("Pronouns").fill("she/her")
    page.get_by_label("About you").fill("I run a **repair café**.")
    page.get_by_label("Links").fill("https://repair.example.org")
    page.get_by_role("button", name="Save your profile").click()
    page.get_by_text("Your profile is saved.").wait_for()

    page.get_by_label("Token name").fill("My script")
    page.get_by_role("button", name="Make a token").click()
    secret = page.locator("#new-token-secret").inner_text()
    assert secret.startswith("bsn_")
    check_page(page)

    page.get_by_role("link", name="See your public profile").click()
    page.get_by_role("heading", name="Kath from Walkley").wait_for()
    check_page(page)
    assert page.get_by_role("link", name="Sheffield").is_visible()

    page.goto(f"{base_url}/accounts/2fa/")
    check_page(page)

    page.goto(f"{base_url}/profile/delete/")
    check_page(page)
    page.get_by_label("Your current password").fill("a-very-long-passphrase-42")
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_text("Your account and profile are deleted.").wait_for()


def test_turning_on_two_factor_shows_the_qr_code_and_key(page, live_server, member, password):
    base_url = live_server.url

    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(member.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Your profile and account").wait_for()

    page.goto(f"{base_url}/accounts/2fa/totp/activate/")
    page.get_by_role("heading", name="Confirm it is you").wait_for()
    check_page(page)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Turn on two-factor authentication").wait_for()
    check_page(page)
    qr = page.get_by_role("img", name=re.compile("QR code for your authenticator app"))
    assert qr.evaluate("image => image.naturalWidth") > 0
    assert re.fullmatch(r"[A-Z2-7=]{16,}", page.locator("code.secret").inner_text())
