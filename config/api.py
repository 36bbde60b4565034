"""The one NinjaAPI, mounted at /api/v1/, with a router per app.

Errors always come back as JSON with a `message` a person can act on (and,
for invalid input, the `errors` per field).

The OpenAPI document promises what the API does, for every operation at
once (`SiteOpenAPISchema`), so no router has to repeat it:

- an operation whose authentication lets anyone in (`api_read_auth`) says so
  with an empty security requirement: no credentials are needed;
- the error answers the shared handlers below give are documented where they
  can happen: 400 for a body that is not JSON, 401 and 403 where credentials
  are checked, 404 where the path names something, 422 where there is input;
- an operation that answers another JSON type names it in `openapi_extra`
  as `{"x-media-type": "application/geo+json"}`.

An Authorization header that is not `Bearer <token>` is refused before any
authentication runs, and never logged: it may hold a secret.
"""

from __future__ import annotations

import inspect
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.security import HttpBearer

from bigsocnorth.accounts.api import router as accounts_router
from bigsocnorth.core.schemas import InvalidInput, Message
from bigsocnorth.cuts.api import router as cuts_router
from bigsocnorth.directory.entries.api import router as directory_router
from bigsocnorth.directory.networks.api import router as directory_network_router
from bigsocnorth.directory.opendata.api import router as directory_hsds_router
from bigsocnorth.mapping.api import router as mapping_router
from bigsocnorth.places.api import router as places_router
from bigsocnorth.search.api import router as search_router
from bigsocnorth.stories.api import router as stories_router
from config.api_docs import SiteDocs

MEDIA_TYPE_EXTRA = "x-media-type"

NOT_JSON = "The request body is not valid JSON. Check quotes, commas and braces."
MALFORMED_AUTHORIZATION = (
    "The Authorization header must be 'Bearer <token>', with a personal API token "
    "created on your profile page. Leave the header out to read what is public."
)


def _checks_credentials(operation: Operation) -> bool:
    return any(hasattr(auth, "openapi_security_schema") for auth in operation.auth_callbacks)


def _lets_anyone_in(operation: Operation) -> bool:
    """A callable that is no security scheme (api_read_auth's last) admits anyone."""
    return any(not hasattr(auth, "openapi_security_schema") for auth in operation.auth_callbacks)


def _takes_input(operation: Operation) -> bool:
    return any(model.model_fields for model in operation.models)


def _has_body(operation: Operation) -> bool:
    return any(
        model.__ninja_param_source__ in ("body", "form", "file") for model in operation.models
    )


def _has_path_parameters(operation: Operation) -> bool:
    return "{" in operation.path


# Answers the handlers below give, and when each can happen: (status, model, description, when).
COMMON_ERRORS = [
    (400, Message, "The request body is not valid JSON.", _has_body),
    (
        401,
        Message,
        "No valid credentials where they are needed, a token that is not valid, "
        "or an Authorization header that is not 'Bearer <token>'.",
        _checks_credentials,
    ),
    (
        403,
        Message,
        "Not allowed: for example a moderator's token before two-factor authentication is on.",
        _checks_credentials,
    ),
    (404, Message, "Nothing was found at this address.", _has_path_parameters),
    (422, InvalidInput, "Some of the input is not valid; errors says which and why.", _takes_input),
]


class SiteOpenAPISchema(OpenAPISchema):
    """ninja's document, with what every operation shares filled in (see the module's docstring)."""

    def _component_ref(self, model) -> dict:
        schema, _required = self._create_schema_from_model(
            model, remove_level=False, mode="serialization"
        )
        self.schemas[model.__name__] = schema
        return {"$ref": f"#/components/schemas/{model.__name__}"}

    def responses(self, operation: Operation) -> dict[int, Any]:
        result = super().responses(operation)
        for status, model, description, applies in COMMON_ERRORS:
            if status not in result and applies(operation):
                result[status] = {
                    "description": description,
                    "content": {
                        self.api.renderer.media_type: {"schema": self._component_ref(model)}
                    },
                }
        return dict(sorted(result.items()))

    def operation_security(self, operation: Operation) -> list[dict] | None:
        security = super().operation_security(operation)
        if security and _lets_anyone_in(operation):
            # An empty requirement: the operation may be called with no credentials at all.
            security.append({})
        return security

    def operation_details(self, operation: Operation) -> dict[str, Any]:
        details = super().operation_details(operation)
        media_type = details.pop(MEDIA_TYPE_EXTRA, None)
        if media_type:
            for status, response in details["responses"].items():
                content = response.get("content", {})
                if 200 <= int(status) < 300 and self.api.renderer.media_type in content:
                    content[media_type] = content.pop(self.api.renderer.media_type)
        return details


class SiteAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return SiteOpenAPISchema(self, path_prefix)


def _bearer_or_nothing(value: str) -> bool:
    """True for `Bearer <token>` (one word after the scheme), as RFC 6750 writes it."""
    parts = value.split(" ")
    return len(parts) == 2 and parts[0].lower() == "bearer" and bool(parts[1])


def refuse_malformed_authorization(run):
    """Answer 401 to an Authorization header that is not `Bearer <token>`, on operations
    that read tokens, before any authentication runs.

    ninja's bearer authentication would otherwise pass an empty or mangled token
    on, or log the whole header (the secret with it) when another scheme is sent.
    The header is never logged or echoed here.
    """
    bound = inspect.unwrap(run)
    operation = getattr(bound, "__self__", None)
    reads_tokens = not isinstance(operation, Operation) or any(
        isinstance(auth, HttpBearer) for auth in operation.auth_callbacks
    )
    if not reads_tokens:
        return run

    @wraps(run)
    def checked(request, *args, **kwargs):
        value = request.headers.get("Authorization")
        if value and not _bearer_or_nothing(value):
            return api.create_response(request, {"message": MALFORMED_AUTHORIZATION}, status=401)
        return run(request, *args, **kwargs)

    return checked


api = SiteAPI(
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
                {"message": NOT_JSON},
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
        message = NOT_JSON
    return api.create_response(request, {"message": message}, status=exc.status_code)


api.add_decorator(refuse_malformed_authorization, mode="view")

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
