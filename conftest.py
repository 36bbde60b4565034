"""Fixtures shared by every app's tests: people in each role, and clean caches."""

from __future__ import annotations

import importlib

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    # Rate limits live in the cache: one test's failed logins must not leak
    # into the next, so each test gets an empty in-process cache.
    in_memory = "django.core.cache.backends.locmem.LocMemCache"
    settings.CACHES = {
        "default": {"BACKEND": in_memory, "LOCATION": "tests"},
        "pages": {"BACKEND": in_memory, "LOCATION": "pages"},
        "pieces": {"BACKEND": in_memory, "LOCATION": "pieces"},
    }
    # Pages are kept until a commit changes something, which the transaction
    # around most tests never reaches: core/tests/test_pagecache.py tests them.
    settings.PAGE_CACHE_SECONDS = 0
    for alias in ("default", "pages", "pieces"):
        caches[alias].clear()
    yield
    for alias in ("default", "pages", "pieces"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path_factory):
    # Uploaded logos and images must never land in the developer's var/media.
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashers are slow on purpose; tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


# Data migrations whose rows every test may rely on; each has an idempotent load().
REFERENCE_DATA_MIGRATIONS = [
    "bigsocnorth.places.migrations.0002_load_regions_and_local_authorities",
    "bigsocnorth.directory.migrations.0002_seed_kinds_and_categories",
    "bigsocnorth.directory.migrations.0004_network_kind_has_members",
    "bigsocnorth.mutual_aid.migrations.0002_seed_categories",
]


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker is not None and marker.kwargs.get("transaction")) or any(
        name in item.fixturenames for name in ("transactional_db", "live_server")
    )


def _reference_data_load() -> None:
    from django.apps import apps

    from bigsocnorth.places.selectors import places_cache_reset

    for module in REFERENCE_DATA_MIGRATIONS:
        importlib.import_module(module).load(apps, None)
    places_cache_reset()  # the per-process index must not keep the old rows


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put the migration-loaded reference data back once a transactional test has emptied it.

    A transactional test empties every table when it ends, including the
    regions and local authorities that a data migration loaded, so the next
    test would run against an empty map of the North, whatever kind it is
    (spread over several processes, one file's transactional tests can come
    before another file's others). Reloading them here, after the flush and
    outside any transaction, with the migration's own idempotent loader, is
    cheap and does not depend on test-database serialisation.
    """
    result = yield
    # After the last test the test database is gone with the session's fixtures.
    if _is_transactional(item) and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _reference_data_load()
    return result
