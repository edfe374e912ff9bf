"""Who handled which stretch of a call (queue answer, transfer, conference): the interaction's segments, for
reporting per agent."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web
from pydantic import BaseModel, Field

from telephony.api.routing import SUPERVISING, RouteTable, uuid_param
from telephony.db.segments import SegmentStore

routes = RouteTable()
SEGMENTS = web.AppKey("segments", SegmentStore)


class SegmentOut(BaseModel):
    agent_id: str | None = Field(description="the agent who had the caller; null for a queue or an outside target")
    target: str = Field(description="the agent's id, queue name, extension or number the stretch went to")
    kind: str = Field(description="queue (answered from a queue), transfer, conference")
    started_at: datetime
    ended_at: datetime | None
    seconds: float | None
    outcome: str | None = Field(description="transferred, caller hung up, ended, busy, no answer, cancelled...")


class SegmentList(BaseModel):
    segments: list[SegmentOut]


@routes.route("GET", "/api/v1/interactions/{interaction_id}/segments",
              "Who handled which stretch of one call, in order (written when a transferred call ends)",
              roles=SUPERVISING, response=SegmentList, errors=(403, 404), tag="reporting")
async def interaction_segments(request: web.Request) -> SegmentList:
    interaction_id = uuid_param(request, "interaction_id", "interaction")
    found = await request.app[SEGMENTS].of(interaction_id)
    return SegmentList(segments=[
        SegmentOut(agent_id=s.agent_id, target=s.target, kind=s.kind, started_at=s.started, ended_at=s.ended,
                   seconds=(s.ended - s.started).total_seconds() if s.ended else None, outcome=s.outcome)
        for s in found])
