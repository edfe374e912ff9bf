"""What agents and supervisors do with agents' states, as use cases the HTTP API calls.

The ACD's dispatcher is the authority on live states; the database holds who the agents are and what
they were (for restarts). A change goes to the dispatcher with `ask`, so its refusal (already logged in,
an unknown pause reason: an AgentStateRefused) reaches the caller instead of being lost in a log. Every
refusal here is a telephony.errors.Refused and every missing thing a NotFound, which the API maps to 409
and 404 in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol
from datetime import datetime
from uuid import UUID

from telephony.acd.agent_state import AgentStateRefused
from telephony.acd.dispatcher import Dispatcher
from telephony.acd.events import AgentLoggedIn, AgentLoggedOut, AgentPaused, AgentUnpaused
from telephony.model import AgentState
from telephony.acd.service import AcdService
from telephony.auth.policy import Forbidden, Principal
from telephony.db.agents import Agent, AgentStore
from telephony.errors import NotFound
from telephony.requests import RecordingAction, TargetKind, TransferAction, TransferMode


class AgentCalls(Protocol):
    """The calls in flight, as seen from one agent (telephony.calls.agent_calls.AgentCallControl). Each
    request is answered by the call's own task: done, a Refused saying why not, or NotFound / CallGone."""

    async def agent_call(self, agent_id: str) -> dict | None: ...

    async def hang_up(self, agent_id: str) -> None: ...

    async def control_recording(self, agent_id: str, action: RecordingAction) -> None: ...

    async def transfer(self, agent_id: str, mode: TransferMode, target_kind: TargetKind, value: str,
                       ring_timeout: int) -> None: ...

    async def transfer_step(self, agent_id: str, action: TransferAction) -> None: ...

    async def click_to_call(self, agent: Agent, target: str) -> str: ...


@dataclass(frozen=True)
class AgentView:
    id: UUID
    name: str
    extension: str
    user_id: UUID | None
    state: str
    pause_reason: str | None
    since: datetime | None
    device: str | None
    queues: dict[str, int]
    skills: dict[str, int]
    pause_pending: str | None = None  # asked for during a call: starts when it (and its wrap-up) ends
    recording: str | None = None  # the agent's own recording policy over their queues'
    phone: str | None = None  # while logged in: registered, unregistered (no call reaches them) or busy
    warning: str | None = None  # what the agent should know about the change just made


@dataclass(frozen=True)
class QueueView:
    name: str
    waiting: int
    longest_wait_seconds: float
    staffed: int
    strategy: str


class AgentDesk:
    def __init__(self, agents: AgentStore, dispatcher: Dispatcher, acd: AcdService,
                 clock: Callable[[], datetime], calls: AgentCalls):
        self._agents = agents
        self._dispatcher = dispatcher
        self._acd = acd
        self._clock = clock
        self._calls = calls

    async def mine(self, principal: Principal) -> Agent:
        agent = await self._agents.by_user(principal.user_id)
        if agent is None:
            raise NotFound("agent", "you are not set up as an agent")
        return agent

    async def view(self, agent: Agent) -> AgentView:
        key = str(agent.id)
        pending = phone = None
        if self._dispatcher.knows_agent(key):
            status = self._dispatcher.agent(key)
            state, reason, since, pending = status.state.value, status.reason, status.since, status.pause_pending
            if status.state is not AgentState.LOGGED_OUT:
                phone = ("unregistered" if not status.registered else
                         "busy" if status.busy_elsewhere else "registered")
        else:
            state, reason, since = agent.state.value, agent.pause_reason, agent.state_since
        return AgentView(agent.id, agent.name, agent.extension, agent.user_id, state, reason, since,
                         agent.login_device if state != AgentState.LOGGED_OUT else None,
                         dict(agent.queues), dict(agent.skills), pending, agent.recording, phone)

    async def log_in(self, agent: Agent, device_kind: str) -> AgentView:
        device = agent.device(device_kind)
        if device is None:
            raise AgentStateRefused(f"agent {agent.name} has no {device_kind} device")
        await self._ask(AgentLoggedIn(agent.profile(), device, self._clock()))
        await self._agents.set_login_device(agent.id, device_kind)
        view = await self.view(await self._agents.get(agent.id))
        if view.phone == "unregistered":
            return replace(view, warning=f"your {device_kind} ({device.address}) is not registered: no call "
                                         "reaches you, and you are not counted as staffed, until it is")
        return view

    async def log_out(self, agent: Agent) -> AgentView:
        await self._ask(AgentLoggedOut(str(agent.id), self._clock()))
        return await self.view(agent)

    async def pause(self, agent: Agent, reason: str) -> AgentView:
        await self._ask(AgentPaused(str(agent.id), reason, self._clock()))
        return await self.view(agent)

    async def ready(self, agent: Agent) -> AgentView:
        await self._ask(AgentUnpaused(str(agent.id), self._clock()))
        return await self.view(agent)

    async def current_call(self, agent: Agent) -> dict | None:
        return await self._calls.agent_call(str(agent.id))

    async def call(self, agent: Agent, target: str) -> str:
        return await self._calls.click_to_call(agent, target)

    async def hang_up(self, agent: Agent) -> None:
        await self._calls.hang_up(str(agent.id))

    async def transfer(self, agent: Agent, mode: TransferMode, target_kind: TargetKind, value: str,
                       ring_timeout: int) -> None:
        """Transfer the agent's connected call (the call's task answers: TransferRefused saying why not)."""
        await self._calls.transfer(str(agent.id), mode, target_kind, value, ring_timeout)

    async def transfer_step(self, agent: Agent, action: TransferAction) -> None:
        await self._calls.transfer_step(str(agent.id), action)

    async def control_recording(self, agent: Agent, action: RecordingAction) -> None:
        """Start, stop, pause or resume recording the agent's connected call (RecordingRefused if the action
        makes no sense now)."""
        await self._calls.control_recording(str(agent.id), action)

    async def agent_for(self, principal: Principal, agent_id: UUID) -> Agent:
        """An agent the principal may act on: themselves, one of their queues' (supervisors), anyone (admins)."""
        agent = await self._agents.get(agent_id)
        if principal.is_admin or agent.user_id == principal.user_id:
            return agent
        if principal.role == "supervisor" and principal.supervised_queues & set(agent.queues):
            return agent
        raise Forbidden("you may act only on yourself or the agents of the queues you supervise",
                        "not_your_agent")

    async def visible_agents(self, principal: Principal) -> list[AgentView]:
        agents = await self._agents.all()
        if not principal.is_admin:
            agents = [a for a in agents if principal.supervised_queues & set(a.queues)]
        return [await self.view(a) for a in agents]

    def queue_names(self) -> list[str]:
        """The queues of the call-center file in force."""
        return self._dispatcher.queue_names()

    def visible_queues(self, principal: Principal) -> list[QueueView]:
        now = self._clock()
        views = []
        for name in self._dispatcher.queue_names():
            if not (principal.is_admin or name in principal.supervised_queues):
                continue
            queue = self._dispatcher.queue(name)
            calls = queue.calls()
            longest = max(((now - c.joined_at).total_seconds() for c in calls), default=0.0)
            views.append(QueueView(name, len(calls), round(longest, 1), queue.staffed, queue.config.strategy))
        return views

    async def _ask(self, event) -> None:
        if not isinstance(event, AgentLoggedIn) and not self._dispatcher.logged_in(event.agent_id):
            raise AgentStateRefused("the agent is not logged in")
        await self._acd.ask(event)
