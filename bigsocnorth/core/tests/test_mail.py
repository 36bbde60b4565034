"""Mail leaves the web request through the task queue and the worker delivers it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from bigsocnorth.core.mail import message_to_payload, payload_to_message

QUEUED_THEN_LOCMEM = {
    "default": {"BACKEND": "bigsocnorth.core.mail.TaskQueueEmailBackend"},
    "delivery": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
}
IMMEDIATE = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": settings.TASK_QUEUES,
    }
}


def test_a_message_survives_the_trip_through_json():
    message = EmailMultiAlternatives(
        subject="Welcome",
        body="Plain text",
        from_email="from@example.org",
        to=["to@example.org"],
        cc=["cc@example.org"],
        reply_to=["reply@example.org"],
        headers={"X-Thing": "1"},
    )
    message.attach_alternative("<p>HTML</p>", "text/html")
    copy = payload_to_message(message_to_payload(message))
    assert copy.subject == "Welcome"
    assert copy.body == "Plain text"
    assert copy.to == ["to@example.org"]
    assert copy.cc == ["cc@example.org"]
    assert copy.reply_to == ["reply@example.org"]
    assert copy.extra_headers == {"X-Thing": "1"}
    assert [(a.content, a.mimetype) for a in copy.alternatives] == [("<p>HTML</p>", "text/html")]


def test_attachments_are_refused_rather_than_dropped():
    message = EmailMultiAlternatives(subject="x", body="y", to=["a@example.org"])
    message.attach("data.json", "{}", "application/json")
    with pytest.raises(ValueError, match="attachments"):
        message_to_payload(message)


@override_settings(MAILERS=QUEUED_THEN_LOCMEM, TASKS=IMMEDIATE)
def test_sending_mail_enqueues_a_task_that_delivers_it():
    sent = send_mail("Hello", "Body", "from@example.org", ["to@example.org"])
    assert sent == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Hello"


@pytest.mark.django_db(transaction=True)
@override_settings(MAILERS=QUEUED_THEN_LOCMEM)
def test_the_database_queue_holds_mail_until_the_worker_delivers_it(tmp_path):
    send_mail("Queued", "Body", "from@example.org", ["to@example.org"])
    assert len(mail.outbox) == 0
    queued = DBTaskResult.objects.get()
    assert queued.queue_name == "email"
    assert queued.status == "READY"

    # Run the real worker in another process, as `make run` does, delivering
    # to files so the test can read what it sent.
    from django.db import connection

    env_script = (
        "import os, sys; "
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
        "import django; from django.conf import settings; "
        "django.setup(); "
        "settings.MAILERS['delivery'] = {'BACKEND': "
        "'django.core.mail.backends.filebased.EmailBackend', "
        f"'OPTIONS': {{'file_path': {str(tmp_path)!r}}}}}; "
        "from django.core.management import call_command; "
        "call_command('db_worker', queue_name='*', batch=True, no_startup_delay=True, reload=False)"
    )
    from bigsocnorth.core.tests.test_concurrent_writes import _child_env

    assert connection.vendor in {"sqlite", "postgresql"}
    result = subprocess.run(
        [sys.executable, "-c", env_script],
        cwd=settings.BASE_DIR,
        env=_child_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    delivered = "".join(path.read_text() for path in tmp_path.iterdir())
    assert "Subject: Queued" in delivered
    assert "to@example.org" in delivered


def test_the_development_mailer_prints_links_whole_and_text_decoded():
    import io

    from django.core.mail import EmailMessage

    from bigsocnorth.core.mail import ReadableConsoleEmailBackend

    link = "http://127.0.0.1:8000/accounts/confirm-email/" + "Mw:1vS3x2:" + "a" * 80 + "/"
    stream = io.StringIO()
    message = EmailMessage(
        subject="Confirm your address for the Hebden Bridge café",
        body=f"Hello Siân,\n\nOpen this link to confirm:\n{link}\n",
        from_email="noreply@localhost",
        to=["sian@example.org"],
    )
    ReadableConsoleEmailBackend(stream=stream).send_messages([message])

    printed = stream.getvalue()
    assert link in printed.splitlines()
    assert "Subject: Confirm your address for the Hebden Bridge café" in printed
    assert "Hello Siân," in printed
    assert "=\n" not in printed and "=3D" not in printed
