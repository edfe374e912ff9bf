"""One JSON shape for every error: `{"error": {"code", "message", "details"}}`.

The middleware is the one place that turns exceptions into HTTP answers: every Refused (a request that
cannot be done now) is a 409 with its code and reason, every InvalidInput (a value not acceptable whatever
the state) a 422 naming the field and the allowed values, every NotFound a 404, the auth failures 401, 403
and 429, an ApiError (a request-shape problem a route found) its own status, aiohttp's HTTP errors (404,
405, 413...) theirs, and anything else a 500 (logged, never shown): a ValueError from deep down is a bug,
not a refusal. Handlers raise; they do not translate.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from telephony.auth.policy import Forbidden
from telephony.auth.service import TooManyAttempts, Unauthenticated
from telephony.errors import InvalidInput, NotFound, Refused
from telephony.logs import get_logger

log = get_logger(__name__)


class ApiError(Exception):
    """A problem with the request's shape that a route found itself (a bad query parameter, a field that
    only the route can check); domain failures are Refused or NotFound instead."""

    def __init__(self, status: int, code: str, message: str, details: Any = None,
                 headers: dict[str, str] | None = None):
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}
        super().__init__(message)


def error_response(status: int, code: str, message: str, details: Any = None,
                   headers: dict[str, str] | None = None) -> web.Response:
    body = {"error": {"code": code, "message": message, "details": details}}
    return web.Response(status=status, text=json.dumps(body), content_type="application/json",
                        headers=headers)


def invalid_request(exc: ValidationError) -> ApiError:
    """422 with the field errors, without the submitted values: they may hold a password.

    Only for request bodies: a ValidationError anywhere else is our bug, hence a 500.
    """
    details = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
               for e in exc.errors(include_url=False, include_input=False, include_context=False)]
    return invalid_fields(details)


def invalid_fields(details: list[dict]) -> ApiError:
    """422 for fields that pass the body's schema but fail a check of the route: `details` lists
    `{"loc": [...], "msg": ...}` per field."""
    return ApiError(422, "validation_failed", "the request does not validate", details)


def _from_exception(exc: Exception) -> web.Response | None:
    if isinstance(exc, ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)
    if isinstance(exc, Unauthenticated):
        return error_response(401, "unauthenticated", str(exc), headers={"WWW-Authenticate": "Bearer"})
    if isinstance(exc, Forbidden):
        return error_response(403, exc.code, exc.reason)
    if isinstance(exc, TooManyAttempts):
        return error_response(429, "too_many_attempts", str(exc), {"retry_after": exc.retry_after},
                              {"Retry-After": str(exc.retry_after)})
    if isinstance(exc, InvalidInput):
        detail = {"loc": exc.field.split("."), "msg": exc.message, "type": "invalid"}
        if exc.allowed is not None:
            detail["allowed"] = exc.allowed
        return error_response(422, "validation_failed", "the request does not validate", [detail])
    if isinstance(exc, Refused):
        return error_response(409, exc.code, exc.reason, exc.details)
    if isinstance(exc, NotFound):
        return error_response(404, "not_found", str(exc), {"kind": exc.what})
    if isinstance(exc, web.HTTPException) and exc.status >= 400:
        code = exc.reason.lower().replace(" ", "_").replace("-", "_")
        headers = {k: v for k, v in exc.headers.items() if k in ("Allow", "WWW-Authenticate", "Retry-After")}
        return error_response(exc.status, code, exc.reason, headers=headers)
    return None


@web.middleware
async def error_middleware(request: web.Request, handler):
    try:
        response = await handler(request)
    except Exception as exc:  # every error leaves in one shape
        mapped = _from_exception(exc)
        if mapped is not None:
            return mapped
        if isinstance(exc, web.HTTPException):
            raise
        log.exception("http.unhandled_error", method=request.method, path=request.path)
        return error_response(500, "internal_error", "internal error")
    return response
