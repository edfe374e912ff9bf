"""Bearer-token authentication for everything under /api/v1 that is not explicitly public."""

from __future__ import annotations

from aiohttp import web

from telephony.api.routing import PRINCIPAL
from telephony.auth.service import AuthService, Unauthenticated

API_PREFIX = "/api/v1/"
AUTH = web.AppKey("auth", AuthService)


def bearer_token(request: web.Request) -> str | None:
    """The token of an `Authorization: Bearer ...` header; None when there is no such header.

    Tokens are taken from this header only, never from the query string, which ends up in logs.
    """
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
    return token.strip()


@web.middleware
async def auth_middleware(request: web.Request, handler):
    if request.match_info.http_exception is not None:
        return await handler(request)  # 404 or 405: nothing to protect
    route = getattr(request.match_info.handler, "route", None)
    mode = route.auth if route else ("token" if request.path.startswith(API_PREFIX) else "public")
    if mode == "public":
        return await handler(request)
    token = bearer_token(request)
    if token is None and mode == "token":
        raise Unauthenticated("a bearer token is required")
    if token is not None:
        request[PRINCIPAL] = await request.app[AUTH].authenticate(token)
    return await handler(request)
