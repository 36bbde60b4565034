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

Then: a visitor finds a day on the month calendar by keyboard alone at 360 px (and the
calendar lists its days at 360 px without JavaScript); an organiser records how a gathering
that has ended went, and turns it into a draft story (360 px, without JavaScript).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.events import needs, services
from bigsocnorth.events.models import Gathering, NeedKind, OfferState, RsvpState
from bigsocnorth.events.recurrence import LONDON
from bigsocnorth.events.tests.conftest import gathering_values, next_week
from bigsocnorth.moderation.models import Status
from bigsocnorth.stories.models import Story
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


# --- 5. The month calendar, by keyboard alone, at 360 px ---------------------------------------


def _next_month_day(day: int, hour: int, minute: int = 0) -> datetime:
    """A time on `day` of next month, on the London clock (always still to come)."""
    today = timezone.now().astimezone(LONDON).date()
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return datetime(first.year, first.month, day, hour, minute, tzinfo=LONDON)


def _calendar_month(organiser, area) -> datetime:
    """Two gatherings on the 14th of next month (the evening one called off), one on the 21st."""
    morning = _next_month_day(14, 10)
    for title, starts_at in (
        ("Litter pick in Firth Park", morning),
        ("Tenants' meeting", _next_month_day(14, 19, 30)),
        ("Allotment open day", _next_month_day(21, 11)),
    ):
        services.gathering_create(
            author=organiser, values=gathering_values(area, title=title, starts_at=starts_at)
        )
    services.gathering_cancel(
        actor=organiser, gathering=Gathering.objects.get(title="Tenants' meeting")
    )
    return morning


def _tab_to(page, wanted: str, *, presses: int = 40) -> None:
    """Press Tab until the focused element's name (its aria-label, else its text) starts with
    `wanted`, as a keyboard user moves through a page."""
    name = "(e => (e.getAttribute('aria-label') || e.textContent).replace(/\\s+/g, ' ').trim())"
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(f"{name}(document.activeElement)"))
        if seen[-1].startswith(wanted):
            return
    raise AssertionError(f"Tab never reached “{wanted}”; it went through {seen}")


def _focus_is_visible(page) -> bool:
    return page.evaluate(
        """() => { const e = document.activeElement, style = getComputedStyle(e);
        return e.matches(':focus-visible') && style.outlineStyle !== 'none'
          && parseFloat(style.outlineWidth) >= 2; }"""
    )


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_visitor_finds_a_day_on_the_month_calendar_by_keyboard(
    page, live_server, moderator, area
):
    base_url = live_server.url
    morning = _calendar_month(moderator, area)
    day_name = f"{morning:%A} {morning.day} {morning:%B}"  # "Thursday 14 January"

    visit(page, f"{base_url}/gatherings/", "gatherings-list-calendar-link")
    _tab_to(page, "Show as a calendar")
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/gatherings/calendar/$"))
    check_page(page, "gatherings-calendar-this-month")

    _tab_to(page, "Month after:")
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/gatherings/calendar/{morning.year}/{morning.month}/$"))
    check_page(page, "gatherings-calendar-next-month")
    assert page.locator("caption").inner_text() == f"{morning:%B %Y}: 3 gatherings"
    # On a phone the calendar is the list of its days with gatherings, and nothing else.
    days = page.locator(".month-day:visible")
    assert days.count() == 2
    the_14th = days.filter(has=page.locator(f"a[aria-label^='{day_name}:']"))
    assert "(cancelled)" in the_14th.locator(".month-cancelled").inner_text()
    assert the_14th.locator(".month-items li").count() == 2

    _tab_to(page, f"{day_name}: 2 gatherings")
    assert _focus_is_visible(page)
    assert page.evaluate("document.activeElement.textContent").split()[-1] == str(morning.day)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/gatherings/calendar/{morning.year}/{morning.month}/14/#day$"))
    check_page(page, "gatherings-calendar-day")
    # The chosen day is ringed (a 3 px outline drawn inside it): its text stays clear of the ring.
    chosen = page.locator(".month-chosen")
    ring, text = chosen.bounding_box(), chosen.locator(".month-date a").bounding_box()
    assert text["x"] >= ring["x"] + 4, (ring, text)
    listed = page.locator("section#day")
    assert listed.get_by_role("heading", level=2).inner_text() == f"{day_name} {morning.year}"
    cards = listed.locator(".card")
    assert cards.locator(".card-title").all_inner_texts() == [
        "Litter pick in Firth Park",
        "Tenants' meeting",
    ]
    assert [when.strip() for when in cards.locator(".gathering-when").all_inner_texts()] == [
        "10:00 a.m. to 12:00 p.m.",
        "7:30 p.m. to 9:30 p.m.",
    ]
    assert cards.nth(0).locator(".gathering-cancelled").count() == 0
    assert cards.nth(1).locator(".gathering-cancelled").inner_text() == "Cancelled"


