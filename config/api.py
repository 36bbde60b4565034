"""The one NinjaAPI, mounted at /api/v1/, with a router per app.

Errors always come back as JSON with a `message` a person can act on (and,
for invalid input, the `errors` per field).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from bigsocnorth.accounts.api import router as accounts_router
from bigsocnorth.cuts.api import router as cuts_router
from bigsocnorth.directory.entries.api import router as directory_router
from bigsocnorth.directory.networks.api import router as directory_network_router
from bigsocnorth.directory.opendata.api import router as directory_hsds_router
from bigsocnorth.mapping.api import router as mapping_router
from bigsocnorth.places.api import router as places_router
from bigsocnorth.search.api import router as search_router
from bigsocnorth.stories.api import router as stories_router
from config.api_docs import SiteDocs

api = NinjaAPI(
    title="Big Society in the North API",
    version="1",
    description=(
        "Open data and actions of the Big Society in the North platform. "
        "Read endpoints are public; write endpoints take the browser session "
        "or a personal API token (`Authorization: Bearer <token>`), created "
        "on your profile page."
    ),
    urls_namespace="api",
    # The docs page is the site's own (config/api_docs.py); Swagger UI is its
    # optional explorer at /api/v1/docs/explorer.
    docs=SiteDocs(),
)


def _field_path(loc: list) -> str:
    return ".".join(str(part) for part in loc if part not in ("body", "payload", "query", "path"))


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = []
    for error in exc.errors:
        if error.get("type") == "json_invalid" or "JSON" in str(error.get("msg", "")):
            return api.create_response(
                request,
                {"message": "The request body is not valid JSON. Check quotes, commas and braces."},
                status=400,
            )
        errors.append({"field": _field_path(error.get("loc", [])), "message": error.get("msg")})
    return api.create_response(
        request,
        {"message": "Some of the input is not valid; see errors for each field.", "errors": errors},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return api.create_response(
        request,
        {
            "message": "Sign in, or send a valid personal API token as "
            "'Authorization: Bearer <token>'. Tokens are created and revoked on your profile."
        },
        status=401,
    )


@api.exception_handler(AuthorizationError)
def authorization_error(request, exc):
    return api.create_response(
        request, {"message": "You do not have permission to do this."}, status=403
    )


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(
        request, {"message": str(exc) or "You do not have permission to do this."}, status=403
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(
        request, {"message": str(exc) or "Nothing was found at this address."}, status=404
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        # ninja's own wording; say what is wrong and how to fix it.
        message = "The request body is not valid JSON. Check quotes, commas and braces."
    return api.create_response(request, {"message": message}, status=exc.status_code)


api.add_router("/", places_router)
api.add_router("/", accounts_router)
api.add_router("/", directory_router)
api.add_router("/", search_router)
api.add_router("/", directory_hsds_router)
api.add_router("/", directory_network_router)
api.add_router("/", mapping_router)
api.add_router("/", stories_router)
api.add_router("/", cuts_router)
api.add_router("/forum", "bigsocnorth.forum.api.router")
api.add_router("/events", "bigsocnorth.events.api.router")
api.add_router("/needs-and-offers", "bigsocnorth.mutual_aid.api.router")


def api_not_found(request, *args, **kwargs):
    return JsonResponse(
        {
            "message": "There is no API endpoint at this address. "
            "The endpoints are listed at /api/v1/docs."
        },
        status=404,
    )
