"""Helpers for the CRM's handlers, and a wrapper that maps the CRM's exceptions onto the API's error shape
`{"error": {"code", "message", "details"}}`: 404 unknown id, 409 refused change (with the reason), 422
invalid input. Request bodies are read and validated by the route table (400 not JSON, 422
validation_failed)."""

from __future__ import annotations

import dataclasses
import functools
import json
from uuid import UUID

from aiohttp import web

from telephony.api.routing import PRINCIPAL
from telephony.crm.model import json_default
from telephony.crm.service import Conflict, NotFound
from telephony.crm.tickets import InvalidTransition


def error(status: int, code: str, message: str, details=None) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message, "details": details}}, status=status)


def ok(body, status: int = 200) -> web.Response:
    if dataclasses.is_dataclass(body):
        body = dataclasses.asdict(body)
    elif isinstance(body, list):
        body = [dataclasses.asdict(item) for item in body]
    return web.json_response(body, status=status, dumps=lambda b: json.dumps(b, default=json_default))


def path_id(request: web.Request, name: str = "id") -> UUID:
    try:
        return UUID(request.match_info[name])
    except ValueError:
        raise NotFound(name, request.match_info[name]) from None


def query_limit(request: web.Request, default: int, maximum: int) -> int:
    raw = request.query.get("limit", str(default))
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise InvalidRequest([{"loc": ["query", "limit"], "msg": f"an integer from 1 to {maximum}"}])
    return int(raw)


def actor(request: web.Request) -> str | None:
    """Who acts, as the auth middleware authenticated them: the user's id, for ticket history."""
    principal = request.get(PRINCIPAL)
    return str(principal.user_id) if principal is not None else None


class InvalidRequest(Exception):
    def __init__(self, details: list[dict]):
        super().__init__("invalid request")
        self.details = details


def crm_errors(handler):
    @functools.wraps(handler)
    async def wrapped(request: web.Request, *args) -> web.StreamResponse:
        try:
            return await handler(request, *args)
        except NotFound as exc:
            return error(404, "not_found", str(exc), {"kind": exc.kind})
        except InvalidTransition as exc:
            return error(409, "invalid_transition", exc.reason,
                         {"from": exc.current.value, "to": exc.target.value})
        except Conflict as exc:
            return error(409, "conflict", str(exc))
        except InvalidRequest as exc:
            return error(422, "validation_failed", "the request does not validate", exc.details)
        except ValueError as exc:
            return error(422, "validation_failed", str(exc))
    return wrapped
