"""GET /metrics in Prometheus' text format, and the middleware that counts and times every request.

Prometheus reads it either on the HTTP port with the `metrics_token` setting as a bearer token (it is not
a user's token: a scraper needs no account), or on a port of its own bound to 127.0.0.1 (`metrics_port`)
without one. With neither set, /metrics is not served.
"""

from __future__ import annotations

import hmac
import time

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from telephony.api.errors import error_response
from telephony.api.routing import RouteTable
from telephony.notifiers.metrics import Metrics

METRICS = web.AppKey("metrics", Metrics)
METRICS_TOKEN = web.AppKey("metrics_token", str)
routes = RouteTable()


@routes.route("GET", "/metrics", "Prometheus metrics (bearer: the metrics_token setting)", auth="public",
              errors=(401,), tag="system", media="text/plain",
              description="Calls in progress and waiting per queue, agents by state per queue, queue calls "
                          "by outcome, offers and misses, Asterisk links and reconnects, database write "
                          "backlog, HTTP requests by route and status with latency, event-loop lag.")
async def metrics(request: web.Request) -> web.Response:
    expected = request.app.get(METRICS_TOKEN)
    if expected is not None:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return error_response(401, "unauthenticated", "the metrics token is needed",
                                  headers={"WWW-Authenticate": "Bearer"})
    return exposition(request.app[METRICS])


def exposition(metrics: Metrics) -> web.Response:
    response = web.Response(body=generate_latest(metrics.registry))
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


def metrics_middleware(metrics: Metrics):
    @web.middleware
    async def count(request: web.Request, handler):
        started = time.monotonic()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            resource = request.match_info.route.resource
            route = resource.canonical if resource is not None else "unmatched"
            metrics.http_request(request.method, route, status, time.monotonic() - started)
    return count


def loopback_app(registry: Metrics) -> web.Application:
    """/metrics alone, without a token: for a port bound to 127.0.0.1."""
    app = web.Application()
    app[METRICS] = registry
    app.router.add_get("/metrics", metrics)
    return app
