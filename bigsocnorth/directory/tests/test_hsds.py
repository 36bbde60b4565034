"""HSDS 3 open data: entries as `organization` objects, validated against the HSDS schemas."""

from __future__ import annotations

import io
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator, FormatChecker
from PIL import Image
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from bigsocnorth.directory.editors.services import entry_merge
from bigsocnorth.directory.entries import services
from bigsocnorth.directory.models import Category, EntryKind
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status
from bigsocnorth.places.models import LocalAuthority

pytestmark = pytest.mark.django_db

LIST = "/api/v1/hsds/organizations"
SCHEMA_DIR = Path(__file__).parent / "hsds_schema"
PAGING = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
}


# --- Schema validation ----------------------------------------------------------


def _load(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text())


def _registry() -> Registry:
    """Every schema file under its own name, so "phone.json" resolves to the sibling file."""
    return Registry().with_resources(
        (path.name, Resource.from_contents(_load(path.name), default_specification=DRAFT202012))
        for path in SCHEMA_DIR.glob("*.json")
    )


def _format_checker() -> FormatChecker:
    checker = FormatChecker()  # uuid and email are checked out of the box

    # jsonschema checks "uri" only with an extra package; ours needs no more than this.
    @checker.checks("uri")
    def _is_absolute_http_uri(value) -> bool:
        parts = urlsplit(value)
        return parts.scheme in {"http", "https"} and bool(parts.netloc)

    return checker


REGISTRY = _registry()
ORGANIZATION = Draft202012Validator(
    {"$ref": "organization.json"}, registry=REGISTRY, format_checker=_format_checker()
)
PAGE = Draft202012Validator(
    {
        "allOf": [_load("openapi.json")["components"]["schemas"]["Page"]],
        "type": "object",
        "properties": {"contents": {"type": "array", "items": {"$ref": "organization.json"}}},
        "required": [*sorted(PAGING), "contents"],
    },
    registry=REGISTRY,
    format_checker=_format_checker(),
)


def _unknown_members(instance, schema: dict, path: str = "") -> list[str]:
    """Members the HSDS schema does not define (it allows them, so a typo would pass)."""
    if "$ref" in schema:
        schema = _load(schema["$ref"])
    found = []
    if isinstance(instance, dict):
        properties = schema.get("properties", {})
        for key, value in instance.items():
            if key not in properties:
                found.append(f"{path}.{key}")
            else:
                found += _unknown_members(value, properties[key], f"{path}.{key}")
    elif isinstance(instance, list):
        for number, item in enumerate(instance):
            found += _unknown_members(item, schema.get("items", {}), f"{path}[{number}]")
    return found


def assert_valid_organization(data: dict) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in ORGANIZATION.iter_errors(data)]
    assert not errors, errors
    assert not _unknown_members(data, {"$ref": "organization.json"})


# --- Entries to map -----------------------------------------------------------------


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def full_entry(moderator):
    """An entry with every field filled in."""
    return services.entry_create(
        author=moderator,
        logo=_png(),
        name="Sheffield Tenants Together",
        kind=EntryKind.objects.get(slug="network"),
        sector="citizen_led",
        categories=list(Category.objects.order_by("pk")[:2]),
        tags="housing, tenants",
        description="We **support** tenants.",
        website="https://tenants.example.org",
        feed_url="https://tenants.example.org/feed.xml",
        social_links=["https://mastodon.example/@tenants"],
        public_contact="hello@tenants.example.org",
        private_contact="Jo, 07700 900123 (secret)",
        identifiers="GB-CHC-1123456\nGB-COH-09876543",
        places=[
            {"name": "Office", "latitude": 53.3811, "longitude": -1.4701},
            {"name": "Drop-in", "latitude": 53.8008, "longitude": -1.5491},
        ],
        areas_served=list(LocalAuthority.objects.filter(name__in=["Barnsley", "Rotherham"])),
    )


@pytest.fixture
def bare_entry(db):
    """Nothing optional: a name, a kind, a sector and an empty description."""
    return EntryFactory(name="Bare Bones Group", description="")


@pytest.fixture
def approximate_entry(moderator):
    return services.entry_create(
        author=moderator,
        not_a_duplicate=True,
        name="Kitchen Table Group",
        kind=EntryKind.objects.get(slug="organisation"),
        sector="voluntary",
        public_contact="0114 496 0000",
        places=[{"name": "Home", "latitude": 53.38114, "longitude": -1.47013}],
        approximate_location=True,
    )


@pytest.fixture
def online_entry(moderator):
    return services.entry_create(
        author=moderator,
        name="Northern Online Mutual Aid",
        kind=EntryKind.objects.get(slug="organisation"),
        sector="citizen_led",
        website="https://online.example.org",
        areas_served=list(LocalAuthority.objects.filter(name__in=["Leeds", "Bradford"])),
    )


def _get(client, entry) -> dict:
    response = client.get(f"{LIST}/{entry.uuid}")
    assert response.status_code == 200, response.content
    return response.json()


