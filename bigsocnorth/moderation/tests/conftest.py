import pytest

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory


@pytest.fixture
def author(db):
    return UserFactory()


@pytest.fixture
def entry(author):
    """A published directory entry: the first registered content type."""
    return EntryFactory(author=author)


@pytest.fixture
def flaggers(db):
    return UserFactory.create_batch(3)
