"""The gatherings journeys: a trusted member organises a gathering that still needs a venue
and tea and cakes; a group offers its hall, the organiser accepts it and the gathering gets
its place; a visitor answers without an account, confirms by the emailed link and cancels
from the next email; the last place is taken, the next member waits and moves up when a
place comes free.

Organising runs at 360 px without JavaScript (the place is chosen with the picker's
"Did you mean" fallback); the guest's answer also runs at 360 px without JavaScript; the
venue offer runs at 360 px with JavaScript (the place picker used by keyboard alone); the
waiting list runs at 1280 px. Axe checks every page. The organiser of the first journey is
a member whose contributions are trusted (NEW_MEMBER_REVIEW_COUNT = 0, as in test_cuts.py),
so the gathering is public at once; in the others a moderator organises it, through the
services.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import override_settings

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.events import needs, services
from bigsocnorth.events.models import Gathering, NeedKind, OfferState, RsvpState
from bigsocnorth.events.tests.conftest import gathering_values, next_week
from bigsocnorth.moderation.models import Status
from tests.browser.conftest import (
    IMMEDIATE_TASKS,
    check_page,
    choose_place_by_keyboard,
    log_in,
    log_out,
    visit,
)

# The live server sees only committed data (conftest.py reloads the reference data).
pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Tea, cake and the future of the park"


def _link_in(body: str, kind: str, base_url: str) -> str:
    """The confirm or cancel link in a guest's email, on the live test server."""
    found = re.search(rf"http\S+/gatherings/rsvp/{kind}/\S+/", body)
    assert found, f"No {kind} link in:\n{body}"
    return base_url + urlsplit(found.group(0)).path


def _gathering(organiser, area, **overrides) -> Gathering:
    gathering = services.gathering_create(
        author=organiser, values=gathering_values(area, title=TITLE, **overrides)
    )
    assert gathering.status == Status.PUBLISHED
    return gathering


def _places(page) -> str:
    facts = page.locator(".gathering-facts")
    return facts.locator("dt:text-is('Places') + dd").inner_text().strip()


# --- 1. A member organises a gathering that needs a venue and tea and cakes -------------------


@pytest.mark.parametrize("page_without_javascript", ["phone"], indirect=True)
def test_a_member_organises_a_gathering_that_needs_a_venue_and_tea_and_cakes(
    page_without_javascript, live_server, member, password, settings
):
    page = page_without_javascript
    base_url = live_server.url
    settings.NEW_MEMBER_REVIEW_COUNT = 0  # a trusted member: published at once
    day = next_week().date()

    log_in(page, base_url, member.email, password)
    visit(page, f"{base_url}/gatherings/", "gatherings-list")
    page.get_by_role("link", name="Organise a gathering").first.click()
    page.wait_for_url(re.compile(r"/gatherings/new/$"))
    check_page(page, "gatherings-new")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("What is it, and who is it for?").fill(
        "Come and talk about **the park**. Everyone welcome."
    )
    page.get_by_label("Day", exact=True).fill(day.isoformat())
    page.get_by_label("Starts at").fill("19:00")
    page.get_by_label("Ends at", exact=True).fill("21:00")
    assert page.get_by_label("In person", exact=True).is_checked()
    page.get_by_label("Venue wanted: we know the area, not yet the venue").check()
    # Without JavaScript the place goes by name: the form comes back asking which one.
    page.get_by_label("Where", exact=True).fill("Sheffield")
    page.get_by_role("button", name="Publish the gathering").click()
    choices = page.get_by_role("group", name="Did you mean:")
    choices.wait_for()
    check_page(page, "gatherings-new-which-place")
    assert not Gathering.objects.exists()
    choices.get_by_label(re.compile(r"^Sheffield\b")).first.check()
    page.get_by_role("button", name="Publish the gathering").click()
    page.wait_for_url(re.compile(r"/gatherings/tea-cake-and-the-future-of-the-park/$"))
    page.get_by_text("Your gathering is published.").wait_for()
    check_page(page, "gatherings-gathering-new")
    gathering = Gathering.objects.get()
    assert (gathering.status, gathering.author, gathering.venue_wanted) == (
        Status.PUBLISHED,
        member,
        True,
    )
    assert gathering.local_authority.name == "Sheffield"
    assert page.locator(".gathering-badges").get_by_text("Venue wanted").count() == 1

    # What it needs, from its page: a venue, then tea and cakes for three.
    for kind, words, how_many in (
        ("A venue", "A hall for 30 people, step-free", None),
        ("Tea, cakes and refreshments", "Tea, and cakes for after", "3"),
    ):
        page.get_by_role("link", name="Add something it needs").click()
        page.wait_for_url(re.compile(r"/needs/add/$"))
        check_page(page, "gatherings-need-add")
        page.get_by_label("What does it need?").select_option(label=kind)
        page.get_by_label("More about it").fill(words)
        if how_many:
            page.get_by_label("How many?").fill(how_many)
        page.get_by_role("button", name="Add it").click()
        page.wait_for_url(
            re.compile(r"/gatherings/tea-cake-and-the-future-of-the-park/#needs-title$")
        )
        page.get_by_text("Added to what the gathering needs.").wait_for()
        check_page(page, "gatherings-gathering-needs")
    section = page.get_by_role("region", name="What this gathering needs")
    venue = section.locator(".need").filter(has=page.get_by_role("heading", name="A venue"))
    assert "A hall for 30 people, step-free" in venue.inner_text()
    assert venue.get_by_text("Still wanted").count() == 1
    tea = section.locator(".need").filter(
        has=page.get_by_role("heading", name="Tea, cakes and refreshments")
    )
    assert tea.get_by_text("0 of 3 found").count() == 1
    assert [(need.kind, need.wanted) for need in gathering.needs.order_by("position")] == [
        (NeedKind.VENUE, 1),
        (NeedKind.REFRESHMENTS, 3),
    ]


