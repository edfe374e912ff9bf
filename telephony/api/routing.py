"""The route registry: every route declares what the OpenAPI document says about it.

A route names its method, path, summary, the roles allowed, and its request and response models. The
registry installs it on the aiohttp router wrapped so that the role is checked, the body is read (within
the size limit), parsed (400 when not JSON) and validated (422), and the result serialised.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from uuid import UUID

from aiohttp import web
from pydantic import BaseModel, ValidationError

from telephony.api.errors import ApiError, invalid_request
from telephony.auth.models import ROLES
from telephony.auth.policy import Principal, require_role
from telephony.errors import NotFound

PRINCIPAL = web.RequestKey("principal", Principal)  # the authenticated caller
ALL_ROLES = frozenset(ROLES)
SUPERVISING = frozenset({"supervisor", "admin"})  # routes for who watches over agents and queues
PATH_PARAM = re.compile(r"\{([a-z_]+)\}")

Auth = Literal["token", "public", "websocket"]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    summary: str
    handler: Callable[..., Awaitable[Any]]
    roles: frozenset[str] = ALL_ROLES
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    tag: str = ""
    auth: Auth = "token"
    description: str = ""
    extra_responses: dict[int, str] = field(default_factory=dict)
    media: str | None = None  # a success body that is a file of this type, not JSON

    @property
    def operation_id(self) -> str:
        return self.handler.__name__

    @property
    def path_params(self) -> list[str]:
        return PATH_PARAM.findall(self.path)


class RouteTable:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def route(self, method: str, path: str, summary: str, **options) -> Callable:
        def register(handler):
            self.routes.append(Route(method, path, summary, handler, **options))
            return handler
        return register

    def find(self, handler) -> Route | None:
        return next((r for r in self.routes if r.handler is handler), None)

    def install(self, app: web.Application) -> None:
        for route in self.routes:
            app.router.add_route(route.method, route.path, _wrap(route), name=route.operation_id)


def principal_of(request: web.Request) -> Principal:
    return request[PRINCIPAL]


def uuid_param(request: web.Request, name: str, what: str) -> UUID:
    """A path parameter that must be a UUID; anything else names nothing, hence 404."""
    try:
        return UUID(request.match_info[name])
    except ValueError:
        raise NotFound(what) from None


async def read_body(request: web.Request, model: type[BaseModel]) -> BaseModel:
    raw = await request.read()  # raises 413 past client_max_size
    try:
        return model.model_validate_json(raw or b"null")
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise ApiError(400, "malformed_json", "the request body is not valid JSON") from None
        raise invalid_request(exc) from None


def _wrap(route: Route):
    async def handler(request: web.Request) -> web.StreamResponse:
        if route.auth == "token":
            require_role(principal_of(request), route.roles)
        args = [await read_body(request, route.body)] if route.body else []
        result = await route.handler(request, *args)
        if isinstance(result, web.StreamResponse):
            return result
        if result is None:
            return web.Response(status=route.status if route.status != 200 else 204)
        return web.json_response(text=result.model_dump_json(), status=route.status)

    handler.route = route
    handler.__name__ = route.operation_id
    return handler
