"""Needs and offers: organisers list what a gathering needs, members offer, organisers accept
or decline; an accepted venue becomes the gathering's place. The services' refusals, the
notices to both sides, the pages and what they cost in queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.events import needs, services
from bigsocnorth.events.models import (
    Gathering,
    GatheringNeed,
    GatheringOffer,
    NeedKind,
    OfferState,
)
from bigsocnorth.events.selectors import GatheringFilters, gathering_list
from bigsocnorth.events.tests.conftest import sheffield_place
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.services import PlaceValue

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> =cmd|calc'


@pytest.fixture
def wanting_venue(organise):
    """A published gathering in Sheffield still looking for its venue."""
    return organise(title="Park meeting", venue_wanted=True, venue_name="", venue_address="")


@pytest.fixture
def helper(password):
    return UserFactory(password=password)


def _need(gathering, actor, kind=NeedKind.HELPERS, wanted=3, description="On the door"):
    return needs.need_add(
        actor=actor,
        gathering=gathering,
        values={"kind": kind, "wanted": wanted, "description": description},
    )


def _venue_offer(user, need, area, **values):
    defaults = {
        "venue_name": "St Mary's Hall",
        "venue_address": "1 Church Street, Sheffield",
        "place": sheffield_place(area, name="St Mary's"),
        "message": "Free on Tuesdays",
    }
    defaults.update(values)
    return needs.offer_make(user=user, need=need, values=defaults)


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Needs ------------------------------------------------------------------------------------


def test_organisers_list_needs_with_how_many(organise, moderator):
    gathering = organise()
    first = _need(gathering, moderator)
    second = _need(gathering, moderator, kind=NeedKind.REFRESHMENTS, wanted=1, description="")
    assert (first.wanted, first.position, second.position) == (3, 1, 2)
    needs.need_edit(actor=moderator, need=first, values={"description": "Door", "wanted": "5"})
    first.refresh_from_db()
    assert (first.description, first.wanted) == ("Door", 5)
    needs.need_remove(actor=moderator, need=second)
    assert list(gathering.needs.all()) == [first]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "", "wanted": 1}, "kind"),
        ({"kind": "castle", "wanted": 1}, "kind"),
        ({"kind": "helpers", "wanted": 0}, "wanted"),
        ({"kind": "helpers", "wanted": 51}, "wanted"),
        ({"kind": "helpers", "wanted": "lots"}, "wanted"),
        ({"kind": "helpers", "wanted": True}, "wanted"),
        ({"kind": "helpers", "wanted": 2, "description": "x" * 301}, "description"),
        ({"kind": "other", "wanted": 1, "description": "  "}, "description"),
    ],
)
def test_bad_needs_are_refused_plainly(organise, moderator, values, field):
    gathering = organise()
    with pytest.raises(ValidationError) as error:
        needs.need_add(actor=moderator, gathering=gathering, values=values)
    assert field in error.value.message_dict
    assert not GatheringNeed.objects.exists()


def test_hostile_descriptions_stay_text(client, organise, moderator):
    gathering = organise()
    need = _need(gathering, moderator, description=HOSTILE)
    assert need.description == HOSTILE
    text = client.get(gathering.get_absolute_url()).content.decode()
    assert "<script>alert" not in text and "&lt;script&gt;" in text


def test_a_venue_is_one_and_only_when_a_venue_is_wanted(organise, moderator, wanting_venue):
    need = _need(wanting_venue, moderator, kind=NeedKind.VENUE, wanted=30)
    assert need.wanted == 1
    with pytest.raises(ValidationError, match="already on the list"):
        _need(wanting_venue, moderator, kind=NeedKind.VENUE)
    has_venue = organise(title="Has a venue")
    with pytest.raises(ValidationError, match="venue wanted"):
        _need(has_venue, moderator, kind=NeedKind.VENUE)
    online = organise(
        title="Online", in_person=False, online=True, place=None,
        online_url="https://meet.example.org/a",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="online gathering"):
        _need(online, moderator, kind=NeedKind.VENUE)


def test_only_organisers_and_moderators_change_needs(organise, moderator, member, helper):
    gathering = organise(author=helper)
    need = _need(gathering, helper)  # its organiser, though it is still in review
    for person in (member, None):
        with pytest.raises(PermissionDenied):
            _need(gathering, person)
        with pytest.raises(PermissionDenied):
            needs.need_edit(actor=person, need=need, values={"wanted": 1})
        with pytest.raises(PermissionDenied):
            needs.need_remove(actor=person, need=need)
    needs.need_edit(actor=moderator, need=need, values={"wanted": 2})


def test_no_needs_on_cancelled_or_past_gatherings(organise, moderator):
    cancelled = organise()
    services.gathering_cancel(actor=moderator, gathering=cancelled)
    with pytest.raises(ValidationError, match="cancelled"):
        _need(cancelled, moderator)
    past = organise(title="Over")
    Gathering.objects.filter(pk=past.pk).update(last_ends_at=timezone.now() - timedelta(hours=1))
    past.refresh_from_db()
    with pytest.raises(ValidationError, match="already happened"):
        _need(past, moderator)


def test_how_many_cannot_drop_below_what_is_accepted(organise, moderator, member):
    gathering = organise()
    need = _need(gathering, moderator, wanted=3)
    offer = needs.offer_make(user=member, need=need, values={"covers": 2})
    needs.offer_accept(actor=moderator, offer=offer)
    with pytest.raises(ValidationError, match="already cover 2"):
        needs.need_edit(actor=moderator, need=need, values={"wanted": 1})


def test_removing_a_need_thanks_people_who_offered(organise, moderator, member):
    gathering = organise()
    need = _need(gathering, moderator)
    needs.offer_make(user=member, need=need, values={})
    needs.need_remove(actor=moderator, need=need)
    assert member.notifications.filter(kind="events.need_removed").exists()
    assert not GatheringOffer.objects.exists()


# --- Offers -----------------------------------------------------------------------------------


def test_a_member_offers_and_the_organisers_hear(organise, moderator, member):
    gathering = organise()
    need = _need(gathering, moderator)
    offer = needs.offer_make(user=member, need=need, values={"message": HOSTILE, "covers": "2"})
    assert (offer.state, offer.covers, offer.message) == (OfferState.OFFERED, 2, HOSTILE)
    told = moderator.notifications.get(kind="events.need_offered")
    assert gathering.title in told.message


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"covers": 0}, "covers"),
        ({"covers": 4}, "covers"),  # more than the need wants
        ({"covers": "two"}, "covers"),
        ({"covers": 10**30}, "covers"),
        ({"message": "x" * 1001}, "message"),
        ({"entry": "3"}, "entry"),
    ],
)
def test_bad_offers_are_refused_plainly(organise, moderator, member, values, field):
    need = _need(organise(), moderator, wanted=3)
    with pytest.raises(ValidationError) as error:
        needs.offer_make(user=member, need=need, values=values)
    assert field in error.value.message_dict
    assert not GatheringOffer.objects.exists()


def test_bad_venue_offers_are_refused_plainly(moderator, member, wanting_venue, area):
    need = _need(wanting_venue, moderator, kind=NeedKind.VENUE)
    with pytest.raises(ValidationError) as error:
        _venue_offer(member, need, area, venue_name="", place=None, venue_address="x" * 501)
    assert set(error.value.message_dict) == {"venue_name", "place", "venue_address"}
    assert not GatheringOffer.objects.exists()


def test_offers_are_for_members_not_the_organisers(organise, moderator, member):
    need = _need(organise(), moderator)
    with pytest.raises(PermissionDenied):
        needs.offer_make(user=None, need=need, values={})
    with pytest.raises(PermissionDenied):
        needs.offer_make(user=moderator, need=need, values={})
    member.is_active = False
    with pytest.raises(PermissionDenied):
        needs.offer_make(user=member, need=need, values={})


def test_no_offers_on_cancelled_past_or_unpublished_gatherings(organise, moderator, member,
                                                               helper):  # fmt: skip
    gathering = organise()
    need = _need(gathering, moderator)
    services.gathering_cancel(actor=moderator, gathering=gathering)
    with pytest.raises(ValidationError, match="cancelled"):
        needs.offer_make(user=member, need=need, values={})
    past = organise(title="Over")
    past_need = _need(past, moderator)
    Gathering.objects.filter(pk=past.pk).update(last_ends_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError, match="already happened"):
        needs.offer_make(user=member, need=past_need, values={})
    in_review = organise(author=helper, title="In review")
    with pytest.raises(ValidationError, match="not published"):
        needs.offer_make(user=member, need=_need(in_review, helper), values={})
    assert not GatheringOffer.objects.exists()


def test_no_second_offer_and_none_on_a_met_need(organise, moderator, member, helper):
    need = _need(organise(), moderator, wanted=1)
    offer = needs.offer_make(user=member, need=need, values={})
    with pytest.raises(ValidationError, match="already offered"):
        needs.offer_make(user=member, need=need, values={})
    needs.offer_accept(actor=moderator, offer=offer)
    with pytest.raises(ValidationError, match="met already"):
        needs.offer_make(user=helper, need=need, values={})
    # Someone who withdrew may offer again once the need is open again.
    needs.offer_withdraw(user=member, offer=offer)
    needs.offer_make(user=member, need=need, values={})


def test_offering_for_a_group_only_one_the_member_looks_after(organise, moderator, member, area):
    need = _need(organise(), moderator)
    theirs = EntryFactory(author=member, located_in=area)
    other = EntryFactory(located_in=area)
    with pytest.raises(ValidationError) as error:
        needs.offer_make(user=member, need=need, values={"entry": other})
    assert "look after" in _messages(error.value)
    offer = needs.offer_make(user=member, need=need, values={"entry": theirs})
    assert offer.entry == theirs
    assert theirs.name in moderator.notifications.get(kind="events.need_offered").message


# --- Answering offers -------------------------------------------------------------------------


def test_accepting_and_declining_tell_the_member(organise, moderator, member, helper):
    need = _need(organise(), moderator, wanted=2)
    yes = needs.offer_make(user=member, need=need, values={})
    no = needs.offer_make(user=helper, need=need, values={})
    needs.offer_accept(actor=moderator, offer=yes)
    needs.offer_decline(actor=moderator, offer=no)
    assert "accepted" in member.notifications.get(kind="events.offer_answered").message
    assert "no thank you" in helper.notifications.get(kind="events.offer_answered").message
    with pytest.raises(ValidationError, match="cannot be accepted"):
        needs.offer_accept(actor=moderator, offer=no)
    with pytest.raises(ValidationError, match="cannot be declined"):
        needs.offer_decline(actor=moderator, offer=yes)


def test_only_organisers_answer_and_only_the_offerer_withdraws(organise, moderator, member,
                                                               helper):  # fmt: skip
    need = _need(organise(), moderator)
    offer = needs.offer_make(user=member, need=need, values={})
    for person in (helper, member, None):
        with pytest.raises(PermissionDenied):
            needs.offer_accept(actor=person, offer=offer)
        with pytest.raises(PermissionDenied):
            needs.offer_decline(actor=person, offer=offer)
    for person in (helper, moderator, None):
        with pytest.raises(PermissionDenied):
            needs.offer_withdraw(user=person, offer=offer)
    needs.offer_withdraw(user=member, offer=offer)
    assert moderator.notifications.filter(kind="events.offer_withdrawn").exists()
    with pytest.raises(ValidationError, match="no longer standing"):
        needs.offer_withdraw(user=member, offer=offer)


def test_accepting_never_covers_more_than_wanted(organise, moderator, member, helper):
    need = _need(organise(), moderator, wanted=3)
    first = needs.offer_make(user=member, need=need, values={"covers": 2})
    second = needs.offer_make(user=helper, need=need, values={"covers": 2})
    needs.offer_accept(actor=moderator, offer=first)
    with pytest.raises(ValidationError, match="Only 1 more"):
        needs.offer_accept(actor=moderator, offer=second)
    second.refresh_from_db()
    assert second.state == OfferState.OFFERED


def test_an_accepted_venue_becomes_the_place_and_people_going_hear(
    moderator, member, helper, wanting_venue, area
):
    services.rsvp_member(user=helper, gathering=wanting_venue)
    need = _need(wanting_venue, moderator, kind=NeedKind.VENUE)
    offer = _venue_offer(member, need, area)
    needs.offer_accept(actor=moderator, offer=offer)
    gathering = Gathering.objects.get(pk=wanting_venue.pk)
    assert not gathering.venue_wanted
    assert gathering.venue_name == "St Mary's Hall"
    assert gathering.venue_address == "1 Church Street, Sheffield"
    assert gathering.place_name == "St Mary's" and gathering.latitude is not None
    assert gathering.local_authority == area
    told = helper.notifications.get(kind="events.changed")
    assert "St Mary's Hall" in told.message
    assert member.notifications.filter(kind="events.offer_answered").exists()
    # The need is met now: nobody else can offer, and the "needs help" filter drops it.
    with pytest.raises(ValidationError, match="met already"):
        _venue_offer(helper, need, area)
    assert not needs.gatherings_needing_help(Gathering.objects.all()).exists()
    # Taking the venue back: the gathering wants a venue again, and people going hear.
    needs.offer_withdraw(user=member, offer=offer)
    gathering.refresh_from_db()
    assert gathering.venue_wanted and gathering.venue_name == ""
    assert helper.notifications.filter(kind="events.changed").count() == 2


def test_a_group_offers_its_own_hall(moderator, member, wanting_venue, area):
    hall = EntryFactory(author=member, located_in=area, name="Firth Park Community Hall")
    need = _need(wanting_venue, moderator, kind=NeedKind.VENUE)
    offer = _venue_offer(member, need, area, entry=hall, place=None, venue_name=hall.name)
    assert offer.local_authority == area and offer.latitude == area.centre_latitude
    needs.offer_accept(actor=moderator, offer=offer)
    wanting_venue.refresh_from_db()
    assert wanting_venue.venue_name == "Firth Park Community Hall"


# --- Reads and pages --------------------------------------------------------------------------


def test_the_needs_help_filter(organise, moderator, member):
    helped = organise(title="Needs helpers")
    need = _need(helped, moderator, wanted=1)
    organise(title="Needs nothing")
    found = gathering_list(filters=GatheringFilters(needs_help=True))
    assert [g.title for g in found.object_list] == ["Needs helpers"]
    needs.offer_accept(actor=moderator, offer=needs.offer_make(user=member, need=need, values={}))
    assert not gathering_list(filters=GatheringFilters(needs_help=True)).object_list


def test_the_open_needs_page_filters_by_kind_and_area(client, organise, moderator, area):
    leeds = LocalAuthority.objects.get(slug="leeds")
    sheffield = organise(title="Sheffield tea", venue_wanted=True, venue_name="")
    _need(sheffield, moderator, kind=NeedKind.VENUE)
    _need(sheffield, moderator, kind=NeedKind.LIFT, description="From Hillsborough")
    in_leeds = organise(
        title="Leeds meeting", place=PlaceValue(name="Leeds", local_authority=leeds),
        venue_name="Leeds Civic Hall",
    )  # fmt: skip
    _need(in_leeds, moderator, kind=NeedKind.NOTE_TAKING)
    cancelled = organise(title="Called off")
    _need(cancelled, moderator)
    services.gathering_cancel(actor=moderator, gathering=cancelled)
    url = reverse("events:needs_list")
    text = client.get(url).content.decode()
    assert "Sheffield tea" in text and "Leeds meeting" in text and "Called off" not in text
    text = client.get(url, {"kind": "venue", "area": area.slug}).content.decode()
    assert "Sheffield tea" in text and "From Hillsborough" not in text
    assert "Leeds meeting" not in text
    # Leeds and Sheffield are both in Yorkshire and the Humber.
    text = client.get(url, {"area": area.region.slug}).content.decode()
    assert "From Hillsborough" in text and "Leeds meeting" in text
    elsewhere = LocalAuthority.objects.exclude(region=area.region).order_by("slug").first()
    text = client.get(url, {"area": elsewhere.region.slug}).content.decode()
    assert "From Hillsborough" not in text and "Leeds meeting" not in text
    assert client.get(url, {"kind": "<script>", "area": "nowhere"}).status_code == 200


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["visitor", "member", "organiser"])
def test_pages_cost_the_same_queries_for_more_needs_and_offers(
    client, organise, moderator, password, who
):
    gathering = organise()
    if who != "visitor":
        person = moderator if who == "organiser" else UserFactory(password=password)
        client.login(email=person.email, password=password)

    def add(count):
        for number in range(count):
            _need(organise(title=f"Other {GatheringNeed.objects.count()}"), moderator)
            need = _need(gathering, moderator, description=f"Need {number}")
            for _ in range(2):
                needs.offer_make(user=UserFactory(), need=need, values={"message": "Happy to"})

    paths = [
        gathering.get_absolute_url(),
        reverse("events:needs_list"),
        reverse("events:needs_list") + "?kind=helpers&area=sheffield",
        reverse("events:gathering_list") + "?needs_help=on",
    ]
    add(2)
    for path in paths:
        _count(client, path)
    few = {path: _count(client, path) for path in paths}
    add(6)
    assert {path: _count(client, path) for path in paths} == few


def test_the_gathering_page_shows_needs_to_each_person(client, organise, moderator, member,
                                                       password):  # fmt: skip
    gathering = organise()
    need = _need(gathering, moderator, wanted=2)
    offer = needs.offer_make(user=UserFactory(), need=need, values={"message": "I can do it"})
    url = gathering.get_absolute_url()
    text = client.get(url).content.decode()
    assert "What this gathering needs" in text and "0 of 2 found" in text
    assert "Log in to offer" in text and "I can do it" not in text
    client.login(email=member.email, password=password)
    text = client.get(url).content.decode()
    assert reverse("events:offer_make", args=[gathering.slug, need.pk]) in text
    assert "I can do it" not in text and "Accept" not in text
    client.logout()
    client.login(email=moderator.email, password=password)
    text = client.get(url).content.decode()
    assert "I can do it" in text
    assert reverse("events:offer_answer", args=[gathering.slug, offer.pk, "accept"]) in text
    assert reverse("events:need_add", args=[gathering.slug]) in text


def test_a_member_offers_from_the_page_and_withdraws(client, organise, moderator, member,
                                                     password):  # fmt: skip
    gathering = organise()
    need = _need(gathering, moderator, wanted=3)
    client.login(email=member.email, password=password)
    offer_url = reverse("events:offer_make", args=[gathering.slug, need.pk])
    page = client.post(offer_url, {"message": "x" * 1001, "covers": "1"})
    assert page.status_code == 400 and "at most 1000 characters" in page.content.decode()
    page = client.post(offer_url, {"message": "", "covers": "9"})
    assert page.status_code == 400 and "from 1 to 3" in page.content.decode()
    assert not GatheringOffer.objects.exists()
    page = client.post(offer_url, {"message": HOSTILE, "covers": "2"}, follow=True)
    assert "Thank you for offering" in page.content.decode()
    offer = GatheringOffer.objects.get()
    assert offer.covers == 2
    assert "Withdraw my offer" in page.content.decode()
    page = client.post(offer_url, {"covers": "1"})
    assert page.status_code == 400 and "already offered" in page.content.decode()
    withdraw = reverse("events:offer_answer", args=[gathering.slug, offer.pk, "withdraw"])
    client.post(withdraw)
    offer.refresh_from_db()
    assert offer.state == OfferState.WITHDRAWN


def test_a_venue_offered_accepted_and_declined_through_the_pages(
    client, moderator, member, password, wanting_venue
):
    need = _need(wanting_venue, moderator, kind=NeedKind.VENUE)
    client.login(email=member.email, password=password)
    offer_url = reverse("events:offer_make", args=[wanting_venue.slug, need.pk])
    assert client.get(offer_url).status_code == 200
    page = client.post(offer_url, {"venue_name": "", "message": "hi"})
    assert page.status_code == 400 and "Name the venue you offer" in page.content.decode()
    page = client.post(offer_url, {"venue_name": "Quaker Meeting House", "message": "hi"})
    assert page.status_code == 400 and "Say where the venue is" in page.content.decode()
    from bigsocnorth.events.tests.conftest import SHEFFIELD_POINT

    client.post(
        offer_url,
        {
            "venue_name": "Quaker Meeting House", "venue_address": "St James Street",
            "place": "Sheffield centre", "place_chosen": "Sheffield centre",
            "place_latitude": str(SHEFFIELD_POINT[0]), "place_longitude": str(SHEFFIELD_POINT[1]),
        },
    )  # fmt: skip
    offer = GatheringOffer.objects.get()
    client.logout()
    accept = reverse("events:offer_answer", args=[wanting_venue.slug, offer.pk, "accept"])
    assert client.post(accept).status_code == 302  # to the login page
    client.login(email=member.email, password=password)
    assert client.post(accept).status_code == 403
    client.logout()
    client.login(email=moderator.email, password=password)
    page = client.post(accept, follow=True)
    assert "Offer accepted" in page.content.decode()
    wanting_venue.refresh_from_db()
    assert wanting_venue.venue_name == "Quaker Meeting House" and not wanting_venue.venue_wanted
    assert "Met, thank you" in page.content.decode()
    bad = reverse("events:offer_answer", args=[wanting_venue.slug, offer.pk, "explode"])
    assert client.post(bad).status_code == 404


def test_organiser_pages_for_needs_are_theirs_alone(client, organise, moderator, member,
                                                    password):  # fmt: skip
    gathering = organise()
    need = _need(gathering, moderator)
    add = reverse("events:need_add", args=[gathering.slug])
    edit = reverse("events:need_edit", args=[gathering.slug, need.pk])
    remove = reverse("events:need_remove", args=[gathering.slug, need.pk])
    assert client.get(add).status_code == 302
    client.login(email=member.email, password=password)
    assert client.get(add).status_code == 403
    assert client.post(add, {"kind": "lift", "wanted": "1"}).status_code == 403
    assert client.get(edit).status_code == 403
    assert client.post(remove).status_code == 403
    assert client.get(reverse("events:offer_make", args=[gathering.slug, 999])).status_code == 404
    client.logout()
    client.login(email=moderator.email, password=password)
    page = client.post(add, {"kind": "lift", "wanted": "99", "description": "x" * 301})
    assert page.status_code == 400
    assert "Error:" in page.content.decode() and GatheringNeed.objects.count() == 1
    page = client.post(add, {"kind": "lift", "wanted": "1", "description": "From Darnall"})
    assert page.status_code == 302 and GatheringNeed.objects.count() == 2
    assert client.get(edit).status_code == 200
    assert client.post(edit, {"description": "Two on the door", "wanted": "2"}).status_code == 302
    assert client.post(remove).status_code == 302
    assert GatheringNeed.objects.count() == 1
    kept = GatheringNeed.objects.get()
    # Organisers change what the gathering needs rather than offer to themselves.
    assert (
        client.get(reverse("events:offer_make", args=[gathering.slug, kept.pk])).status_code == 403
    )


# --- Accepting under a rush -------------------------------------------------------------------

ACCEPTER = """
import sys
import django

