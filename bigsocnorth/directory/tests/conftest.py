import pytest

from bigsocnorth.directory.models import Category, EntryKind


@pytest.fixture
def kind(db):
    return EntryKind.objects.get(slug="network")


@pytest.fixture
def category(db):
    return Category.objects.get(slug="innovation")


@pytest.fixture
def entry_values(kind, category):
    return {
        "name": "Sheffield Tenants Together",
        "kind": kind,
        "sector": "citizen_led",
        "categories": [category],
        "tags": "Housing, tenants,  housing ",
        "description": "We **support** tenants.",
        "website": "https://tenants.example.org",
        "public_contact": "hello@tenants.example.org",
        "places": [{"name": "Office", "latitude": 53.3811, "longitude": -1.4701}],
    }


@pytest.fixture
def form_data(kind, category):
    return {
        "name": "Sheffield Tenants Together",
        "kind": str(kind.pk),
        "sector": "citizen_led",
        "categories": [str(category.pk)],
        "tags": "housing, tenants",
        "description": "We **support** tenants.",
        "website": "https://tenants.example.org",
        "feed_url": "",
        "public_contact": "0114 496 0000",
        "places-TOTAL_FORMS": "1",
        "places-INITIAL_FORMS": "0",
        # A place chosen with the picker: its name and the point it chose.
        "places-0-place": "Office",
        "places-0-place_latitude": "53.3811",
        "places-0-place_longitude": "-1.4701",
        "places-0-place_chosen": "Office",
    }
