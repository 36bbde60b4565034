"""Demo data: loaded on the first run only, passwords shown only then."""

from __future__ import annotations

import re
from io import StringIO

from django.core.management import call_command

from bigsocnorth.accounts.models import Role, User


def _load() -> str:
    out = StringIO()
    call_command("load_demo_data", first_run_only=True, stdout=out)
    return out.getvalue()


def test_first_run_creates_three_login_accounts_and_members_across_the_north(db, client):
    output = _load()
    roles = dict(User.objects.filter(email__in=[
        "member@example.org", "moderator@example.org", "admin@example.org"
    ]).values_list("email", "role"))  # fmt: skip
    assert roles == {
        "member@example.org": Role.MEMBER,
        "moderator@example.org": Role.MODERATOR,
        "admin@example.org": Role.ADMIN,
    }
    assert User.objects.get(email="admin@example.org").is_superuser
    areas = set(User.objects.values_list("profile__home_area__name", flat=True))
    assert len(areas) >= 8
    assert {"Sheffield", "Newcastle upon Tyne", "Leeds"} <= areas

    password = re.search(r"member@example\.org\s+password: (\S+)", output).group(1)
    response = client.post(
        "/accounts/login/", {"login": "member@example.org", "password": password}
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(
        User.objects.get(email="member@example.org").pk
    )


def test_second_run_changes_nothing_and_prints_no_passwords(db):
    _load()
    count = User.objects.count()
    output = _load()
    assert output == ""
    assert User.objects.count() == count


def test_first_run_only_leaves_a_database_with_real_people_alone(db, member):
    assert _load() == ""
    assert User.objects.count() == 1


def test_prepare_migrates_and_loads_demo_data_once(db):
    out = StringIO()
    call_command("prepare", demo_data=True, stdout=out)
    assert "member@example.org" in out.getvalue()
    again = StringIO()
    call_command("prepare", demo_data=True, stdout=again)
    assert again.getvalue() == ""


def test_first_run_fills_the_directory_across_the_north(db):
    from django.db.models import Count

    from bigsocnorth.directory.models import Entry, Membership
    from bigsocnorth.moderation.models import Flag, Status
    from bigsocnorth.moderation.selectors import review_queue
    from bigsocnorth.places.models import LocalAuthority

    output = _load()
    assert "320 directory entries" in output
    published = Entry.objects.filter(status=Status.PUBLISHED)
    assert published.count() >= 300
    per_area = dict(
        LocalAuthority.objects.annotate(n=Count("directory_entries")).values_list("name", "n")
    )
    # Dense in cities, sparse in the dales: Leeds has more than the whole of Westmorland.
    assert per_area["Leeds"] > per_area["Westmorland and Furness"]
    assert sum(1 for n in per_area.values() if n) >= 55
    networks = Entry.objects.filter(kind__is_network=True)
    assert networks.filter(member_links__status="approved").distinct().count() >= 8
    umbrella = Entry.objects.get(name="Northern Network of Networks")
    members = Membership.objects.filter(network=umbrella, status="approved")
    assert members.count() >= 8
    assert all(m.member.kind.is_network for m in members)
    assert Flag.objects.filter(resolved_at__isnull=True).count() == 3
    queue = review_queue()
    assert sum(1 for item in queue if item.flags) == 3
    assert sum(1 for item in queue if item.is_in_review) >= 1


def test_prepare_builds_search_and_map_for_content_that_has_none(db):
    from bigsocnorth.directory.tests.factories import EntryFactory
    from bigsocnorth.mapping.models import MapItem
    from bigsocnorth.places.models import LocalAuthority
    from bigsocnorth.search.models import SearchDocument

    # As if the content came from before search and the map existed.
    EntryFactory(name="Older entry", located_in=LocalAuthority.objects.get(name="Leeds"))
    assert not SearchDocument.objects.exists() and not MapItem.objects.exists()
    out = StringIO()
    call_command("prepare", stdout=out)
    assert SearchDocument.objects.filter(title="Older entry").exists()
    assert MapItem.objects.filter(title="Older entry").count() == 1
    assert "Map rebuilt" in out.getvalue()
    again = StringIO()
    call_command("prepare", stdout=again)
    assert again.getvalue() == ""
