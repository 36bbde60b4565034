"""The API's root: OpenAPI description, docs page and JSON errors everywhere."""

from __future__ import annotations


def test_openapi_description_lists_the_endpoints(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/areas", "/api/v1/areas/{slug}", "/api/v1/me"} <= set(spec["paths"])


def test_api_docs_page_lists_every_endpoint_without_javascript(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script" not in html.split("</head>", 1)[1].replace('<script src="/static/', "")
    spec = client.get("/api/v1/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method in operations:
            assert f"<code>{method.upper()} {path}</code>" in html, (method, path)
    # A parameter with its description, and who may call what.
    assert "Only this region&#x27;s authorities" in html or "Only this region's authorities" in html
    assert "Public: no login needed." in html
    assert "/api/v1/openapi.json" in html


def test_the_interactive_explorer_loads_its_scripts_from_our_own_static_files(client, db):
    html = client.get("/api/v1/docs/explorer").content.decode()
    assert "cdn." not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/api/v1/openapi.json" in html


def test_unknown_api_address_answers_json_not_html(client, db):
    for path in ("/api/v1/no-such-thing", "/api/v2/areas", "/api/v1/areas/a%2Fb/extra"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert "/api/v1/docs" in response.json()["message"]


def test_wrong_method_answers_json(client, db):
    response = client.delete("/api/v1/areas")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["message"] == "This address does not take DELETE. It takes: GET."
    assert response["Allow"] == "GET"
