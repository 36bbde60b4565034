import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.models import EntryKind, Membership, RequestStatus
from bigsocnorth.directory.networks import services
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def network_editor(db):
    return UserFactory()


@pytest.fixture
def member_editor(db):
    return UserFactory()


@pytest.fixture
def network(network_editor):
    return EntryFactory(
        name="Northern Tenants Network",
        kind=EntryKind.objects.get(slug="network"),
        author=network_editor,
    )


@pytest.fixture
def group(member_editor):
    return EntryFactory(name="Walkley Tenants", author=member_editor)


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


# --- Adding a member (the network's side) ---------------------------------------


def test_network_editor_adds_a_member_approved_at_once(network, group, network_editor):
    since = dt.date(2019, 5, 1)
    membership = services.membership_add(
        actor=network_editor,
        network=network,
        member=group,
        role="  Founding   member ",
        since=since,
    )
    membership.refresh_from_db()
    assert membership.status == RequestStatus.APPROVED
    assert membership.role == "Founding member"
    assert membership.since == since
    assert membership.requested_by == network_editor
    assert membership.decided_at is not None


def test_moderator_adds_a_member(network, group, moderator):
    membership = services.membership_add(actor=moderator, network=network, member=group)
    assert membership.status == RequestStatus.APPROVED


def test_member_side_editor_cannot_add_to_a_network(network, group, member_editor):
    with pytest.raises(PermissionDenied):
        services.membership_add(actor=member_editor, network=network, member=group)
    assert not Membership.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "inactive", "stranger"])
def test_others_cannot_add_members(network, group, network_editor, who):
    from django.contrib.auth.models import AnonymousUser

    if who == "anonymous":
        actor = AnonymousUser()
    elif who == "inactive":
        network_editor.is_active = False
        network_editor.save()
        actor = network_editor
    else:
        actor = UserFactory()
    with pytest.raises(PermissionDenied):
        services.membership_add(actor=actor, network=network, member=group)
    assert not Membership.objects.exists()


def test_an_entry_that_is_not_a_network_cannot_have_members(group, member_editor):
    other = EntryFactory(name="Another group")
    with pytest.raises(ValidationError) as excinfo:
        services.membership_add(actor=member_editor, network=group, member=other)
    assert "not as a network" in _errors(excinfo)["network"][0]
    assert not Membership.objects.exists()


def test_a_network_cannot_be_its_own_member(network, network_editor):
    with pytest.raises(ValidationError) as excinfo:
        services.membership_add(actor=network_editor, network=network, member=network)
    assert _errors(excinfo)["member"] == ["A network cannot be a member of itself."]


def test_adding_the_same_member_twice_is_refused_and_changes_nothing(
    network, group, network_editor
):
    first = services.membership_add(
        actor=network_editor, network=network, member=group, role="Founder"
    )
    with pytest.raises(ValidationError) as excinfo:
        services.membership_add(actor=network_editor, network=network, member=group, role="Other")
    assert "already a member" in _errors(excinfo)["member"][0]
    first.refresh_from_db()
    assert first.role == "Founder"
    assert Membership.objects.count() == 1


def test_adding_an_entry_that_asked_to_join_approves_its_request(
    network, group, network_editor, member_editor
):
    request = services.membership_request(
        actor=member_editor, network=network, member=group, role="Asked"
    )
    membership = services.membership_add(
        actor=network_editor, network=network, member=group, role="Steering group"
    )
    assert membership.pk == request.pk
    membership.refresh_from_db()
    assert membership.status == RequestStatus.APPROVED
    assert membership.role == "Steering group"
    assert membership.requested_by == member_editor
    assert Membership.objects.count() == 1


def test_the_network_can_add_an_entry_whose_request_it_declined(
    network, group, network_editor, member_editor
):
    request = services.membership_request(actor=member_editor, network=network, member=group)
    services.membership_decline(actor=network_editor, membership=request)
    membership = services.membership_add(actor=network_editor, network=network, member=group)
    assert membership.status == RequestStatus.APPROVED
    assert Membership.objects.count() == 1


def test_a_network_can_be_a_member_of_another_and_cycles_are_allowed(network_editor):
    kind = EntryKind.objects.get(slug="network")
    north = EntryFactory(name="North", kind=kind, author=network_editor)
    yorkshire = EntryFactory(name="Yorkshire", kind=kind, author=network_editor)
    services.membership_add(actor=network_editor, network=north, member=yorkshire)
    # Harmless for display: both facts are shown, nothing walks the graph.
    services.membership_add(actor=network_editor, network=yorkshire, member=north)
    assert Membership.objects.filter(status=RequestStatus.APPROVED).count() == 2