# --- 2. A group offers its hall; the organiser accepts; the place fills in -------------------


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_group_offers_its_hall_and_the_accepted_venue_becomes_the_place(
    page, live_server, moderator, member, password, area
):
    base_url = live_server.url
    gathering = _gathering(
        moderator, area, venue_wanted=True, venue_name="", venue_address="", capacity=None
    )
    need = needs.need_add(
        actor=moderator, gathering=gathering, values={"kind": NeedKind.VENUE, "wanted": 1}
    )
    hall = EntryFactory(author=member, located_in=area, name="Firth Park Community Hall")
    assert hall.editors.filter(pk=member.pk).exists()

    # The member who looks after the hall's entry offers it, for the group.
    log_in(page, base_url, member.email, password)
    visit(page, f"{base_url}{gathering.get_absolute_url()}", "gatherings-gathering-venue-wanted")
    section = page.get_by_role("region", name="What this gathering needs")
    section.get_by_role("link", name="Offer a venue").click()
    page.wait_for_url(re.compile(rf"/needs/{need.pk}/offer/$"))
    check_page(page, "gatherings-offer-venue")
    page.get_by_label("Offer for").select_option(label=hall.name)
    page.get_by_label("Venue", exact=True).fill(hall.name)
    page.get_by_label("Address").fill("Firth Park Road, Sheffield S5 6WP")
    box = page.get_by_role("combobox", name=re.compile("Where is it"))
    choose_place_by_keyboard(page, box, "Sheff", "Sheffield")
    page.get_by_label("A message for the organisers").fill("The hall is free on weekday evenings.")
    page.get_by_role("button", name="Offer", exact=True).click()
    page.wait_for_url(re.compile(r"#needs-title$"))
    page.get_by_text("Thank you for offering. The organisers are told, and will answer.").wait_for()
    check_page(page, "gatherings-gathering-offered")
    offer = need.offers.get()
    assert (offer.entry, offer.offered_by, offer.state) == (hall, member, OfferState.OFFERED)
    log_out(page)

    # The organiser sees the offer, with the group's name, and accepts it.
    log_in(page, base_url, moderator.email, password)
    visit(page, f"{base_url}{gathering.get_absolute_url()}", "gatherings-gathering-an-offer")
    section = page.get_by_role("region", name="What this gathering needs")
    offers = section.locator(".need-offers li")
    assert offers.count() == 1
    assert "Firth Park Community Hall" in offers.inner_text()
    offers.get_by_role("button", name="Accept this offer").click()
    page.wait_for_url(re.compile(r"#needs-title$"))
    page.get_by_text("Offer accepted, and the member who offered is told.").wait_for()
    check_page(page, "gatherings-gathering-venue-found")
    where = page.locator(".gathering-facts dt:text-is('Where') + dd").inner_text()
    assert "Firth Park Community Hall, Firth Park Road, Sheffield S5 6WP" in where
    # The place chosen with the offer replaces the rough one the gathering started with.
    # The place and its area have one name here: said once.
    assert where.splitlines()[-1].strip() == "Sheffield"
    assert "Burngreave" not in where
    assert "Venue wanted" not in page.locator("main").inner_text()
    assert section.get_by_text("Met, thank you").count() == 1
    gathering.refresh_from_db()
    assert (gathering.venue_wanted, gathering.venue_name) == (False, hall.name)
    assert (gathering.place_name, gathering.local_authority) == ("Sheffield", area)


# --- 3. A visitor answers without an account, confirms by email, cancels later --------------


