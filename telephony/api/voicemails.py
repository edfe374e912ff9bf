"""Voicemail listing, for supervisors and admins (later also the agent who owns the box)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from aiohttp import web
from pydantic import BaseModel

from telephony.api.errors import ApiError
from telephony.api.routing import SUPERVISING, RouteTable, uuid_param
from telephony.db.voicemails import VoicemailStore

routes = RouteTable()
VOICEMAILS = web.AppKey("voicemails", VoicemailStore)


class VoicemailOut(BaseModel):
    id: UUID
    interaction_id: UUID
    box: str
    recording: str
    format: str
    path: str
    duration_seconds: float | None
    created_at: datetime
    heard: bool
    caller: str | None


class VoicemailList(BaseModel):
    voicemails: list[VoicemailOut]


def _flag(value: str | None) -> bool | None:
    if value is None:
        return None
    if value in ("true", "false"):
        return value == "true"
    raise ApiError(400, "bad_query", "heard must be true or false")


@routes.route("GET", "/api/v1/voicemails", "Voicemails, newest first (query: box, heard, limit)",
              roles=SUPERVISING, response=VoicemailList, errors=(400, 403), tag="voicemail")
async def list_voicemails(request: web.Request) -> VoicemailList:
    query = request.query
    try:
        limit = min(max(int(query.get("limit", "100")), 1), 1000)
    except ValueError:
        raise ApiError(400, "bad_query", "limit must be a number") from None
    found = await request.app[VOICEMAILS].list(box=query.get("box"), heard=_flag(query.get("heard")), limit=limit)
    return VoicemailList(voicemails=[VoicemailOut(**v.as_json()) for v in found])


@routes.route("GET", "/api/v1/interactions/{interaction_id}/voicemails", "The messages left on one call",
              roles=SUPERVISING, response=VoicemailList, errors=(403, 404), tag="voicemail")
async def interaction_voicemails(request: web.Request) -> VoicemailList:
    interaction_id = uuid_param(request, "interaction_id", "interaction")
    found = await request.app[VOICEMAILS].list(interaction_id=interaction_id)
    return VoicemailList(voicemails=[VoicemailOut(**v.as_json()) for v in found])