@pytest.mark.parametrize("page_without_javascript", ["phone"], indirect=True)
def test_the_month_calendar_lists_its_days_at_360_px_without_javascript(
    page_without_javascript, live_server, moderator, area
):
    page = page_without_javascript
    morning = _calendar_month(moderator, area)
    visit(
        page,
        f"{live_server.url}/gatherings/calendar/{morning.year}/{morning.month}/",
        "gatherings-calendar-month",
    )
    days = page.locator(".month-day:visible")
    assert [day.locator(".month-date").inner_text().strip() for day in days.all()] == [
        f"{morning:%A} 14",
        f"{_next_month_day(21, 11):%A} 21",
    ]
    assert days.nth(0).get_by_text("(cancelled)").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


# --- 6. After the gathering: how it went, then a story told from it ----------------------------


@pytest.mark.parametrize("page_without_javascript", ["phone"], indirect=True)
def test_an_organiser_records_how_it_went_and_turns_it_into_a_story(
    page_without_javascript, live_server, member, password, area, settings
):
    page = page_without_javascript
    base_url = live_server.url
    settings.NEW_MEMBER_REVIEW_COUNT = 0  # a trusted member: published at once
    gathering = _gathering(member, area)
    # Made to come, as the services require; then its time is moved into the past.
    ended = timezone.now() - timedelta(days=2)
    Gathering.objects.filter(pk=gathering.pk).update(
        starts_at=ended - timedelta(hours=2), ends_at=ended, last_ends_at=ended
    )

    log_in(page, base_url, member.email, password)
    visit(page, f"{base_url}{gathering.get_absolute_url()}", "gatherings-gathering-ended")
    page.get_by_role("link", name="Record how it went").click()
    page.wait_for_url(re.compile(r"/afterwards/$"))
    check_page(page, "gatherings-afterwards")
    page.get_by_label("How many people came?").fill("27")
    page.get_by_label("Notes and outcomes").fill(
        "We agreed to **ask the council** for new benches.\n\n- Sam writes the letter"
    )
    page.get_by_role("button", name="Save how it went").click()
    page.wait_for_url(re.compile(re.escape(gathering.get_absolute_url()) + "$"))
    page.get_by_text("Thank you: how it went is on the gathering's page.").wait_for()
    check_page(page, "gatherings-gathering-afterwards")
    afterwards = page.get_by_role("region", name="Afterwards")
    assert afterwards.get_by_text("27 people came.").count() == 1
    assert afterwards.locator(".prose strong").inner_text() == "ask the council"
    assert afterwards.locator(".prose li").inner_text() == "Sam writes the letter"

    afterwards.get_by_role("button", name="Turn it into a story").click()
    page.wait_for_url(re.compile(r"/stories/[\w-]+/edit/$"))
    page.get_by_text("Your story is saved as a draft.").wait_for()
    check_page(page, "gatherings-story-edit")
    story = Story.objects.get()
    assert (story.author, story.status) == (member, Status.DRAFT)
    body = page.get_by_label("Your story").input_value()
    assert body.startswith("We agreed to **ask the council** for new benches.")
    assert "27 people came." in body
    assert page.get_by_label("Title").input_value() == f"How it went: {TITLE}"
