"""POST /api/v1/config/reload: the same reload as SIGHUP, answering with the problems if it fails.

Role required once auth lands (api branch): admin. New calls use the new file; calls in progress finish on
the one they started with; a file with errors changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

Reload = Callable[[], list[tuple[str, str]]]
RELOAD = web.AppKey("reload", Reload)


async def reload_config(request: web.Request) -> web.Response:
    problems = request.app[RELOAD]()
    if problems:
        return web.json_response(
            {"reloaded": False, "problems": [{"place": place, "message": message} for place, message in problems]},
            status=422)
    return web.json_response({"reloaded": True})


def add_routes(app: web.Application, reload: Reload) -> None:
    app[RELOAD] = reload
    app.router.add_post("/api/v1/config/reload", reload_config)