# --- Single organisations --------------------------------------------------------------


@pytest.mark.parametrize("which", ["full_entry", "bare_entry", "approximate_entry", "online_entry"])
def test_each_kind_of_entry_is_a_valid_hsds_organization(client, request, which):
    assert_valid_organization(_get(client, request.getfixturevalue(which)))


def test_full_entry_maps_every_field(client, full_entry):
    data = _get(client, full_entry)
    org_id = str(full_entry.uuid)
    assert data["id"] == org_id
    assert data["name"] == "Sheffield Tenants Together"
    assert data["description"] == "We **support** tenants."
    assert data["email"] == "hello@tenants.example.org"
    assert data["phones"] == []
    assert data["website"] == "https://tenants.example.org"
    assert data["uri"] == f"http://testserver/directory/{full_entry.slug}/"
    assert data["logo"].startswith("http://testserver/media/directory/logos/")
    assert [
        (i["identifier_scheme"], i["identifier_type"], i["identifier"])
        for i in data["organization_identifiers"]
    ] == [
        ("GB-CHC", "Charity Commission for England and Wales", "1123456"),
        ("GB-COH", "Companies House", "09876543"),
    ]
    assert all(i["organization_id"] == org_id for i in data["organization_identifiers"])
    sheffield, leeds = data["locations"]
    assert (sheffield["name"], sheffield["latitude"], sheffield["longitude"]) == (
        "Office",
        53.3811,
        -1.4701,
    )
    assert sheffield["location_type"] == "physical"
    assert "Sheffield" in sheffield["description"]
    assert sheffield["attributes"][0]["taxonomy_term"]["code"] == "E08000039"
    assert sheffield["attributes"][0]["link_id"] == sheffield["id"]
    assert leeds["name"] == "Drop-in"
    by_type: dict[str, list[str]] = {}
    for attribute in data["attributes"]:
        assert attribute["link_id"] == org_id
        assert attribute["link_entity"] == "organization"
        by_type.setdefault(attribute["link_type"], []).append(attribute["taxonomy_term"]["code"])
    assert by_type["kind"] == ["network"]
    assert by_type["sector"] == ["citizen_led"]
    assert by_type["category"] == [c.slug for c in Category.objects.order_by("pk")[:2]]
    assert sorted(by_type["area_served"]) == sorted(
        LocalAuthority.objects.filter(name__in=["Barnsley", "Rotherham"]).values_list(
            "code", flat=True
        )
    )
    assert by_type["tag"] == ["housing", "tenants"]


def test_the_private_contact_is_never_in_the_open_data(client, full_entry):
    assert "secret" not in json.dumps(_get(client, full_entry))
    assert "secret" not in json.dumps(client.get(LIST).json())


def test_bare_entry_has_only_what_it_has(client, bare_entry):
    data = _get(client, bare_entry)
    assert data["description"] == ""
    for absent in ("email", "website", "logo"):
        assert absent not in data
    assert data["phones"] == []
    assert data["organization_identifiers"] == []
    assert data["locations"] == []
    assert [a["link_type"] for a in data["attributes"]] == ["kind", "sector"]


def test_approximate_entry_shows_only_the_rounded_point_and_says_so(client, approximate_entry):
    data = _get(client, approximate_entry)
    (location,) = data["locations"]
    assert (location["latitude"], location["longitude"]) == (53.38, -1.47)
    assert "approximate" in location["description"]
    assert "53.38114" not in json.dumps(data)
    assert data["phones"][0]["number"] == "0114 496 0000"
    assert "email" not in data


def test_online_entry_has_no_location_and_lists_the_areas_it_serves(client, online_entry):
    data = _get(client, online_entry)
    assert data["locations"] == []
    served = [a["taxonomy_term"] for a in data["attributes"] if a["link_type"] == "area_served"]
    assert sorted(term["name"] for term in served) == ["Bradford", "Leeds"]
    assert all(term["term_uri"].startswith("http://statistics.data.gov.uk/id/") for term in served)


def test_nested_ids_are_stable_between_requests_and_unique(client, full_entry):
    first, second = _get(client, full_entry), _get(client, full_entry)
    assert first == second

    def ids(node) -> list[str]:
        found = []
        if isinstance(node, dict):
            if "id" in node:
                found.append((node["id"], json.dumps(node, sort_keys=True)))
            for value in node.values():
                found += ids(value)
        elif isinstance(node, list):
            for value in node:
                found += ids(value)
        return found

    # One id, one object: terms and taxonomies repeat with the same content.
    by_id: dict[str, set[str]] = {}
    for node_id, content in ids(first):
        by_id.setdefault(node_id, set()).add(content)
    assert all(len(contents) == 1 for contents in by_id.values())


