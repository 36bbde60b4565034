"""What the messaging tests share: a few people, and a way to start a conversation."""

from __future__ import annotations

import pytest

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.messaging import services


def person(name: str, **kwargs):
    """A member with a verified email address and a profile under this name."""
    user = UserFactory(**kwargs)
    user.profile.display_name = name
    user.profile.save(update_fields=["display_name"])
    return user


@pytest.fixture
def ann(db, password):
    return person("Ann Ashworth", password=password)


@pytest.fixture
def bob(db, password):
    return person("Bob Barraclough", password=password)


@pytest.fixture
def carol(db, password):
    return person("Carol Cartwright", password=password)


@pytest.fixture
def start():
    """start(sender, *recipients, subject=..., body=..., about=None) → Conversation."""

    def make(sender, *recipients, subject="Lift to the hospital", body="Can you help?", **kwargs):
        return services.conversation_start(
            sender=sender, recipients=list(recipients), subject=subject, body=body, **kwargs
        )

    return make
