"""What the CRM's handlers share: the query's limit, who acts, and the CRM's dataclasses as JSON.

Failures are raised, not answered here: the API's middleware maps them (404 unknown id, 409 refused
change with the reason, 422 invalid input). Request bodies are read and validated by the route table
(400 not JSON, 422 validation_failed)."""

from __future__ import annotations

import dataclasses
import json

from aiohttp import web

from telephony.api.errors import invalid_fields
from telephony.api.routing import PRINCIPAL
from telephony.crm.model import json_default


def ok(body, status: int = 200) -> web.Response:
    if dataclasses.is_dataclass(body):
        body = dataclasses.asdict(body)
    elif isinstance(body, list):
        body = [dataclasses.asdict(item) for item in body]
    return web.json_response(body, status=status, dumps=lambda b: json.dumps(b, default=json_default))


def query_limit(request: web.Request, default: int, maximum: int) -> int:
    raw = request.query.get("limit", str(default))
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise invalid_fields([{"loc": ["query", "limit"], "msg": f"an integer from 1 to {maximum}"}])
    return int(raw)


def actor(request: web.Request) -> str | None:
    """Who acts, as the auth middleware authenticated them: the user's id, for ticket history."""
    principal = request.get(PRINCIPAL)
    return str(principal.user_id) if principal is not None else None