def test_a_changed_entry_keeps_its_location_ids(client, full_entry, moderator):
    before = [location["id"] for location in _get(client, full_entry)["locations"]]
    services.entry_update(
        actor=moderator,
        entry=full_entry,
        name=full_entry.name,
        kind=full_entry.kind,
        sector=full_entry.sector,
        places=[
            {"name": "Office", "latitude": 53.3812, "longitude": -1.4702},
            {"name": "Drop-in", "latitude": 53.8008, "longitude": -1.5491},
        ],
    )
    assert [location["id"] for location in _get(client, full_entry)["locations"]] == before


def test_unpublished_unknown_and_malformed_ids_are_404_with_a_message(client, member):
    hidden = EntryFactory(status=Status.IN_REVIEW, author=member)
    client.force_login(member)  # even its author: open data is published entries only
    for address in (
        f"{LIST}/{hidden.uuid}",
        f"{LIST}/2b1e6f6e-8d9f-4c51-9d8e-000000000000",
        f"{LIST}/not-a-uuid",
    ):
        response = client.get(address)
        assert response.status_code == 404
        assert "No published organization" in response.json()["message"]


def test_a_merged_entry_leads_to_the_one_it_was_merged_into(client, moderator):
    source, target = EntryFactory(), EntryFactory()
    entry_merge(actor=moderator, source=source, target=target)
    response = client.get(f"{LIST}/{source.uuid}")
    assert response.status_code == 301
    assert response["Location"] == f"{LIST}/{target.uuid}"
    assert str(source.uuid) not in json.dumps(client.get(LIST).json())


# --- The paged list -----------------------------------------------------------------


def test_a_page_is_valid_against_the_hsds_page_schema(
    client, full_entry, bare_entry, approximate_entry, online_entry
):
    body = client.get(LIST).json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in PAGE.iter_errors(body)]
    assert not errors, errors
    assert set(body) == PAGING | {"contents"}
    for organization in body["contents"]:
        assert not _unknown_members(organization, {"$ref": "organization.json"})
    assert body["total_items"] == 4


def test_paging_members_count_pages_and_sizes(client):
    for number in range(5):
        EntryFactory(name=f"Group {number}")
    EntryFactory(name="Hidden", status=Status.HIDDEN)

    first = client.get(LIST, {"per_page": 2}).json()
    assert {key: first[key] for key in PAGING} == {
        "total_items": 5,
        "total_pages": 3,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    assert [o["name"] for o in first["contents"]] == ["Group 0", "Group 1"]
    last = client.get(LIST, {"per_page": 2, "page": 3}).json()
    assert (last["size"], last["first_page"], last["last_page"]) == (1, False, True)
    assert [o["name"] for o in last["contents"]] == ["Group 4"]
    beyond = client.get(LIST, {"per_page": 2, "page": 4}).json()
    assert (beyond["empty"], beyond["size"], beyond["contents"]) == (True, 0, [])
    assert beyond["last_page"] is True


def test_an_empty_directory_is_one_empty_page(client):
    body = client.get(LIST).json()
    assert {key: body[key] for key in PAGING} == {
        "total_items": 0,
        "total_pages": 1,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
    }
    errors = list(PAGE.iter_errors(body))
    assert not errors


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"per_page": 0}, "per_page"),
        ({"per_page": 101}, "per_page"),
        ({"per_page": "ten"}, "per_page"),
        ({"page": 0}, "page"),
        ({"page": "last"}, "page"),
        ({"page": 10**12}, "page"),
        ({"search": "x" * 201}, "search"),
    ],
)
def test_bad_paging_values_are_422_naming_the_field(client, query, field):
    response = client.get(LIST, query)
    assert response.status_code == 422
    body = response.json()
    assert body["message"]
    assert [error["field"] for error in body["errors"]] == [field]


def test_search_matches_every_word_of_the_name(client):
    EntryFactory(name="Walkley Repair Café")
    EntryFactory(name="Walkley Community Garden")
    EntryFactory(name="Leeds Repair Shop")
    body = client.get(LIST, {"search": "walkley CAFE"}).json()
    assert [o["name"] for o in body["contents"]] == ["Walkley Repair Café"]
    assert client.get(LIST, {"search": "repair"}).json()["total_items"] == 2


def test_query_count_is_the_same_for_one_organization_and_a_full_page(client, area, full_entry):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST, {"per_page": 100}).status_code == 200
        return len(queries)

    one = count()
    categories = list(Category.objects.all()[:2])
    for _number in range(12):
        entry = EntryFactory(located_in=area, tags="a, b", public_contact="0114 496 0001")
        entry.categories.add(*categories)
        entry.areas_served.add(area)
        entry.identifiers.create(scheme="GB-CHC", value=f"11{_number:05d}")
    assert count() == one
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{LIST}/{full_entry.uuid}")
    assert len(queries) <= 6


# --- Links from the pages --------------------------------------------------------------


def test_entry_page_and_directory_list_link_to_the_open_data(client, full_entry):
    page = client.get(full_entry.get_absolute_url()).content.decode()
    assert f"{LIST}/{full_entry.uuid}" in page
    listing = client.get("/directory/").content.decode()
    assert LIST in listing
    assert "/directory/export.csv" in listing
