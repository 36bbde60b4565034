"""The demo's notices stay on the site and are never emailed."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.notifications import digests
from bigsocnorth.notifications.demo import demo_notices_quieten
from bigsocnorth.notifications.models import Notification
from bigsocnorth.notifications.services import notify


def test_the_demo_notices_send_no_digest(db, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    people = UserFactory.create_batch(3)
    notify(recipients=people, kind="demo.test", message="A new group in Leeds", url="/")

    result = demo_notices_quieten()

    assert "3 notices" in result.summary[0]
    assert Notification.objects.filter(read_at__isnull=True).count() == 3  # still to read
    digests.scheduler_tick(now=timezone.now() + timedelta(days=1))
    assert mail.outbox == []

    # A notice made after the demo is emailed as usual.
    notify(recipients=people[:1], kind="demo.test", message="A new story", url="/")
    digests.scheduler_tick(now=timezone.now() + timedelta(days=2))
    assert [message.to for message in mail.outbox] == [[people[0].email]]
