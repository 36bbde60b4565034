"""The platform as production runs it, on one machine: `make run-scaled`.

nginx balances requests over several app processes and serves static files
and uploads itself; PostgreSQL holds the data and the task queue; Redis holds
what every process must share (sessions, rate limits, throttles, the content
version, the scheduler's claims); task workers and a scheduler run beside
them. PostgreSQL is a cluster of its own under `var/scaled/postgres` unless
DATABASE_URL names one; Redis is a server of its own unless REDIS_URL names
one. Nothing here holds state the processes do not share, so any of them can
die: the supervisor starts it again, nginx sends requests to the others
meanwhile, and a task that was running is run again (core/tasks_recovery.py).

`manage.py serve_scaled` runs this until Ctrl-C, which stops everything.
The state file (`var/scaled/state.json`) says which process is which, for
whoever wants to look, or to kill one on purpose (bench/bench_load.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

# A child that dies is started again at once, but no more often than this.
RESTART_PAUSE_SECONDS = 1.0
READY_TIMEOUT_SECONDS = 90


class DeploymentError(Exception):
    """The deployment could not start; the message says why and what to do."""


@dataclass
class Child:
    role: str  # app, worker, scheduler, redis, nginx
    index: int
    command: list[str]
    port: int | None = None
    process: subprocess.Popen | None = None
    restarts: int = 0
    started_at: float = 0.0

    @property
    def name(self) -> str:
        return f"{self.role}-{self.index}"


@dataclass
class ScaledOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    app_processes: int = 3
    workers: int = 2
    schedulers: int = 1
    threads: int = 4  # per app process: Django is synchronous
    demo_data: bool = True
    base_dir: Path = field(default_factory=lambda: Path.cwd())
    var_dir: Path = field(default_factory=lambda: Path.cwd() / "var")
    static_root: Path | None = None
    media_root: Path | None = None
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def program(name: str, *extra_dirs: str) -> str:
    """The path of an installed program, or DeploymentError saying how to get it."""
    found = shutil.which(name) or next(
        (str(Path(folder) / name) for folder in extra_dirs if (Path(folder) / name).exists()),
        None,
    )
    if not found:
        raise DeploymentError(
            f"{name} was not found. `make run-scaled` installs it "
            "(scripts/ensure-scaled-services); or install it with apt-get."
        )
    return found


def _as_postgres_user(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: run its programs as the postgres account.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class PostgresCluster:
    """A PostgreSQL cluster of the deployment's own, under `directory`, on loopback only."""

    DATABASE = "bigsocnorth"

    def __init__(self, directory: Path):
        self.directory = directory
        self.data = directory / "data"
        self.password_file = directory / "password"
        self.log = directory / "postgres.log"
        self.port: int | None = None
        self._bin = [str(p) for p in sorted(Path("/usr/lib/postgresql").glob("*/bin"))]

    def _run(self, command: list[str]) -> None:
        result = subprocess.run(  # noqa: S603
            _as_postgres_user(command), capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise DeploymentError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")

    def start(self) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            # The postgres account must reach its folder (traverse, not list).
            for folder in (self.directory, *self.directory.parents):
                if folder == Path("/"):
                    break
                mode = folder.stat().st_mode
                if not mode & 0o001:
                    folder.chmod(mode | 0o001)
            shutil.chown(self.directory, "postgres", "postgres")
        if not (self.data / "PG_VERSION").exists():
            password = secrets.token_urlsafe(24)
            pwfile = self.directory / "initial-password"
            pwfile.write_text(password + "\n")
            pwfile.chmod(0o600)
            if os.geteuid() == 0:
                shutil.chown(pwfile, "postgres", "postgres")
            try:
                self._run(
                    [
                        program("initdb", *self._bin),
                        f"--pgdata={self.data}",
                        "--username=postgres",
                        f"--pwfile={pwfile}",
                        "--auth=scram-sha-256",
                        "--encoding=UTF8",
                        "--locale=C.UTF-8",
                    ]
                )
            finally:
                pwfile.unlink(missing_ok=True)
            self.password_file.write_text(password)
            self.password_file.chmod(0o600)
        self.port = free_port()
        self._run(
            [
                program("pg_ctl", *self._bin),
                f"--pgdata={self.data}",
                f"--log={self.log}",
                "--wait",
                "--timeout=60",
                "-o",
                f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                f"-c unix_socket_directories='' -c max_connections=200",
                "start",
            ]
        )
        password = self.password_file.read_text().strip()
        self._database_create(password)
        return f"postgres://postgres:{password}@127.0.0.1:{self.port}/{self.DATABASE}"

    def _database_create(self, password: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            password=password,
            dbname="postgres",
            autocommit=True,
        ) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.DATABASE]
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{self.DATABASE}"')

    def stop(self) -> None:
        if self.port is None:
            return
        with contextlib.suppress(DeploymentError):
            self._run(
                [program("pg_ctl", *self._bin), f"--pgdata={self.data}", "-m", "fast", "stop"]
            )
        self.port = None


