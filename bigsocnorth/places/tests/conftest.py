"""Fixtures for the places tests."""

from __future__ import annotations

import pytest

from bigsocnorth.places.selectors import places_cache_reset


@pytest.fixture
def fresh_places_cache(db):
    """An index and gazetteer rebuilt from this test's database, forgotten afterwards.

    The caches live for the whole process; a test that changes boundaries or
    names must not leave its changes in them for the tests after it.
    """
    places_cache_reset()
    yield
    places_cache_reset()
