"""The demo's people: three accounts to log in with, and members across the North."""

from __future__ import annotations

from bigsocnorth.accounts.demo import LOGIN_ACCOUNTS, MEMBERS, load_people
from bigsocnorth.accounts.models import Role, User


def test_three_login_accounts_and_members_across_the_north(db, client):
    result = load_people()
    roles = dict(User.objects.filter(email__in=[
        "member@example.org", "moderator@example.org", "admin@example.org"
    ]).values_list("email", "role"))  # fmt: skip
    assert roles == {
        "member@example.org": Role.MEMBER,
        "moderator@example.org": Role.MODERATOR,
        "admin@example.org": Role.ADMIN,
    }
    assert User.objects.get(email="admin@example.org").is_superuser
    assert User.objects.count() == len(LOGIN_ACCOUNTS) + len(MEMBERS)
    areas = set(User.objects.values_list("profile__home_area__name", flat=True))
    assert len(areas) >= 8
    assert {"Sheffield", "Newcastle upon Tyne", "Leeds"} <= areas
    assert all(user.emailaddress_set.get().verified for user in User.objects.all())

    # The passwords come back once, in the order the accounts are listed.
    assert [(login.email, login.role) for login in result.logins] == [
        (account[0], account[1]) for account in LOGIN_ACCOUNTS
    ]
    assert len({login.password for login in result.logins}) == 3
    members_password = result.logins[0].password
    response = client.post(
        "/accounts/login/", {"login": "member@example.org", "password": members_password}
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(
        User.objects.get(email="member@example.org").pk
    )
    # Everyone else is there to be seen, not to log in.
    assert not User.objects.get(email="demo1@example.org").has_usable_password()
