"""Who an internal call reaches: the answer to an InternalCallFlow's FindInternalTarget.

An extension that is an agent's reaches the agent on the device they logged in with (their mobile via the
trunk), if they are logged in and not on (or being offered) another call; an extension that is no agent's
but a SIP endpoint Asterisk knows (a supervisor's phone) is rung as it is; anything else is unknown. External numbers are refused here: a
call to a customer is placed with click-to-call, which records it as outbound. The calling agent is the
one logged in on the calling phone, or else the agent whose extension the caller number is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telephony.acd.dispatcher import Dispatcher
from telephony.model import dial_string
from telephony.calls.internal_call import FindInternalTarget, InternalTarget, InternalTargetFound
from telephony.db.agents import Agent, AgentStore
from telephony.logs import get_logger

log = get_logger(__name__)


class InternalDirectory:
    def __init__(self, agents: AgentStore, dispatcher: Dispatcher, endpoint_exists: Callable[[str], Awaitable[bool]],
                 deliver: Callable[[str, object], bool]):
        self._agents = agents
        self._dispatcher = dispatcher
        self._endpoint_exists = endpoint_exists
        self._deliver = deliver

    async def find(self, command: FindInternalTarget) -> None:
        """Look the call's parties up and hand the answer to the call's task; a failed lookup refuses the
        call rather than leaving the caller in silence."""
        caller = None
        try:
            caller = await self._calling_agent(command.caller_number)
            target = await self.target(command.dialled, caller)
        except Exception:
            log.exception("internal_call.lookup_failed", call_id=command.call_id, dialled=command.dialled)
            target = InternalTarget("unavailable", reason="lookup failed")
        log.info("internal_call.target", call_id=command.call_id, dialled=command.dialled, kind=target.kind,
                 endpoint=target.endpoint, agent_id=target.agent_id, reason=target.reason,
                 caller_agent_id=caller)
        self._deliver(command.call_id, InternalTargetFound(command.call_id, target, caller))

    async def target(self, dialled: str, caller_agent_id: str | None) -> InternalTarget:
        if not dialled.isdigit():
            return InternalTarget("refused", reason="not an extension: external calls go through click-to-call")
        agent = await self._agents.by_extension(dialled)
        if agent is None:
            endpoint = f"PJSIP/{dialled}"
            if not await self._endpoint_exists(dialled):
                return InternalTarget("unknown", reason="no agent or endpoint has this extension")
            on_phone = self._logged_in_on(endpoint)
            return InternalTarget("agent" if on_phone else "extension", endpoint, on_phone)
        if str(agent.id) == caller_agent_id:
            return InternalTarget("refused", agent_id=None, name=agent.name, reason="an agent calling themselves")
        if not self._dispatcher.logged_in(str(agent.id)):
            return InternalTarget("unavailable", name=agent.name, reason="agent logged out")
        status = self._dispatcher.agent(str(agent.id))
        if status.engaged:
            return InternalTarget("busy", name=agent.name, reason=f"agent {status.state.value}")
        device = agent.device()
        if device is None:
            return InternalTarget("unavailable", name=agent.name, reason="agent has no device")
        return InternalTarget("agent", dial_string(device), str(agent.id), agent.name)

    async def _calling_agent(self, number: str) -> str | None:
        on_phone = self._logged_in_on(f"PJSIP/{number}")
        if on_phone:
            return on_phone
        agent: Agent | None = await self._agents.by_extension(number) if number.isdigit() else None
        return str(agent.id) if agent else None

    def _logged_in_on(self, device: str) -> str | None:
        found = self._dispatcher.logged_in_on(device)
        return found[0] if found else None
