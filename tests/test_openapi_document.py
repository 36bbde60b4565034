"""The API's OpenAPI document says what the API really does, and credentials never reach the logs.

Each test reads the served document (/api/v1/openapi.json) and compares it with
what the endpoint answers to the same request.
"""

from __future__ import annotations

import logging

import pytest

from bigsocnorth.accounts import services as account_services

pytestmark = pytest.mark.django_db

DOCUMENT = "/api/v1/openapi.json"
METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture
def document(client) -> dict:
    response = client.get(DOCUMENT)
    assert response.status_code == 200
    return response.json()


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _allows_anonymous(operation: dict) -> bool:
    security = operation.get("security")
    # No security at all, or an empty requirement among the choices, means no credentials needed.
    return not security or {} in security


def _documented(operation: dict, status: int) -> dict | None:
    return operation["responses"].get(str(status))


def test_reads_open_to_anyone_are_documented_as_needing_no_credentials(client, document):
    checked = []
    for path, method, operation in _operations(document):
        if method != "get" or "{" in path or not operation.get("security"):
            continue
        response = client.get(path)
        if response.status_code == 200:
            checked.append(path)
            assert _allows_anonymous(operation), (
                f"GET {path} answers 200 without credentials, but its security is "
                f"{operation['security']}"
            )
    # Stories, directory entries and the network graph read as anonymous.
    assert {"/api/v1/stories", "/api/v1/directory/entries", "/api/v1/directory/graph"} <= set(
        checked
    )


def test_operations_that_need_a_person_keep_their_security(document):
    me = document["paths"]["/api/v1/me"]
    for method in ("get", "patch"):
        assert not _allows_anonymous(me[method])
        assert _documented(me[method], 401)


def test_every_operation_that_takes_input_documents_422(document):
    missing = [
        f"{method.upper()} {path}"
        for path, method, operation in _operations(document)
        if (operation.get("parameters") or operation.get("requestBody"))
        and not _documented(operation, 422)
    ]
    assert missing == []


def test_the_422_answer_is_documented_as_it_is_sent(client, document):
    response = client.get("/api/v1/places", {"q": "Leeds", "limit": "many"})
    assert response.status_code == 422
    body = response.json()
    documented = _documented(document["paths"]["/api/v1/places"]["get"], 422)
    assert documented is not None
    schema = documented["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    assert set(schema["required"]) == {"message", "errors"}
    assert set(body) == {"message", "errors"}
    assert body["errors"][0]["field"] == "limit"


def test_an_operation_that_checks_credentials_documents_401(document):
    missing = [
        f"{method.upper()} {path}"
        for path, method, operation in _operations(document)
        if operation.get("security") and not _documented(operation, 401)
    ]
    assert missing == []


def test_an_operation_with_a_path_parameter_documents_404(document):
    missing = [
        f"{method.upper()} {path}"
        for path, method, operation in _operations(document)
        if "{" in path and not _documented(operation, 404)
    ]
    assert missing == []


def test_the_outlines_are_documented_as_geojson(client, document):
    response = client.get("/api/v1/areas/outlines")
    assert response["Content-Type"] == "application/geo+json"
    content = document["paths"]["/api/v1/areas/outlines"]["get"]["responses"]["200"]["content"]
    assert list(content) == ["application/geo+json"]


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/map", {"bbox": "", "zoom": "5"}),
        ("/api/v1/map", {"zoom": "5"}),
        ("/api/v1/search", {"q": ""}),
        ("/api/v1/search", {}),
        ("/api/v1/places", {"q": ""}),
    ],
)
def test_an_empty_bbox_or_q_is_refused_as_the_document_says(client, document, path, query):
    response = client.get(path, query)
    operation = document["paths"][path]["get"]
    assert _documented(operation, response.status_code), (
        f"{path} with {query} answers {response.status_code}, which is not documented"
    )
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    name = "bbox" if path == "/api/v1/map" else "q"
    # The document itself says the value is needed and cannot be empty, so a
    # client (or a generated test) that follows it never sends the empty value.
    assert parameters[name]["required"] is True
    assert parameters[name]["schema"].get("minLength", 0) >= 1


# A malformed Authorization header: the secret it carries must never be logged.
SECRET = "bsn_abcdefgh_s3cr3t-value-that-must-not-leak"
MALFORMED_HEADERS = [
    "Bearer",
    "Bearer ",
    f"Basic {SECRET}",
    f"Bearer {SECRET} {SECRET}",
    f"Token {SECRET}",
    SECRET,
]


@pytest.mark.parametrize("header", MALFORMED_HEADERS)
@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/stories"])
@pytest.mark.parametrize("debug", [False, True])
def test_a_malformed_authorization_header_is_refused_and_never_logged(
    client, caplog, settings, header, path, debug
):
    settings.DEBUG = debug
    caplog.set_level(logging.DEBUG)

    response = client.get(path, HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "Bearer <token>" in response.json()["message"]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "s3cr3t" not in logged
    assert "Bearer" not in logged and "Basic" not in logged


def test_a_valid_token_still_works_with_the_header_checked(client, member):
    _token, secret = account_services.api_token_create(user=member, name="Script")

    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 200
    assert response.json()["handle"] == member.profile.handle


def test_an_unknown_token_is_refused_without_being_logged(client, caplog):
    caplog.set_level(logging.DEBUG)

    response = client.get("/api/v1/stories", HTTP_AUTHORIZATION=f"Bearer {SECRET}")

    assert response.status_code == 401
    assert "s3cr3t" not in "\n".join(record.getMessage() for record in caplog.records)


def test_the_docs_page_says_only_the_operations_needing_a_person_need_a_login(client, document):
    needing = [
        operation for _path, _method, operation in _operations(document)
        if not _allows_anonymous(operation)
    ]  # fmt: skip

    html = client.get("/api/v1/docs").content.decode()

    assert html.count("Needs you to be logged in, or a personal API token.") == len(needing) == 2


@pytest.mark.parametrize("value", ["0", "1700000000", "2026-4-1", ""])
def test_a_date_filter_takes_only_the_documented_form(client, document, value):
    parameters = document["paths"]["/api/v1/cuts"]["get"]["parameters"]
    (decision_to,) = [parameter for parameter in parameters if parameter["name"] == "decision_to"]
    assert {"type": "string", "format": "date"} in decision_to["schema"]["anyOf"]

    response = client.get("/api/v1/cuts", {"decision_to": value})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "decision_to", "message": "Give a date as YYYY-MM-DD, e.g. 2026-04-01."}
    ]
    assert client.get("/api/v1/cuts", {"decision_to": "2026-04-01"}).status_code == 200
