"""The aiohttp application and its embedding in the daemon through AppRunner."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from telephony.api.crm import add_crm_routes
from telephony.crm.service import CrmService
from telephony.logs import get_logger

log = get_logger(__name__)

HealthCheck = Callable[[], Awaitable[dict[str, bool]]]
HEALTH = web.AppKey("health", HealthCheck)


async def healthz(request: web.Request) -> web.Response:
    """200 when every component is up; 503 naming what is down."""
    states = await request.app[HEALTH]()
    down = sorted(name for name, up in states.items() if not up)
    body = {
        "status": "ok" if not down else "degraded",
        "components": {name: "up" if up else "down" for name, up in states.items()},
    }
    if down:
        body["down"] = down
    return web.json_response(body, status=503 if down else 200)


def build_app(health: HealthCheck, crm: CrmService | None = None) -> web.Application:
    app = web.Application(client_max_size=64 * 1024)
    app[HEALTH] = health
    app.router.add_get("/healthz", healthz)
    if crm is not None:
        add_crm_routes(app, crm)
    return app


class HttpServer:
    def __init__(self, app: web.Application, host: str, port: int):
        self._runner = web.AppRunner(app, access_log=None)
        self._host, self._port = host, port
        self.port: int | None = None

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        log.info("http.listening", host=self._host, port=self.port)

    async def close(self) -> None:
        await self._runner.cleanup()
