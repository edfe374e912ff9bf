"""What supervisors do with live calls and what agents ask of them, as use cases the HTTP API calls.

One supervisor at a time monitors a call; only they (or an admin) switch its mode or end it. Events:
`call.monitor` (dialing, joined, switched, left) to the supervisors of the call's queue only, since
listening in is silent; `help.requested` / `help.cleared` to them and to the call's agent.

Pure of I/O of its own: the calls, the agents on record and the event hub are handed in (the agents as an
`AgentDirectory`, which `telephony.db.agents.AgentStore` is), so the desk imports no database or API module.
Who may do what is `telephony.auth.policy`, plain checks on the authenticated Principal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from telephony.model import Device, dial_string
from telephony.audience import Audience
from telephony.auth.policy import Forbidden, Principal, can_supervise_queue
from telephony.errors import NotFound
from telephony.requests import HelpRequested, MonitorMode, MonitorRequested, MonitorStopped, MonitorSwitched
from telephony.supervision.events import SupervisorJoined, SupervisorLeft
from telephony.supervision.help_requests import HelpRequests
from telephony.supervision.monitor import MonitorRefused


@dataclass(frozen=True)
class LiveCall:
    call_id: str
    queue: str | None
    agent_id: str | None  # the agent talking with the caller; None while nobody is
    agent_audience: Audience


class AgentRecord(Protocol):
    def device(self, kind: str | None = None) -> Device | None:
        """The agent's device of `kind` ("softphone", "mobile"), if they have one."""


class AgentDirectory(Protocol):
    """What the desk needs of the agents on record: a supervisor's own agent record, for the phone to ring."""

    async def by_user(self, user_id: UUID) -> AgentRecord | None:
        """The agent record of the user, or None if they have none."""


class LiveCalls(Protocol):
    """The calls in flight as supervision sees them, and the way to ask one of them."""

    def live_call(self, call_id: str) -> LiveCall | None: ...

    def agent_live_call(self, agent_id: str) -> LiveCall | None: ...

    async def ask(self, call_id: str,
                  request: HelpRequested | MonitorRequested | MonitorSwitched | MonitorStopped) -> None:
        """The call's task answers: done, a Refused saying why not, or CallGone."""


