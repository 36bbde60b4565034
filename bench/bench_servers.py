"""Web servers: granian against gunicorn, serving the platform on this machine.

Both get the same worker count, the same SQLite database and the same load
(a fixed number of keep-alive connections sending GETs of the home page and
the health check). The load generator runs on the same cores, so absolute
figures are pessimistic; the ratio between the two servers is what counts.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.timing import Timing

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
CONNECTIONS = 8
REQUESTS_PER_CONNECTION = 400
PATHS = ["/", "/healthz"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _commands(port: int) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "granian": [
            python, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(WORKERS), "--blocking-threads", "4",
            "--no-ws", "--log-level", "warning",
            "config.wsgi:application",
        ],
        "gunicorn": [
            python, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
            "--worker-class", "gthread", "--threads", "4", "--log-level", "warning",
            "config.wsgi:application",
        ],
    }  # fmt: skip


def _wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("The server did not start within a minute.")


def _load(port: int) -> tuple[Timing, float]:
    samples: list[float] = []
    lock = threading.Lock()
    failures: list[str] = []

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for index in range(REQUESTS_PER_CONNECTION):
            path = PATHS[(number + index) % len(PATHS)]
            start = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                failures.append(f"{path}: {response.status}")
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CONNECTIONS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, e.g. {failures[:3]}")
    return Timing("latency", samples), len(samples) / elapsed


def run() -> None:
    with tempfile.TemporaryDirectory() as var_dir:
        env = dict(os.environ, VAR_DIR=var_dir, DEBUG="true")
        env.pop("DATABASE_URL", None)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        subprocess.run(
            [sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True
        )
        results = {}
        for name in ("granian", "gunicorn"):
            port = _free_port()
            command = _commands(port)[name]
            server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
            try:
                _wait_until_up(port)
                _load(port)  # warm up: imports, template caches, connections
                timing, throughput = _load(port)
            finally:
                server.terminate()
                server.wait(timeout=30)
            timing = Timing(f"{name} ({WORKERS} workers)", timing.samples_ms)
            results[name] = (timing, throughput)
            print(f"{timing.line()}  throughput={throughput:8.1f} req/s")
        granian, gunicorn = results["granian"], results["gunicorn"]
        print(
            f"ratio granian/gunicorn: throughput {granian[1] / gunicorn[1]:.2f}x, "
            f"p95 latency {gunicorn[0].p95 / granian[0].p95:.2f}x lower"
        )
