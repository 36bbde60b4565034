"""What the forum tests share: a category, trusted members, and topics made through the services."""

from __future__ import annotations

import pytest

from bigsocnorth.forum import services
from bigsocnorth.forum.models import Category


@pytest.fixture
def category(db):
    return Category.objects.create(name="Ideas and innovation", slug="ideas", position=10)


@pytest.fixture
def make_trusted(db, password, category):
    """A member of two months whose first posts were approved: new posts are public at once."""
    from datetime import timedelta

    from django.utils import timezone

    from bigsocnorth.accounts.tests.factories import UserFactory
    from bigsocnorth.moderation.services import content_approve

    def make(**kwargs):
        person = UserFactory(
            password=password, date_joined=timezone.now() - timedelta(days=60), **kwargs
        )
        approver = UserFactory(role="moderator")
        earlier = services.topic_create(
            author=approver, category=category, title="Earlier conversations", body="Hello."
        )
        for text in ("My first post.", "My second post."):
            post = services.post_create(author=person, topic=earlier, body=text)
            content_approve(actor=approver, content=post)
        return person

    return make


@pytest.fixture
def topic(category, moderator):
    """A published topic, started by a moderator."""
    return services.topic_create(
        author=moderator,
        category=category,
        title="Sharing a minibus between groups",
        body="Has anyone shared a minibus between three or four groups? How did you insure it?",
    )
