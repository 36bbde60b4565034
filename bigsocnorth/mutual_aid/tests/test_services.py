"""Writing needs, offers and matches through the services: every bad input gets a plain
message and leaves nothing half-saved; answers go through private messages."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.mapping.models import MapItem
from bigsocnorth.messaging.models import Conversation, ConversationMember, Message
from bigsocnorth.moderation import lifecycle
from bigsocnorth.moderation import services as moderation_services
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.mutual_aid import notices, services
from bigsocnorth.mutual_aid.matching import words_of
from bigsocnorth.mutual_aid.models import (
    Match,
    MatchEvent,
    MatchState,
    Post,
    PostKind,
    PostState,
    When,
)
from bigsocnorth.mutual_aid.tests.makers import (
    CONTACT,
    WALKLEY,
    authority,
    days_from_today,
    make_match,
    make_post,
    make_trusted,
    post_values,
    walkley,
)
from bigsocnorth.notifications.models import EmailFrequency, Notification, NotificationPreference
from bigsocnorth.notifications.services import follow_create
from bigsocnorth.search.models import SearchDocument
from bigsocnorth.search.tests.helpers import found

pytestmark = pytest.mark.django_db


def _problems(error, field: str) -> str:
    return " ".join(error.value.message_dict.get(field, []))


def _on_map(post) -> bool:
    return MapItem.objects.filter(layer="aid", object_id=post.pk).exists()


# --- Creating a post ---------------------------------------------------------------------


def test_a_good_post_is_stored_with_its_words_slug_and_thirty_days_open(area, moderator):
    post = make_post(moderator, description="Physio at the Northern General.")
    post.refresh_from_db()
    assert post.kind == PostKind.NEED and post.category.slug == "lifts-and-transport"
    assert post.title == "Lift to hospital appointments"
    assert post.description == "Physio at the Northern General."
    assert post.urgency == "2" and post.times == 4 and post.when == When.ONGOING
    assert post.starts_on is None and post.ends_on is None
    assert post.local_authority == area and post.place_name == "Walkley"
    assert post.author == moderator and post.entry is None
    assert post.state == PostState.OPEN and post.held_because == ""
    assert post.expires_on == timezone.localdate() + timedelta(days=30)
    assert post.slug == "lift-to-hospital-appointments"
    assert post.words == words_of(post.title, post.description)
    words = post.words.split()
    assert {"lift", "hospital", "appointment", "physio"} <= set(words)
    assert "the" not in words and "to" not in words
    assert is_public(post)


def test_slugs_are_unique_and_never_a_page_of_the_app(moderator):
    first = make_post(moderator)
    second = make_post(moderator)
    assert (first.slug, second.slug) == (
        "lift-to-hospital-appointments",
        "lift-to-hospital-appointments-2",
    )
    assert make_post(moderator, title="New").slug == "new-2"
    assert make_post(moderator, title="!!!").slug == "post"


def test_a_post_on_a_day_and_between_two_days_keeps_its_dates(moderator):
    day = make_post(moderator, when="date", starts_on=days_from_today(3).isoformat())
    assert (day.starts_on, day.ends_on) == (days_from_today(3), None)
    window = make_post(
        moderator, when="window", starts_on=days_from_today(2), ends_on=days_from_today(9),
        expires_on=days_from_today(12).isoformat(),
    )  # fmt: skip
    assert (window.starts_on, window.ends_on) == (days_from_today(2), days_from_today(9))
    assert window.expires_on == days_from_today(12)
    ongoing = make_post(moderator, starts_on=days_from_today(2))
    assert ongoing.starts_on is None  # ongoing posts keep no day


def test_the_point_kept_is_rounded_and_a_whole_area_has_none(area, moderator):
    post = make_post(moderator)
    assert post.has_point
    assert (post.latitude, post.longitude) != (53.39123, -1.50456)
    assert abs(post.latitude - 53.39123) < 0.01 and abs(post.longitude + 1.50456) < 0.01
    whole = make_post(moderator, place=walkley(area, latitude=None))
    assert whole.latitude is None and whole.longitude is None and whole.place_name == ""


@pytest.mark.parametrize(
    ("overrides", "field", "says"),
    [
        ({"title": ""}, "title", "Say what exactly"),
        ({"title": "   "}, "title", "Say what exactly"),
        ({"title": None}, "title", "Say what exactly"),
        ({"title": "x" * 121}, "title", "at most 120 characters"),
        ({"title": ["Lift"]}, "title", "Write this as text"),
        ({"title": 42}, "title", "Write this as text"),
        ({"description": "x" * 2_001}, "description", "at most 2,000 characters"),
        ({"description": {"a": 1}}, "description", "Write this as text"),
        ({"category": "spaceships"}, "category", "Choose what kind of help"),
        ({"category": ""}, "category", "Choose what kind of help"),
        ({"category": None}, "category", "Choose what kind of help"),
        ({"kind": "request"}, "kind", "need or an offer"),
        ({"kind": ""}, "kind", "need or an offer"),
        ({"kind": None}, "kind", "need or an offer"),
        ({"urgency": "9"}, "urgency", "how urgent"),
        ({"times": 0}, "times", "from 1 to 50"),
        ({"times": 51}, "times", "from 1 to 50"),
        ({"times": -1}, "times", "from 1 to 50"),
        ({"times": "abc"}, "times", "from 1 to 50"),
        ({"times": None}, "times", "from 1 to 50"),
        ({"expires_on": "2000-01-01"}, "expires_on", "a day after today"),
        ({"expires_on": "yesterday"}, "expires_on", "Give a date like"),
        ({"when": "sometime"}, "when", "Say when"),
        ({"when": "date"}, "starts_on", "Give the day"),
        ({"when": "date", "starts_on": "14/03/2027"}, "starts_on", "Give a date like"),
        ({"when": "date", "starts_on": "2000-01-01"}, "starts_on", "The day has passed"),
        ({"place": "Sheffield"}, "place", "Say which area"),
        ({"place": None}, "place", "Say which area"),
        ({"place": (53.39, -1.5)}, "place", "Say which area"),
    ],
)
def test_bad_input_is_refused_plainly_and_nothing_is_saved(area, moderator, overrides, field, says):
    with pytest.raises(ValidationError) as error:
        services.post_create(author=moderator, values=post_values(area, **overrides))
    assert says in _problems(error, field), error.value.message_dict
    assert Post.objects.count() == 0
    assert not SearchDocument.objects.filter(type_key="aid").exists()


@pytest.mark.parametrize(
    ("days", "says"),
    [
        (-1, "a day after today"),
        (0, "a day after today"),
        (181, "at most 180 days"),
        (400, "at most 180 days"),
    ],
)
def test_the_expiry_must_be_after_today_and_within_180_days(area, moderator, days, says):
    with pytest.raises(ValidationError) as error:
        services.post_create(
            author=moderator, values=post_values(area, expires_on=days_from_today(days))
        )
    assert says in _problems(error, "expires_on")
    assert Post.objects.count() == 0
    post = make_post(moderator, expires_on=days_from_today(180))
    assert post.expires_on == days_from_today(180)


def test_a_day_in_the_past_and_a_window_ending_before_it_starts_are_refused(area, moderator):
    with pytest.raises(ValidationError) as error:
        services.post_create(
            author=moderator,
            values=post_values(area, when="window", starts_on=days_from_today(-2),
                               ends_on=days_from_today(3)),
        )  # fmt: skip
    assert "The day has passed" in _problems(error, "starts_on")
    with pytest.raises(ValidationError) as error:
        services.post_create(
            author=moderator,
            values=post_values(area, when="window", starts_on=days_from_today(5),
                               ends_on=days_from_today(4)),
        )  # fmt: skip
    assert "on or after the first" in _problems(error, "ends_on")
    with pytest.raises(ValidationError) as error:
        services.post_create(
            author=moderator,
            values=post_values(area, when="window", starts_on=days_from_today(5)),
        )
    assert "Give the last day" in _problems(error, "ends_on")
    with pytest.raises(ValidationError) as error:
        services.post_create(
            author=moderator,
            values=post_values(area, when="date", starts_on=days_from_today(400)),
        )
    assert "within the next year" in _problems(error, "starts_on")
    assert Post.objects.count() == 0


def test_every_bad_field_is_named_at_once(area, moderator):
    with pytest.raises(ValidationError) as error:
        services.post_create(
            author=moderator,
            values=post_values(area, title="", kind="x", times=0, category="nope", place=None),
        )
    assert {"title", "kind", "times", "category", "place"} <= set(error.value.message_dict)
    assert Post.objects.count() == 0


@pytest.mark.parametrize("field", ["kind", "urgency", "when"])
def test_a_choice_given_as_a_list_is_refused_plainly(area, moderator, field):
    with pytest.raises(ValidationError) as error:
        services.post_create(author=moderator, values=post_values(area, **{field: ["need"]}))
    assert field in error.value.message_dict
    assert Post.objects.count() == 0


@pytest.mark.parametrize("field", ["expires_on", "starts_on"])
def test_a_date_and_time_where_a_day_is_asked_is_taken_as_its_day_or_refused(
    area, moderator, field
):
    moment = timezone.now() + timedelta(days=5)
    assert isinstance(moment, datetime)
    values = post_values(area, when="date", starts_on=days_from_today(5))
    values[field] = moment
    try:
        post = services.post_create(author=moderator, values=values)
    except ValidationError as error:
        assert field in error.message_dict
        assert Post.objects.count() == 0
    else:
        post.refresh_from_db()
        assert getattr(post, field) == moment.date()


def test_hostile_text_is_stored_as_text_and_escaped_on_pages(moderator):
    hostile = '<script>alert("x")</script> <img src=x onerror=alert(1)>'
    post = make_post(moderator, title="<b>Lift</b> <script>x</script>", description=hostile)
    post.refresh_from_db()
    assert post.title == "<b>Lift</b> <script>x</script>"
    assert post.description == hostile
    html = Template("{{ post.title }} {{ post.description }}").render(Context({"post": post}))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    document = SearchDocument.objects.get(type_key="aid", object_id=post.pk)
    assert "<script>alert" in document.body  # plain text: search pages escape it too


def test_control_characters_are_dropped_and_newlines_kept_in_the_description(moderator):
    post = make_post(moderator, title="Lift\x00 to\x07 town", description="One\nTwo\x1b")
    assert post.title == "Lift to town"
    assert post.description == "One\nTwo"


def test_signed_out_visitors_cannot_post(area):
    with pytest.raises(PermissionDenied):
        services.post_create(author=AnonymousUser(), values=post_values(area))
    assert Post.objects.count() == 0


def test_a_post_for_a_group_is_made_only_by_someone_who_edits_its_entry(area, member):
    entry = EntryFactory(located_in=area)
    with pytest.raises(ValidationError) as error:
        services.post_create(author=member, values=post_values(area), entry=entry)
    assert "look after its directory entry" in _problems(error, "entry")
    assert Post.objects.count() == 0
    entry.editors.add(member)
    post = services.post_create(author=member, values=post_values(area), entry=entry)
    assert post.entry == entry


def test_a_day_of_many_posts_is_stopped_with_a_clear_message(area, member, monkeypatch):
    monkeypatch.setattr(services, "POSTS_PER_DAY", 2)
    make_post(member)
    make_post(member)
    with pytest.raises(ValidationError) as error:
        make_post(member)
    assert "You have posted a lot today" in " ".join(error.value.messages)
    assert Post.objects.filter(author=member).count() == 2
    # Somebody else is not held back by it.
    assert make_post(UserFactory()).pk


def test_a_new_members_post_goes_to_review_and_a_trusted_members_is_public(member):
    assert not is_public(make_post(member))
    trusted = make_trusted()
    assert is_public(make_post(trusted))


# --- Editing, closing, renewing ----------------------------------------------------------


def test_only_the_poster_and_moderators_edit(area, moderator):
    trusted = make_trusted()
    post = make_post(trusted)
    with pytest.raises(PermissionDenied):
        services.post_update(actor=UserFactory(), post=post, values=post_values(area))
    services.post_update(
        actor=trusted, post=post, values=post_values(area, title="Lift to the Hallamshire")
    )
    post.refresh_from_db()
    assert post.title == "Lift to the Hallamshire" and "hallamshire" in post.words.split()
    assert is_public(post)
    assert SearchDocument.objects.get(type_key="aid", object_id=post.pk).title == post.title
    services.post_update(actor=moderator, post=post, values=post_values(area, times=2))
    post.refresh_from_db()
    assert post.times == 2


def test_a_bad_edit_changes_nothing(area, moderator):
    post = make_post(moderator)
    with pytest.raises(ValidationError):
        services.post_update(actor=moderator, post=post, values=post_values(area, title=""))
    post.refresh_from_db()
    assert post.title == "Lift to hospital appointments"


def test_closing_a_post_as_met_takes_it_off_the_map_and_twice_is_refused(moderator):
    post = make_post(moderator)
    assert _on_map(post)
    closed = services.post_close(actor=moderator, post=post, state=PostState.MET)
    assert closed.state == PostState.MET and closed.closed_at is not None
    assert not _on_map(post)
    with pytest.raises(ValidationError) as error:
        services.post_close(actor=moderator, post=post, state=PostState.NOT_NEEDED)
    assert "already closed" in " ".join(error.value.messages)
    post.refresh_from_db()
    assert post.state == PostState.MET


def test_closing_as_no_longer_needed_and_bad_closing_states(member):
    trusted = make_trusted()
    post = make_post(trusted)
    with pytest.raises(PermissionDenied):
        services.post_close(actor=member, post=post, state=PostState.MET)
    for bad in (PostState.LAPSED, PostState.OPEN, "gone", ""):
        with pytest.raises(ValidationError) as error:
            services.post_close(actor=trusted, post=post, state=bad)
        assert "met or is no longer needed" in " ".join(error.value.messages)
    post.refresh_from_db()
    assert post.state == PostState.OPEN
    services.post_close(actor=trusted, post=post, state=PostState.NOT_NEEDED)
    post.refresh_from_db()
    assert post.state == PostState.NOT_NEEDED


def test_renewing_keeps_a_post_open_for_thirty_days_from_today(moderator, member):
    post = make_post(moderator, expires_on=days_from_today(2))
    notices.posts_expiring_warn()
    post.refresh_from_db()
    assert post.expiry_warned_on == timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.post_renew(actor=member, post=post)
    services.post_renew(actor=moderator, post=post)
    post.refresh_from_db()
    assert post.expires_on == days_from_today(30) and post.expiry_warned_on is None
    assert post.state == PostState.OPEN


def test_a_lapsed_post_reopens_when_renewed_and_a_met_one_does_not(moderator):
    post = make_post(moderator)
    assert notices.posts_lapse(today=post.expires_on + timedelta(days=1)) == 1
    post.refresh_from_db()
    assert post.state == PostState.LAPSED and not _on_map(post)
    services.post_renew(actor=moderator, post=post)
    post.refresh_from_db()
    assert post.state == PostState.OPEN and _on_map(post)
    services.post_close(actor=moderator, post=post, state=PostState.MET)
    post.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.post_renew(actor=moderator, post=post)
    assert "post a new one" in " ".join(error.value.messages)
    post.refresh_from_db()
    assert post.state == PostState.MET


def test_renewing_a_post_closed_meanwhile_is_refused(moderator):
    post = make_post(moderator)
    loaded_by_the_renew_page = Post.objects.get(pk=post.pk)
    services.post_close(actor=moderator, post=post, state=PostState.MET)
    with pytest.raises(ValidationError):
        services.post_renew(actor=moderator, post=loaded_by_the_renew_page)
    post.refresh_from_db()
    assert post.state == PostState.MET


def test_a_post_waiting_for_a_moderator_or_hidden_is_not_renewed(moderator, member):
    waiting = make_post(member, expires_on=days_from_today(2))
    assert lifecycle.is_in_review(waiting)
    with pytest.raises(ValidationError) as error:
        services.post_renew(actor=member, post=waiting)
    assert "waiting for a moderator" in " ".join(error.value.messages)
    hidden = make_post(moderator, title="Lift to the tip", expires_on=days_from_today(2))
    moderation_services.content_hide(actor=moderator, content=hidden, reason="A scam.")
    with pytest.raises(ValidationError) as error:
        services.post_renew(actor=moderator, post=hidden)
    assert "not public" in " ".join(error.value.messages)
    for post in (waiting, hidden):
        post.refresh_from_db()
        assert post.expires_on == days_from_today(2)
    # Withdrawing the waiting one is still theirs to do.
    services.post_close(actor=member, post=waiting, state=PostState.NOT_NEEDED)
    waiting.refresh_from_db()
    assert waiting.state == PostState.NOT_NEEDED


# --- Answers (matches) ---------------------------------------------------------------------


def _events(match) -> list[tuple[str, int | None]]:
    return list(MatchEvent.objects.filter(match=match).values_list("action", "actor_id"))


def test_an_answer_starts_a_private_conversation_about_the_post_and_tells_the_poster(
    moderator,
):
    post = make_post(moderator)
    helper = UserFactory()
    match = services.match_request(
        responder=helper, post=post, message="I can drive you on Thursdays.", contact=CONTACT
    )
    assert match.state == MatchState.REQUESTED and match.responder_contact == CONTACT
    assert match.poster_contact == ""
    conversation = match.conversation
    assert conversation.about_content_type == ContentType.objects.get_for_model(Post)
    assert conversation.about_object_id == post.pk
    assert conversation.about_url == post.get_absolute_url()
    assert conversation.subject == f"I can help: {post.title}"
    assert set(
        ConversationMember.objects.filter(conversation=conversation).values_list(
            "user_id", flat=True
        )
    ) == {helper.pk, moderator.pk}
    (message,) = Message.objects.filter(conversation=conversation)
    assert message.author == helper and message.body == "I can drive you on Thursdays."
    assert CONTACT not in message.body  # the contact waits until the poster accepts
    notice = Notification.objects.get(recipient=moderator)
    assert notice.url == conversation.get_absolute_url()
    assert not Notification.objects.filter(recipient=helper).exists()
    assert _events(match) == [("requested", helper.pk)]


def test_an_answer_to_an_offer_says_i_would_like_this(moderator):
    post = make_post(moderator, kind="offer", title="Spare wheelchair to lend")
    match = make_match(post)
    assert match.conversation.subject == "I'd like this: Spare wheelchair to lend"


def test_nobody_answers_their_own_post(moderator):
    post = make_post(moderator)
    with pytest.raises(ValidationError) as error:
        make_match(post, responder=moderator)
    assert "your own post" in " ".join(error.value.messages)
    assert not Match.objects.exists() and not Conversation.objects.exists()


def test_closed_lapsed_and_in_review_posts_take_no_answers(moderator, member):
    closed = make_post(moderator)
    closed = services.post_close(actor=moderator, post=closed, state=PostState.MET)
    lapsed = make_post(moderator)
    notices.posts_lapse(today=lapsed.expires_on + timedelta(days=1))
    lapsed.refresh_from_db()
    waiting = make_post(member)
    assert not is_public(waiting)
    for post in (closed, lapsed, waiting):
        with pytest.raises(ValidationError) as error:
            make_match(post)
        assert "takes no more answers" in " ".join(error.value.messages)
    assert not Match.objects.exists() and not Conversation.objects.exists()


def test_an_answer_to_a_post_closed_meanwhile_is_refused(moderator):
    post = make_post(moderator)
    loaded_by_the_answer_page = Post.objects.get(pk=post.pk)
    services.post_close(actor=moderator, post=post, state=PostState.MET)
    with pytest.raises(ValidationError):
        make_match(loaded_by_the_answer_page)
    assert not Match.objects.exists()


def test_signed_out_visitors_cannot_answer(moderator):
    post = make_post(moderator)
    with pytest.raises(PermissionDenied):
        make_match(post, responder=AnonymousUser())


@pytest.mark.parametrize(
    ("message", "contact", "field", "says"),
    [
        ("", CONTACT, "message", "Say a few words"),
        ("   ", CONTACT, "message", "Say a few words"),
        (None, CONTACT, "message", "Say a few words"),
        ("x" * 2_001, CONTACT, "message", "at most 2,000 characters"),
        (["hello"], CONTACT, "message", "Write this as text"),
        ("I can help.", "", "contact", "how the other person can reach you"),
        ("I can help.", None, "contact", "how the other person can reach you"),
        ("I can help.", "x" * 301, "contact", "at most 300 characters"),
        ("I can help.", 7700900123, "contact", "Write this as text"),
    ],
)
def test_an_answer_without_a_message_or_contact_or_too_long_is_refused(
    moderator, message, contact, field, says
):
    post = make_post(moderator)
    with pytest.raises(ValidationError) as error:
        services.match_request(responder=UserFactory(), post=post, message=message, contact=contact)
    assert says in _problems(error, field), error.value.message_dict
    assert not Match.objects.exists() and not Conversation.objects.exists()


def test_both_missing_are_named_together(moderator):
    post = make_post(moderator)
    with pytest.raises(ValidationError) as error:
        services.match_request(responder=UserFactory(), post=post, message="", contact="")
    assert {"message", "contact"} <= set(error.value.message_dict)


def test_answering_twice_is_refused_and_withdrawing_lets_one_answer_again(moderator):
    post = make_post(moderator)
    helper = UserFactory()
    first = make_match(post, responder=helper)
    with pytest.raises(ValidationError) as error:
        make_match(post, responder=helper)
    assert "already answered" in " ".join(error.value.messages)
    assert Match.objects.count() == 1 and Conversation.objects.count() == 1
    services.match_withdraw(actor=helper, match=first)
    second = make_match(post, responder=helper)
    assert second.pk != first.pk and Match.objects.count() == 2


def test_two_answers_at_the_same_moment_end_with_one(moderator, monkeypatch):
    """The check before writing sees nothing (the other answer is not committed yet); the
    database's one-live-answer rule refuses the second, with the same plain message."""
    post = make_post(moderator)
    helper = UserFactory()
    earlier = make_match(post, responder=helper)
    monkeypatch.setattr(services, "ACTIVE_MATCH_STATES", ())
    with pytest.raises(ValidationError) as error:
        make_match(post, responder=helper)
    assert "already answered" in " ".join(error.value.messages)
    assert list(Match.objects.values_list("pk", flat=True)) == [earlier.pk]
    assert Conversation.objects.count() == 1 and Message.objects.count() == 1