django.setup()
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from bigsocnorth.events import needs
from bigsocnorth.events.models import GatheringOffer

organiser = get_user_model().objects.get(pk=int(sys.argv[1]))
offers = list(GatheringOffer.objects.filter(pk__in=[int(pk) for pk in sys.argv[2:]]))
sys.stdout.write("ready\\n")
sys.stdout.flush()
sys.stdin.readline()  # all start together
said = []
for offer in offers:
    try:
        needs.offer_accept(actor=organiser, offer=offer)
        said.append("accepted")
    except ValidationError:
        said.append("refused")
print(" ".join(said))
"""


@pytest.mark.django_db(transaction=True)
def test_accepts_at_once_never_cover_more_than_wanted(area, moderator):
    import subprocess
    import sys

    from django.conf import settings

    from bigsocnorth.core.tests.test_concurrent_writes import _child_env
    from bigsocnorth.events.tests.conftest import gathering_values

    gathering = services.gathering_create(author=moderator, values=gathering_values(area))
    need = _need(gathering, moderator, wanted=5)
    offers = [needs.offer_make(user=UserFactory(), need=need, values={}).pk for _ in range(24)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", ACCEPTER, str(moderator.pk)] + [str(pk) for pk in offers[n::4]],
            cwd=settings.BASE_DIR,
            env=_child_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    for process in processes:
        assert process.stdout.readline().strip() == "ready", process.stderr.read()
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    said = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
        said += stdout.split()
    assert said.count("accepted") == 5 and said.count("refused") == 19
    assert need.offers.filter(state=OfferState.ACCEPTED).count() == 5
