"""The API's documentation as a page of the site: readable without JavaScript.

The endpoints are listed from the OpenAPI document itself, so the page never
disagrees with the API. The interactive explorer (Swagger UI, shipped with
django-ninja) is a separate page linked from here: an enhancement for those
who want to try requests in the browser.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase, Swagger

from bigsocnorth.core.markdown import render_markdown

METHODS = ("get", "post", "put", "patch", "delete")


def _type_of(schema: dict) -> str:
    """A parameter's type in words: "integer", "string or null", "list of string"."""
    if "anyOf" in schema:
        return " or ".join(_type_of(option) for option in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type_of(schema.get('items', {}))}"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    return schema.get("type", "any")


def _endpoint(path: str, method: str, operation: dict) -> dict[str, Any]:
    parameters = [
        {
            "name": parameter["name"],
            "where": parameter["in"],
            "required": parameter.get("required", False),
            "type": _type_of(parameter.get("schema", {})),
            "description": parameter.get("description", ""),
        }
        for parameter in operation.get("parameters", [])
    ]
    responses = [
        {"status": status, "description": response.get("description", "")}
        for status, response in sorted(operation.get("responses", {}).items())
    ]
    return {
        "anchor": operation.get("operationId", f"{method}-{path}"),
        "method": method.upper(),
        "path": path,
        "summary": operation.get("summary", ""),
        # Docstrings are written in Markdown (`names` in code, wrapped lines).
        "description": render_markdown(operation.get("description", "")),
        "tag": (operation.get("tags") or ["api"])[0],
        "parameters": parameters,
        "has_body": "requestBody" in operation,
        "responses": responses,
        # An empty requirement among the choices: anyone may call it (and a
        # token or the session shows the caller their own things too).
        "needs_login": bool(operation.get("security")) and {} not in operation["security"],
    }


@cache
def api_reference(api) -> dict[str, Any]:
    """The endpoints grouped by tag, built once per process from the OpenAPI document."""
    schema = api.get_openapi_schema()
    groups: dict[str, list[dict]] = {}
    for path, operations in schema["paths"].items():
        for method in METHODS:
            if method in operations:
                endpoint = _endpoint(path, method, operations[method])
                groups.setdefault(endpoint["tag"], []).append(endpoint)
    return {
        "title": schema["info"]["title"],
        "version": schema["info"]["version"],
        "description": render_markdown(schema["info"].get("description", "")),
        "groups": sorted(groups.items()),
    }


class SiteDocs(DocsBase):
    """The docs page in the site's own template."""

    def render_page(self, request: HttpRequest, api, **kwargs: Any) -> HttpResponse:
        return render(
            request,
            "api/docs.html",
            {
                "reference": api_reference(api),
                "openapi_url": self.get_openapi_url(api, kwargs),
            },
        )


def api_explorer(request: HttpRequest) -> HttpResponse:
    """Swagger UI over the same document, for trying requests in the browser."""
    from config.api import api

    return Swagger().render_page(request, api)
