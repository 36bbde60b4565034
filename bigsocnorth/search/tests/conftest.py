import pytest

from bigsocnorth.directory.models import Category
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.search.services import search_document_sync


@pytest.fixture
def leeds(db):
    return LocalAuthority.objects.get(slug="leeds")


@pytest.fixture
def newcastle(db):
    return LocalAuthority.objects.get(slug="newcastle-upon-tyne")


@pytest.fixture
def innovation(db):
    return Category.objects.get(slug="innovation")


@pytest.fixture
def indexed_entry(db):
    """Make an entry as the directory would, with its areas and categories, and index it.

    Built with the factory (the directory services are not what these tests
    are about) and indexed through the same call the change fan-out makes.
    """

    def make(*, areas=(), categories=(), **values):
        entry = EntryFactory(**values)
        entry.areas.set(areas)
        entry.categories.set(categories)
        search_document_sync(obj=entry)
        return entry

    return make