# --- Bad input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("since", "message"),
    [
        (dt.date(2999, 1, 1), "The date cannot be in the future."),
        (dt.date(1799, 12, 31), "Give a date from the year 1800 onwards."),
        (dt.date(12, 1, 1), "Give a date from the year 1800 onwards."),
        ("2019-05-01", "Give the date as year, month and day, like 2019-05-01."),
    ],
)
def test_bad_since_dates_are_refused_with_a_clear_message(
    network, group, network_editor, since, message
):
    with pytest.raises(ValidationError) as excinfo:
        services.membership_add(actor=network_editor, network=network, member=group, since=since)
    assert _errors(excinfo)["since"] == [message]
    assert not Membership.objects.exists()


def test_today_and_1800_are_fine_as_since_dates(network, group, network_editor):
    services.membership_add(
        actor=network_editor, network=network, member=group, since=timezone.localdate()
    )
    fields = services.check_membership_fields(since=dt.date(1800, 1, 1))
    assert fields.since == dt.date(1800, 1, 1)
    fields = services.check_membership_fields(since=dt.datetime(2020, 1, 2, 3, 4, tzinfo=dt.UTC))
    assert fields.since == dt.date(2020, 1, 2)


def test_an_oversized_role_is_refused_and_says_the_limit(network, group, network_editor):
    with pytest.raises(ValidationError) as excinfo:
        services.membership_add(actor=network_editor, network=network, member=group, role="x" * 101)
    assert _errors(excinfo)["role"] == ["The role can be at most 100 characters; this one has 101."]
    membership = services.membership_add(
        actor=network_editor, network=network, member=group, role="x" * 100
    )
    assert len(membership.role) == 100


@pytest.mark.parametrize("role", ["<script>alert(1)</script>", "<b>chair</b>", "a > b"])
def test_markup_in_a_role_is_refused(network, group, network_editor, role):
    with pytest.raises(ValidationError) as excinfo:
        services.membership_add(actor=network_editor, network=network, member=group, role=role)
    assert _errors(excinfo)["role"] == ["Write the role as plain words, without < or >."]
    assert not Membership.objects.exists()


def test_control_characters_are_dropped_from_a_role(network, group, network_editor):
    membership = services.membership_add(
        actor=network_editor, network=network, member=group, role="Chair\x00\x07 person\n"
    )
    assert membership.role == "Chair person"


def test_several_problems_are_reported_together(network, network_editor):
    with pytest.raises(ValidationError) as excinfo:
        services.membership_add(
            actor=network_editor,
            network=network,
            member=network,
            role="y" * 200,
            since=dt.date(3000, 1, 1),
        )
    # Entries first: the fields are only checked for a possible pair.
    assert set(_errors(excinfo)) == {"member"}
    with pytest.raises(ValidationError) as excinfo:
        services.check_membership_fields(role="y" * 200, since=dt.date(3000, 1, 1))
    assert set(_errors(excinfo)) == {"role", "since"}


@pytest.mark.parametrize("status", [Status.HIDDEN, Status.ARCHIVED])
def test_hidden_or_archived_entries_cannot_join(network, network_editor, moderator, status):
    hidden = EntryFactory(name="Gone quiet", status=status)
    for actor in (network_editor, moderator):
        with pytest.raises(ValidationError) as excinfo:
            services.membership_add(actor=actor, network=network, member=hidden)
        assert "member" in _errors(excinfo)
    assert not Membership.objects.exists()


def test_someone_elses_entry_in_review_is_treated_as_unknown(network, network_editor):
    waiting = EntryFactory(name="Waiting group", status=Status.IN_REVIEW, author=UserFactory())
    with pytest.raises(ValidationError) as excinfo:
        services.membership_add(actor=network_editor, network=network, member=waiting)
    # Says nothing about the entry: it is not public.
    assert _errors(excinfo)["member"] == [
        "There is no such entry in the directory that you can choose."
    ]


