"""Content types register themselves; keys are checked."""

import pytest

from bigsocnorth.accounts.models import User
from bigsocnorth.directory.models import Entry
from bigsocnorth.search import registry
from bigsocnorth.search.registry import SearchFields


def _build(obj):
    return SearchFields(title=str(obj), body="", url="/")


def test_directory_entries_are_registered():
    searchable = registry.searchable_type_for_key("entry")
    assert searchable.model is Entry
    assert registry.searchable_type_for_model(Entry) is searchable
    assert str(searchable.label) == "Directory entry"


@pytest.mark.parametrize("key", ["", "Entry", "my-type", "1st", "x" * 41, "a b"])
def test_keys_are_short_lower_case_words(key):
    with pytest.raises(ValueError, match="search type key"):
        registry.register(User, key=key, label="People", build=_build)


def test_a_key_belongs_to_one_model():
    with pytest.raises(ValueError, match="already registered for Entry"):
        registry.register(User, key="entry", label="People", build=_build)


def test_register_and_unregister_a_type():
    registry.register(User, key="person", label="Person", build=_build)
    try:
        assert registry.searchable_type_for_key("person").model is User
        registry.register(User, key="people", label="People", build=_build)
        assert registry.searchable_type_for_key("person") is None
    finally:
        registry.unregister(User)
    assert registry.searchable_type_for_model(User) is None
    assert registry.searchable_type_for_key("people") is None


def test_a_model_without_an_integer_key_is_refused():
    from django.contrib.sessions.models import Session

    with pytest.raises(ValueError, match="integer primary key"):
        registry.register(Session, key="session", label="Session", build=_build)
