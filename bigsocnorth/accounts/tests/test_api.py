"""The people API: /api/v1/me (token or session) and /api/v1/people/{handle}."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from bigsocnorth.accounts import services
from bigsocnorth.accounts.models import ApiToken, Profile
from bigsocnorth.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


@pytest.fixture
def secret(member):
    _token, secret = services.api_token_create(user=member, name="Tests")
    return secret


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def patch(client, body, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.patch(ME, data=data, content_type="application/json", **headers)


def profile_snapshot(member) -> dict:
    profile = Profile.objects.get(user=member)
    return {
        field: getattr(profile, field)
        for field in ("display_name", "pronouns", "bio", "home_area_id", "links")
    }


def test_me_with_a_token(client, member, secret, area):
    services.profile_update(
        profile=member.profile,
        display_name="Kath",
        pronouns="she/her",
        bio="Hello *there*",
        home_area=area,
        links=["https://kath.example.org"],
    )

    response = client.get(ME, **bearer(secret))

    assert response.status_code == 200
    assert response.json() == {
        "handle": member.profile.handle,
        "url": f"http://127.0.0.1:8000/people/{member.profile.handle}/",
        "display_name": "Kath",
        "pronouns": "she/her",
        "bio": "Hello *there*",
        "bio_html": "<p>Hello <em>there</em></p>\n",
        "home_area": area.slug,
        "links": ["https://kath.example.org"],
        "role": "member",
    }
    assert "email" not in response.content.decode()
    token = ApiToken.objects.get(user=member)
    assert token.last_used_at is not None


def test_me_with_the_browser_session(member_client, member):
    response = member_client.get(ME)

    assert response.status_code == 200
    assert response.json()["handle"] == member.profile.handle


def test_me_without_signing_in_explains_how(client, db):
    response = client.get(ME)

    assert response.status_code == 401
    assert "personal API token" in response.json()["message"]


def test_a_bad_token_is_refused(client, member, secret):
    response = client.get(ME, **bearer(secret[:-2] + "zz"))

    assert response.status_code == 401
    assert "not recognised" in response.json()["message"]


@pytest.mark.parametrize("value", ["nonsense", "bsn_", "bsn_abcdefgh_x", "Bearer", "x" * 5000])
def test_malformed_tokens_are_refused(client, db, value):
    response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {value}")

    assert response.status_code == 401
    assert response.json()["message"]


def test_a_revoked_token_is_refused_even_with_a_session(member_client, member, secret):
    token = ApiToken.objects.get(user=member)
    services.api_token_revoke(actor=member, token=token)

    response = member_client.get(ME, **bearer(secret))

    assert response.status_code == 401
    assert "revoked" in response.json()["message"]


def test_a_token_of_an_inactive_account_is_refused(client, member, secret):
    member.is_active = False
    member.save()

    response = client.get(ME, **bearer(secret))

    assert response.status_code == 401


def test_patch_me_changes_only_the_given_fields(client, member, secret, area):
    before = profile_snapshot(member)

    response = patch(
        client,
        {
            "display_name": "  Kath   Hughes ",
            "home_area": area.slug,
            "links": ["https://a.example"],
        },
        **bearer(secret),
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["display_name"] == "Kath Hughes"
    assert body["home_area"] == area.slug
    after = profile_snapshot(member)
    assert after["display_name"] == "Kath Hughes"
    assert after["home_area_id"] == area.pk
    assert after["links"] == ["https://a.example"]
    assert after["bio"] == before["bio"]
    assert after["pronouns"] == before["pronouns"]


def test_patch_me_null_clears_optional_fields(client, member, secret, area):
    services.profile_update(profile=member.profile, pronouns="they/them", home_area=area)

    response = patch(client, {"pronouns": None, "home_area": None}, **bearer(secret))

    assert response.status_code == 200
    after = profile_snapshot(member)
    assert after["pronouns"] == ""
    assert after["home_area_id"] is None


def assert_refused(response, member, before, *, status=422) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["message"]
    assert profile_snapshot(member) == before
    return body


def field_messages(body) -> dict[str, list[str]]:
    messages: dict[str, list[str]] = {}
    for error in body["errors"]:
        messages.setdefault(error["field"], []).append(error["message"])
    return messages


def test_patch_me_with_malformed_json_is_a_400(client, member, secret):
    before = profile_snapshot(member)

    response = patch(client, '{"display_name": "Kath",', **bearer(secret))

    body = assert_refused(response, member, before, status=400)
    assert "errors" not in body


@pytest.mark.parametrize(
    "body",
    [
        {"display_name": 123},
        {"display_name": ["Kath"]},
        {"display_name": {"first": "Kath"}},
        {"links": "https://a.example"},
        {"links": [1, 2]},
        {"bio": False},
        {"home_area": 42},
    ],
)
def test_patch_me_with_wrong_types_is_refused_per_field(client, member, secret, body):
    before = profile_snapshot(member)

    response = patch(client, body, **bearer(secret))

    result = assert_refused(response, member, before)
    (field,) = body
    assert field in {error["field"].split(".")[0] for error in result["errors"]}


def test_patch_me_with_an_unknown_field_is_refused(client, member, secret):
    before = profile_snapshot(member)

    response = patch(client, {"email": "new@example.org", "role": "admin"}, **bearer(secret))

    assert_refused(response, member, before)
    member.refresh_from_db()
    assert member.role == "member"
    assert member.email != "new@example.org"


def test_patch_me_with_oversized_and_bad_values_reports_every_field_and_saves_nothing(
    client, member, secret
):
    before = profile_snapshot(member)

    response = patch(
        client,
        {
            "display_name": "x" * 10_000,
            "pronouns": "p" * 10_000,
            "bio": "b" * 5_001,
            "home_area": "atlantis",
            "links": ["javascript:alert(1)"] + [f"https://{n}.example" for n in range(5)],
        },
        **bearer(secret),
    )

    messages = field_messages(assert_refused(response, member, before))
    assert messages["display_name"] == [
        "Display name must be 80 characters or fewer; this one has 10000."
    ]
    assert messages["pronouns"] == ["Pronouns must be 40 characters or fewer; this one has 10000."]
    assert messages["bio"] == ["About you must be 5000 characters or fewer; this has 5001."]
    assert messages["home_area"] == [
        "“atlantis” is not one of the local authorities in the North of England."
    ]
    assert "Add up to 5 links; there are 6." in messages["links"]
    assert any("Link 1 must start with https://" in message for message in messages["links"])


def test_patch_me_with_an_empty_display_name_is_refused(client, member, secret):
    before = profile_snapshot(member)

    response = patch(client, {"display_name": None}, **bearer(secret))

    messages = field_messages(assert_refused(response, member, before))
    assert messages["display_name"][0].startswith("Enter a display name")


def test_patch_me_with_a_nul_in_a_home_area_slug_is_refused(client, member, secret):
    before = profile_snapshot(member)

    response = patch(client, {"home_area": "leeds\x00"}, **bearer(secret))

    assert_refused(response, member, before)


def test_patch_me_with_the_session_needs_the_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    before = profile_snapshot(member)

    response = patch(client, {"display_name": "Kath"})

    assert_refused(response, member, before, status=403)

    client.get(reverse("accounts:profile_edit"))
    token = client.cookies["csrftoken"].value
    response = patch(client, {"display_name": "Kath"}, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 200
    assert profile_snapshot(member)["display_name"] == "Kath"


def test_patch_me_with_a_token_needs_no_csrf_token(member, secret):
    client = Client(enforce_csrf_checks=True)

    response = patch(client, {"display_name": "Kath"}, **bearer(secret))

    assert response.status_code == 200


def test_patch_me_without_signing_in_is_a_401_not_a_csrf_failure(db):
    client = Client(enforce_csrf_checks=True)

    response = patch(client, {"display_name": "Kath"})

    assert response.status_code == 401


# --- Public profiles ---------------------------------------------------------------


def test_a_public_profile(client, member, area):
    services.profile_update(profile=member.profile, display_name="Kath", home_area=area)

    response = client.get(f"/api/v1/people/{member.profile.handle}")

    assert response.status_code == 200
    body = response.json()
    assert body["display_name"] == "Kath"
    assert body["home_area"] == area.slug
    assert "role" not in body
    assert member.email not in response.content.decode()


@pytest.mark.parametrize("handle", ["nobody", "a%00b", "x" * 300])
def test_an_unknown_profile_is_a_404_with_a_message(client, db, handle):
    response = client.get(f"/api/v1/people/{handle}")

    assert response.status_code == 404
    assert response.json()["message"]


def test_an_inactive_persons_profile_is_a_404(client):
    person = UserFactory(is_active=False)

    response = client.get(f"/api/v1/people/{person.profile.handle}")

    assert response.status_code == 404


def test_public_profile_api_takes_one_query(client, member, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(f"/api/v1/people/{member.profile.handle}")

    assert response.status_code == 200


def test_the_people_endpoints_are_in_the_openapi_document(client, db):
    document = client.get("/api/v1/openapi.json").json()

    assert {"/api/v1/me", "/api/v1/people/{handle}"} <= set(document["paths"])
    assert {"TokenAuth", "SessionAuth"} <= set(document["components"]["securitySchemes"])
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
