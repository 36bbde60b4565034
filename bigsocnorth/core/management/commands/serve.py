"""Run the web server, the task worker and the scheduler together; Ctrl-C stops them.

`make run` uses this so a newcomer gets the whole platform from one command;
`make dev` adds --reload, which serves with Django's development server so the
web process and the task worker restart when the code changes.
If any process dies, the others are stopped too and the command fails, so
a half-running platform never looks healthy.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.env import env_int, env_str


class Command(BaseCommand):
    help = (
        "Serve the platform (granian), run the task worker and the scheduler (digests, "
        "news feeds) until interrupted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=env_str("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=env_int("PORT", 8000))
        parser.add_argument("--workers", type=int, default=env_int("WEB_WORKERS", 2))
        parser.add_argument(
            "--reload",
            action="store_true",
            help="Restart the web server and the task worker when the code changes (DEBUG on).",
        )

    def handle(self, *args, host, port, workers, reload, **options):
        if reload and not settings.DEBUG:
            raise CommandError("--reload is for development: it needs DEBUG on.")
        python = sys.executable
        web = [
            python, "-m", "granian",
            "--interface", "wsgi",
            "--host", host,
            "--port", str(port),
            "--workers", str(workers),
            # Django is synchronous: a few threads per worker, like gunicorn's gthread.
            "--blocking-threads", "4",
            "--no-ws",
            "config.wsgi:application",
        ]  # fmt: skip
        if reload:
            web = [python, "manage.py", "runserver", f"{host}:{port}"]
        worker = [
            python, "manage.py", "task_worker",
            "--queue-name", "*",
            "--reload" if reload else "--no-reload",
            "--interval", "1",
        ]  # fmt: skip
        # django.tasks has no scheduler: this runs the jobs that are due on a
        # clock, such as digests and news feeds (see core/scheduler.py).
        scheduler = [python, "manage.py", "scheduler"]
        cwd = str(settings.BASE_DIR)
        # Each child leads a process group of its own, so stopping it also stops
        # whatever it started (granian's worker processes), even after a kill.
        processes = {
            name: subprocess.Popen(command, cwd=cwd, start_new_session=True)  # noqa: S603
            for name, command in (("web", web), ("worker", worker), ("scheduler", scheduler))
        }
        self.stdout.write(
            self.style.SUCCESS(
                f"{settings.SITE_NAME} is on http://{host}:{port}/ (Ctrl-C stops it)"
            )
        )

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)

        exit_code = 0
        while not stopping:
            for name, process in processes.items():
                code = process.poll()
                if code is not None:
                    self.stderr.write(f"The {name} process stopped (exit code {code}); stopping.")
                    exit_code = code or 1
                    stopping = True
                    break
            time.sleep(0.3)

        for process in processes.values():
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in processes.values():
            remaining = max(0.1, deadline - time.monotonic())
            try:
                process.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
            # Anything the child left behind in its group goes too.
            _signal_group(process, signal.SIGKILL)
        self.stdout.write("Stopped.")
        if exit_code:
            sys.exit(exit_code)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    """Signal the child's whole process group; it may already be gone."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)
