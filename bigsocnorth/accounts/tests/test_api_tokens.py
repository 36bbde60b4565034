"""Personal API tokens: made and revoked on the profile page, secret shown once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bigsocnorth.accounts import selectors, services
from bigsocnorth.accounts.models import ApiToken
from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.accounts.tokens import token_hash, token_parse

pytestmark = pytest.mark.django_db


def test_making_a_token_shows_its_secret_once_after_a_redirect(member_client, member):
    response = member_client.post(reverse("accounts:api_token_create"), {"token-name": "My map"})

    assert response.status_code == 302
    assert response.url == reverse("accounts:profile_edit") + "#api-tokens"
    token = ApiToken.objects.get(user=member)
    assert token.name == "My map"

    first = member_client.get(reverse("accounts:profile_edit")).content.decode()
    start = first.index('<code class="secret" id="new-token-secret">') + len(
        '<code class="secret" id="new-token-secret">'
    )
    secret = first[start : first.index("</code>", start)]
    assert secret.startswith(f"bsn_{token.prefix}_")
    assert token.key_hash == token_hash(secret)
    assert secret not in token.key_hash

    second = member_client.get(reverse("accounts:profile_edit")).content.decode()
    assert secret not in second
    assert "My map" in second
    assert f"bsn_{token.prefix}_" in second


def test_the_secret_is_never_stored(member):
    token, secret = services.api_token_create(user=member, name="Script")

    token.refresh_from_db()
    stored = [str(value) for value in token.__dict__.values()]
    assert secret not in stored
    assert token.key_hash == token_hash(secret)
    assert len(token.key_hash) == 64


def test_a_token_needs_a_name(member_client, member):
    response = member_client.post(reverse("accounts:api_token_create"), {"token-name": "  "})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a name for the token" in html
    assert 'href="#id_token-name"' in html
    assert ApiToken.objects.count() == 0


def test_a_token_name_over_80_characters_is_refused(member_client, member):
    response = member_client.post(
        reverse("accounts:api_token_create"), {"token-name": "n" * 10_000}
    )

    assert response.status_code == 200
    assert "Token name must be 80 characters or fewer; this one has 10000." in (
        response.content.decode()
    )
    assert ApiToken.objects.count() == 0


def test_there_is_a_limit_on_working_tokens(member):
    for number in range(services.API_TOKENS_ACTIVE_MAX):
        services.api_token_create(user=member, name=f"token {number}")

    with pytest.raises(services.ValidationError, match="the most allowed"):
        services.api_token_create(user=member, name="one too many")
    assert ApiToken.objects.filter(user=member).count() == services.API_TOKENS_ACTIVE_MAX


def test_making_a_token_needs_logging_in(client, db):
    response = client.post(reverse("accounts:api_token_create"), {"token-name": "x"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert ApiToken.objects.count() == 0


def test_making_a_token_needs_a_post(member_client):
    assert member_client.get(reverse("accounts:api_token_create")).status_code == 405
    assert ApiToken.objects.count() == 0


def test_revoking_a_token(member_client, member):
    token, _secret = services.api_token_create(user=member, name="Old script")

    response = member_client.post(reverse("accounts:api_token_revoke", args=[token.pk]))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    page = member_client.get(reverse("accounts:profile_edit")).content.decode()
    assert "The token “Old script” is revoked and no longer works." in page
    assert "Revoked on" in page


def test_revoking_twice_changes_nothing(member):
    token, _secret = services.api_token_create(user=member, name="Old script")
    assert services.api_token_revoke(actor=member, token=token) is True
    revoked_at = token.revoked_at

    assert services.api_token_revoke(actor=member, token=token) is False
    token.refresh_from_db()
    assert token.revoked_at == revoked_at


def test_someone_elses_token_cannot_be_revoked_and_looks_missing(member_client):
    other = UserFactory()
    token, _secret = services.api_token_create(user=other, name="Theirs")

    response = member_client.post(reverse("accounts:api_token_revoke", args=[token.pk]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_admin_may_revoke_anyones_token(admin_user, member):
    token, _secret = services.api_token_create(user=member, name="Leaked")

    assert services.api_token_revoke(actor=admin_user, token=token) is True


def test_finding_a_token_by_its_secret(member):
    token, secret = services.api_token_create(user=member, name="Script")

    assert selectors.api_token_find_by_secret(secret=secret) == token
    assert selectors.api_token_find_by_secret(secret=secret + "x") is None
    assert selectors.api_token_find_by_secret(secret=secret.replace("bsn_", "xyz_")) is None
    assert selectors.api_token_find_by_secret(secret="") is None
    assert selectors.api_token_find_by_secret(secret="bsn_\x00\x00_abc") is None


@pytest.mark.parametrize(
    "secret", ["", "bsn", "bsn__x", "bsn_ABCDEFGH_x", "bsn_abcdefgh_", "x" * 500, "bsn_abc_def"]
)
def test_malformed_secrets_are_not_parsed(secret):
    assert token_parse(secret) is None


def test_last_used_is_written_at_most_once_a_minute(member):
    token, _secret = services.api_token_create(user=member, name="Script")
    start = timezone.now()

    assert services.api_token_record_use(token=token, now=start) is True
    assert services.api_token_record_use(token=token, now=start + timedelta(seconds=30)) is False
    token.refresh_from_db()
    assert token.last_used_at == start
    later = start + timedelta(seconds=61)
    assert services.api_token_record_use(token=token, now=later) is True
    token.refresh_from_db()
    assert token.last_used_at == later