class SupervisorDesk:
    def __init__(self, calls: LiveCalls, agents: AgentDirectory, publish: Callable[[str, dict, Audience], None],
                 clock: Callable[[], datetime]):
        self._calls = calls
        self._agents = agents
        self._publish = publish
        self._clock = clock
        self.help = HelpRequests()
        self._monitors: dict[str, UUID] = {}  # call id -> the supervisor on it
        self._modes: dict[str, str] = {}

    async def monitor(self, principal: Principal, call_id: str, mode: MonitorMode, to: str | None) -> dict:
        """Ring the supervisor's phone to join the call in `mode` (or, already on, switch to it); answered once
        the call's task has taken the request."""
        call = self._call(principal, call_id)
        if call.agent_id is None:
            raise MonitorRefused("the call is not connected to an agent yet")
        self._not_anothers(principal, call_id)
        owner = self._monitors.get(call_id)
        if owner is None:
            endpoint = await self._endpoint(principal, to)
            self._not_anothers(principal, call_id)  # another supervisor may have joined meanwhile
            self._monitors[call_id] = principal.user_id
        else:
            endpoint = ""  # already on: a new mode only
        previous_mode, self._modes[call_id] = self._modes.get(call_id), mode
        try:
            await self._calls.ask(call_id, MonitorRequested(call_id, mode, endpoint, str(principal.user_id)))
        except BaseException:
            if owner is None:
                self._monitors.pop(call_id, None)
                self._modes.pop(call_id, None)
            elif previous_mode is not None:
                self._modes[call_id] = previous_mode
            raise
        state = "dialing" if owner is None else "switched"
        self._announce(call, state, principal.user_id, mode)
        return {"call_id": call_id, "mode": mode, "state": state}

    async def switch(self, principal: Principal, call_id: str, mode: MonitorMode) -> dict:
        call = self._mine(principal, call_id)
        previous_mode, self._modes[call_id] = self._modes.get(call_id), mode
        try:
            await self._calls.ask(call_id, MonitorSwitched(call_id, mode))
        except BaseException:
            if previous_mode is not None:
                self._modes[call_id] = previous_mode
            raise
        self._announce(call, "switched", self._monitors[call_id], mode)
        return {"call_id": call_id, "mode": mode, "state": "switched"}

    async def stop(self, principal: Principal, call_id: str) -> None:
        self._mine(principal, call_id)
        await self._calls.ask(call_id, MonitorStopped(call_id))

    async def request_help_for(self, agent_id: str) -> bool:
        """The agent asks for a supervisor on their connected call; False if they have none. The call's task
        answers whether they are still on it (NotConnected if not, CallGone if it ended). Asking again while
        the request is open changes nothing."""
        call = self._calls.agent_live_call(agent_id)
        if call is None:
            return False
        await self._calls.ask(call.call_id, HelpRequested(call.call_id, agent_id))
        event = self.help.request(call.call_id, agent_id, call.queue or "", self._clock())
        if event is not None:
            self._publish(*event, self._audience(call))
        return True

    def open_help_requests(self, principal: Principal) -> list[dict]:
        return [{"call_id": r.call_id, "agent_id": r.agent_id, "queue": r.queue, "requested_at": r.at}
                for r in self.help.open()
                if principal.is_admin or (principal.role == "supervisor" and r.queue in principal.supervised_queues)]

    def report(self, report) -> None:
        """What the call's task reports: the supervisor's phone answered, or the session ended."""
        call = self._calls.live_call(report.call_id) or LiveCall(report.call_id, None, None, Audience.of())
        match report:
            case SupervisorJoined(call_id=call_id, mode=mode):
                self._announce(call, "joined", self._monitors.get(call_id), mode)
                cleared = self.help.supervisor_joined(call_id)
                if cleared:
                    self._publish(*cleared, self._audience(call))
            case SupervisorLeft(call_id=call_id, reason=reason):
                supervisor = self._monitors.pop(call_id, None)
                mode = self._modes.pop(call_id, None)
                self._publish("call.monitor", {"call_id": call_id, "state": "left", "reason": reason,
                                               "supervisor": str(supervisor) if supervisor else None,
                                               "mode": mode}, self._supervisors(call))

    def agent_done(self, call_id: str, queue: str | None, agent_id: str, agent_audience: Audience,
                   handed_over: bool = False) -> None:
        """The agent's part of the call is over: their help request goes, as `ended`, or as `handed_over`
        when a transfer took the caller on (a request the agent did not make stays)."""
        cleared = self.help.agent_done(call_id, agent_id, "handed_over" if handed_over else "ended")
        if cleared:
            self._publish(*cleared, Audience.of(users=agent_audience.users, queues=[queue] if queue else []))

    def _call(self, principal: Principal, call_id: str) -> LiveCall:
        call = self._calls.live_call(call_id)
        if call is None:
            raise NotFound("call")
        if call.queue is None:
            raise Forbidden("only calls in a queue are supervised", "not_your_queue")
        can_supervise_queue(principal, call.queue)
        return call

    def _not_anothers(self, principal: Principal, call_id: str) -> None:
        owner = self._monitors.get(call_id)
        if owner is not None and owner != principal.user_id:
            raise MonitorRefused("another supervisor is monitoring this call")

    def _mine(self, principal: Principal, call_id: str) -> LiveCall:
        call = self._call(principal, call_id)
        owner = self._monitors.get(call_id)
        if owner is None:
            raise MonitorRefused("nobody is monitoring this call")
        if owner != principal.user_id:
            raise MonitorRefused("another supervisor is monitoring this call")
        return call

    async def _endpoint(self, principal: Principal, to: str | None) -> str:
        """The supervisor's phone: `to` (an extension, or an E.164 number through the trunk), else the
        softphone (or mobile) of their own agent record."""
        if to:
            return dial_string(Device("mobile", to) if to.startswith("+") else Device("softphone", f"PJSIP/{to}"))
        agent = await self._agents.by_user(principal.user_id)
        device = agent and (agent.device("softphone") or agent.device("mobile"))
        if not device:
            raise MonitorRefused("you have no phone on record; say which to ring with `to`")
        return dial_string(device)

    def _announce(self, call: LiveCall, state: str, supervisor: UUID | None, mode: str) -> None:
        self._publish("call.monitor", {"call_id": call.call_id, "state": state, "mode": mode,
                                       "supervisor": str(supervisor) if supervisor else None},
                      self._supervisors(call))

    @staticmethod
    def _supervisors(call: LiveCall) -> Audience:
        return Audience.of(queues=[call.queue] if call.queue else [])

    @staticmethod
    def _audience(call: LiveCall) -> Audience:
        return Audience.of(users=call.agent_audience.users, queues=[call.queue] if call.queue else [])
