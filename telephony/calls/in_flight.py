"""The calls in flight, by call id: what everything else uses to reach a call (deliver an event, ask a
request) or to see it (its latest view), without depending on how calls are started and ended
(telephony.calls.registry does that, and registers each call's session here)."""

from __future__ import annotations

from collections.abc import Iterator

from telephony.call_flow import AgentCallPhase
from telephony.calls.session import CallSession
from telephony.crm.model import CallerIdentity
from telephony.requests import CallGone, CallRequest


class CallsInFlight:
    def __init__(self) -> None:
        self._sessions: dict[str, CallSession] = {}

    def __contains__(self, call_id: str) -> bool:
        return call_id in self._sessions

    def __iter__(self) -> Iterator[CallSession]:
        return iter(list(self._sessions.values()))

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, call_id: str) -> CallSession | None:
        return self._sessions.get(call_id)

    def add(self, session: CallSession) -> None:
        self._sessions[session.channel_id] = session

    def remove(self, call_id: str) -> None:
        self._sessions.pop(call_id, None)

    def deliver(self, call_id: str, message) -> bool:
        """Hand an event or a decision (from the ACD) to a call's task; False if the call is gone."""
        session = self._sessions.get(call_id)
        if session is None:
            return False
        session.deliver(message)
        return True

    async def ask(self, call_id: str, request: CallRequest) -> None:
        """Hand `request` to the call's task and return its answer (see CallSession.ask); CallGone if the
        call is not (or no longer) in flight."""
        session = self._sessions.get(call_id)
        if session is None:
            raise CallGone(call_id)
        await session.ask(request)

    def of_agent(self, agent_id: str) -> tuple[CallSession, AgentCallPhase] | None:
        """The call an agent is on (offered, connected or consulting), by the calls' latest views."""
        for session in list(self._sessions.values()):
            phase = session.view.phase_for(agent_id)
            if phase is not None:
                return session, phase
        return None

    def caller_of(self, call_id: str) -> CallerIdentity | None:
        session = self._sessions.get(call_id)
        return session.caller if session else None

    def summaries(self) -> list[dict]:
        """The calls in progress, for GET /api/v1/calls."""
        return [{"channel_id": s.arrived.channel_id, "direction": s.arrived.direction, "dialled": s.arrived.dialled,
                 "caller_number": s.arrived.caller_number, "caller_name": s.arrived.caller_name,
                 "arrived_at": s.arrived.at, "queue": s.view.queue} for s in self]