def nginx_config(
    *, options: ScaledOptions, app_ports: list[int], run_dir: Path, static_root: Path,
    media_root: Path,
) -> str:  # fmt: skip
    upstreams = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;" for port in app_ports
    )
    # nginx's workers read the files the platform wrote (0640, its own user's):
    # as root they would otherwise switch to nobody, who cannot.
    user = "user root root;" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {run_dir / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""# Written by core/scaled.py at each start; edits are lost.
{user}
worker_processes auto;
daemon off;
pid {run_dir / "nginx.pid"};
error_log stderr warn;

events {{
    worker_connections 2048;
}}

http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    server_tokens off;
    sendfile on;
    keepalive_timeout 30s;
{temp}
    # The largest upload the platform takes (a directory CSV file).
    client_max_body_size 60m;

    upstream app {{
        least_conn;
{upstreams}
        keepalive 64;
    }}

    server {{
        listen {options.host}:{options.port};

        # Hashed file names never change: cached for a year.
        location ~ "^/static/(.+\\.[0-9a-f]{{12}}\\.[A-Za-z0-9]+)$" {{
            alias {static_root}/$1;
            gzip_static on;
            add_header Cache-Control "public, max-age=31536000, immutable";
        }}
        location /static/ {{
            alias {static_root}/;
            gzip_static on;
            add_header Cache-Control "public, max-age=60";
        }}
        # Uploads are images the platform re-encoded; nothing in them runs.
        location /media/ {{
            alias {media_root}/;
            add_header X-Content-Type-Options nosniff;
            add_header Content-Security-Policy "default-src 'none'; sandbox";
            add_header Cache-Control "public, max-age=86400";
        }}

        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A process that died is skipped; a request it never received goes
            # to another (nginx never resends one an app process may have run).
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 3;
            proxy_connect_timeout 2s;
            proxy_read_timeout 120s;
        }}
    }}
}}
"""


class ScaledDeployment:
    def __init__(self, options: ScaledOptions, *, out: TextIO | None = None):
        self.options = options
        self.out = out or sys.stdout
        self.scaled_dir = options.var_dir / "scaled"
        self.run_dir = self.scaled_dir / "run"
        self.state_file = self.scaled_dir / "state.json"
        self.children: list[Child] = []
        self.postgres: PostgresCluster | None = None
        self.env: dict[str, str] = {}
        self._out_lock = threading.Lock()

    # --- output ---------------------------------------------------------------

    def say(self, line: str) -> None:
        with self._out_lock:
            self.out.write(line.rstrip("\n") + "\n")
            self.out.flush()

    def _relay(self, child: Child, stream) -> None:
        for raw in iter(stream.readline, b""):
            self.say(f"[{child.name}] {raw.decode(errors='replace').rstrip()}")
        stream.close()

    # --- starting -------------------------------------------------------------

    def start(self) -> None:
        options = self.options
        self.run_dir.mkdir(parents=True, exist_ok=True)
        env = dict(options.environ)
        env["VAR_DIR"] = str(options.var_dir)
        if options.static_root:
            env["STATIC_ROOT"] = str(options.static_root)
        if options.media_root:
            env["MEDIA_ROOT"] = str(options.media_root)

        database_url = env.get("DATABASE_URL", "")
        if not database_url:
            self.postgres = PostgresCluster(self.scaled_dir / "postgres")
            database_url = self.postgres.start()
            self.say(f"PostgreSQL: a cluster of its own in {self.postgres.data}")
        env["DATABASE_URL"] = database_url

        if not env.get("REDIS_URL"):
            redis_port = free_port()
            redis_dir = self.scaled_dir / "redis"
            redis_dir.mkdir(parents=True, exist_ok=True)
            redis = Child(
                role="redis",
                index=1,
                port=redis_port,
                # Redis holds only what can be lost (the database has sessions
                # and the queue): nothing is written to disk.
                command=[
                    program("redis-server", "/usr/sbin"),
                    "--bind", "127.0.0.1",
                    "--port", str(redis_port),
                    "--save", "",
                    "--appendonly", "no",
                    "--dir", str(redis_dir),
                    "--loglevel", "warning",
                ],
            )  # fmt: skip
            self.children.append(redis)
            env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        # Behind nginx: the client's address is the last one it adds.
        env["TRUSTED_PROXY_COUNT"] = "1"
        env["SERVE_MEDIA"] = "false"  # nginx serves uploads
        env.setdefault("SITE_URL", f"http://{options.host}:{options.port}")
        self.env = env

        for child in self.children:  # Redis first: preparing uses the cache
            self._spawn(child)
        self._prepare()

        python = sys.executable
        for index in range(1, options.app_processes + 1):
            port = free_port()
            app = [
                python, "-m", "granian",
                "--interface", "wsgi",
                "--host", "127.0.0.1",
                "--port", str(port),
                "--workers", "1",
                "--blocking-threads", str(options.threads),
                "--no-ws",
                "config.wsgi:application",
            ]  # fmt: skip
            self.children.append(Child(role="app", index=index, port=port, command=app))
        for index in range(1, options.workers + 1):
            # No --worker-id: each start gets a new one, so a worker started
            # again after a crash is not taken for the one that died, whose
            # tasks are then queued again (core/tasks_recovery.py).
            worker = [
                python, "manage.py", "task_worker",
                "--queue-name", "*",
                "--no-reload",
                "--interval", "1",
            ]  # fmt: skip
            self.children.append(Child(role="worker", index=index, command=worker))
        for index in range(1, options.schedulers + 1):
            # -v 2: each scheduler says which job it ran in which tick.
            command = [python, "manage.py", "scheduler", "--verbosity", "2"]
            self.children.append(Child(role="scheduler", index=index, command=command))

        static_root = options.static_root or options.var_dir / "static"
        media_root = options.media_root or options.var_dir / "media"
        media_root.mkdir(parents=True, exist_ok=True)
        app_ports = [child.port for child in self.children if child.role == "app"]
        config = self.scaled_dir / "nginx.conf"
        config.write_text(
            nginx_config(
                options=options,
                app_ports=app_ports,
                run_dir=self.run_dir,
                static_root=static_root,
                media_root=media_root,
            )
        )
        nginx = program("nginx", "/usr/sbin")
        check = subprocess.run(  # noqa: S603
            [nginx, "-t", "-q", "-c", str(config), "-p", str(self.run_dir)],
            capture_output=True,
            text=True,
            check=False,
        )
        if check.returncode != 0:
            raise DeploymentError(f"nginx refused its configuration: {check.stderr.strip()}")
        self.children.append(
            Child(
                role="nginx",
                index=1,
                port=options.port,
                command=[nginx, "-c", str(config), "-p", str(self.run_dir)],
            )
        )
        for child in self.children:
            if child.process is None:
                self._spawn(child)
        self._wait_ready()
        self._state_write()

    def _prepare(self) -> None:
        command = [sys.executable, "manage.py", "prepare"]
        if self.options.demo_data:
            command.append("--demo-data")
        self.say("Preparing the database (migrations; demo data on the first run)...")
        result = subprocess.run(  # noqa: S603
            command, cwd=self.options.base_dir, env=self.env, check=False
        )
        if result.returncode != 0:
            raise DeploymentError("Preparing the database failed (see above).")

    def _spawn(self, child: Child) -> None:
        child.process = subprocess.Popen(  # noqa: S603
            child.command,
            cwd=self.options.base_dir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            # A group of its own: stopping it stops whatever it started.
            start_new_session=True,
        )
        child.started_at = time.monotonic()
        threading.Thread(
            target=self._relay, args=(child, child.process.stdout), daemon=True
        ).start()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        addresses = [
            f"http://127.0.0.1:{child.port}/healthz"
            for child in self.children
            if child.role == "app"
        ]
        addresses.append(f"http://{self.options.host}:{self.options.port}/healthz")
        for address in addresses:
            while True:
                dead = [c.name for c in self.children if c.process and c.process.poll() is not None]
                if dead and any(not name.startswith(("worker", "scheduler")) for name in dead):
                    raise DeploymentError(f"{', '.join(dead)} stopped while starting (see above).")
                try:
                    with urllib.request.urlopen(address, timeout=2) as answer:  # noqa: S310
                        if answer.status == 200:
                            break
                except (urllib.error.URLError, OSError):
                    pass
                if time.monotonic() > deadline:
                    raise DeploymentError(f"{address} did not answer within the time allowed.")
                time.sleep(0.3)

    def _state_write(self) -> None:
        state = {
            "url": f"http://{self.options.host}:{self.options.port}",
            "database_url": self.env["DATABASE_URL"],
            "redis_url": self.env["REDIS_URL"],
            "processes": [
                {
                    "name": child.name,
                    "role": child.role,
                    "pid": child.process.pid if child.process else None,
                    "port": child.port,
                    "restarts": child.restarts,
                }
                for child in self.children
            ],
        }
        partial = self.state_file.with_suffix(".partial")
        partial.write_text(json.dumps(state, indent=2))
        partial.chmod(0o600)  # it holds the database's password
        partial.replace(self.state_file)

    # --- running and stopping -----------------------------------------------

    def supervise(self, stopping: Callable[[], bool]) -> None:
        """Start again any child that dies, until `stopping()` says so."""
        while not stopping():
            changed = False
            for child in self.children:
                code = child.process.poll() if child.process else None
                if code is None:
                    continue
                if time.monotonic() - child.started_at < RESTART_PAUSE_SECONDS:
                    continue
                self.say(f"{child.name} stopped (exit code {code}); starting it again.")
                _signal_group(child.process, signal.SIGKILL)  # what it left behind
                child.restarts += 1
                self._spawn(child)
                changed = True
            if changed:
                self._state_write()
            time.sleep(0.2)

    def stop(self) -> None:
        # nginx first, so nothing new arrives; Redis last, as the others use it.
        order = {"nginx": 0, "app": 1, "scheduler": 2, "worker": 3, "redis": 4}
        children = sorted(self.children, key=lambda child: order[child.role])
        for child in children:
            if child.process and child.process.poll() is None:
                _signal_group(child.process, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child.process, signal.SIGKILL)
                child.process.wait()
            _signal_group(child.process, signal.SIGKILL)
        if self.postgres:
            self.postgres.stop()
        self.state_file.unlink(missing_ok=True)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)
