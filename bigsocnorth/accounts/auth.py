"""How API callers prove who they are: a personal API token or the browser session.

Use `api_auth` on any endpoint that needs a signed-in person:

    @router.patch("/things/{id}", auth=api_auth)

`request.auth` is then the User. A token that is presented but not valid is
always refused (401), even if a session cookie came along too, so a script
with a revoked token fails loudly instead of acting as someone else.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from bigsocnorth.accounts import selectors, services


class TokenAuth(HttpBearer):
    """`Authorization: Bearer bsn_…`: a personal API token made on the profile page."""

    def authenticate(self, request, token: str):
        found = selectors.api_token_find_by_secret(secret=token)
        if found is None:
            raise HttpError(
                401,
                _(
                    "This API token is not recognised. Check it was copied in full, "
                    "or create a new one on your profile page."
                ),
            )
        if not found.is_active:
            raise HttpError(
                401,
                _("This API token has been revoked. Create a new one on your profile page."),
            )
        user = found.user
        if not user.is_active:
            raise HttpError(401, _("The account this API token belongs to is not active."))
        if (
            settings.REQUIRE_STAFF_TWO_FACTOR
            and user.is_moderator
            and not selectors.user_has_two_factor(user=user)
        ):
            raise HttpError(
                403,
                _(
                    "Moderators and admins must turn on two-factor authentication "
                    "before using the API."
                ),
            )
        services.api_token_record_use(token=found)
        # Code written for the session (request.user) sees the same person.
        request.user = user
        request.api_token = found
        return user


class SessionAuth(APIKeyCookie):
    """The browser session, with Django's CSRF check on writes.

    Unlike ninja's `django_auth`, a request with no signed-in session is
    simply not authenticated by this method (so the caller gets a 401 that
    explains how to sign in), instead of failing the CSRF check first.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


api_auth = [TokenAuth(), SessionAuth()]


def _anyone(request):
    """Last in api_read_auth: callers with no credentials read as anonymous."""
    return AnonymousUser()


# Read endpoints: a token or the session says who is asking (they then also
# see their own unpublished contributions); anyone else reads as anonymous.
api_read_auth = [*api_auth, _anyone]
