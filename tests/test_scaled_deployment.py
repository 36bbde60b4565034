"""`make run-scaled` in small: nginx, two app processes, PostgreSQL, Redis, a task
worker and two schedulers, started by the real command (core/scaled.py).

What must hold whichever process answers: a session made by one process is
known to the other, the sixth wrong password for an account is refused by
either, each scheduled job runs once a tick however many schedulers run, and
an app process killed outright is replaced while nginx keeps answering.

On PostgreSQL runs (DATABASE_URL set) the deployment gets a database of its
own on that server; otherwise it starts a PostgreSQL cluster of its own, as
`make run-scaled` does on a machine without DATABASE_URL.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import httpx
import pytest
from django.conf import settings
from django.urls import reverse

from bigsocnorth.core.scaled import free_port

STARTUP_SECONDS = 240
TICK_SECONDS = 2
PASSWORD = "a long and unguessable passphrase"


def _static_root(tmp: Path) -> Path:
    """Production mode serves hashed static files: the collected ones, or collect them."""
    collected = Path(settings.STATIC_ROOT)
    if (collected / "staticfiles.json").exists():
        return collected
    target = tmp / "static"
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "STATIC_ROOT": str(target), "DEBUG": "false", **_production(tmp)},
        check=True,
        timeout=300,
    )
    return target


def _production(tmp: Path) -> dict[str, str]:
    return {
        "SECRET_KEY": "a test secret that is long enough to satisfy the deploy checks " * 2,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "VAR_DIR": str(tmp),
        "REQUIRE_STAFF_TWO_FACTOR": "false",
    }


@pytest.fixture(scope="module")
def scaled():
    # Not under pytest's own temporary folder: pytest keeps that private to its
    # user, and as root the PostgreSQL cluster runs as the postgres account.
    tmp = Path(tempfile.mkdtemp(prefix="bigsocnorth-scaled-"))
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(_production(tmp))
    env.update(
        {
            "DEBUG": "false",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "STATIC_ROOT": str(_static_root(tmp)),
            "SCHEDULER_TICK_SECONDS": str(TICK_SECONDS),
            "LOGIN_FAILED_RATE_LIMIT": "100/m/ip,5/5m/key",
        }
    )
    scratch_database = None
    server_url = os.environ.get("DATABASE_URL")
    if server_url:
        # A database of its own on the PostgreSQL server the suite runs on.
        import psycopg

        config = dj_database_url.parse(server_url)
        scratch_database = f"scaled_{uuid.uuid4().hex[:10]}"
        admin = {
            "host": config["HOST"] or "127.0.0.1",
            "port": config["PORT"] or 5432,
            "user": config["USER"] or "postgres",
            "password": config["PASSWORD"] or None,
            "dbname": "postgres",
            "autocommit": True,
        }
        with psycopg.connect(**admin) as connection:
            connection.execute(f'CREATE DATABASE "{scratch_database}"')
        env["DATABASE_URL"] = urlunsplit(urlsplit(server_url)._replace(path=f"/{scratch_database}"))

    log_path = tmp / "serve_scaled.log"
    log = log_path.open("w")
    command = [
        sys.executable, "manage.py", "serve_scaled",
        "--port", str(port),
        "--app-processes", "2",
        "--workers", "1",
        "--schedulers", "2",
        "--no-demo-data",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    state_file = tmp / "scaled" / "state.json"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while "behind nginx" not in log_path.read_text():
            if process.poll() is not None:
                pytest.fail(f"serve_scaled stopped while starting:\n{log_path.read_text()[-5000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"serve_scaled did not start in time:\n{log_path.read_text()[-5000:]}")
            time.sleep(0.5)
        state = json.loads(state_file.read_text())
        state["env"] = {
            **env,
            "DATABASE_URL": state["database_url"],
            "REDIS_URL": state["redis_url"],
        }
        state["log"] = log_path
        state["apps"] = [
            f"http://127.0.0.1:{p['port']}" for p in state["processes"] if p["role"] == "app"
        ]
        state["state_file"] = state_file
        yield state
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
        if scratch_database:
            with psycopg.connect(**admin) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{scratch_database}" WITH (FORCE)')
    # Ctrl-C stops everything it started, PostgreSQL included.
    assert "Stopped." in log_path.read_text()
    left = subprocess.run(
        ["pgrep", "-f", str(tmp)], capture_output=True, text=True, check=False
    ).stdout.split()
    assert left == [], f"processes left running: {left}"
    shutil.rmtree(tmp, ignore_errors=True)


def _shell(scaled, code: str) -> str:
    """Run Python in the deployment's own environment (its database, its Redis)."""
    ran = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=scaled["env"],
        check=False,
        timeout=120,
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 0, ran.stderr
    return ran.stdout


def _member(scaled, email: str) -> str:
    """A member with a verified email, made in the deployment's own database."""
    _shell(
        scaled,
        "from allauth.account.models import EmailAddress\n"
        "from bigsocnorth.accounts.models import User\n"
        f"user = User.objects.create_user(email={email!r}, password={PASSWORD!r})\n"
        f"EmailAddress.objects.create(user=user, email={email!r}, verified=True, primary=True)\n",
    )
    return email


