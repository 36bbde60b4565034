"""The needs and offers journeys: a trusted member posts a need for a lift, choosing the place
with the picker by keyboard; a member who follows the area is told, answers "I can help", is
accepted, both see each other's contact details and say it happened. A need mentioning a
child waits for a moderator, with the safeguarding guidance. And everything without
JavaScript: posting (the picker's "Did you mean" fallback), the list and its filters,
answering, needs near an area and the open data page.

The posters are trusted (NEW_MEMBER_REVIEW_COUNT = 0, as in the services' tests), so a post
is public at once unless safeguarding holds it. Axe checks every page; screenshots are named
mutual_aid-*.
"""

from __future__ import annotations

import re

import pytest

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.mutual_aid import services
from bigsocnorth.mutual_aid.models import MatchState, Post
from bigsocnorth.mutual_aid.tests.makers import post_values
from bigsocnorth.notifications.services import follow_create
from tests.browser.conftest import check_page, choose_place_by_keyboard, log_in, log_out, visit

# The live server sees only committed data (conftest.py reloads the reference data).
pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "A lift to the Northern General on Tuesday"
PLACE_LABEL = re.compile(r"^Roughly where")
HELPER_CONTACT = "Text me on 07700 900456"
POSTER_CONTACT = "ann@example.org, or ring 0114 496 0000"


def _fill_need(page, title: str, description: str) -> None:
    """The "What" of a need for a lift; the kind comes ticked from ?kind=need."""
    assert page.get_by_label("A need: help wanted").is_checked()
    page.get_by_label("What kind of help").select_option(label="Lifts and transport")
    page.get_by_label("What exactly, in a few words").fill(title)
    page.get_by_label("More about it").fill(description)


def _answer(page, message: str, contact: str) -> None:
    section = page.get_by_role("region", name="I can help")
    section.get_by_label("A message for them").fill(message)
    section.get_by_label("Your contact details, shown to them only if they accept").fill(contact)
    section.get_by_role("button", name="Send: I can help").click()
    page.wait_for_url(re.compile(r"/help/matches/\d+/$"))
    page.get_by_text("Your message is sent.").wait_for()


def _contact_shown(page) -> dict[str, str]:
    """What "How to reach each other" says, term by term."""
    section = page.get_by_role("region", name="How to reach each other")
    terms = section.locator("dt").all_inner_texts()
    details = section.locator("dd").all_inner_texts()
    return {term.strip(): detail.strip() for term, detail in zip(terms, details, strict=True)}


# --- 1. A need for a lift: posted, told to a follower, answered, accepted, done ----------------


