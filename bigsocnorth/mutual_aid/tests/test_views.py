"""The needs and offers pages as people use them: the list and its filters, posting through the
form (with the place picker), one post, answering and matching, "yours", needs near a helper,
a group's word on its volunteer checks, and the open data page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.lifecycle import is_in_review
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.mutual_aid import services
from bigsocnorth.mutual_aid.models import Match, MatchState, Post, PostState, VolunteerChecks
from bigsocnorth.mutual_aid.tests.conftest import SHEFFIELD_POINT, post_values

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('owned')</script>"


def _form(**overrides) -> dict:
    data = {
        "kind": "need",
        "category": "food",
        "title": "Someone to collect a food parcel",
        "description": "From the food bank on Saturday mornings.",
        "place": "Burngreave",
        "place_chosen": "Burngreave",
        "place_latitude": str(SHEFFIELD_POINT[0]),
        "place_longitude": str(SHEFFIELD_POINT[1]),
        "when": "ongoing",
        "urgency": "2",
        "times": "1",
        "expires_on": "",
    }
    data.update(overrides)
    return data


def _text(response) -> str:
    return response.content.decode()


def _count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_open_public_posts_and_never_who_posted(client, make_post, member):
    poster = UserFactory()
    shown = make_post(author=poster)
    waiting = services.post_create(
        author=member, values=post_values(shown.local_authority, title="Waiting: hold my keys")
    )
    assert is_in_review(waiting)
    page = client.get(reverse("mutual_aid:post_list"))
    text = _text(page)
    assert page.status_code == 200
    assert shown.title in text and "Waiting: hold my keys" not in text
    assert poster.profile.display_name not in text and poster.email not in text
    assert "Burngreave, Sheffield" in text
    assert "Lifts and transport" in text and "This week" in text


def test_the_list_links_to_posting_needs_near_and_open_data(client):
    text = _text(client.get(reverse("mutual_aid:post_list")))
    create = reverse("mutual_aid:post_create")
    assert f"{create}?kind=need" in text and f"{create}?kind=offer" in text
    assert reverse("mutual_aid:needs_near") in text
    assert reverse("mutual_aid:open_data") in text


def test_the_list_filters_by_kind_area_category_urgency_and_group(client, make_post, member):
    need = make_post(title="Need a lift to the surgery", urgency="1")
    offer = make_post(kind="offer", title="Offering lifts on Sundays", category="food")
    entry = EntryFactory(author=member)
    group_need = make_post(author=member, entry=entry, title="Our group needs volunteers")
    url = reverse("mutual_aid:post_list")

    def titles(**params) -> set[str]:
        text = _text(client.get(url, params))
        return {post.title for post in (need, offer, group_need) if post.title in text}

    assert titles() == {need.title, offer.title, group_need.title}
    assert titles(kind="offer") == {offer.title}
    assert titles(kind="need") == {need.title, group_need.title}
    assert titles(area="leeds") == set()
    assert titles(area="yorkshire-and-the-humber") == titles()
    assert titles(area="sheffield", category="food") == {offer.title}
    assert titles(urgency="1") == {need.title}
    assert titles(by="groups") == {group_need.title}
    assert titles(by="people") == {need.title, offer.title}
    # Nonsense filters are ignored, never an error.
    assert (
        client.get(url, {"area": "no-such\x00place", "kind": "x", "page": "-4"}).status_code == 200
    )


def test_the_list_pages_by_twenty_four_for_full_rows_of_cards(client, make_post):
    for number in range(25):
        make_post(author=UserFactory(), title=f"Need number {number}")
    first = _text(client.get(reverse("mutual_aid:post_list")))
    assert "Page 1 of 2" in first
    second = _text(client.get(reverse("mutual_aid:post_list"), {"page": 2}))
    assert second.count('class="card"') == 1


def test_the_filters_do_not_say_optional_but_the_post_form_does(client, member):
    # A filter left as it is shows everything: saying "(optional)" on each is noise.
    for url in (reverse("mutual_aid:post_list"), reverse("mutual_aid:needs_near")):
        text = _text(client.get(url, {"area": "sheffield"}))
        assert 'for="filter_area"' in text or 'for="near_area"' in text
        assert "(optional)" not in text, url
    client.force_login(member)
    text = _text(client.get(reverse("mutual_aid:post_create")))
    assert 'More about it <span class="optional">(optional)</span>' in text


def test_the_post_form_asks_when_once(client, member):
    client.force_login(member)
    text = _text(client.get(reverse("mutual_aid:post_create")))
    # One "When": the section's legend, which also names the choice of ongoing, a day or two.
    assert text.count("<legend>When</legend>") == 1
    assert "When:" not in text and ">When<" not in text.replace("<legend>When</legend>", "")
    when = text.split("<legend>When</legend>", 1)[1].split("</fieldset>", 1)[0]
    assert 'name="when" value="date"' in when and 'name="starts_on"' in when
    # A choice made without a day says so, beside the choice.
    page = client.post(reverse("mutual_aid:post_create"), _form(when="date"))
    assert page.status_code == 400 and "Give the day." in _text(page)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_list_costs_the_same_queries_for_more_posts(client, make_post, member, signed_in):
    if signed_in:
        client.force_login(member)
    url = reverse("mutual_aid:post_list")

    def add(count):
        for number in range(count):
            make_post(author=UserFactory(), title=f"Need {Post.objects.count()} {number}")

    add(3)
    _count_queries(client, url)  # the area choices are read once per process
    few = _count_queries(client, url)
    add(9)
    assert Post.objects.count() == 12
    assert _count_queries(client, url) == few


# --- Posting ---------------------------------------------------------------------------------


def test_posting_needs_an_account(client):
    page = client.get(reverse("mutual_aid:post_create"))
    assert page.status_code == 302 and reverse("account_login") in page["Location"]
    page = client.post(reverse("mutual_aid:post_create"), _form())
    assert page.status_code == 302 and Post.objects.count() == 0


def test_the_form_shows_the_safeguarding_guidance_and_the_place_label(client, member):
    client.force_login(member)
    page = client.get(reverse("mutual_aid:post_create"), {"kind": "offer"})
    text = _text(page)
    assert page.status_code == 200
    assert "Keeping everyone safe" in text and "Report a concern" in text
    assert "Roughly where (an area or a neighbourhood, never an address)" in text
    assert "Post an offer" in text
    expiry = timezone.localdate() + timedelta(days=30)
    assert f'value="{expiry:%Y-%m-%d}"' in text


def test_posting_a_need_through_the_form(client, member, area, trusted):
    client.force_login(member)
    page = client.post(reverse("mutual_aid:post_create"), _form())
    post = Post.objects.get()
    assert page.status_code == 302 and page["Location"] == post.get_absolute_url()
    assert post.kind == "need" and post.category.slug == "food" and post.author == member
    assert post.local_authority == area and post.place_name == "Burngreave"
    # Only a rough point is kept: about a kilometre.
    assert post.latitude is not None and abs(post.latitude - SHEFFIELD_POINT[0]) < 0.02
    assert post.expires_on == timezone.localdate() + timedelta(days=30)
    assert is_public(post)
    shown = client.get(page["Location"], follow=True)
    assert "Your post is published." in _text(shown) and post.title in _text(shown)


def test_posting_for_a_whole_area_and_for_a_group(client, member, area, trusted):
    entry = EntryFactory(author=member)
    client.force_login(member)
    form = _form(
        place="Sheffield",
        place_chosen="Sheffield",
        place_area="sheffield",
        place_latitude="",
        place_longitude="",
        place_whole_area="on",
        entry=str(entry.pk),
    )
    page = client.post(reverse("mutual_aid:post_create"), form)
    assert page.status_code == 302
    post = Post.objects.get()
    assert post.entry == entry and post.local_authority == area and post.latitude is None


def test_posting_for_a_group_one_does_not_edit_is_refused(client, member, trusted):
    EntryFactory(author=member)  # so the form offers a choice of groups
    other = EntryFactory(author=UserFactory())
    client.force_login(member)
    page = client.post(reverse("mutual_aid:post_create"), _form(entry=str(other.pk)))
    assert page.status_code == 400 and Post.objects.count() == 0
    assert "Choose yourself or a group you look after." in _text(page)


def _in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Say what exactly, in a few words."),
        ({"title": "x" * 121}, "Keep this to at most 120 characters (it has 121)."),
        ({"description": "x" * 2001}, "Keep this to at most 2000 characters"),
        ({"kind": ""}, "Say if it is a need or an offer."),
        ({"kind": "demand"}, "Say if it is a need or an offer."),
        ({"category": ""}, "Choose what kind of help it is."),
        ({"category": "weapons"}, "Choose what kind of help it is."),
        ({"urgency": "9"}, "Say how urgent it is."),
        ({"times": "abc"}, "Say how many times, from 1 to 50."),
        ({"times": "0"}, "Say how many times, from 1 to 50."),
        ({"times": "5000"}, "Say how many times, from 1 to 50."),
        ({"expires_on": "next tuesday"}, "Give a date like 2027-03-14."),
        ({"expires_on": _in_days(-1)}, "Keep it open until a day after today."),
        ({"expires_on": _in_days(3 * 365)}, "Keep it open for at most 180 days"),
        ({"when": "date"}, "Give the day."),
        ({"when": "date", "starts_on": _in_days(-3)}, "The day has passed"),
        ({"when": "window", "starts_on": _in_days(3), "ends_on": _in_days(1)}, "Give the last day"),
        ({"when": "date", "starts_on": _in_days(800)}, "Give a day within the next year."),
        ({"when": "sometime"}, "Say when: ongoing, a day, or between two."),
        (
            {"place": "", "place_chosen": "", "place_latitude": "", "place_longitude": ""},
            "Say which area",
        ),
        ({"place_latitude": "51.5", "place_longitude": "-0.12", "place_chosen": ""}, "outside"),
    ],
)
def test_bad_input_says_what_is_wrong_and_saves_nothing(
    client, member, trusted, overrides, message
):
    client.force_login(member)
    page = client.post(reverse("mutual_aid:post_create"), _form(**overrides))
    assert page.status_code == 400
    assert message in _text(page)
    assert "There is a problem" in _text(page)
    assert Post.objects.count() == 0


def test_hostile_text_comes_back_escaped(client, member, trusted):
    client.force_login(member)
    page = client.post(
        reverse("mutual_aid:post_create"), _form(title=HOSTILE, description=HOSTILE, times="x")
    )
    text = _text(page)
    assert page.status_code == 400 and Post.objects.count() == 0
    assert HOSTILE not in text and "&lt;script&gt;" in text
    # Saved, it is shown as text everywhere.
    page = client.post(reverse("mutual_aid:post_create"), _form(title=HOSTILE, description=HOSTILE))
    post = Post.objects.get()
    for url in (post.get_absolute_url(), reverse("mutual_aid:post_list")):
        text = _text(client.get(url))
        assert HOSTILE not in text and "&lt;script&gt;" in text


def test_a_post_mentioning_a_child_waits_with_the_guidance(client, member, trusted):
    client.force_login(member)
    page = client.post(
        reverse("mutual_aid:post_create"),
        _form(title="Someone to walk my child to school on Mondays"),
    )
    post = Post.objects.get()
    assert is_in_review(post) and "children" in post.held_because
    text = _text(client.get(page["Location"]))
    assert "This post waits for a moderator." in text
    assert f"It waits because it {post.held_because}" in text
    assert "Keeping everyone safe" in text
    # Nobody else sees it yet.
    client.force_login(UserFactory())
    assert client.get(post.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(post.get_absolute_url()).status_code == 404
    assert post.title not in _text(client.get(reverse("mutual_aid:post_list")))


def test_a_post_waiting_for_a_moderator_can_be_changed_or_withdrawn_not_renewed(
    client, member, trusted
):
    client.force_login(member)
    client.post(
        reverse("mutual_aid:post_create"),
        _form(title="Someone to walk my child to school on Mondays"),
    )
    post = Post.objects.get()
    assert is_in_review(post)
    text = _text(client.get(post.get_absolute_url()))
    assert reverse("mutual_aid:post_edit", args=[post.slug]) in text
    assert "Withdraw it" in text
    assert reverse("mutual_aid:post_renew", args=[post.slug]) not in text
    assert "Still needed" not in text and "Close: it was met" not in text
    # Renewing anyway is refused, and says why.
    page = client.post(reverse("mutual_aid:post_renew", args=[post.slug]), follow=True)
    assert "This post is waiting for a moderator" in _text(page)
    post.refresh_from_db()
    assert post.state == PostState.OPEN
    page = client.post(
        reverse("mutual_aid:post_close", args=[post.slug]), {"state": "not_needed"}, follow=True
    )
    assert "Your post is withdrawn." in _text(page)
    post.refresh_from_db()
    assert post.state == PostState.NOT_NEEDED


# --- Changing, closing and renewing ------------------------------------------------------------


def test_only_the_poster_and_moderators_change_a_post(client, make_post, member, moderator):
    post = make_post(author=member)
    url = reverse("mutual_aid:post_edit", args=[post.slug])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    assert client.post(url, _form(title="Taken over")).status_code == 403
    client.force_login(moderator)
    assert client.get(url).status_code == 200
    client.force_login(member)
    page = client.get(url)
    assert page.status_code == 200
    assert "Keeping everyone safe" in _text(page) and post.title in _text(page)
    assert 'name="place_area"' in _text(page) or 'name="place_latitude"' in _text(page)


def test_changing_a_post_through_the_form(client, make_post, member):
    post = make_post(author=member)
    client.force_login(member)
    url = reverse("mutual_aid:post_edit", args=[post.slug])
    page = client.post(url, _form(title="A lift on Fridays instead", times="x"))
    assert page.status_code == 400
    post.refresh_from_db()
    assert post.title != "A lift on Fridays instead"
    page = client.post(url, _form(title="A lift on Fridays instead"))
    assert page.status_code == 302
    post.refresh_from_db()
    assert post.title == "A lift on Fridays instead" and is_public(post)


def test_closing_and_renewing(client, make_post, member):
    post = make_post(author=member)
    close = reverse("mutual_aid:post_close", args=[post.slug])
    renew = reverse("mutual_aid:post_renew", args=[post.slug])
    client.force_login(member)
    assert client.get(close).status_code == 405
    page = client.post(close, {"state": "sideways"}, follow=True)
    assert "Say whether it was met or is no longer needed." in _text(page)
    client.force_login(UserFactory())
    assert client.post(close, {"state": "met"}).status_code == 403
    assert client.post(renew).status_code == 403
    client.force_login(member)
    Post.objects.filter(pk=post.pk).update(expires_on=timezone.localdate() + timedelta(days=2))
    assert client.post(renew).status_code == 302
    post.refresh_from_db()
    assert post.expires_on == timezone.localdate() + timedelta(days=30)
    assert client.post(close, {"state": "met"}).status_code == 302
    post.refresh_from_db()
    assert post.state == PostState.MET
    page = client.post(close, {"state": "met"}, follow=True)
    assert "This post is already closed." in _text(page)
    assert post.title not in _text(client.get(reverse("mutual_aid:post_list")))


# --- One post, and answering ---------------------------------------------------------------


def test_the_post_page_for_visitors_members_and_the_poster(client, make_post, member):
    poster = UserFactory()
    post = make_post(author=poster)
    offer = make_post(kind="offer", title="Spare seats to the community centre")
    text = _text(client.get(post.get_absolute_url()))
    assert post.title in text and "Sign in to answer" in text
    assert "Offers that fit" in text and offer.title in text
    assert poster.profile.display_name not in text
    client.force_login(member)
    text = _text(client.get(post.get_absolute_url()))
    assert "I can help" in text and "shown to them only if they accept" in text
    assert "Report a concern" in text
    text = _text(client.get(offer.get_absolute_url()))
    assert "I\u2019d like this" in text and "Needs that fit" in text
    client.force_login(poster)
    text = _text(client.get(post.get_absolute_url()))
    assert "Your post" in text and "No answers yet" in text and "Send: I can help" not in text
    assert client.get(reverse("mutual_aid:post_detail", args=["no-such-post"])).status_code == 404


def test_the_full_match_flow(client, make_post, member, moderator):
    poster = UserFactory()
    post = make_post(author=poster)
    client.force_login(member)
    page = client.post(
        reverse("mutual_aid:match_request", args=[post.slug]),
        {"message": "I drive that way on Thursdays.", "contact": "helper@example.org"},
    )
    match = Match.objects.get()
    match_url = reverse("mutual_aid:match_detail", args=[match.pk])
    assert page.status_code == 302 and page["Location"] == match_url
    assert match.responder == member and match.conversation is not None
    # Before accepting, nobody sees anybody's contact details.
    for person in (member, poster, moderator):
        client.force_login(person)
        page = client.get(match_url)
        assert page.status_code == 200 and "helper@example.org" not in _text(page)
    client.force_login(member)
    text = _text(client.get(post.get_absolute_url()))
    assert "You answered this post" in text and match_url in text
    client.force_login(poster)
    text = _text(client.get(post.get_absolute_url()))
    assert member.profile.display_name in text and "helper@example.org" not in text
    assert match.conversation.get_absolute_url() in _text(client.get(match_url))
    # A third person cannot see it at all.
    client.force_login(UserFactory())
    assert client.get(match_url).status_code == 404
    assert client.post(reverse("mutual_aid:match_accept", args=[match.pk])).status_code == 404
    # The responder cannot accept for the poster.
    client.force_login(member)
    page = client.post(reverse("mutual_aid:match_accept", args=[match.pk]), {"contact": "me"})
    assert page.status_code == 403
    # The poster accepts, with their own details.
    client.force_login(poster)
    page = client.post(reverse("mutual_aid:match_accept", args=[match.pk]), {"contact": ""})
    assert "Say how the other person can reach you" in _text(client.get(page["Location"]))
    match.refresh_from_db()
    assert match.state == MatchState.REQUESTED
    page = client.post(
        reverse("mutual_aid:match_accept", args=[match.pk]), {"contact": "poster@example.org"}
    )
    assert page.status_code == 302
    match.refresh_from_db()
    assert match.state == MatchState.ACCEPTED and match.poster_contact == "poster@example.org"
    for person in (member, poster):
        client.force_login(person)
        text = _text(client.get(match_url))
        assert "helper@example.org" in text and "poster@example.org" in text
    client.force_login(moderator)
    text = _text(client.get(match_url))
    assert "helper@example.org" not in text and "poster@example.org" not in text
    assert "accepted" in text
    # Accepting twice is refused, clearly.
    client.force_login(poster)
    page = client.post(
        reverse("mutual_aid:match_accept", args=[match.pk]),
        {"contact": "poster@example.org"},
        follow=True,
    )
    assert "This answer has already been dealt with." in _text(page)


def test_saying_how_it_went(client, make_post, answer, member):
    post = make_post(author=member)
    match = services.match_accept(actor=member, match=answer(post), contact="0114 000 0000")
    finish = reverse("mutual_aid:match_finish", args=[match.pk])
    client.force_login(member)
    page = client.post(finish, {"done": "0", "reason": ""}, follow=True)
    assert "Say why it did not happen." in _text(page)
    page = client.post(finish, {"done": "maybe"}, follow=True)
    assert "Say whether it happened." in _text(page)
    client.force_login(match.responder)
    client.post(finish, {"done": "0", "reason": "The car broke down."})
    match.refresh_from_db()
    assert match.state == MatchState.NOT_DONE and match.reason == "The car broke down."
    client.force_login(member)
    client.post(finish, {"done": "1"})
    match.refresh_from_db()
    assert match.state == MatchState.DONE and match.poster_says == "done"
    assert "said it happened" in _text(
        client.get(reverse("mutual_aid:match_detail", args=[match.pk]))
    )


def test_accept_and_decline_are_one_choice_on_the_match_page(client, make_post, answer, member):
    post = make_post(author=member)
    match = answer(post)
    client.force_login(member)
    text = _text(client.get(reverse("mutual_aid:match_detail", args=[match.pk])))
    choice = text.split('class="actions aid-decide"', 1)[1].split("</div>", 1)[0]
    # Both buttons together, accept first as the main one, each sending its own form.
    assert choice.index("Accept") < choice.index("Decline, with thanks")
    assert 'form="accept-form" class="button"' in choice
    assert 'form="decline-form" class="button button-secondary"' in choice
    for name, action in (("accept", "match_accept"), ("decline", "match_decline")):
        url = reverse(f"mutual_aid:{action}", args=[match.pk])
        assert f'action="{url}" id="{name}-form"' in text
    page = client.post(
        reverse("mutual_aid:match_decline", args=[match.pk]), {"reason": "Sorted, thanks."}
    )
    assert page.status_code == 302
    match.refresh_from_db()
    assert match.state == MatchState.DECLINED


def test_declining_and_withdrawing(client, make_post, answer, member):
    post = make_post(author=member)
    first, second = answer(post), answer(post)
    client.force_login(member)
    decline = reverse("mutual_aid:match_decline", args=[first.pk])
    page = client.post(decline, {"reason": "x" * 501}, follow=True)
    assert "Keep this to at most 500 characters" in _text(page)
    accept = reverse("mutual_aid:match_accept", args=[first.pk])
    page = client.post(accept, {"contact": HOSTILE * 20}, follow=True)
    assert "Keep this to at most 300 characters" in _text(page) and HOSTILE not in _text(page)
    first.refresh_from_db()
    assert first.state == MatchState.REQUESTED
    page = client.post(decline, {"reason": ""})
    assert page.status_code == 302
    first.refresh_from_db()
    assert first.state == MatchState.DECLINED
    client.force_login(first.responder)
    page = client.post(reverse("mutual_aid:match_withdraw", args=[first.pk]), follow=True)
    assert "This answer has already been dealt with." in _text(page)
    client.force_login(second.responder)
    assert client.post(reverse("mutual_aid:match_decline", args=[second.pk])).status_code == 403
    client.post(reverse("mutual_aid:match_withdraw", args=[second.pk]))
    second.refresh_from_db()
    assert second.state == MatchState.WITHDRAWN


def test_answering_needs_an_account_and_only_post(client, make_post):
    post = make_post()
    url = reverse("mutual_aid:match_request", args=[post.slug])
    page = client.post(url, {"message": "Hello", "contact": "me@example.org"})
    assert page.status_code == 302 and reverse("account_login") in page["Location"]
    client.force_login(UserFactory())
    assert client.get(url).status_code == 405
    assert Match.objects.count() == 0


def test_answering_your_own_post_or_a_closed_one_is_refused(client, make_post, member):
    post = make_post(author=member)
    client.force_login(member)
    data = {"message": "I can help myself", "contact": "me@example.org"}
    page = client.post(reverse("mutual_aid:match_request", args=[post.slug]), data, follow=True)
    assert "This is your own post." in _text(page)
    services.post_close(actor=member, post=post, state=PostState.NOT_NEEDED)
    client.force_login(UserFactory())
    page = client.post(reverse("mutual_aid:match_request", args=[post.slug]), data, follow=True)
    assert "This post is closed, so it takes no more answers." in _text(page)
    assert Match.objects.count() == 0


def test_answering_twice_is_refused(client, make_post, answer, member):
    post = make_post()
    answer(post, responder=member)
    client.force_login(member)
    page = client.post(
        reverse("mutual_aid:match_request", args=[post.slug]),
        {"message": "Again", "contact": "me@example.org"},
        follow=True,
    )
    assert "You have already answered this post." in _text(page)
    assert Match.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"message": "", "contact": "me@example.org"}, "Say a few words about how you can help."),
        ({"message": "Hi", "contact": ""}, "Say how the other person can reach you"),
        ({"message": "Hi", "contact": "x" * 301}, "Keep this to at most 300 characters"),
        ({"message": "x" * 2001, "contact": "me"}, "Keep this to at most 2000 characters"),
        ({"message": HOSTILE, "contact": ""}, "&lt;script&gt;"),
    ],
)
def test_bad_answers_say_what_is_wrong_and_send_nothing(client, make_post, member, data, message):
    post = make_post()
    client.force_login(member)
    page = client.post(reverse("mutual_aid:match_request", args=[post.slug]), data)
    assert page.status_code == 400
    assert message in _text(page) and HOSTILE not in _text(page)
    assert Match.objects.count() == 0


def test_the_post_page_costs_the_same_queries_for_more_answers_and_fits(client, make_post, answer):
    poster = UserFactory()
    post = make_post(author=poster)

    def add(count):
        for _number in range(count):
            answer(post)
            make_post(kind="offer", title=f"Lifts offered {Post.objects.count()}")

    add(3)
    for viewer in (poster, None):
        if viewer is None:
            client.logout()
        else:
            client.force_login(viewer)
        _count_queries(client, post.get_absolute_url())
    client.force_login(poster)
    few_poster = _count_queries(client, post.get_absolute_url())
    client.logout()
    few_visitor = _count_queries(client, post.get_absolute_url())
    add(9)
    assert Match.objects.count() == 12
    assert _count_queries(client, post.get_absolute_url()) == few_visitor
    client.force_login(poster)
    assert _count_queries(client, post.get_absolute_url()) == few_poster


# --- Yours, needs near, checks, open data, sections ------------------------------------------


def test_yours_lists_posts_with_answers_waiting_and_answers_given(
    client, make_post, answer, member
):
    assert client.get(reverse("mutual_aid:yours")).status_code == 302
    mine = make_post(author=member)
    answer(mine)
    answer(mine)
    others = make_post(title="Someone else's need of a ladder")
    answer(others, responder=member)
    entry = EntryFactory(author=member)
    client.force_login(member)
    page = client.get(reverse("mutual_aid:yours"))
    text = _text(page)
    assert page.status_code == 200
    assert mine.title in text and "2 answers waiting for you" in text
    assert "Someone else&#x27;s need of a ladder" in text
    assert reverse("mutual_aid:checks_declare", args=[entry.slug]) in text


def test_needs_near_asks_for_an_area_then_lists_its_needs(client, make_post):
    need = make_post(title="Shopping for a neighbour", category="shopping-and-errands")
    offer = make_post(kind="offer", title="Shopping trips offered")
    other = make_post(title="A lift to the station")
    url = reverse("mutual_aid:needs_near")
    text = _text(client.get(url))
    assert "Choose an area to see the needs in it." in text and need.title not in text
    text = _text(client.get(url, {"area": "sheffield"}))
    assert need.title in text and other.title in text and offer.title not in text
    text = _text(client.get(url, {"area": "sheffield", "category": "shopping-and-errands"}))
    assert need.title in text and other.title not in text
    text = _text(client.get(url, {"area": "leeds"}))
    assert need.title not in text and "No open needs in Leeds right now" in text
    assert client.get(url, {"area": "<b>"}).status_code == 200


def test_a_group_says_how_it_checks_its_volunteers(client, member):
    entry = EntryFactory(author=member)
    url = reverse("mutual_aid:checks_declare", args=[entry.slug])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    assert client.post(url, {"how": "We trust everyone"}).status_code == 403
    client.force_login(member)
    assert (
        client.get(reverse("mutual_aid:checks_declare", args=["no-such-group"])).status_code == 404
    )
    page = client.post(url, {"how": "x" * 501})
    assert page.status_code == 400 and "Keep this to at most 500 characters" in _text(page)
    assert not VolunteerChecks.objects.exists()
    page = client.post(url, {"how": "DBS checks for everyone who visits people at home."})
    assert page.status_code == 302 and page["Location"] == entry.get_absolute_url()
    text = _text(client.get(entry.get_absolute_url()))
    assert "Says it checks its volunteers (self-declared): DBS checks for everyone" in text
    client.post(url, {"how": ""})
    assert not VolunteerChecks.objects.exists()


def test_the_open_data_page_withholds_small_counts(client, make_post):
    for _number in range(5):
        make_post(category="food", title="Food parcels wanted")
    make_post(kind="offer", category="food", title="Soup on Sundays")
    make_post(category="befriending", title="A chat on the phone")
    page = client.get(reverse("mutual_aid:open_data"))
    text = _text(page)
    assert page.status_code == 200
    assert "fewer than 5" in text
    assert 'class="aid-bar-fill" width="100%"' in text
    assert reverse("mutual_aid:counts_csv") in text and reverse("mutual_aid:counts_json") in text
    text = _text(client.get(reverse("mutual_aid:open_data"), {"area": "sheffield"}))
    assert "Needs and offers in Sheffield in figures" in text
    assert reverse("mutual_aid:counts_csv") + "?area=sheffield" in text


def test_the_area_entry_and_home_pages_show_posts(client, make_post, area, member):
    entry = EntryFactory(author=member)
    post = make_post(author=member, entry=entry, title="Volunteers wanted for the pantry")
    assert post.title in _text(client.get(area.get_absolute_url()))
    assert "Needs and offers in Sheffield" in _text(client.get(area.get_absolute_url()))
    assert post.title in _text(client.get(entry.get_absolute_url()))
    assert post.title in _text(client.get(reverse("core:home")))


def test_the_people_who_look_after_an_entry_are_offered_to_say_how_they_check(client, member, area):
    entry = EntryFactory(located_in=area)
    entry.editors.add(member)
    link = reverse("mutual_aid:checks_declare", kwargs={"entry_slug": entry.slug})
    assert link not in client.get(entry.get_absolute_url()).content.decode()
    client.force_login(member)
    assert link in client.get(entry.get_absolute_url()).content.decode()


def test_the_poster_reads_each_answer_beside_accept_and_nobody_else_does(client, make_post, answer):
    post = make_post()
    answer(post, message="I pass the allotment at nine.")
    client.force_login(post.author)
    assert "I pass the allotment at nine." in client.get(post.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    assert "I pass the allotment" not in client.get(post.get_absolute_url()).content.decode()


def test_a_kind_of_help_is_followed_from_its_list(client, member):
    from bigsocnorth.mutual_aid.models import AidCategory
    from bigsocnorth.notifications.selectors import follow_exists

    lifts = AidCategory.objects.get(slug="lifts-and-transport")
    client.force_login(member)
    page = client.get(reverse("mutual_aid:post_list"), {"category": lifts.slug}).content.decode()
    assert 'name="type" value="mutual_aid.category"' in page
    assert f'name="id" value="{lifts.pk}"' in page
    client.post(
        reverse("notifications:follow"),
        {"type": "mutual_aid.category", "id": lifts.pk, "next": "/help/"},
    )
    assert follow_exists(user=member, target=lifts)


def test_the_answer_form_carries_the_safeguarding_guidance_too(client, make_post):
    post = make_post()
    client.force_login(UserFactory())
    text = client.get(post.get_absolute_url()).content.decode()
    answer_form = text.split('id="answer-title"', 1)[1].split("</section>", 1)[0]
    assert "Keeping everyone safe" in answer_form
