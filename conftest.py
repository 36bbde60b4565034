"""Fixtures shared by every app's tests: people in each role, and a clean cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    # Rate limits live in the cache: one test's failed logins must not leak
    # into the next, so each test gets an empty in-process cache.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password() -> str:
    return "a-long-test-passphrase-42"


@pytest.fixture
def member(db, password):
    from bigsocnorth.accounts.tests.factories import UserFactory

    return UserFactory(password=password)


@pytest.fixture
def moderator(db, password):
    from bigsocnorth.accounts.models import Role
    from bigsocnorth.accounts.tests.factories import UserFactory

    return UserFactory(password=password, role=Role.MODERATOR)


@pytest.fixture
def admin_user(db, password):
    from bigsocnorth.accounts.models import Role
    from bigsocnorth.accounts.tests.factories import UserFactory

    return UserFactory(password=password, role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def area(db):
    """Sheffield, loaded with the other northern authorities by the places data migration."""
    from bigsocnorth.places.models import LocalAuthority

    return LocalAuthority.objects.get(code="E08000039")
