"""Log in and out, who am I, and tokens."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from telephony.api.auth import AUTH
from telephony.api.routing import RouteTable, principal_of, uuid_param
from telephony.api.schemas import (
    IssuedTokenOut,
    LoginRequest,
    LoginResponse,
    TokenCreate,
    TokenList,
    TokenOut,
    UserOut,
)
from telephony.auth.policy import can_act_on_agent
from telephony.errors import NotFound, Refused

routes = RouteTable()


@routes.route("POST", "/api/v1/auth/login", "Log in with name and password; returns a session token",
              auth="public", body=LoginRequest, response=LoginResponse, errors=(401, 429), tag="auth",
              description="Failed attempts are limited per user name and client address; past the limit the "
                          "answer is 429 with Retry-After.")
async def login(request: web.Request, body: LoginRequest) -> LoginResponse:
    issued, user = await request.app[AUTH].login(body.name, body.password, request.remote or "")
    return LoginResponse(token=issued.token, info=TokenOut.of(issued.record), user=UserOut.of(user))


@routes.route("POST", "/api/v1/auth/logout", "Revoke the token used for this request", status=204, tag="auth")
async def logout(request: web.Request) -> None:
    await request.app[AUTH].revoke_token(principal_of(request).token_id)


@routes.route("GET", "/api/v1/me", "The authenticated user", response=UserOut, tag="auth")
async def me(request: web.Request) -> UserOut:
    user = await request.app[AUTH].users.get(principal_of(request).user_id)
    return UserOut.of(user)


@routes.route("GET", "/api/v1/auth/tokens", "Your tokens that are not revoked", response=TokenList, tag="auth")
async def list_tokens(request: web.Request) -> TokenList:
    tokens = await request.app[AUTH].users.tokens_of(principal_of(request).user_id)
    return TokenList(tokens=[TokenOut.of(t) for t in tokens])


@routes.route("POST", "/api/v1/auth/tokens", "Create a long-lived API token (for another user: admin only)",
              body=TokenCreate, response=IssuedTokenOut, status=201, errors=(403, 404, 409), tag="auth")
async def create_token(request: web.Request, body: TokenCreate) -> IssuedTokenOut:
    principal = principal_of(request)
    user_id = body.user_id or principal.user_id
    can_act_on_agent(principal, user_id)
    auth = request.app[AUTH]
    user = await auth.users.get(user_id)
    if user is None:
        raise NotFound("user")
    if user.disabled:
        raise Refused("the user is disabled", "user_disabled")
    ttl = timedelta(days=body.expires_in_days) if body.expires_in_days else None
    issued = await auth.issue_token(user_id, "api", body.label, ttl)
    return IssuedTokenOut(token=issued.token, info=TokenOut.of(issued.record))


@routes.route("DELETE", "/api/v1/auth/tokens/{token_id}", "Revoke a token (another user's: admin only)",
              status=204, errors=(403, 404), tag="auth")
async def revoke_token(request: web.Request) -> None:
    token_id = uuid_param(request, "token_id", "token")
    auth = request.app[AUTH]
    token = await auth.users.get_token(token_id)
    if token is None:
        raise NotFound("token")
    can_act_on_agent(principal_of(request), token.user_id)
    await auth.revoke_token(token_id)