def test_your_own_entry_in_review_may_join_but_is_not_shown_publicly(network, network_editor):
    from django.contrib.auth.models import AnonymousUser

    from bigsocnorth.directory.networks import selectors as network_selectors

    own = EntryFactory(name="My new group", status=Status.IN_REVIEW, author=network_editor)
    services.membership_add(actor=network_editor, network=network, member=own)
    assert network_selectors.network_members(user=AnonymousUser(), network=network) == []
    assert [
        m.member for m in network_selectors.network_members(user=network_editor, network=network)
    ] == [own]
    assert network_selectors.network_graph().measures.links == 0


def test_a_hidden_network_cannot_take_members(group, member_editor):
    network = EntryFactory(
        kind=EntryKind.objects.get(slug="network"), status=Status.HIDDEN, author=member_editor
    )
    with pytest.raises(ValidationError) as excinfo:
        services.membership_request(actor=member_editor, network=network, member=group)
    assert "network" in _errors(excinfo)


def test_a_kind_marked_as_having_members_works_like_a_network(group, member_editor):
    kind = EntryKind.objects.get(slug="community-anchor-organisation")
    kind.is_network = True
    kind.save()
    anchor = EntryFactory(kind=kind, author=member_editor)
    membership = services.membership_add(actor=member_editor, network=anchor, member=group)
    assert membership.status == RequestStatus.APPROVED


# --- Asking to join (the member's side) ------------------------------------------


def test_member_editor_asks_to_join_and_it_waits(network, group, member_editor):
    membership = services.membership_request(
        actor=member_editor, network=network, member=group, role="Member", since=dt.date(2020, 1, 1)
    )
    membership.refresh_from_db()
    assert membership.status == RequestStatus.PENDING
    assert membership.requested_by == member_editor
    assert membership.decided_at is None


def test_network_editor_cannot_ask_for_someone_elses_entry(network, group, network_editor):
    with pytest.raises(PermissionDenied):
        services.membership_request(actor=network_editor, network=network, member=group)


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (RequestStatus.PENDING, "already asked"),
        (RequestStatus.APPROVED, "already a member"),
        (RequestStatus.DECLINED, "declined"),
    ],
)
def test_asking_again_is_refused(network, group, member_editor, status, words):
    Membership.objects.create(network=network, member=group, status=status)
    with pytest.raises(ValidationError) as excinfo:
        services.membership_request(actor=member_editor, network=network, member=group)
    assert words in _errors(excinfo)["member"][0]
    assert Membership.objects.count() == 1


def test_asking_to_join_something_that_is_not_a_network_is_refused(group, member_editor):
    other = EntryFactory(name="Just a group")
    with pytest.raises(ValidationError) as excinfo:
        services.membership_request(actor=member_editor, network=other, member=group)
    assert "not as a network" in _errors(excinfo)["network"][0]


def test_a_request_made_at_the_same_moment_is_reported_as_a_duplicate(
    network, group, member_editor
):
    Membership.objects.create(network=network, member=group, status=RequestStatus.PENDING)
    # As if the other request arrived between the check and the write.
    with (
        mock.patch.object(services, "_existing", side_effect=[None, Membership.objects.get()]),
        pytest.raises(ValidationError) as excinfo,
    ):
        services.membership_request(actor=member_editor, network=network, member=group)
    assert "already asked" in _errors(excinfo)["member"][0]
    assert Membership.objects.count() == 1


# --- Answering a request -----------------------------------------------------------


@pytest.fixture
def request_to_join(network, group, member_editor):
    return services.membership_request(actor=member_editor, network=network, member=group)


def test_network_editor_approves_a_request(request_to_join, network_editor):
    services.membership_approve(actor=network_editor, membership=request_to_join)
    request_to_join.refresh_from_db()
    assert request_to_join.status == RequestStatus.APPROVED
    assert request_to_join.decided_at is not None


def test_moderator_declines_a_request_and_it_stays_on_record(request_to_join, moderator):
    services.membership_decline(actor=moderator, membership=request_to_join)
    request_to_join.refresh_from_db()
    assert request_to_join.status == RequestStatus.DECLINED


@pytest.mark.parametrize("decide", ["membership_approve", "membership_decline"])
def test_the_member_side_cannot_answer_its_own_request(request_to_join, member_editor, decide):
    with pytest.raises(PermissionDenied):
        getattr(services, decide)(actor=member_editor, membership=request_to_join)
    request_to_join.refresh_from_db()
    assert request_to_join.status == RequestStatus.PENDING


