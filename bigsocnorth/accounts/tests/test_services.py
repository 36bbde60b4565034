"""Services: profile rules, roles and profile creation."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bigsocnorth.accounts import services
from bigsocnorth.accounts.models import Role
from bigsocnorth.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# --- Profile rules --------------------------------------------------------------


def test_profile_fields_are_tidied(area):
    cleaned = services.profile_check_fields(
        fields={
            "display_name": "  Kath\n\tHughes\x00 ",
            "pronouns": " she / her ",
            "bio": "Line one\r\nLine two\x00\n",
            "home_area": area.slug,
            "links": [" https://a.example ", "", "https://a.example", "http://b.example/x?y=1"],
        }
    )

    assert cleaned == {
        "display_name": "Kath Hughes",
        "pronouns": "she / her",
        "bio": "Line one\nLine two",
        "home_area": area,
        "links": ["https://a.example", "http://b.example/x?y=1"],
    }


def test_every_bad_field_is_reported_together():
    with pytest.raises(ValidationError) as caught:
        services.profile_check_fields(
            fields={"display_name": "", "pronouns": "p" * 41, "links": ["ftp://x"]}
        )

    assert set(caught.value.message_dict) == {"display_name", "pronouns", "links"}


@pytest.mark.parametrize("value", [123, ["a"], {"a": 1}, 1.5, True])
def test_a_display_name_that_is_not_text_is_refused(value):
    with pytest.raises(ValidationError) as caught:
        services.profile_check_fields(fields={"display_name": value})

    assert caught.value.message_dict["display_name"] == ["Display name must be text."]


def test_an_unknown_profile_field_is_a_programming_error():
    with pytest.raises(ValueError, match="not a profile field"):
        services.profile_check_fields(fields={"email": "x@example.org"})


def test_a_link_that_is_too_long_is_refused():
    with pytest.raises(ValidationError, match="Link 1 is too long"):
        services.profile_check_fields(fields={"links": ["https://a.example/" + "x" * 500]})


def test_update_reports_what_changed_and_saves_only_that(member):
    profile = member.profile

    changed = services.profile_update(profile=profile, display_name="New name", pronouns="")

    assert changed == ["display_name"]
    profile.refresh_from_db()
    assert profile.display_name == "New name"
    assert services.profile_update(profile=profile, display_name="New name") == []


def test_update_with_one_bad_field_changes_nothing(member):
    profile = member.profile
    before = profile.display_name

    with pytest.raises(ValidationError):
        services.profile_update(profile=profile, display_name="Fine", links=["javascript:x"])

    assert profile.display_name == before
    profile.refresh_from_db()
    assert profile.display_name == before


def test_new_profiles_get_unique_handles_from_their_names():
    first = UserFactory().profile
    second_user = UserFactory()
    second_user.profile.delete()
    third_user = UserFactory()
    third_user.profile.delete()
    first.handle = "jo-bloggs"
    first.save()

    second = services.profile_create_for_new_user(user=second_user, display_name="Jo Bloggs")
    third = services.profile_create_for_new_user(user=third_user, display_name="Jo Bloggs")

    assert second.handle.startswith("jo-bloggs-")
    assert third.handle.startswith("jo-bloggs-")
    assert len({first.handle, second.handle, third.handle}) == 3


def test_a_name_with_no_latin_letters_still_gets_a_handle():
    user = UserFactory()
    user.profile.delete()

    profile = services.profile_create_for_new_user(user=user, display_name="李华")

    assert profile.handle.startswith("member")
    assert profile.display_name == "李华"


def test_a_profile_never_takes_its_name_from_the_email_address():
    user = UserFactory(email="secret.name@example.org")
    user.profile.delete()

    profile = services.profile_create_for_new_user(user=user)

    assert profile.display_name == "Member"
    assert "secret" not in profile.handle


# --- Roles --------------------------------------------------------------------


def test_an_admin_makes_a_member_a_moderator(admin_user, member):
    assert services.user_set_role(actor=admin_user, user=member, role=Role.MODERATOR) is True

    member.refresh_from_db()
    assert member.role == Role.MODERATOR
    assert member.is_moderator
    assert not member.is_staff
    assert not member.is_superuser


def test_making_someone_admin_gives_them_the_admin_site_and_demoting_takes_it_away(
    admin_user, member
):
    services.user_set_role(actor=admin_user, user=member, role=Role.ADMIN)
    member.refresh_from_db()
    assert (member.role, member.is_staff, member.is_superuser) == (Role.ADMIN, True, True)

    services.user_set_role(actor=admin_user, user=member, role=Role.MEMBER)
    member.refresh_from_db()
    assert (member.role, member.is_staff, member.is_superuser) == (Role.MEMBER, False, False)


def test_setting_the_same_role_again_changes_nothing(admin_user, moderator):
    assert services.user_set_role(actor=admin_user, user=moderator, role=Role.MODERATOR) is False


@pytest.mark.parametrize("actor_fixture", ["member", "moderator"])
def test_only_admins_change_roles(request, actor_fixture):
    actor = request.getfixturevalue(actor_fixture)
    person = UserFactory()

    with pytest.raises(PermissionDenied, match="Only admins"):
        services.user_set_role(actor=actor, user=person, role=Role.ADMIN)

    person.refresh_from_db()
    assert person.role == Role.MEMBER
    assert not person.is_staff


def test_an_inactive_admin_cannot_change_roles(admin_user, member):
    admin_user.is_active = False
    admin_user.save()

    with pytest.raises(PermissionDenied):
        services.user_set_role(actor=admin_user, user=member, role=Role.MODERATOR)


def test_an_unknown_role_is_refused(admin_user, member):
    with pytest.raises(PermissionDenied, match="not a role"):
        services.user_set_role(actor=admin_user, user=member, role="emperor")


def test_the_last_admin_cannot_step_down(admin_user):
    with pytest.raises(PermissionDenied, match="only admin"):
        services.user_set_role(actor=admin_user, user=admin_user, role=Role.MEMBER)

    admin_user.refresh_from_db()
    assert admin_user.is_admin and admin_user.is_superuser


def test_an_admin_can_step_down_when_there_is_another(admin_user):
    UserFactory(role=Role.ADMIN)

    assert services.user_set_role(actor=admin_user, user=admin_user, role=Role.MEMBER) is True


def test_anonymous_cannot_change_roles(member):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.user_set_role(actor=AnonymousUser(), user=member, role=Role.ADMIN)


def test_a_handle_taken_at_the_same_moment_is_retried(monkeypatch):
    taken = UserFactory().profile.handle
    user = UserFactory()
    user.profile.delete()
    handles = iter([taken, "fresh-handle"])
    monkeypatch.setattr(services, "_unique_handle", lambda base: next(handles))

    profile = services.profile_create_for_new_user(user=user, display_name="Someone")

    assert profile.handle == "fresh-handle"
