"""Agents' own state (softphone panel) and the agents and queues supervisors watch."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from aiohttp import web
from pydantic import BaseModel, Field

from telephony.agent_desk import AgentDesk, AgentView, QueueView
from telephony.api.routing import SUPERVISING, RouteTable, principal_of, uuid_param
from telephony.db.agents import Agent
from telephony.errors import NotFound

routes = RouteTable()
DESK = web.AppKey("agent_desk", AgentDesk)


class AgentOut(BaseModel):
    id: UUID
    name: str
    extension: str
    user_id: UUID | None
    state: Literal["logged_out", "available", "ringing", "on_call", "wrap_up", "paused"]
    pause_reason: str | None
    since: datetime | None
    device: str | None
    queues: dict[str, int]
    skills: dict[str, int]
    pause_pending: str | None = Field(
        None, description="a pause asked for during a call; it starts when the call and its wrap-up end")
    recording: Literal["always", "on_demand", "never"] | None = Field(
        None, description="the agent's own recording policy; null follows each queue's")
    phone: Literal["registered", "unregistered", "busy"] | None = Field(
        None, description="while logged in: the phone's state; an unregistered phone gets no calls and does "
                          "not count as staffed")
    warning: str | None = Field(None, description="what the agent should know about the change just made")

    @classmethod
    def of(cls, view: AgentView) -> AgentOut:
        return cls(**view.__dict__)


class ScreenPop(BaseModel):
    caller_number: str
    caller_name: str = ""
    dialled: str = ""
    customer: dict | None = None
    recent_interactions: list[dict] = []
    open_tickets: list[dict] = []


class CurrentCall(BaseModel):
    call_id: str
    phase: Literal["ringing", "connected", "consulting"] = Field(
        description="consulting: the answered target of a colleague's transfer (consultation or conference)")
    queue: str
    arrived_at: datetime
    screen_pop: ScreenPop


class AgentList(BaseModel):
    agents: list[AgentOut]


class QueueOut(BaseModel):
    name: str
    waiting: int
    longest_wait_seconds: float
    staffed: int
    strategy: str


class QueueList(BaseModel):
    queues: list[QueueOut]


class LoginIn(BaseModel):
    device: Literal["softphone", "mobile"] = "softphone"


class PauseIn(BaseModel):
    reason: str = Field(min_length=1, max_length=64)


def _desk(request: web.Request) -> AgentDesk:
    return request.app[DESK]


async def _mine(request: web.Request) -> Agent:
    return await _desk(request).mine(principal_of(request))


async def _named(request: web.Request) -> Agent:
    agent_id = uuid_param(request, "agent_id", "agent")
    return await _desk(request).agent_for(principal_of(request), agent_id)


@routes.route("GET", "/api/v1/me/agent", "My agent state", response=AgentOut, errors=(404,), tag="agent")
async def my_agent(request: web.Request) -> AgentOut:
    return AgentOut.of(await _desk(request).view(await _mine(request)))


@routes.route("POST", "/api/v1/me/agent/login", "Log in to take calls on a device", body=LoginIn,
              response=AgentOut, errors=(404, 409), tag="agent")
async def my_login(request: web.Request, body: LoginIn) -> AgentOut:
    return AgentOut.of(await _desk(request).log_in(await _mine(request), body.device))


@routes.route("POST", "/api/v1/me/agent/logout", "Log out", response=AgentOut, errors=(404, 409), tag="agent")
async def my_logout(request: web.Request) -> AgentOut:
    return AgentOut.of(await _desk(request).log_out(await _mine(request)))


@routes.route("POST", "/api/v1/me/agent/pause", "Pause with a reason from the configured list", body=PauseIn,
              response=AgentOut, errors=(404, 409), tag="agent")
async def my_pause(request: web.Request, body: PauseIn) -> AgentOut:
    return AgentOut.of(await _desk(request).pause(await _mine(request), body.reason))


@routes.route("POST", "/api/v1/me/agent/ready", "Ready for calls (end a pause)", response=AgentOut,
              errors=(404, 409), tag="agent")
async def my_ready(request: web.Request) -> AgentOut:
    return AgentOut.of(await _desk(request).ready(await _mine(request)))


@routes.route("GET", "/api/v1/me/call", "My current call (offered or connected) with its screen pop",
              response=CurrentCall, errors=(404,), tag="agent")
async def my_call(request: web.Request) -> CurrentCall:
    call = await _desk(request).current_call(await _mine(request))
    if call is None:
        raise NotFound("current call")
    return CurrentCall.model_validate(call)


class CallRequest(BaseModel):
    to: str = Field(pattern=r"^([0-9]{2,8}|\+[1-9][0-9]{6,14})$",
                    description="an extension (2-8 digits) or an E.164 number")


class CallPlaced(BaseModel):
    call_id: str


@routes.route("POST", "/api/v1/me/calls", "Click-to-call: ring my device, then the number", body=CallRequest,
              response=CallPlaced, status=201, errors=(404, 409), tag="agent")
async def click_to_call(request: web.Request, body: CallRequest) -> CallPlaced:
    return CallPlaced(call_id=await _desk(request).call(await _mine(request), body.to))


@routes.route("POST", "/api/v1/me/call/hangup", "Hang up my current call", status=204, errors=(404, 409),
              tag="agent")
async def hang_up_my_call(request: web.Request) -> None:
    await _desk(request).hang_up(await _mine(request))


@routes.route("GET", "/api/v1/agents", "Agents and their states (supervisors: of their queues)",
              roles=SUPERVISING, response=AgentList, errors=(403,), tag="supervision")
async def list_agents(request: web.Request) -> AgentList:
    views = await _desk(request).visible_agents(principal_of(request))
    return AgentList(agents=[AgentOut.of(v) for v in views])


@routes.route("POST", "/api/v1/agents/{agent_id}/pause", "Pause an agent", roles=SUPERVISING, body=PauseIn,
              response=AgentOut, errors=(403, 404, 409), tag="supervision")
async def pause_agent(request: web.Request, body: PauseIn) -> AgentOut:
    return AgentOut.of(await _desk(request).pause(await _named(request), body.reason))


@routes.route("POST", "/api/v1/agents/{agent_id}/ready", "End an agent's pause", roles=SUPERVISING,
              response=AgentOut, errors=(403, 404, 409), tag="supervision")
async def ready_agent(request: web.Request) -> AgentOut:
    return AgentOut.of(await _desk(request).ready(await _named(request)))


@routes.route("POST", "/api/v1/agents/{agent_id}/logout", "Log an agent out", roles=SUPERVISING,
              response=AgentOut, errors=(403, 404, 409), tag="supervision")
async def logout_agent(request: web.Request) -> AgentOut:
    return AgentOut.of(await _desk(request).log_out(await _named(request)))


@routes.route("GET", "/api/v1/queues", "Queues with their waiting calls and longest wait (supervisors: theirs)",
              roles=SUPERVISING, response=QueueList, errors=(403,), tag="supervision")
async def list_queues(request: web.Request) -> QueueList:
    views: list[QueueView] = _desk(request).visible_queues(principal_of(request))
    return QueueList(queues=[QueueOut(**v.__dict__) for v in views])