def test_editors_of_another_network_cannot_answer_someone_elses_request(request_to_join):
    other_editor = UserFactory()
    EntryFactory(kind=EntryKind.objects.get(slug="network"), author=other_editor)
    with pytest.raises(PermissionDenied):
        services.membership_approve(actor=other_editor, membership=request_to_join)


def test_a_request_is_answered_only_once(request_to_join, network_editor):
    services.membership_decline(actor=network_editor, membership=request_to_join)
    with pytest.raises(ValidationError) as excinfo:
        services.membership_approve(actor=network_editor, membership=request_to_join)
    assert "already been answered" in _errors(excinfo)["member"][0]
    request_to_join.refresh_from_db()
    assert request_to_join.status == RequestStatus.DECLINED


def test_a_request_from_an_entry_hidden_since_cannot_be_approved(
    request_to_join, group, network_editor
):
    group.status = Status.HIDDEN
    group.save()
    with pytest.raises(ValidationError):
        services.membership_approve(actor=network_editor, membership=request_to_join)
    request_to_join.refresh_from_db()
    assert request_to_join.status == RequestStatus.PENDING


def test_a_request_from_an_entry_in_review_can_be_approved(network, network_editor):
    asker = UserFactory()
    waiting = EntryFactory(status=Status.IN_REVIEW, author=asker)
    request = services.membership_request(actor=asker, network=network, member=waiting)
    services.membership_approve(actor=network_editor, membership=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED


# --- Changing and ending --------------------------------------------------------------


@pytest.fixture
def membership(network, group, network_editor):
    return services.membership_add(
        actor=network_editor, network=network, member=group, role="Member"
    )


@pytest.mark.parametrize("who", ["network_editor", "member_editor", "moderator"])
def test_either_side_or_a_moderator_changes_role_and_date(membership, request, who):
    actor = request.getfixturevalue(who)
    services.membership_update(
        actor=actor, membership=membership, role="Chair", since=dt.date(2001, 2, 3)
    )
    membership.refresh_from_db()
    assert (membership.role, membership.since) == ("Chair", dt.date(2001, 2, 3))


def test_a_stranger_cannot_change_a_membership(membership):
    with pytest.raises(PermissionDenied):
        services.membership_update(actor=UserFactory(), membership=membership, role="Boss")
    membership.refresh_from_db()
    assert membership.role == "Member"


def test_changes_are_validated_and_nothing_is_half_written(membership, network_editor):
    with pytest.raises(ValidationError):
        services.membership_update(
            actor=network_editor, membership=membership, role="Chair", since=dt.date(3000, 1, 1)
        )
    membership.refresh_from_db()
    assert (membership.role, membership.since) == ("Member", None)


def test_a_declined_request_cannot_be_changed(request_to_join, network_editor, member_editor):
    services.membership_decline(actor=network_editor, membership=request_to_join)
    with pytest.raises(ValidationError):
        services.membership_update(actor=member_editor, membership=request_to_join, role="x")


def test_the_member_side_can_change_its_waiting_request(request_to_join, member_editor):
    services.membership_update(actor=member_editor, membership=request_to_join, role="Associate")
    request_to_join.refresh_from_db()
    assert request_to_join.role == "Associate"
    assert request_to_join.status == RequestStatus.PENDING


@pytest.mark.parametrize("who", ["network_editor", "member_editor", "moderator"])
def test_either_side_or_a_moderator_ends_a_membership(membership, request, who):
    services.membership_end(actor=request.getfixturevalue(who), membership=membership)
    assert not Membership.objects.exists()


def test_a_stranger_cannot_end_a_membership(membership):
    with pytest.raises(PermissionDenied):
        services.membership_end(actor=UserFactory(), membership=membership)
    assert Membership.objects.count() == 1


def test_the_member_side_withdraws_its_request(request_to_join, member_editor):
    services.membership_end(actor=member_editor, membership=request_to_join)
    assert not Membership.objects.exists()


def test_only_the_network_side_removes_a_declined_request(
    request_to_join, network_editor, member_editor
):
    services.membership_decline(actor=network_editor, membership=request_to_join)
    with pytest.raises(PermissionDenied):
        services.membership_end(actor=member_editor, membership=request_to_join)
    assert Membership.objects.count() == 1
    services.membership_end(actor=network_editor, membership=request_to_join)
    assert not Membership.objects.exists()