def _client(base: str, address: str) -> httpx.Client:
    # Straight to one app process, with the header nginx would add.
    return httpx.Client(
        base_url=base, headers={"X-Forwarded-For": address}, timeout=30, follow_redirects=False
    )


def _log_in(client: httpx.Client, email: str, password: str) -> httpx.Response:
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return client.post(
        "/accounts/login/",
        data={"csrfmiddlewaretoken": token, "login": email, "password": password},
        headers={"Referer": f"{client.base_url}accounts/login/"},
    )


def test_a_session_made_by_one_process_is_known_to_the_other(scaled):
    email = _member(scaled, "session@example.org")
    first, second = scaled["apps"]
    profile = reverse("accounts:profile_edit")
    with _client(first, "198.51.100.10") as one, _client(second, "198.51.100.10") as other:
        assert other.get(profile).status_code == 302  # not signed in yet
        signed_in = _log_in(one, email, PASSWORD)
        assert signed_in.status_code == 302, signed_in.text[:2000]
        other.cookies = one.cookies
        page = other.get(profile)
        assert page.status_code == 200
        assert email in page.text


def test_the_sixth_wrong_password_is_refused_whichever_process_answers(scaled):
    email = _member(scaled, "throttle@example.org")
    first, second = scaled["apps"]
    clients = [_client(first, "198.51.100.20"), _client(second, "198.51.100.21")]
    try:
        for attempt in range(5):
            wrong = _log_in(clients[attempt % 2], email, "not the password at all")
            assert wrong.status_code == 200
            assert "Too many failed attempts" not in wrong.text
        for client in clients:  # both processes now refuse, even the right password
            refused = _log_in(client, email, PASSWORD)
            assert refused.status_code != 302
            assert "Too many failed attempts to log in" in refused.text
    finally:
        for client in clients:
            client.close()


def test_each_scheduled_job_runs_once_a_tick_however_many_schedulers_run(scaled):
    time.sleep(TICK_SECONDS * 3)  # a few ticks
    ran = defaultdict(list)  # (job, tick) -> schedulers that ran it
    seen = defaultdict(set)  # scheduler -> ticks it took part in
    pattern = re.compile(
        r"^\[(scheduler-\d)\] .*The scheduled job '(\w+)' (runs here|ran elsewhere) in tick (\d+)"
    )
    for line in scaled["log"].read_text().splitlines():
        match = pattern.match(line)
        if match:
            scheduler, job, verdict, tick = match.groups()
            seen[scheduler].add(int(tick))
            if verdict == "runs here":
                ran[job, int(tick)].append(scheduler)
    assert set(seen) == {"scheduler-1", "scheduler-2"}, "both schedulers must be ticking"
    common = seen["scheduler-1"] & seen["scheduler-2"]
    assert len(common) >= 2, "both schedulers ticked in the same ticks"
    # Jobs ran in the ticks both schedulers were in (a tick's job that ran late
    # falls in the next tick instead, so not every job is in every tick)...
    assert {tick for _job, tick in ran} & common
    # ...and no job ran twice in one tick.
    twice = {key: who for key, who in ran.items() if len(who) > 1}
    assert twice == {}


def test_an_app_process_killed_outright_is_replaced_and_nginx_keeps_answering(scaled):
    state = json.loads(scaled["state_file"].read_text())
    victim = next(p for p in state["processes"] if p["name"] == "app-1")
    os.killpg(victim["pid"], signal.SIGKILL)
    with httpx.Client(base_url=scaled["url"], timeout=30) as client:
        answers = [client.get("/healthz").status_code for _ in range(30)]
    assert set(answers) == {200}
    deadline = time.monotonic() + 60
    while True:
        state = json.loads(scaled["state_file"].read_text())
        replaced = next(p for p in state["processes"] if p["name"] == "app-1")
        if replaced["restarts"] == 1 and replaced["pid"] != victim["pid"]:
            break
        assert time.monotonic() < deadline, "app-1 was not started again"
        time.sleep(0.5)
    deadline = time.monotonic() + 60
    while True:  # the new process answers on the same port
        try:
            if httpx.get(f"http://127.0.0.1:{replaced['port']}/healthz").status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the new app-1 does not answer"
        time.sleep(0.5)


def _task_worker_ids(scaled) -> list[str]:
    shown = _shell(
        scaled,
        "from bigsocnorth.core.models import TaskWorker\n"
        "print(','.join(sorted(TaskWorker.objects.values_list('worker_id', flat=True))))",
    )
    return [worker for worker in shown.strip().splitlines()[-1].split(",") if worker]


def test_a_task_worker_killed_outright_comes_back_as_a_new_worker(scaled):
    """So the tasks the dead one was running are queued again, not left to a namesake."""
    (before,) = _task_worker_ids(scaled)
    state = json.loads(scaled["state_file"].read_text())
    victim = next(p for p in state["processes"] if p["name"] == "worker-1")
    os.killpg(victim["pid"], signal.SIGKILL)
    deadline = time.monotonic() + 90
    while True:
        workers = _task_worker_ids(scaled)
        if len(workers) == 2:
            break
        assert time.monotonic() < deadline, f"no new worker appeared: {workers}"
        time.sleep(1)
    assert before in workers  # the dead one's row stays until it is given up for lost
