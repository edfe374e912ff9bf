"""The OpenAPI document matches the routes: nothing served is undocumented, nothing documented is absent."""

from __future__ import annotations

import json

import jsonschema_rs

from telephony.api.app import OPENAPI, build_app

METHODS = {"get", "post", "put", "patch", "delete"}


async def _health():
    return {}


def _app():
    return build_app(_health, auth=object())  # the document needs no live service


def _routes(app) -> set[tuple[str, str]]:
    return {(r.method.lower(), r.resource.canonical) for r in app.router.routes()}


def _documented(doc) -> set[tuple[str, str]]:
    return {(m, p) for p, item in doc["paths"].items() for m in item if m in METHODS}


def test_every_route_is_documented_and_nothing_else():
    app = _app()
    doc = app[OPENAPI]
    assert _routes(app) - _documented(doc) == set(), "routes missing from the OpenAPI document"
    assert _documented(doc) - _routes(app) == set(), "documented operations that are not served"


def test_without_auth_only_healthz_is_served_and_documented():
    app = build_app(_health)
    assert _routes(app) == {("get", "/healthz")} == _documented(app[OPENAPI])


def test_document_shape():
    doc = _app()[OPENAPI]
    assert doc["openapi"] == "3.1.0"
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": doc["components"]["securitySchemes"]["bearer"]["description"]}
    public = {p for p, item in doc["paths"].items() for op in item.values() if op["security"] == []}
    assert public == {"/healthz", "/api/v1/openapi.json", "/api/v1/auth/login"}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if op["security"]:
                assert "401" in op["responses"], (method, path)
            if "requestBody" in op:
                assert {"400", "413", "422"} <= set(op["responses"]), (method, path)
    assert "429" in doc["paths"]["/api/v1/auth/login"]["post"]["responses"]


def test_every_ref_resolves_and_schemas_are_valid_json_schema():
    doc = _app()[OPENAPI]
    text = json.dumps(doc)
    schemas = doc["components"]["schemas"]
    for name in {part.split('"')[0] for part in text.split('"#/components/schemas/')[1:]}:
        assert name in schemas, name
    for name, schema in schemas.items():
        jsonschema_rs.meta.validate({**schema, "$schema": "https://json-schema.org/draft/2020-12/schema"})


def test_error_schema_is_the_shared_shape():
    schemas = _app()[OPENAPI]["components"]["schemas"]
    assert schemas["ErrorResponse"]["required"] == ["error"]
    assert set(schemas["ErrorBody"]["properties"]) == {"code", "message", "details"}
