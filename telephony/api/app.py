"""The aiohttp application and its embedding in the daemon through AppRunner."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from telephony.agent_admin import AgentAdmin
from telephony.agent_desk import AgentDesk
from telephony.api import (agent_admin_routes, agent_routes, call_routes, config_reload, recording_routes, session_routes,
                           supervision_routes, transfer_routes, user_routes, voicemails)
from telephony.api.auth import AUTH, auth_middleware
from telephony.api.call_routes import CALLS, CallsProvider
from telephony.api.crm import add_crm_routes
from telephony.api.errors import error_middleware
from telephony.api.events import EventHub
from telephony.api import metrics as metrics_routes
from telephony.api.metrics import METRICS, METRICS_TOKEN, metrics_middleware
from telephony.api.openapi import build_openapi
from telephony.api.routing import RouteTable
from telephony.api.schemas import Health
from telephony.api.ws import HUB, WS_OPTIONS, WsOptions, close_sockets_on_shutdown, events_socket
from telephony.api.config_reload import Reload
from telephony.auth.service import AuthService
from telephony.crm.service import CrmService
from telephony.db.voicemails import VoicemailStore
from telephony.api import report_routes, segment_routes
from telephony.db.segments import SegmentStore
from telephony.reports.service import Reports
from telephony.recordings.library import RecordingLibrary
from telephony.supervision.desk import SupervisorDesk
from telephony.logs import get_logger
from telephony.notifiers.metrics import Metrics

log = get_logger(__name__)

HealthCheck = Callable[[], Awaitable[dict[str, bool]]]
HEALTH = web.AppKey("health", HealthCheck)
OPENAPI = web.AppKey("openapi", dict)
MAX_BODY = 64 * 1024

system = RouteTable()


@system.route("GET", "/healthz", "200 when every component is up; 503 naming what is down", auth="public",
              response=Health, extra_responses={503: "A component is down"}, tag="system")
async def healthz(request: web.Request) -> web.Response:
    states = await request.app[HEALTH]()
    down = sorted(name for name, up in states.items() if not up)
    body = {
        "status": "ok" if not down else "degraded",
        "components": {name: "up" if up else "down" for name, up in states.items()},
    }
    if down:
        body["down"] = down
    return web.json_response(body, status=503 if down else 200)


@system.route("GET", "/api/v1/openapi.json", "This document", auth="public", tag="system")
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(request.app[OPENAPI])


@system.route("GET", "/api/v1/events", "WebSocket of the events you may see", auth="websocket",
              status=101, errors=(400,), tag="events",
              description="Authenticate with the Authorization header or with a first message "
                          "{\"type\": \"auth\", \"token\": \"...\"} within 5 s. Messages: welcome, then "
                          "{\"type\", \"seq\", \"at\", \"data\"} per event and {\"type\": \"heartbeat\", "
                          "\"seq\"} when idle; agents get their own events, supervisors those of their "
                          "queues, admins all.")
async def events(request: web.Request) -> web.StreamResponse:
    return await events_socket(request)


def api_routes(with_auth: bool, *optional: RouteTable) -> list:
    """The routes served: all of them with auth (plus the optional tables whose service is there), else
    /healthz alone."""
    tables = [system] + ([session_routes.routes, user_routes.routes, call_routes.routes, *optional]
                         if with_auth else [])
    routes = [r for t in tables for r in t.routes]
    return routes if with_auth else [r for r in routes if r.path == "/healthz"]


def build_app(health: HealthCheck, *, auth: AuthService | None = None, hub: EventHub | None = None,
              calls: CallsProvider | None = None, ws_options: WsOptions | None = None,
              desk: AgentDesk | None = None, voicemail_store: VoicemailStore | None = None,
              reload: Reload | None = None, crm: CrmService | None = None,
              recordings: RecordingLibrary | None = None,
              supervision: SupervisorDesk | None = None,
              segments: SegmentStore | None = None, reports: Reports | None = None,
              agent_admin: AgentAdmin | None = None, metrics: Metrics | None = None,
              metrics_token: str | None = None) -> web.Application:
    """The HTTP application. Without `auth` (no database yet) it serves /healthz only; the agent and queue
    routes come with `desk` (the ACD), the customer and ticket routes with `crm`."""
    counting = [metrics_middleware(metrics)] if metrics is not None else []
    app = web.Application(client_max_size=MAX_BODY, middlewares=[*counting, error_middleware, auth_middleware])
    app[HEALTH] = health
    optional = {agent_routes.routes: (agent_routes.DESK, desk),
                agent_admin_routes.routes: (agent_admin_routes.ADMIN, agent_admin if desk is not None else None),
                transfer_routes.routes: (agent_routes.DESK, desk),
                voicemails.routes: (voicemails.VOICEMAILS, voicemail_store),
                segment_routes.routes: (segment_routes.SEGMENTS, segments),
                report_routes.routes: (report_routes.REPORTS, reports),
                config_reload.routes: (config_reload.RELOAD, reload),
                recording_routes.routes: (recording_routes.RECORDINGS, recordings if desk is not None else None),
                supervision_routes.routes: (supervision_routes.SUPERVISION,
                                            supervision if desk is not None else None)}
    served = [table for table, (_, service) in optional.items() if service is not None]
    routes = api_routes(auth is not None, *served)
    if auth is not None and crm is not None:
        routes = routes + add_crm_routes(app, crm)
    if metrics is not None and metrics_token:
        app[METRICS], app[METRICS_TOKEN] = metrics, metrics_token
        routes = routes + metrics_routes.routes.routes
    for key, service in optional.values():
        if service is not None:
            app[key] = service
    if auth is not None:
        app[AUTH] = auth
        if desk is not None:
            app[user_routes.QUEUE_NAMES] = desk.queue_names
        app[HUB] = hub or EventHub()
        app[CALLS] = calls or list
        app[WS_OPTIONS] = ws_options or WsOptions()
        close_sockets_on_shutdown(app)
    app[OPENAPI] = build_openapi(routes)
    table = RouteTable()
    table.routes = routes
    table.install(app)
    return app


class HttpServer:
    """The application served on host:port. Its close is quick (the daemon's stop must take under 2 s):
    the application's shutdown closes the events sockets, and a request still running after
    `shutdown_timeout` is cancelled."""

    def __init__(self, app: web.Application, host: str, port: int, shutdown_timeout: float = 0.5):
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=shutdown_timeout)
        self._host, self._port = host, port
        self.port: int | None = None

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        log.info("http.listening", host=self._host, port=self.port)

    async def close(self) -> None:
        if self._runner.server is not None:
            await self._runner.cleanup()