def test_a_need_for_a_lift_is_answered_accepted_and_done(
    page, live_server, member, moderator, password, area, settings
):
    base_url = live_server.url
    settings.NEW_MEMBER_REVIEW_COUNT = 0  # a trusted member: published at once
    helper = UserFactory(password=password)
    stranger = UserFactory(password=password)
    # An offer of lifts nearby, for "Offers that fit"; then the helper follows Sheffield.
    services.post_create(
        author=moderator,
        values=post_values(area, kind="offer", title="Lifts around Sheffield on weekdays"),
    )
    follow_create(user=helper, target=area)

    # Ann (the member) posts the need, choosing the place by keyboard.
    log_in(page, base_url, member.email, password)
    visit(page, f"{base_url}/help/new/?kind=need", "mutual_aid-form")
    assert page.get_by_role("heading", level=1).inner_text() == "Post a need"
    assert page.get_by_role("complementary", name="Keeping everyone safe").count() == 1
    _fill_need(page, TITLE, "Physio at ten in the morning, back by lunchtime.")
    box = page.get_by_role("combobox", name=PLACE_LABEL)
    choose_place_by_keyboard(page, box, "Sheff", "Sheffield")
    page.get_by_role("button", name="Post it").click()
    page.wait_for_url(re.compile(r"/help/a-lift-to-the-northern-general-on-tuesday/$"))
    page.get_by_text("Your post is published.").wait_for()
    check_page(page, "mutual_aid-post-new")
    post = Post.objects.get(title=TITLE)
    assert (post.author, post.local_authority, post.category.name) == (
        member,
        area,
        "Lifts and transport",
    )
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert page.get_by_text("No answers yet.").count() == 1
    log_out(page)

    # The helper, who follows Sheffield, is told, opens it and answers.
    log_in(page, base_url, helper.email, password)
    visit(page, f"{base_url}/notifications/", "mutual_aid-notifications")
    notice = page.get_by_role("link", name=f"A need in Sheffield: “{TITLE}”")
    assert notice.count() == 1
    notice.click()
    page.wait_for_url(re.compile(re.escape(post.get_absolute_url()) + "$"))
    check_page(page, "mutual_aid-post-to-answer")
    _answer(page, "I drive to the Northern General most Tuesdays.", HELPER_CONTACT)
    check_page(page, "mutual_aid-match-requested")
    match = post.matches.get()
    assert (match.responder, match.state) == (helper, MatchState.REQUESTED)
    assert page.get_by_text("Waiting for them to accept or decline.").count() == 1
    assert page.get_by_role("region", name="How to reach each other").count() == 0
    match_url = f"{base_url}/help/matches/{match.pk}/"
    log_out(page)

    # Ann sees the answer on her post, with the offer that fits, and accepts it.
    log_in(page, base_url, member.email, password)
    visit(page, f"{base_url}{post.get_absolute_url()}", "mutual_aid-post-answer-fits")
    answers = page.get_by_role("region", name="Answers").locator(".aid-answer")
    assert answers.count() == 1
    assert helper.profile.display_name in answers.inner_text()
    assert answers.locator(".badge").inner_text() == "Asked"
    fits = page.get_by_role("region", name="Offers that fit")
    assert fits.get_by_role("heading", name="Lifts around Sheffield on weekdays").count() == 1
    # Until she accepts, the helper's contact details are nowhere on her page.
    assert HELPER_CONTACT not in page.locator("main").inner_text()
    answers.get_by_label("Your contact details, for them").fill(POSTER_CONTACT)
    answers.get_by_role("button", name="Accept", exact=True).click()
    page.wait_for_url(re.compile(rf"/help/matches/{match.pk}/$"))
    page.get_by_text("You accepted. You can now see each other's contact details.").wait_for()
    check_page(page, "mutual_aid-match-accepted")
    assert _contact_shown(page) == {
        "Their contact details": HELPER_CONTACT,
        "Your contact details, as you gave them": POSTER_CONTACT,
    }
    log_out(page)

    # Someone else cannot open the match at all.
    log_in(page, base_url, stranger.email, password)
    response = page.goto(match_url)
    assert response is not None and response.status == 404
    log_out(page)

    # The helper sees Ann's details, and says it happened.
    log_in(page, base_url, helper.email, password)
    visit(page, match_url, "mutual_aid-match-helper")
    assert _contact_shown(page) == {
        "Your contact details, as you gave them": HELPER_CONTACT,
        "Their contact details": POSTER_CONTACT,
    }
    page.get_by_role("region", name="How did it go?").get_by_role(
        "button", name="It happened", exact=True
    ).click()
    page.wait_for_url(re.compile(rf"/help/matches/{match.pk}/$"))
    page.get_by_text("Thank you for saying how it went.").wait_for()
    check_page(page, "mutual_aid-match-done")
    standing = page.get_by_role("region", name="Where it stands")
    assert "It happened." in standing.inner_text()
    history = page.get_by_role("region", name="History").locator("li").all_inner_texts()
    assert [line.split(": ", 1)[1] for line in history] == [
        "the person who answered sent their answer",
        "the person who posted accepted",
        "the person who answered said it happened",
    ]
    match.refresh_from_db()
    assert match.state == MatchState.DONE


# --- 2. A need that mentions a child waits for a moderator --------------------------------------


def test_a_post_mentioning_a_child_is_held_for_review_with_the_guidance(
    page, live_server, member, password, settings
):
    base_url = live_server.url
    settings.NEW_MEMBER_REVIEW_COUNT = 0  # trusted: only safeguarding holds the post
    title = "A school run on Monday mornings"

    log_in(page, base_url, member.email, password)
    visit(page, f"{base_url}/help/new/?kind=need", "mutual_aid-form-held")
    _fill_need(page, title, "Someone to walk my child to school while I am at work.")
    choose_place_by_keyboard(
        page, page.get_by_role("combobox", name=PLACE_LABEL), "Sheff", "Sheffield"
    )
    page.get_by_role("button", name="Post it").click()
    page.wait_for_url(re.compile(r"/help/a-school-run-on-monday-mornings/$"))
    page.get_by_text("Thank you. A moderator will read your post before it is public.").wait_for()
    check_page(page, "mutual_aid-post-held")
    review = page.locator(".aid-review")
    assert "This post waits for a moderator." in review.inner_text()
    assert "It waits because it mentions children." in review.inner_text()
    guidance = page.get_by_role("complementary", name="Keeping everyone safe")
    assert "Never name children or vulnerable people" in guidance.inner_text()
    post = Post.objects.get(title=title)
    assert post.held_because == "mentions children"
    log_out(page)

    # Signed out: not on the list, and its page is not found.
    visit(page, f"{base_url}/help/", "mutual_aid-list-visitor")
    assert page.get_by_role("heading", name=title).count() == 0
    response = page.goto(f"{base_url}{post.get_absolute_url()}")
    assert response is not None and response.status == 404


