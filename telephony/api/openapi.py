"""The OpenAPI 3.1 document, generated from the route registry and the pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from telephony.api.routing import Route
from telephony.api.schemas import ErrorResponse

REF = "#/components/schemas/{model}"
ERROR_TEXT = {
    400: "Bad request: a body that is not JSON, or not a WebSocket handshake where one is expected",
    401: "No valid bearer token",
    403: "The role or ownership does not allow this; the message says why",
    404: "No such resource",
    409: "Conflicts with the current state",
    413: "Request body too large",
    422: "The body does not validate; details lists the field errors",
    429: "Too many attempts; see Retry-After",
}


def _json(ref: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": ref}}


def _error_statuses(route: Route) -> list[int]:
    statuses = set(route.errors)
    if route.body is not None:
        statuses |= {400, 413, 422}
    if route.auth != "public":
        statuses.add(401)
        if route.roles != frozenset({"agent", "supervisor", "admin"}):
            statuses.add(403)
    if route.path_params:
        statuses.add(404)
    return sorted(statuses)


NOT_UUIDS = {"call_id"}  # Asterisk's channel ids


def build_openapi(routes: list[Route], title: str = "telephony", version: str = "1") -> dict[str, Any]:
    models: list[type[BaseModel]] = [ErrorResponse]
    models += [r.body for r in routes if r.body] + [r.response for r in routes if r.response]
    keyed = [(m, "validation") for m in dict.fromkeys(r.body for r in routes if r.body)]
    keyed += [(m, "serialization") for m in dict.fromkeys(models) if (m, "validation") not in keyed]
    refs, schemas = models_json_schema(keyed, ref_template=REF)

    def ref(model: type[BaseModel], mode: str) -> dict[str, Any]:
        return refs.get((model, mode)) or refs[(model, "serialization" if mode == "validation" else "validation")]

    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        operation: dict[str, Any] = {"operationId": route.operation_id, "summary": route.summary}
        if route.description:
            operation["description"] = route.description
        if route.tag:
            operation["tags"] = [route.tag]
        if route.path_params:
            operation["parameters"] = [{"name": p, "in": "path", "required": True,
                                        "schema": {"type": "string", **({} if p in NOT_UUIDS else {"format": "uuid"})}}
                                       for p in route.path_params]
        if route.body is not None:
            operation["requestBody"] = {"required": True, "content": _json(ref(route.body, "validation"))}
        operation["security"] = [] if route.auth == "public" else [{"bearer": []}]
        operation["x-roles"] = [] if route.auth == "public" else sorted(route.roles)
        success = {"description": {101: "Switching to WebSocket", 204: "Done, no content"}.get(route.status, "OK")}
        if route.media is not None:
            success["content"] = {route.media: {"schema": {"type": "string", "format": "binary"}}}
        elif route.response is not None:
            success["content"] = _json(ref(route.response, "serialization"))
        elif route.status == 200:
            success["content"] = _json({"type": "object"})
        responses: dict[str, Any] = {str(route.status): success}
        for status, text in route.extra_responses.items():
            responses[str(status)] = {**success, "description": text}
        for status in _error_statuses(route):
            responses[str(status)] = {"description": ERROR_TEXT[status],
                                      "content": _json(ref(ErrorResponse, "serialization"))}
        if 429 in route.errors:
            responses["429"]["headers"] = {"Retry-After": {"schema": {"type": "integer"},
                                                            "description": "seconds to wait"}}
        operation["responses"] = responses
        paths.setdefault(route.path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version,
                 "description": "Call-center control for Asterisk. Errors share one shape: "
                                "{\"error\": {\"code\", \"message\", \"details\"}}."},
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "a session token from /api/v1/auth/login, or an "
                                                          "API token"}},
        },
        "security": [{"bearer": []}],
    }
