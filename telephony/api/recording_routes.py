"""Recordings: the agent's controls on their live call, and listing and listening for those allowed."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from aiohttp import web
from pydantic import BaseModel, Field

from telephony.api.agent_routes import DESK, _mine
from telephony.api.errors import ApiError
from telephony.api.routing import RouteTable, principal_of, uuid_param
from telephony.recordings.library import RecordingLibrary
from telephony.requests import RecordingAction

routes = RouteTable()
RECORDINGS = web.AppKey("recordings", RecordingLibrary)
CONTENT_TYPES = {"wav": "audio/wav", "wav16": "audio/wav", "gsm": "audio/x-gsm", "ulaw": "audio/basic",
                 "alaw": "audio/x-alaw-basic", "g722": "audio/G722"}


class RecordingActionIn(BaseModel):
    action: Literal["start", "stop", "pause", "resume"] = Field(
        description="start or stop recording; pause and resume leave the span between out of the file")


class PausedSpan(BaseModel):
    start: datetime
    end: datetime
    offset_seconds: float = Field(description="seconds of audio in the file before the gap")
    seconds: float


class RecordingOut(BaseModel):
    id: UUID
    interaction_id: UUID | None
    call_id: str
    agent_id: UUID | None
    queue: str | None
    format: str
    started_at: datetime
    ended_at: datetime
    duration_seconds: float
    size_bytes: int
    paused_spans: list[PausedSpan]


class RecordingList(BaseModel):
    recordings: list[RecordingOut]


def _library(request: web.Request) -> RecordingLibrary:
    return request.app[RECORDINGS]


def _time(request: web.Request, name: str) -> datetime | None:
    raw = request.query.get(name)
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, "bad_query", f"{name} must be an ISO 8601 time") from None
    if value.tzinfo is None:
        raise ApiError(400, "bad_query", f"{name} needs a time zone (Z or +hh:mm)")
    return value


@routes.route("POST", "/api/v1/me/call/recording", "Start, stop, pause or resume recording my current call",
              body=RecordingActionIn, status=204, errors=(404, 409), tag="recording")
async def control_my_recording(request: web.Request, body: RecordingActionIn) -> None:
    await request.app[DESK].control_recording(await _mine(request), RecordingAction(body.action))


@routes.route("GET", "/api/v1/recordings", "Recordings I may hear, newest first (query: interaction_id, since, "
              "until, limit)", response=RecordingList, errors=(400,), tag="recording")
async def list_recordings(request: web.Request) -> RecordingList:
    query = request.query
    try:
        limit = min(max(int(query.get("limit", "100")), 1), 1000)
        interaction = UUID(query["interaction_id"]) if "interaction_id" in query else None
    except ValueError:
        raise ApiError(400, "bad_query", "limit must be a number and interaction_id a UUID") from None
    found = await _library(request).visible(principal_of(request), interaction_id=interaction,
                                            since=_time(request, "since"), until=_time(request, "until"),
                                            limit=limit)
    return RecordingList(recordings=[RecordingOut(**r.as_json()) for r in found])


@routes.route("GET", "/api/v1/recordings/{recording_id}", "One recording's details", response=RecordingOut,
              errors=(403, 404), tag="recording")
async def get_recording(request: web.Request) -> RecordingOut:
    recording_id = uuid_param(request, "recording_id", "recording")
    recording = await _library(request).get(principal_of(request), recording_id)
    return RecordingOut(**recording.as_json())


@routes.route("GET", "/api/v1/recordings/{recording_id}/audio", "The recording's audio file (supports Range)",
              errors=(403, 404), tag="recording", media="audio/*")
async def recording_audio(request: web.Request) -> web.StreamResponse:
    recording_id = uuid_param(request, "recording_id", "recording")
    recording, path = await _library(request).file(principal_of(request), recording_id)
    return web.FileResponse(path, headers={
        "Content-Type": CONTENT_TYPES.get(recording.format, "application/octet-stream"),
        "Content-Disposition": f'attachment; filename="{path.name}"', "Cache-Control": "private, no-store"})
