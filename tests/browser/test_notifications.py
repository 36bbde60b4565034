"""A member follows an area; someone's entry there is published; the follower hears of it.

Runs at 1280 and 360 px with axe on every page, with JavaScript (the follow
button swaps in place through htmx) and without (a plain form and redirect).
"""

from __future__ import annotations

import re

import pytest

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status
from bigsocnorth.moderation.services import content_approve
from bigsocnorth.notifications.emails import unsubscribe_token_make
from bigsocnorth.notifications.models import Follow
from bigsocnorth.notifications.selectors import email_frequency_for_user
from bigsocnorth.places.models import LocalAuthority
from tests.browser.conftest import check_page, log_in, open_menu, visit

# The live server sees only committed data (conftest.py reloads the areas).
pytestmark = pytest.mark.django_db(transaction=True)


def test_follow_an_area_and_hear_about_a_new_entry_there(
    page, live_server, member, moderator, password
):
    base_url = live_server.url
    kirklees = LocalAuthority.objects.get(name="Kirklees")
    log_in(page, base_url, member.email, password)

    visit(page, f"{base_url}/areas/kirklees/")
    page.get_by_role("button", name="Follow area: Kirklees").click()
    # htmx swapped in the new button, which kept the focus.
    unfollow = page.get_by_role("button", name=re.compile("Following — unfollow"))
    unfollow.wait_for()
    assert page.evaluate("document.activeElement.id").startswith("follow-places-localauthority-")
    assert page.url == f"{base_url}/areas/kirklees/"
    check_page(page, "notifications-area-following")
    assert Follow.objects.filter(user=member).count() == 1

    # Another member's entry in Kirklees waits for review; a moderator approves it.
    author = UserFactory(password=password)
    entry = EntryFactory(
        name="Huddersfield Repair Café", author=author, status=Status.IN_REVIEW, published_at=None
    )
    entry.areas.add(kirklees)
    content_approve(actor=moderator, content=entry)

    page.reload()
    open_menu(page)
    header_link = page.get_by_role("link", name=re.compile(r"^Notifications 1 unread$"))
    header_link.click()
    page.wait_for_url(re.compile(r"/notifications/$"))
    check_page(page)
    notice = page.get_by_role("link", name="A new entry in Kirklees: “Huddersfield Repair Café”")
    notice.wait_for()
    assert page.locator(".notification-unread").count() == 1

    page.get_by_role("button", name="Mark all as read").click()
    page.wait_for_url(re.compile(r"/notifications/$"))
    assert page.locator(".notification-unread").count() == 0
    assert page.get_by_role("link", name=re.compile("unread")).count() == 0
    check_page(page, "notifications-read")

    visit(page, f"{base_url}/notifications/following/")
    assert page.get_by_role("link", name="Kirklees").count() == 1
    visit(page, f"{base_url}/notifications/settings/")
    page.get_by_label("A weekly digest: at most one email a week").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your email settings are saved.").wait_for()
    check_page(page, "notifications-settings-saved")
    assert email_frequency_for_user(user=member) == "weekly"


def test_follow_and_unfollow_without_javascript(
    page_without_javascript, live_server, member, password
):
    page = page_without_javascript
    base_url = live_server.url
    log_in(page, base_url, member.email, password)

    visit(page, f"{base_url}/areas/yorkshire-and-the-humber/")
    page.get_by_role("button", name="Follow region: Yorkshire and The Humber").click()
    page.get_by_text("You follow “Yorkshire and The Humber”").wait_for()
    assert page.url == f"{base_url}/areas/yorkshire-and-the-humber/"
    check_page(page, "notifications-region-followed")

    visit(page, f"{base_url}/notifications/following/")
    page.get_by_role("button", name=re.compile("Unfollow")).click()
    page.get_by_text("You no longer follow “Yorkshire and The Humber”").wait_for()
    check_page(page, "notifications-following-empty")
    assert not Follow.objects.exists()


def test_a_visitor_is_asked_to_log_in_to_follow_and_can_unsubscribe_from_email(
    page, live_server, member
):
    base_url = live_server.url
    visit(page, f"{base_url}/areas/kirklees/")
    assert page.get_by_role("link", name=re.compile("^Log in to follow")).count() == 1

    token = unsubscribe_token_make(user=member)
    visit(page, f"{base_url}/unsubscribe/{token}/")
    page.get_by_role("button", name="Stop notification emails").click()
    page.get_by_text("You will get no more notification emails").wait_for()
    check_page(page, "notifications-unsubscribed")
    assert email_frequency_for_user(user=member) == "never"
