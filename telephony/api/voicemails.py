"""Voicemail listing.

Role required once auth lands (api branch): supervisor or admin; later also the agent who owns the box.
Until then these routes are as open as /healthz: keep the HTTP listener on loopback.
"""

from __future__ import annotations

from uuid import UUID

from aiohttp import web

from telephony.db.voicemails import VoicemailStore

VOICEMAILS = web.AppKey("voicemails", VoicemailStore)


def _flag(value: str | None) -> bool | None:
    if value is None:
        return None
    if value in ("true", "false"):
        return value == "true"
    raise web.HTTPBadRequest(text="heard must be true or false")


async def list_voicemails(request: web.Request) -> web.Response:
    """GET /api/v1/voicemails?box=NAME&heard=false&limit=100: newest first."""
    query = request.query
    try:
        limit = min(max(int(query.get("limit", "100")), 1), 1000)
    except ValueError:
        raise web.HTTPBadRequest(text="limit must be a number") from None
    found = await request.app[VOICEMAILS].list(box=query.get("box"), heard=_flag(query.get("heard")), limit=limit)
    return web.json_response({"voicemails": [v.as_json() for v in found]})


async def interaction_voicemails(request: web.Request) -> web.Response:
    """GET /api/v1/interactions/{id}/voicemails: the messages left on one call."""
    try:
        interaction_id = UUID(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    found = await request.app[VOICEMAILS].list(interaction_id=interaction_id)
    return web.json_response({"voicemails": [v.as_json() for v in found]})


def add_routes(app: web.Application, store: VoicemailStore) -> None:
    app[VOICEMAILS] = store
    app.router.add_get("/api/v1/voicemails", list_voicemails)
    app.router.add_get("/api/v1/interactions/{id}/voicemails", interaction_voicemails)
