"""'Is it one of these?': likely duplicates of a group being added."""

import pytest

from bigsocnorth.directory.entries.duplicates import entry_likely_duplicates, name_key, website_key
from bigsocnorth.directory.models import EntryIdentifier
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("The Walkley Repair Café CIC", "walkley repair cafe"),
        ("Walkley  Repair-Cafe Ltd.", "walkley repair cafe"),
        ("Friends & Neighbours of Hull", "friends neighbours hull"),
        ("", ""),
    ],
)
def test_name_key_ignores_case_accents_punctuation_and_legal_words(name, key):
    assert name_key(name) == key


def test_website_key_ignores_scheme_www_and_trailing_slash():
    assert website_key("HTTPS://www.Example.org/about/?utm=1#x") == "example.org/about"
    assert website_key("") == ""


def _names(matches):
    return [match.entry.name for match in matches]


def test_similar_name_same_website_identifier_or_nearby_are_found(member, area):
    by_name = EntryFactory(name="Walkley Repair Cafe")
    by_site = EntryFactory(name="Fixers", website_key="fixers.example")
    by_number = EntryFactory(name="Registered Fixers")
    EntryIdentifier.objects.create(entry=by_number, scheme="GB-CHC", value="1123456")
    nearby = EntryFactory(name="Something else", located_in=area)
    EntryFactory(name="Unrelated Choir")
    matches = entry_likely_duplicates(
        user=member,
        name="The Walkley Repair Café",
        website="https://www.fixers.example/",
        identifiers=[("GB-CHC", "1123456")],
        points=[(area.centre_latitude + 0.0005, area.centre_longitude)],
    )
    assert set(_names(matches)) == {by_name.name, by_site.name, by_number.name, nearby.name}
    reasons = {match.entry.name: match.reasons for match in matches}
    assert [str(r) for r in reasons["Walkley Repair Cafe"]] == ["a very similar name"]
    assert [str(r) for r in reasons["Fixers"]] == ["the same website"]


def test_a_place_a_few_hundred_metres_away_is_not_nearby(member, area):
    EntryFactory(name="Across town", located_in=area)
    matches = entry_likely_duplicates(
        user=member,
        name="Completely different",
        points=[(area.centre_latitude + 0.005, area.centre_longitude)],
    )
    assert matches == []


def test_only_entries_the_person_may_see_are_suggested(member):
    EntryFactory(name="Walkley Repair Cafe", status=Status.IN_REVIEW)
    EntryFactory(name="Walkley Repair Cafe", status=Status.HIDDEN)
    own = EntryFactory(name="Walkley Repair Cafe", status=Status.IN_REVIEW, author=member)
    assert [m.entry for m in entry_likely_duplicates(user=member, name="Walkley Repair Café")] == [
        own
    ]


def test_merged_entries_are_not_suggested(member):
    target = EntryFactory(name="Walkley Repair Cafe")
    EntryFactory(name="Walkley Repair Cafe", merged_into=target, status=Status.ARCHIVED)
    assert [m.entry for m in entry_likely_duplicates(user=member, name="Walkley Repair Cafe")] == [
        target
    ]


def test_nothing_to_compare_finds_nothing(member):
    EntryFactory(name="A")
    assert entry_likely_duplicates(user=member, name="") == []
    assert entry_likely_duplicates(user=member, name="%_%") == []
