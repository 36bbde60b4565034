"""`make run` serves the web, the worker and the digest scheduler together; Ctrl-C stops them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings

from bigsocnorth.core.tests.test_concurrent_writes import _child_env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children_of(pid: int) -> list[int]:
    result = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False
    )
    return [int(line) for line in result.stdout.split()]


@pytest.mark.django_db(transaction=True)
def test_serve_answers_and_ctrl_c_stops_web_worker_and_scheduler():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port), "--workers", "1"],
        cwd=settings.BASE_DIR,
        env=_child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read().decode()
                break
            except OSError:
                time.sleep(0.3)
        assert body == '{"status": "ok", "database": "ok"}'
        children = _children_of(process.pid)
        assert len(children) == 3  # the web server, the task worker, the digest scheduler
        grandchildren = [pid for child in children for pid in _children_of(child)]
        assert grandchildren  # granian's worker process

        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
        assert process.returncode == 0, output
        assert "Stopped." in output
        for child in children + grandchildren:
            with pytest.raises(ProcessLookupError):
                os.kill(child, 0)
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.django_db(transaction=True)
def test_if_the_scheduler_dies_everything_stops(tmp_path):
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--port", str(port), "--workers", "1"],
            cwd=settings.BASE_DIR,
            env=_child_env(),
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        children = _children_of(process.pid)
        schedulers = [
            child
            for child in children
            if "manage.py scheduler"
            in subprocess.run(
                ["ps", "-o", "args=", "-p", str(child)], capture_output=True, text=True, check=False
            ).stdout
        ]
        assert len(schedulers) == 1

        os.kill(schedulers[0], signal.SIGKILL)
        process.wait(timeout=30)

        assert process.returncode != 0
        assert "The scheduler process stopped" in log.read_text()
        for child in children:
            with pytest.raises(ProcessLookupError):
                os.kill(child, 0)
    finally:
        if process.poll() is None:
            process.kill()
