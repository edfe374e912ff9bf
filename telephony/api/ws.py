"""`/api/v1/events`: the WebSocket where clients receive the events they may see.

Authentication: the bearer token in the `Authorization` header, or, for browsers that cannot set
headers, a first message `{"type": "auth", "token": "..."}` within `auth_timeout` seconds. Never in
the query string, which ends up in logs.

Messages to the client: `{"type": "welcome", "seq": 0, ...}` once authenticated, then each event as
`{"type": <event type>, "seq": n, "at": <ISO time>, "data": {...}}` with n counting 1, 2, 3... on
this connection, and every `heartbeat` idle seconds `{"type": "heartbeat", "seq": <last seq sent>}`;
a client that sees a jump in `seq` or a heartbeat ahead of its last event has missed something and
should re-read the state over HTTP. Protocol pings (aiohttp's `heartbeat`) close dead connections.

When the daemon stops, every socket (authenticated or still waiting for its auth message) is closed with
1001 "going away" before the HTTP server waits for its handlers: a client reconnects when the daemon is
back, and the stop does not wait for clients that would never leave by themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime

from aiohttp import WSMsgType, web

from telephony.api.auth import AUTH
from telephony.api.errors import ApiError
from telephony.api.events import EventHub, Subscription
from telephony.api.routing import PRINCIPAL
from telephony.auth.policy import Principal
from telephony.auth.service import Unauthenticated
from telephony.logs import get_logger

log = get_logger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_ACCESS_CHANGED = 4403  # disabled, or role or queues changed: reconnect to get the new view
CLOSE_TOO_SLOW = 1013  # "try again later": the client did not read its events in time
CLOSE_GOING_AWAY = 1001  # the daemon stops


@dataclass(frozen=True)
class WsOptions:
    heartbeat: float = 20.0
    auth_timeout: float = 5.0
    close_timeout: float = 1.0  # how long a close waits for the client's answering close frame


HUB = web.AppKey("event_hub", EventHub)
WS_OPTIONS = web.AppKey("ws_options", WsOptions)
OPEN_SOCKETS = web.AppKey("open_event_sockets", weakref.WeakSet)


def close_sockets_on_shutdown(app: web.Application) -> None:
    """Keep the open events sockets so that the application's shutdown closes them (see the module's doc)."""
    app[OPEN_SOCKETS] = weakref.WeakSet()
    app.on_shutdown.append(_close_open_sockets)


async def _close_open_sockets(app: web.Application) -> None:
    sockets = list(app[OPEN_SOCKETS])
    if sockets:
        log.info("events.closing_all", connections=len(sockets))
    closing = (ws.close(code=CLOSE_GOING_AWAY, message=b"server shutting down") for ws in sockets)
    await asyncio.gather(*closing, return_exceptions=True)


async def events_socket(request: web.Request) -> web.StreamResponse:
    options = request.app[WS_OPTIONS]
    ws = web.WebSocketResponse(heartbeat=options.heartbeat, max_msg_size=4096, timeout=options.close_timeout)
    if not ws.can_prepare(request).ok:
        raise ApiError(400, "websocket_required", "this endpoint speaks WebSocket only")
    await ws.prepare(request)
    request.app[OPEN_SOCKETS].add(ws)
    principal = request.get(PRINCIPAL) or await _first_message_auth(ws, request.app[AUTH], options)
    if principal is None:
        return ws
    hub = request.app[HUB]
    subscription = hub.subscribe(principal)
    log.info("events.connected", user=principal.name, role=principal.role, connections=hub.connections)
    try:
        await ws.send_json({"type": "welcome", "seq": 0, "user": {"id": str(principal.user_id),
                            "name": principal.name, "role": principal.role}, "heartbeat": options.heartbeat})
        code, reason = await _serve(ws, subscription, options.heartbeat)
        if not ws.closed:
            await ws.close(code=code, message=reason.encode())
    finally:
        hub.unsubscribe(subscription)
        log.info("events.disconnected", user=principal.name, close_code=ws.close_code)
    return ws


async def _first_message_auth(ws: web.WebSocketResponse, auth, options: WsOptions) -> Principal | None:
    try:
        # An absolute deadline: receive(timeout=) restarts its timer on every pong of the heartbeat.
        async with asyncio.timeout(options.auth_timeout):
            message = await ws.receive()
    except TimeoutError:
        await ws.close(code=CLOSE_UNAUTHENTICATED, message=b"no auth message in time")
        return None
    token = None
    if message.type == WSMsgType.TEXT:
        with contextlib.suppress(ValueError):
            data = json.loads(message.data)
            if isinstance(data, dict) and data.get("type") == "auth" and isinstance(data.get("token"), str):
                token = data["token"]
    if token is None:
        await ws.close(code=CLOSE_UNAUTHENTICATED, message=b'first message must be {"type": "auth", "token": ...}')
        return None
    try:
        return await auth.authenticate(token)
    except Unauthenticated:
        await ws.close(code=CLOSE_UNAUTHENTICATED, message=b"invalid, expired or revoked token")
        return None


async def _serve(ws: web.WebSocketResponse, subscription: Subscription, heartbeat: float) -> tuple[int, str]:
    """Run until the client leaves or must go; return the close code and reason."""
    sender = asyncio.create_task(_send_events(ws, subscription, heartbeat))
    reader = asyncio.create_task(_read_until_closed(ws))
    overflow = asyncio.create_task(subscription.overflowed.wait())
    ended = asyncio.create_task(subscription.closed.wait())
    tasks = {sender, reader, overflow, ended}
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    if overflow in done:
        return CLOSE_TOO_SLOW, "events were not read in time"
    if ended in done:
        return CLOSE_ACCESS_CHANGED, subscription.close_reason
    return 1000, "bye"


async def _send_events(ws: web.WebSocketResponse, subscription: Subscription, heartbeat: float) -> None:
    seq = 0
    while True:
        try:
            async with asyncio.timeout(heartbeat):  # not wait_for: in 3.11 it can hang when cancelled
                event = await subscription.queue.get()
        except TimeoutError:
            await ws.send_json({"type": "heartbeat", "seq": seq, "at": _now()})
            continue
        seq += 1
        await ws.send_json({"type": event.type, "seq": seq, "at": event.at.isoformat(), "data": event.data},
                           dumps=_dumps)


async def _read_until_closed(ws: web.WebSocketResponse) -> None:
    """Clients have nothing to say after auth; reading keeps pongs and close frames flowing."""
    async for _message in ws:
        pass


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _dumps(value) -> str:
    return json.dumps(value, default=str)
