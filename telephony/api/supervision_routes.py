"""Supervisors on live calls (listen, whisper, barge) and agents' requests for help."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, Field

from telephony.api.agent_routes import _mine
from telephony.api.routing import SUPERVISING, RouteTable, principal_of
from telephony.errors import NotFound
from telephony.requests import MonitorMode
from telephony.supervision.desk import SupervisorDesk

routes = RouteTable()
SUPERVISION = web.AppKey("supervision", SupervisorDesk)
ModeIn = Literal["listen", "whisper", "barge"]


class MonitorIn(BaseModel):
    mode: ModeIn = Field(description="listen: hear both sides; whisper: the agent hears you, the caller not; "
                                   "barge: everyone hears everyone")
    to: str | None = Field(None, pattern=r"^([0-9]{2,8}|\+[1-9][0-9]{6,14})$",
                           description="the phone to ring (extension or E.164); default: your own softphone")


class MonitorSwitch(BaseModel):
    mode: ModeIn


class MonitorOut(BaseModel):
    call_id: str
    mode: ModeIn
    state: Literal["dialing", "switched"]


class HelpRequestOut(BaseModel):
    call_id: str
    agent_id: str
    queue: str
    requested_at: datetime


class HelpRequestList(BaseModel):
    help_requests: list[HelpRequestOut]


def _desk(request: web.Request) -> SupervisorDesk:
    return request.app[SUPERVISION]


ONLY_SUPERVISORS = frozenset({"supervisor"})


@routes.route("POST", "/api/v1/calls/{call_id}/monitor", "Join a live call of my queue: your phone rings, then "
              "you listen, whisper or barge in", roles=ONLY_SUPERVISORS, body=MonitorIn, response=MonitorOut,
              status=202, errors=(403, 404, 409), tag="supervision")
async def start_monitor(request: web.Request, body: MonitorIn) -> MonitorOut:
    result = await _desk(request).monitor(principal_of(request), request.match_info["call_id"],
                                          MonitorMode(body.mode), body.to)
    return MonitorOut(**result)


@routes.route("PATCH", "/api/v1/calls/{call_id}/monitor", "Switch between listen, whisper and barge without "
              "hanging up", roles=ONLY_SUPERVISORS, body=MonitorSwitch, response=MonitorOut, status=200,
              errors=(403, 404, 409), tag="supervision")
async def switch_monitor(request: web.Request, body: MonitorSwitch) -> MonitorOut:
    result = await _desk(request).switch(principal_of(request), request.match_info["call_id"],
                                         MonitorMode(body.mode))
    return MonitorOut(**result)


@routes.route("DELETE", "/api/v1/calls/{call_id}/monitor", "Leave the call (your phone is hung up)",
              roles=ONLY_SUPERVISORS, status=204, errors=(403, 404, 409), tag="supervision")
async def stop_monitor(request: web.Request) -> None:
    await _desk(request).stop(principal_of(request), request.match_info["call_id"])


@routes.route("POST", "/api/v1/me/call/help", "Ask a supervisor to help on my current call", status=204,
              errors=(404, 409), tag="agent")
async def request_help(request: web.Request) -> None:
    agent = await _mine(request)
    if not await _desk(request).request_help_for(str(agent.id)):
        raise NotFound("connected call")


@routes.route("GET", "/api/v1/help-requests", "Open help requests (supervisors: of their queues)",
              roles=SUPERVISING, response=HelpRequestList, errors=(403,), tag="supervision")
async def list_help_requests(request: web.Request) -> HelpRequestList:
    found = _desk(request).open_help_requests(principal_of(request))
    return HelpRequestList(help_requests=[HelpRequestOut(**r) for r in found])
