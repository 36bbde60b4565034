"""Serve the platform as production does, on one machine: `make run-scaled`.

nginx in front of several app processes, PostgreSQL, Redis, task workers and
the scheduler (core/scaled.py); Ctrl-C stops them all.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bigsocnorth.core.scaled import DeploymentError, ScaledDeployment, ScaledOptions
from config.env import env_int, env_str


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Serve the platform behind nginx with several app processes, PostgreSQL, Redis, "
        "task workers and the scheduler, until interrupted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=env_str("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=env_int("PORT", 8000))
        parser.add_argument("--app-processes", type=_positive, default=3)
        parser.add_argument("--workers", type=_positive, default=2, help="Task workers.")
        parser.add_argument("--schedulers", type=_positive, default=1)
        parser.add_argument(
            "--no-demo-data",
            action="store_false",
            dest="demo_data",
            help="Do not load the demo data into an empty database.",
        )

    def handle(self, *args, host, port, app_processes, workers, schedulers, demo_data, **options):
        deployment = ScaledDeployment(
            ScaledOptions(
                host=host,
                port=port,
                app_processes=app_processes,
                workers=workers,
                schedulers=schedulers,
                demo_data=demo_data,
                base_dir=Path(settings.BASE_DIR),
                var_dir=Path(settings.VAR_DIR),
                static_root=Path(settings.STATIC_ROOT),
                media_root=Path(settings.MEDIA_ROOT),
            ),
            out=self.stdout,
        )
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            deployment.start()
            self.stdout.write(
                self.style.SUCCESS(
                    f"{settings.SITE_NAME} is on http://{host}:{port}/ behind nginx, with "
                    f"{app_processes} app processes and {workers} task workers "
                    "(Ctrl-C stops it)"
                )
            )
            deployment.supervise(lambda: stopping)
        except DeploymentError as error:
            deployment.stop()
            raise CommandError(str(error)) from None
        except BaseException:
            deployment.stop()
            raise
        deployment.stop()
        self.stdout.write("Stopped.")
        sys.stdout.flush()
