import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bigsocnorth.directory import services
from bigsocnorth.directory.models import Entry
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status

pytestmark = pytest.mark.django_db


def test_new_member_entry_goes_to_review(member, entry_values):
    entry = services.entry_create(author=member, **entry_values)
    assert entry.status == Status.IN_REVIEW
    assert entry.published_at is None
    assert list(entry.editors.all()) == [member]


def test_trusted_member_entry_is_published(member, entry_values, settings):
    settings.NEW_MEMBER_REVIEW_COUNT = 3
    EntryFactory.create_batch(3, author=member, status=Status.PUBLISHED)
    entry = services.entry_create(author=member, **entry_values)
    assert entry.status == Status.PUBLISHED
    assert entry.published_at is not None


def test_member_with_contributions_only_in_review_still_goes_to_review(member, entry_values):
    EntryFactory.create_batch(3, author=member, status=Status.IN_REVIEW)
    entry = services.entry_create(author=member, **entry_values)
    assert entry.status == Status.IN_REVIEW


def test_moderator_entry_is_published(moderator, entry_values):
    assert services.entry_create(author=moderator, **entry_values).status == Status.PUBLISHED


def test_entry_is_assigned_its_area_and_normalised(member, entry_values, area):
    entry = services.entry_create(author=member, **entry_values)
    assert entry.local_authority == area
    assert entry.tags == "housing, tenants"
    assert entry.slug == "sheffield-tenants-together"


def test_same_name_gets_a_different_slug(member, entry_values):
    first = services.entry_create(author=member, **entry_values)
    second = services.entry_create(author=member, **entry_values)
    assert first.slug != second.slug


def test_entry_without_place_is_online_or_area_wide(member, entry_values):
    entry_values.update(latitude=None, longitude=None)
    entry = services.entry_create(author=member, **entry_values)
    assert entry.local_authority is None
    assert entry.public_location is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 12_000}, "name"),
        ({"description": "x" * 20_001}, "description"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"website": "ftp://example.org"}, "website"),
        ({"feed_url": "file:///etc/passwd"}, "feed_url"),
        ({"latitude": 95.0}, "latitude"),
        ({"latitude": 51.5074, "longitude": -0.1278}, "latitude"),
        ({"longitude": None}, "latitude"),
        ({"public_contact": "not a contact"}, "public_contact"),
        ({"sector": "corporate"}, "sector"),
        ({"kind": None}, "kind"),
    ],
)
def test_bad_input_is_refused_before_anything_is_saved(member, entry_values, change, field):
    entry_values.update(change)
    with pytest.raises(ValidationError) as error:
        services.entry_create(author=member, **entry_values)
    assert field in error.value.message_dict
    assert not Entry.objects.exists()


def test_london_is_refused_as_outside_the_north(member, entry_values):
    entry_values.update(latitude=51.5074, longitude=-0.1278)
    with pytest.raises(ValidationError) as error:
        services.entry_create(author=member, **entry_values)
    assert "outside the North" in error.value.message_dict["latitude"][0]


def test_private_network_website_is_stored_but_only_the_scheme_is_checked(member, entry_values):
    entry_values["website"] = "http://192.168.1.10/admin"
    entry = services.entry_create(author=member, **entry_values)
    assert entry.website == "http://192.168.1.10/admin"


def test_approximate_location_rounds_to_about_a_kilometre(member, entry_values):
    entry_values.update(latitude=53.38114, longitude=-1.47013, approximate_location=True)
    entry = services.entry_create(author=member, **entry_values)
    assert (entry.latitude, entry.longitude) == (53.38114, -1.47013)
    latitude, longitude = entry.public_location
    assert latitude == 53.38
    assert longitude == -1.47
    assert abs(longitude - -1.47013) <= 0.0075


def test_editor_can_update_and_status_stays(member, entry_values):
    entry = services.entry_create(author=member, **entry_values)
    entry_values["name"] = "Tenants Together"
    services.entry_update(actor=member, entry=entry, **entry_values)
    entry.refresh_from_db()
    assert entry.name == "Tenants Together"
    assert entry.status == Status.IN_REVIEW
    assert entry.slug == "sheffield-tenants-together"


def test_someone_else_cannot_update(member, entry_values):
    from bigsocnorth.accounts.tests.factories import UserFactory

    entry = services.entry_create(author=member, **entry_values)
    with pytest.raises(PermissionDenied):
        services.entry_update(actor=UserFactory(), entry=entry, **entry_values)


def test_moderator_can_update(member, moderator, entry_values):
    entry = services.entry_create(author=member, **entry_values)
    entry_values["name"] = "Changed by a moderator"
    services.entry_update(actor=moderator, entry=entry, **entry_values)
    entry.refresh_from_db()
    assert entry.name == "Changed by a moderator"