def test_a_flood_of_answers_is_stopped_with_a_clear_message(moderator, monkeypatch):
    monkeypatch.setattr(services, "MATCH_REQUESTS_PER_HOUR", 3)
    monkeypatch.setattr(services, "POSTS_PER_DAY", 100)
    posts = [make_post(moderator, title=f"Lift number {n}") for n in range(4)]
    helper = UserFactory()
    for post in posts[:3]:
        make_match(post, responder=helper)
    with pytest.raises(ValidationError) as error:
        make_match(posts[3], responder=helper)
    assert "answered a lot of posts this hour" in " ".join(error.value.messages)
    assert Match.objects.filter(responder=helper).count() == 3
    assert not Match.objects.filter(post=posts[3]).exists()
    assert make_match(posts[3]).pk  # someone else still can


def test_only_the_poster_accepts_and_twice_is_refused(moderator):
    post = make_post(moderator)
    helper = UserFactory()
    match = make_match(post, responder=helper)
    for outsider in (helper, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.match_accept(actor=outsider, match=match, contact="ring 0114 496 0000")
    match.refresh_from_db()
    assert match.state == MatchState.REQUESTED
    accepted = services.match_accept(actor=moderator, match=match, contact="ring 0114 496 0000")
    assert accepted.state == MatchState.ACCEPTED and accepted.is_accepted
    assert accepted.poster_contact == "ring 0114 496 0000" and accepted.decided_at is not None
    notice = Notification.objects.get(recipient=helper, kind=notices.Kind.ACCEPTED)
    assert post.title in notice.message
    with pytest.raises(ValidationError) as error:
        services.match_accept(actor=moderator, match=match, contact="again")
    assert "already been dealt with" in " ".join(error.value.messages)
    with pytest.raises(ValidationError) as error:
        services.match_decline(actor=moderator, match=match)
    assert "already been dealt with" in " ".join(error.value.messages)
    assert _events(match) == [("requested", helper.pk), ("accepted", moderator.pk)]


def test_accepting_needs_the_posters_contact_details(moderator):
    match = make_match(make_post(moderator))
    with pytest.raises(ValidationError) as error:
        services.match_accept(actor=moderator, match=match, contact="  ")
    assert "how the other person can reach you" in _problems(error, "contact")
    match.refresh_from_db()
    assert (
        match.state == MatchState.REQUESTED
        and not MatchEvent.objects.filter(action="accepted").exists()
    )


def test_declining_tells_the_responder_and_keeps_the_reason_in_the_history(moderator):
    post = make_post(moderator)
    helper = UserFactory()
    match = make_match(post, responder=helper)
    with pytest.raises(PermissionDenied):
        services.match_decline(actor=helper, match=match)
    declined = services.match_decline(actor=moderator, match=match, reason="Sorted already.")
    assert declined.state == MatchState.DECLINED and not declined.is_accepted
    assert Notification.objects.filter(recipient=helper, kind=notices.Kind.DECLINED).exists()
    assert list(MatchEvent.objects.filter(match=match).values_list("action", "note")) == [
        ("requested", ""),
        ("declined", "Sorted already."),
    ]
    with pytest.raises(ValidationError):
        services.match_accept(actor=moderator, match=match, contact="x")


def test_only_the_responder_withdraws(moderator):
    post = make_post(moderator)
    helper = UserFactory()
    match = make_match(post, responder=helper)
    for outsider in (moderator, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.match_withdraw(actor=outsider, match=match)
    withdrawn = services.match_withdraw(actor=helper, match=match)
    assert withdrawn.state == MatchState.WITHDRAWN
    with pytest.raises(ValidationError) as error:
        services.match_withdraw(actor=helper, match=match)
    assert "already been dealt with" in " ".join(error.value.messages)
    assert _events(match) == [("requested", helper.pk), ("withdrawn", helper.pk)]


def test_either_of_the_two_says_it_was_done_and_nobody_else(moderator):
    post = make_post(moderator)
    helper = UserFactory()
    match = make_match(post, responder=helper)
    with pytest.raises(ValidationError) as error:
        services.match_finish(actor=helper, match=match, done=True)
    assert "Only an accepted match" in " ".join(error.value.messages)
    services.match_accept(actor=moderator, match=match, contact="0114 496 0000")
    with pytest.raises(PermissionDenied):
        services.match_finish(actor=UserFactory(), match=match, done=True)
    done = services.match_finish(actor=helper, match=match, done=True)
    assert done.state == MatchState.DONE and done.responder_says == "done"
    assert done.poster_says == ""
    done = services.match_finish(actor=moderator, match=match, done=True)
    assert done.poster_says == "done" and done.responder_says == "done"
    assert [action for action, _actor in _events(match)] == [
        "requested",
        "accepted",
        "done",
        "done",
    ]


def test_not_done_needs_a_reason(moderator):
    post = make_post(moderator)
    helper = UserFactory()
    match = make_match(post, responder=helper)
    services.match_accept(actor=moderator, match=match, contact="0114 496 0000")
    for reason in ("", "   ", None):
        with pytest.raises(ValidationError) as error:
            services.match_finish(actor=moderator, match=match, done=False, reason=reason)
        assert "Say why it did not happen" in _problems(error, "reason")
    with pytest.raises(ValidationError) as error:
        services.match_finish(actor=moderator, match=match, done=False, reason="x" * 501)
    assert "at most 500 characters" in _problems(error, "reason")
    match.refresh_from_db()
    assert match.state == MatchState.ACCEPTED
    not_done = services.match_finish(
        actor=moderator, match=match, done=False, reason="The car broke down."
    )
    assert not_done.state == MatchState.NOT_DONE and not_done.poster_says == "not_done"
    assert not_done.reason == "The car broke down."
    assert MatchEvent.objects.filter(
        match=match, action="not_done", actor=moderator, note="The car broke down."
    ).exists()


# --- Expiry --------------------------------------------------------------------------------


def test_posters_are_asked_once_three_days_before_a_post_lapses(
    moderator, django_capture_on_commit_callbacks
):
    trusted = make_trusted()
    due = make_post(trusted, expires_on=days_from_today(3))
    later = make_post(trusted, title="Lift next month", expires_on=days_from_today(10))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.posts_expiring_warn() == 1
    (notice,) = Notification.objects.filter(recipient=trusted, kind=notices.Kind.EXPIRING)
    assert due.title in notice.message and notice.url == due.get_absolute_url()
    (message,) = mail.outbox
    assert message.to == [trusted.email] and message.subject == "Still needed?"
    assert due.get_absolute_url() in message.body
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.expiry_warned_on == timezone.localdate() and later.expiry_warned_on is None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.posts_expiring_warn() == 0
    assert mail.outbox == []
    assert Notification.objects.filter(kind=notices.Kind.EXPIRING).count() == 1


def test_a_post_waiting_for_a_moderator_is_not_asked_about_until_published(
    moderator, member, django_capture_on_commit_callbacks
):
    waiting = make_post(member, expires_on=days_from_today(2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.posts_expiring_warn() == 0
    assert mail.outbox == []
    waiting.refresh_from_db()
    assert waiting.expiry_warned_on is None
    moderation_services.content_approve(actor=moderator, content=waiting)
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.posts_expiring_warn() == 1
    assert [message.to for message in mail.outbox] == [[member.email]]


def test_asked_on_the_site_only_when_emails_are_switched_off(django_capture_on_commit_callbacks):
    trusted = make_trusted()
    due = make_post(trusted, expires_on=days_from_today(2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.posts_expiring_warn(email=False) == 1
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=trusted, kind=notices.Kind.EXPIRING).exists()
    due.refresh_from_db()
    assert due.expiry_warned_on == timezone.localdate()
    # The next run has nothing left to ask, so nobody is emailed later either.
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.posts_expiring_warn() == 0
    assert mail.outbox == []


def test_no_email_for_those_who_want_none_but_still_a_notice(
    django_capture_on_commit_callbacks,
):
    trusted = make_trusted()
    NotificationPreference.objects.create(user=trusted, email_frequency=EmailFrequency.NEVER)
    make_post(trusted, expires_on=days_from_today(2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.posts_expiring_warn() == 1
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=trusted, kind=notices.Kind.EXPIRING).exists()


def test_posts_past_their_day_lapse_off_the_map_but_stay_searchable(moderator):
    old = make_post(moderator, title="Lift to the tip")
    fresh = make_post(moderator, title="Lift to the market")
    Post.objects.filter(pk=old.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    assert _on_map(old) and _on_map(fresh)
    assert notices.posts_lapse() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.state == PostState.LAPSED and old.closed_at is not None
    assert fresh.state == PostState.OPEN
    assert not _on_map(old) and _on_map(fresh)
    assert SearchDocument.objects.filter(type_key="aid", object_id=old.pk).exists()
    assert found("tip") == [old.title]
    assert notices.posts_lapse() == 0


# --- Follows -------------------------------------------------------------------------------


@pytest.mark.parametrize("followed", ["area", "category", "region"])
def test_followers_hear_of_a_new_need_once(area, moderator, followed):
    from bigsocnorth.mutual_aid.models import AidCategory

    follower = UserFactory()
    target = {
        "area": area,
        "category": AidCategory.objects.get(slug="lifts-and-transport"),
        "region": area.region,
    }[followed]
    follow_create(user=follower, target=target)
    post = make_post(moderator)
    (notice,) = Notification.objects.filter(recipient=follower)
    assert notice.kind == notices.Kind.NEW
    assert post.title in notice.message and "Sheffield" in notice.message
    assert notice.url == post.get_absolute_url()
    services.post_update(actor=moderator, post=post, values=post_values(area, times=3))
    assert Notification.objects.filter(recipient=follower).count() == 1


def test_someone_following_everything_hears_once_and_only_once_published(area, member):
    from bigsocnorth.mutual_aid.models import AidCategory

    follower = UserFactory()
    for target in (area, area.region, AidCategory.objects.get(slug="lifts-and-transport")):
        follow_create(user=follower, target=target)
    leeds_follower = UserFactory()
    follow_create(user=leeds_follower, target=authority("E08000035"))
    post = make_post(member)
    assert not Notification.objects.filter(recipient=follower).exists()  # in review: not yet
    lifecycle.publish(post)
    assert Notification.objects.filter(recipient=follower, kind=notices.Kind.NEW).count() == 1
    assert not Notification.objects.filter(recipient=member, kind=notices.Kind.NEW).exists()
    assert not Notification.objects.filter(recipient=leeds_follower).exists()
    lifecycle.hide(post, reason="test")
    lifecycle.restore(post)
    assert Notification.objects.filter(recipient=follower).count() == 1


def test_followers_of_a_group_hear_of_its_offer(area):
    entry = EntryFactory(located_in=area)
    trusted = make_trusted()
    entry.editors.add(trusted)
    follower = UserFactory()
    follow_create(user=follower, target=entry)
    post = make_post(trusted, entry=entry, kind="offer", title="Van and driver on Saturdays")
    (notice,) = Notification.objects.filter(recipient=follower)
    assert notice.message.startswith("An offer in Sheffield") and post.title in notice.message


def test_an_answer_to_a_post_past_its_day_is_refused_before_the_lapse_job_runs(moderator):
    post = make_post(moderator)
    Post.objects.filter(pk=post.pk).update(expires_on=days_from_today(-1))
    post.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        make_match(post)
    assert not Match.objects.exists()


def test_a_hidden_posts_poster_cannot_accept_and_sees_no_contact_details(moderator):
    from bigsocnorth.moderation import lifecycle

    poster = make_trusted()
    post = make_post(poster)
    match = make_match(post)
    lifecycle.hide(post, reason="A scam offer.")
    with pytest.raises(ValidationError, match="closed"):
        services.match_accept(actor=poster, match=match, contact="01234 567890")
    match.refresh_from_db()
    assert match.state == MatchState.REQUESTED
    assert match.poster_contact == ""


def test_a_point_is_kept_in_the_council_it_is_in_whatever_the_form_said(moderator, area):
    from bigsocnorth.places.services import PlaceValue

    leeds = authority("E08000035")
    # Walkley is in Sheffield, whatever area came with the point.
    place = PlaceValue(
        name="Walkley", local_authority=leeds, latitude=WALKLEY[0], longitude=WALKLEY[1]
    )
    post = services.post_create(author=moderator, values=post_values(area, place=place))
    assert post.local_authority_id == area.pk


def test_a_point_outside_the_north_is_refused_plainly(moderator, area):
    from bigsocnorth.places.services import PlaceValue

    place = PlaceValue(name="Bath", local_authority=area, latitude=51.38, longitude=-2.36)
    with pytest.raises(ValidationError) as error:
        services.post_create(author=moderator, values=post_values(area, place=place))
    assert "outside the North" in " ".join(error.value.message_dict["place"])
    assert not Post.objects.exists()
