"""Fixtures for the notifications tests: places, entries, and mail through an immediate worker."""

from __future__ import annotations

import pytest
from django.conf import settings

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.models import Category
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status
from bigsocnorth.places.models import LocalAuthority

# The task worker runs each task as soon as it is queued, and the delivery
# mailer keeps what it sends in django.core.mail.outbox.
IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": settings.TASK_QUEUES,
    }
}
QUEUED_THEN_LOCMEM = {
    "default": {"BACKEND": "bigsocnorth.core.mail.TaskQueueEmailBackend"},
    "delivery": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
}


@pytest.fixture
def worker(settings):
    """Tasks run at once (as the worker would) and mail lands in mail.outbox."""
    settings.TASKS = IMMEDIATE_TASKS
    settings.MAILERS = QUEUED_THEN_LOCMEM


@pytest.fixture
def kirklees(db) -> LocalAuthority:
    return LocalAuthority.objects.select_related("region").get(name="Kirklees")


@pytest.fixture
def leeds(db) -> LocalAuthority:
    return LocalAuthority.objects.select_related("region").get(name="Leeds")


@pytest.fixture
def housing(db) -> Category:
    return Category.objects.order_by("position", "pk").first()


@pytest.fixture
def people(db):
    return UserFactory.create_batch(4)


@pytest.fixture
def waiting_entry(member, kirklees, housing):
    """A member's entry in Kirklees, in the first category, waiting for review."""
    entry = EntryFactory(
        name="Huddersfield Food Bank",
        author=member,
        status=Status.IN_REVIEW,
        published_at=None,
    )
    entry.areas.add(kirklees)
    entry.categories.add(housing)
    return entry
