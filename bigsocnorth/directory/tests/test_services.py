import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.entries import services
from bigsocnorth.directory.models import Entry
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status
from bigsocnorth.places.models import LocalAuthority

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
    place = entry.places.get()
    assert place.local_authority == area
    assert place.name == "Office"
    assert list(entry.areas.all()) == [area]
    assert entry.tags == "housing, tenants"
    assert entry.slug == "sheffield-tenants-together"


def test_same_name_gets_a_different_slug_once_confirmed_not_a_duplicate(member, entry_values):
    first = services.entry_create(author=member, **entry_values)
    second = services.entry_create(author=member, not_a_duplicate=True, **entry_values)
    assert first.slug != second.slug


def test_entry_without_place_is_online_or_serves_areas(member, entry_values, area):
    leeds = LocalAuthority.objects.get(name="Leeds")
    entry_values.update(places=[], areas_served=[area, leeds, area])
    entry = services.entry_create(author=member, **entry_values)
    assert not entry.places.exists()
    assert set(entry.areas_served.all()) == {area, leeds}
    assert set(entry.areas.all()) == {area, leeds}


def test_several_places_each_get_their_area_and_areas_is_the_union(member, entry_values, area):
    bradford = LocalAuthority.objects.get(name="Bradford")
    entry_values.update(
        places=[
            {"name": "Hall", "latitude": 53.3811, "longitude": -1.4701},
            {"name": "", "latitude": 53.7950, "longitude": -1.7594},
            {"name": "ignored empty row", "latitude": None, "longitude": None},
        ],
        areas_served=[area],
    )
    entry = services.entry_create(author=member, **entry_values)
    assert [p.local_authority for p in entry.places.all()] == [area, bradford]
    assert set(entry.areas.all()) == {area, bradford}


def test_editing_replaces_places_and_areas(member, entry_values, area):
    entry = services.entry_create(author=member, **entry_values)
    entry_values["places"] = [{"latitude": 53.7950, "longitude": -1.7594}]
    services.entry_update(actor=member, entry=entry, **entry_values)
    assert [p.local_authority.name for p in entry.places.all()] == ["Bradford"]
    assert [a.name for a in entry.areas.all()] == ["Bradford"]


def test_identifiers_are_parsed_normalised_and_deduplicated(member, entry_values):
    entry_values["identifiers"] = "gb-chc 1123456\nGB-COH-9876543\n\nGB-CHC-1123456"
    entry = services.entry_create(author=member, **entry_values)
    assert [i.org_id for i in entry.identifiers.all()] == ["GB-CHC-1123456", "GB-COH-09876543"]


def test_social_links_and_private_contact_are_kept(member, entry_values):
    entry_values.update(
        social_links="https://social.example/@tenants\n\nhttps://video.example/tenants",
        private_contact="Jo, 07700 900123",
    )
    entry = services.entry_create(author=member, **entry_values)
    assert entry.social_links == [
        "https://social.example/@tenants",
        "https://video.example/tenants",
    ]
    assert entry.private_contact == "Jo, 07700 900123"


def test_name_and_website_keys_are_kept_for_duplicate_checks(member, entry_values):
    entry_values.update(name="The Walkley Repair Café CIC", website="https://www.Walkley.example/")
    entry = services.entry_create(author=member, **entry_values)
    assert entry.name_key == "walkley repair cafe"
    assert entry.website_key == "walkley.example"


def test_a_near_copy_of_a_visible_entry_is_flagged_as_a_possible_duplicate(member, entry_values):
    existing = EntryFactory(name="Sheffield Tenants Together CIC")
    with pytest.raises(services.PossibleDuplicates) as found:
        services.entry_create(author=member, **entry_values)
    assert [match.entry for match in found.value.matches] == [existing]
    assert not Entry.objects.exclude(pk=existing.pk).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 12_000}, "name"),
        ({"description": "x" * 20_001}, "description"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"website": "ftp://example.org"}, "website"),
        ({"feed_url": "file:///etc/passwd"}, "feed_url"),
        ({"places": [{"latitude": 95.0, "longitude": -1.4}]}, "places"),
        ({"places": [{"latitude": 51.5074, "longitude": -0.1278}]}, "places"),
        ({"places": [{"latitude": 53.38, "longitude": None}]}, "places"),
        ({"places": [{"latitude": float("nan"), "longitude": -1.4}]}, "places"),
        ({"places": [{"latitude": 53.38, "longitude": -1.47, "name": "x" * 121}]}, "places"),
        ({"places": [{"latitude": 53.38, "longitude": -1.47}] * 21}, "places"),
        ({"public_contact": "not a contact"}, "public_contact"),
        ({"private_contact": "x" * 201}, "private_contact"),
        ({"identifiers": "1123456"}, "identifiers"),
        ({"identifiers": "GB-CHC-12"}, "identifiers"),
        ({"identifiers": "XX-ABC-123"}, "identifiers"),
        ({"identifiers": "\n".join(f"GB-CHC-11234{n:02}" for n in range(11))}, "identifiers"),
        ({"social_links": "javascript:alert(1)"}, "social_links"),
        ({"social_links": "\n".join(f"https://e.example/{n}" for n in range(9))}, "social_links"),
        ({"name": "<script>alert(1)</script>" + "x" * 200}, "name"),
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
    entry_values.update(places=[{"latitude": 51.5074, "longitude": -0.1278}])
    with pytest.raises(ValidationError) as error:
        services.entry_create(author=member, **entry_values)
    assert "outside the North" in error.value.message_dict["places"][0]


def test_every_problem_is_reported_at_once(member, entry_values):
    entry_values.update(
        name="", website="nope", identifiers="GB-CHC-1", places=[{"latitude": 0, "longitude": 0}]
    )
    with pytest.raises(ValidationError) as error:
        services.entry_create(author=member, **entry_values)
    assert {"name", "website", "identifiers", "places"} <= set(error.value.message_dict)


def test_private_network_website_is_stored_but_only_the_scheme_is_checked(member, entry_values):
    entry_values["website"] = "http://192.168.1.10/admin"
    entry = services.entry_create(author=member, **entry_values)
    assert entry.website == "http://192.168.1.10/admin"


def test_approximate_location_rounds_to_about_a_kilometre(member, entry_values):
    entry_values.update(
        places=[{"latitude": 53.38114, "longitude": -1.47013}], approximate_location=True
    )
    entry = services.entry_create(author=member, **entry_values)
    place = entry.places.get()
    assert (place.latitude, place.longitude) == (53.38114, -1.47013)
    assert place.public_latitude == 53.38
    assert place.public_longitude == -1.47
    assert abs(place.public_longitude - -1.47013) <= 0.0075


def test_approximate_location_without_a_place_means_nothing(member, entry_values):
    entry_values.update(places=[], approximate_location=True)
    assert services.entry_create(author=member, **entry_values).approximate_location is False


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


def test_followers_hear_of_an_edit_but_not_the_editor(member, entry_values):
    from bigsocnorth.notifications.models import Notification
    from bigsocnorth.notifications.services import follow_create

    entry = EntryFactory(author=member)
    follower = UserFactory()
    follow_create(user=follower, target=entry)
    follow_create(user=member, target=entry)
    services.entry_update(actor=member, entry=entry, **entry_values)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [follower.pk]
    assert "was updated" in Notification.objects.get().message
