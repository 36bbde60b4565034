"""Settings: documented, safe in production, refusing to start when incomplete."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

import config.env

ROOT = Path(settings.BASE_DIR)
DOCS = ROOT / "docs" / "configuration.md"
ENV_READ = re.compile(
    r"""(?:env_(?:str|bool|int|list)\(|os\.environ\.get\(|os\.getenv\(|os\.environ\[)\s*["']([A-Z][A-Z0-9_]*)["']"""
)
# Read by tools rather than deployers: Django itself, pytest, the CI script.
NOT_DEPLOYER_SETTINGS = {"DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_WORKER"}


def _documented_names() -> set[str]:
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", DOCS.read_text(), flags=re.MULTILINE))


def _names_read_in_source() -> set[str]:
    names: set[str] = set()
    for folder in ("config", "bigsocnorth"):
        for path in (ROOT / folder).rglob("*.py"):
            if "tests" in path.parts:
                continue
            names.update(ENV_READ.findall(path.read_text()))
    return names - NOT_DEPLOYER_SETTINGS


def test_every_environment_variable_read_is_documented():
    read = _names_read_in_source() | config.env.READ_NAMES
    missing = sorted(read - _documented_names())
    assert not missing, f"Document these in docs/configuration.md: {missing}"


def test_the_documentation_lists_no_variable_the_code_does_not_read():
    stale = sorted(_documented_names() - _names_read_in_source() - config.env.READ_NAMES)
    assert not stale, f"docs/configuration.md lists variables nothing reads: {stale}"


def test_the_source_scan_finds_the_settings_module_reads():
    # Guards the regular expression itself: if it stopped matching, the
    # documentation test above would pass vacuously.
    names = _names_read_in_source()
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "HOST", "PORT"} <= names


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "SECRET_KEY_FILE", "ALLOWED_HOSTS", "DEBUG", "SITE_URL"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="bigsocnorth.example.org",
        SITE_URL="https://bigsocnorth.example.org",
        VAR_DIR=str(tmp_path),
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def test_production_deploy_check_reports_nothing(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "DEBUG", env=_production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "needs SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    env = _production_env(tmp_path)
    del env["ALLOWED_HOSTS"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "needs ALLOWED_HOSTS" in result.stderr


def test_production_refuses_to_start_without_its_public_address(tmp_path):
    env = _production_env(tmp_path)
    del env["SITE_URL"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "needs SITE_URL" in result.stderr


def test_production_reads_the_secret_key_from_a_file(tmp_path):
    key = secrets.token_urlsafe(60)
    (tmp_path / "key").write_text(key + "\n")
    env = _production_env(tmp_path, SECRET_KEY_FILE=str(tmp_path / "key"))
    del env["SECRET_KEY"]
    result = _manage(
        "shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)", env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == key

    env["SECRET_KEY_FILE"] = str(tmp_path / "missing")
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY_FILE cannot be read" in result.stderr


def test_what_an_old_key_signed_still_holds_while_it_is_a_fallback(tmp_path):
    old_key, new_key = secrets.token_urlsafe(60), secrets.token_urlsafe(60)
    sign = "from django.core import signing; print(signing.dumps('still signed in'))"
    signed = _manage("shell", "-c", sign, env=_production_env(tmp_path, SECRET_KEY=old_key))
    assert signed.returncode == 0, signed.stderr
    token = signed.stdout.strip().splitlines()[-1]
    check = f"from django.core import signing; print(signing.loads({token!r}))"

    kept = _manage(
        "shell", "-c", check,
        env=_production_env(tmp_path, SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=old_key),
    )  # fmt: skip
    assert kept.returncode == 0, kept.stderr
    assert kept.stdout.strip().splitlines()[-1] == "still signed in"

    dropped = _manage("shell", "-c", check, env=_production_env(tmp_path, SECRET_KEY=new_key))
    assert dropped.returncode != 0
    assert "BadSignature" in dropped.stderr


def test_production_over_plain_http_keeps_cookies_and_redirects_off(tmp_path):
    """`make run`: production mode on the local address, where there is no HTTPS."""
    env = _production_env(tmp_path, SITE_URL="http://127.0.0.1:8000")
    script = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
    )
    result = _manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["False", "False", "0"]

    result = _manage("shell", "-c", script, env=_production_env(tmp_path))
    assert result.stdout.split()[-3:] == ["True", "True", "31536000"]


def test_a_malformed_boolean_setting_is_refused_with_its_name(tmp_path):
    env = _production_env(tmp_path, DEBUG="perhaps")
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_development_generates_a_secret_key_once_and_keeps_it(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env["VAR_DIR"] = str(tmp_path)
    script = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = _manage("shell", "-c", script, env=env)
    second = _manage("shell", "-c", script, env=env)
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text().strip()
    assert len(key) >= 50
    assert first.stdout.strip().splitlines()[-1] == key
    assert second.stdout.strip().splitlines()[-1] == key
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_sqlite_runs_in_wal_mode_with_normal_synchronous(db, django_db_blocker):
    from django.db import connection

    if connection.vendor != "sqlite":
        assert connection.vendor == "postgresql"
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1  # NORMAL
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
