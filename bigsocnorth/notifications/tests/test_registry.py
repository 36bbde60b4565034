"""The registry of followable models."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from bigsocnorth.directory.models import Category, Entry
from bigsocnorth.notifications import registry
from bigsocnorth.places.models import LocalAuthority, Region


def test_areas_categories_and_entries_are_registered():
    keys = {followable.key: followable.model for followable in registry.followable_types()}
    assert keys["places.localauthority"] is LocalAuthority
    assert keys["places.region"] is Region
    assert keys["directory.entry"] is Entry
    assert keys["directory.category"] is Category


def test_area_rows_are_loaded_without_their_boundaries():
    query = str(registry.followable_for_model(LocalAuthority).objects().query)
    assert "boundary" not in query


def test_a_new_type_registers_once_and_can_be_found_by_key():
    try:
        registry.register(ContentType, key="test.contenttype", label="content type")
        registry.register(ContentType, key="test.contenttype", label="content type")
        assert registry.followable_for_key("test.contenttype").model is ContentType
        assert registry.is_registered(ContentType)
        # Registering under a new key forgets the old one.
        registry.register(ContentType, key="test.renamed", label="content type")
        assert registry.followable_for_key("test.contenttype") is None
    finally:
        registry.unregister(ContentType)
    assert not registry.is_registered(ContentType)
    assert registry.followable_for_key("test.renamed") is None


@pytest.mark.parametrize("key", ["entry", "Directory.Entry", "directory.", "a.b.c", ""])
def test_keys_must_look_like_app_dot_name(key):
    with pytest.raises(ValueError, match=r"app\.name"):
        registry.register(ContentType, key=key, label="x")


def test_a_key_cannot_be_taken_by_another_model():
    with pytest.raises(ValueError, match="already registered"):
        registry.register(ContentType, key="directory.entry", label="x")
    assert registry.followable_for_key("directory.entry").model is Entry
