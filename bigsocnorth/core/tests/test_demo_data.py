"""Demo data: every registered set loaded in order, on the first run only, passwords shown last.

What each app's demo holds is tested with that app (accounts, directory,
stories); here the loader itself, with sets of its own and with the real ones.
"""

from __future__ import annotations

import re
import stat
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from bigsocnorth.core.demo import registry
from bigsocnorth.core.demo.registry import DemoLogin, DemoResult


@pytest.fixture(autouse=True)
def _own_var_dir(settings, tmp_path):
    # The demo keeps its logins in VAR_DIR: a folder of the test's own.
    settings.VAR_DIR = tmp_path


def _load() -> str:
    out = StringIO()
    call_command("load_demo_data", first_run_only=True, stdout=out)
    return out.getvalue()


@pytest.fixture
def only_these_sets(monkeypatch):
    """Replace the registered sets with the test's own."""
    monkeypatch.setattr(registry, "_sets", {})
    return registry.register_demo


def _person(email: str):
    return get_user_model().objects.create_user(email=email, password=None)


def test_sets_load_in_order_and_the_logins_come_last_in_a_box(db, only_these_sets):
    loaded = []

    def people():
        loaded.append("people")
        _person("someone@example.org")
        return DemoResult(
            summary=["People: 1."],
            logins=[DemoLogin(email="someone@example.org", role="member", password="pw-1")],
        )

    def things():
        loaded.append("things")
        return DemoResult(summary=["Things: 2.", "More things: 3."])

    only_these_sets("things", load=things, order=20)
    only_these_sets("people", load=people, order=10)
    lines = _load().splitlines()
    assert loaded == ["people", "things"]
    assert lines[:3] == ["People: 1.", "Things: 2.", "More things: 3."]
    box = lines[3:]
    assert box[0] == box[-1] and set(box[0]) == {"="}
    assert box[1] == "Log in as:"
    assert re.fullmatch(r"\s+member\s+someone@example\.org\s+password: pw-1", box[2])
    assert box[3] == "They are for development only. `manage.py demo_logins` shows them again."
    assert len(box) == 5


def test_each_set_has_a_transaction_of_its_own(db, only_these_sets):
    def first():
        _person("first@example.org")
        return DemoResult(summary=["First."])

    def broken():
        _person("broken@example.org")
        raise RuntimeError("half way")

    only_these_sets("first", load=first, order=1)
    only_these_sets("broken", load=broken, order=2)
    with pytest.raises(RuntimeError):
        _load()
    emails = set(get_user_model().objects.values_list("email", flat=True))
    assert emails == {"first@example.org"}


def test_no_logins_no_box(db, only_these_sets):
    only_these_sets("things", load=lambda: DemoResult(summary=["Things."]), order=1)
    assert _load() == "Things.\n"


def test_first_run_only_leaves_a_database_with_real_people_alone(db, member, only_these_sets):
    def never():
        raise AssertionError("Nothing is loaded when people have accounts.")

    only_these_sets("never", load=never, order=1)
    assert _load() == ""
    assert get_user_model().objects.count() == 1


def test_the_real_demo_prints_passwords_that_log_in_and_a_second_run_changes_nothing(db, client):
    output = _load()
    tail = output.splitlines()[-7:]
    assert set(tail[0]) == {"="} and tail[1] == "Log in as:" and set(tail[-1]) == {"="}
    roles = [line.split()[0] for line in tail[2:5]]
    assert roles == ["member", "moderator", "admin"]
    password = re.search(r"member@example\.org\s+password: (\S+)", output).group(1)
    response = client.post(
        "/accounts/login/", {"login": "member@example.org", "password": password}
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="member@example.org")
    assert client.session.get("_auth_user_id") == str(user.pk)

    users = get_user_model().objects.count()
    assert _load() == ""
    assert get_user_model().objects.count() == users

    # The passwords can be shown again, from a file only this user can read.
    again = StringIO()
    call_command("demo_logins", stdout=again)
    assert f"member@example.org       password: {password}\n" in again.getvalue()
    assert "changed since" not in again.getvalue()
    kept = Path(settings.VAR_DIR) / "demo-logins.json"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    user.set_password("a new password of mine")
    user.save()
    again = StringIO()
    call_command("demo_logins", stdout=again)
    assert "(changed since the demo was loaded)" in again.getvalue().splitlines()[2]


def test_demo_logins_without_a_demo_says_so(db):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "no demo logins" in out.getvalue()


def test_prepare_migrates_and_loads_demo_data_once(db):
    out = StringIO()
    call_command("prepare", demo_data=True, stdout=out)
    assert "member@example.org" in out.getvalue()
    again = StringIO()
    call_command("prepare", demo_data=True, stdout=again)
    assert again.getvalue() == ""