# --- 3. Without JavaScript: post, list, filter, answer, near, data ------------------------------


def test_needs_and_offers_work_without_javascript(
    page_without_javascript, live_server, member, password, area, settings
):
    page = page_without_javascript
    base_url = live_server.url
    settings.NEW_MEMBER_REVIEW_COUNT = 0  # a trusted member: published at once
    helper = UserFactory(password=password)
    # An offer, so that filtering to needs has something to leave out.
    services.post_create(
        author=helper,
        values=post_values(area, kind="offer", title="Lifts around Sheffield on weekdays"),
    )

    log_in(page, base_url, member.email, password)
    visit(page, f"{base_url}/help/new/?kind=need", "mutual_aid-form-no-js")
    _fill_need(page, TITLE, "Physio at ten in the morning, back by lunchtime.")
    # Without JavaScript the place goes by name: the form comes back asking which one.
    page.get_by_label(PLACE_LABEL).fill("Sheffield")
    page.get_by_role("button", name="Post it").click()
    choices = page.get_by_role("group", name="Did you mean:")
    choices.wait_for()
    check_page(page, "mutual_aid-form-which-place")
    assert not Post.objects.filter(title=TITLE).exists()
    choices.get_by_label(re.compile(r"^Sheffield\b")).first.check()
    page.get_by_role("button", name="Post it").click()
    page.wait_for_url(re.compile(r"/help/a-lift-to-the-northern-general-on-tuesday/$"))
    page.get_by_text("Your post is published.").wait_for()
    check_page(page, "mutual_aid-post-new-no-js")
    post = Post.objects.get(title=TITLE)
    assert post.local_authority == area

    # The list shows both; the filters leave the need in Sheffield.
    visit(page, f"{base_url}/help/", "mutual_aid-list")
    assert page.get_by_role("heading", name=TITLE).count() == 1
    assert page.get_by_role("heading", name="Lifts around Sheffield on weekdays").count() == 1
    page.get_by_text("Filter the list", exact=True).click()  # the filters fold away
    filters = page.get_by_role("form", name="Filter the needs and offers")
    filters.get_by_label("Needs or offers").select_option(label="Need")
    filters.get_by_label("Area").select_option(value=area.slug)
    filters.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"/help/\?.*kind=need"))
    check_page(page, "mutual_aid-list-filtered")
    assert f"area={area.slug}" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Needs and offers in Sheffield"
    assert page.get_by_role("heading", name="Lifts around Sheffield on weekdays").count() == 0
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(re.escape(post.get_absolute_url()) + "$"))
    log_out(page)

    # Another member answers it.
    log_in(page, base_url, helper.email, password)
    visit(page, f"{base_url}{post.get_absolute_url()}", "mutual_aid-post-to-answer-no-js")
    _answer(page, "I drive to the Northern General most Tuesdays.", HELPER_CONTACT)
    check_page(page, "mutual_aid-match-requested-no-js")
    assert post.matches.get().responder == helper

    # Needs near an area, and the open data page.
    visit(page, f"{base_url}/help/near/?area={area.slug}", "mutual_aid-near")
    assert page.get_by_role("heading", level=1).inner_text() == "Needs in Sheffield"
    assert page.get_by_role("link", name=TITLE).count() == 1
    visit(page, f"{base_url}/help/data/", "mutual_aid-data")
    assert page.get_by_role("heading", level=1).inner_text() == "Needs and offers in figures"
    assert page.get_by_role("link", name="by month, area and kind of help (CSV)").count() == 1
    rows = page.locator("table.aid-chart tbody tr").all_inner_texts()
    assert any(row.startswith("Lifts and transport") for row in rows), rows


# --- 4. The open data page, at both widths ------------------------------------------------------


def test_the_open_data_page_shows_the_counts(page, live_server, moderator, area):
    for kind, title in (("need", TITLE), ("offer", "Lifts around Sheffield on weekdays")):
        services.post_create(author=moderator, values=post_values(area, kind=kind, title=title))
    visit(page, f"{live_server.url}/help/data/", "mutual_aid-data")
    table = page.locator("table.aid-chart")
    assert table.locator("caption").inner_text().startswith("Needs posted, by kind of help")
    lifts = table.locator("tbody tr").filter(
        has=page.get_by_role("rowheader", name="Lifts and transport")
    )
    assert lifts.count() == 1