@override_settings(TASKS=IMMEDIATE_TASKS)
@pytest.mark.parametrize("page_without_javascript", ["phone"], indirect=True)
def test_a_visitor_answers_confirms_by_the_emailed_link_and_cancels_later(
    page_without_javascript, live_server, moderator, area
):
    page = page_without_javascript
    base_url = live_server.url
    gathering = _gathering(moderator, area, capacity=10, plus_ones_allowed=0)
    mail.outbox.clear()

    visit(page, f"{base_url}{gathering.get_absolute_url()}", "gatherings-gathering-visitor")
    assert _places(page) == "10 places left of 10"
    page.get_by_label("Your name").fill("Jo Visitor")
    page.get_by_label("Your email").fill("jo@example.org")
    page.get_by_role("button", name="I am coming").click()
    page.wait_for_url(re.compile(r"/rsvp/sent/$"))
    check_page(page, "gatherings-rsvp-sent")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    (asked,) = mail.outbox
    assert asked.to == ["jo@example.org"] and "Confirm your place" in asked.subject
    assert gathering.rsvps.get().state == RsvpState.PENDING

    # The link shows a button (mail scanners open links); pressing it counts the answer.
    visit(page, _link_in(asked.body, "confirm", base_url), "gatherings-rsvp-confirm")
    page.get_by_role("button", name="Yes, I am coming").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    check_page(page, "gatherings-rsvp-confirmed")
    assert page.get_by_text(f"You are going to “{TITLE}”.").count() == 1
    page.get_by_role("link", name="See the gathering").click()
    page.wait_for_url(re.compile(re.escape(gathering.get_absolute_url()) + "$"))
    check_page(page, "gatherings-gathering-guest-going")
    assert _places(page) == "9 places left of 10"

    # Later: the cancel link in the email that said they are going.
    (confirmed,) = [message for message in mail.outbox if "Your answer" in message.subject]
    assert "You are going." in confirmed.body
    visit(page, _link_in(confirmed.body, "cancel", base_url), "gatherings-rsvp-cancel")
    page.get_by_role("button", name="I can no longer come").click()
    page.get_by_role("heading", name="Your place is cancelled").wait_for()
    check_page(page, "gatherings-rsvp-cancelled")
    assert gathering.rsvps.get().state == RsvpState.CANCELLED
    page.get_by_role("link", name="See the gathering").click()
    page.wait_for_url(re.compile(re.escape(gathering.get_absolute_url()) + "$"))
    check_page(page, "gatherings-gathering-guest-cancelled")
    assert _places(page) == "10 places left of 10"


# --- 4. The last place, the waiting list, and moving up ---------------------------------------


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_the_last_place_is_taken_the_next_member_waits_and_moves_up(
    page, live_server, moderator, password, area
):
    base_url = live_server.url
    gathering = _gathering(moderator, area, capacity=2, plus_ones_allowed=0)
    services.rsvp_member(user=UserFactory(password=password), gathering=gathering)
    ann, bob = UserFactory(password=password), UserFactory(password=password)
    url = f"{base_url}{gathering.get_absolute_url()}"
    back = re.compile(re.escape(gathering.get_absolute_url()) + "$")

    # Ann takes the last place.
    log_in(page, base_url, ann.email, password)
    visit(page, url, "gatherings-gathering-last-place")
    assert _places(page) == "1 place left of 2"
    page.get_by_role("button", name="I am coming").click()
    page.wait_for_url(back)
    page.get_by_text("You are going. The organisers will be glad to see you.").wait_for()
    check_page(page, "gatherings-gathering-going")
    assert _places(page).startswith("Full")
    log_out(page)

    # Bob finds it full and joins the waiting list.
    log_in(page, base_url, bob.email, password)
    visit(page, url, "gatherings-gathering-full")
    assert page.get_by_role("button", name="I am coming").count() == 0
    page.get_by_role("button", name="Join the waiting list").click()
    page.wait_for_url(back)
    page.get_by_text("It is full for now: you are on the waiting list").wait_for()
    check_page(page, "gatherings-gathering-waiting")
    assert page.get_by_text("You are on the waiting list: number 1.").count() == 1
    log_out(page)

    # Ann can no longer come.
    log_in(page, base_url, ann.email, password)
    visit(page, url, "gatherings-gathering-going-again")
    page.get_by_role("button", name="I can no longer come").click()
    page.wait_for_url(back)
    page.get_by_text("You are no longer going. Thank you for saying.").wait_for()
    check_page(page, "gatherings-gathering-cancelled-own")
    log_out(page)

    # Bob is told, and has her place.
    log_in(page, base_url, bob.email, password)
    visit(page, f"{base_url}/notifications/", "gatherings-notifications")
    notice = page.get_by_role("link", name=re.compile(r"^A place came free: you are now going"))
    assert notice.count() == 1
    notice.click()
    page.wait_for_url(re.compile(re.escape(gathering.get_absolute_url())))
    check_page(page, "gatherings-gathering-moved-up")
    assert page.get_by_text("You are going.", exact=True).count() == 1
    assert _places(page).startswith("Full")
    assert gathering.rsvps.get(user=bob).state == RsvpState.GOING
    assert gathering.rsvps.get(user=ann).state == RsvpState.CANCELLED
