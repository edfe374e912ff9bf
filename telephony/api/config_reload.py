"""POST /api/v1/config/reload: the same reload as SIGHUP, for admins. New calls use the new file; calls in
progress finish on the one they started with; a file with errors changes nothing and its problems are
answered with their places."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from pydantic import BaseModel

from telephony.api.errors import ApiError
from telephony.api.routing import RouteTable

routes = RouteTable()
Reload = Callable[[], list[tuple[str, str]]]
RELOAD = web.AppKey("reload", Reload)


class Reloaded(BaseModel):
    reloaded: bool


@routes.route("POST", "/api/v1/config/reload", "Reload the call-center file", roles=frozenset({"admin"}),
              response=Reloaded, errors=(403, 422), tag="system")
async def reload_config(request: web.Request) -> Reloaded:
    problems = request.app[RELOAD]()
    if problems:
        raise ApiError(422, "invalid_config", "the call-center file has errors; the previous one stays in force",
                       [{"place": place, "message": message} for place, message in problems])
    return Reloaded(reloaded=True)
