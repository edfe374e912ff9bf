"""The calls in flight as one agent sees and steers them: their current call with its screen pop, hang-up,
recording, transfers and click-to-call.

A request finds the agent's call by the calls' views, resolves what only the database knows (a transfer's
target), then asks the call's own task (CallRegistry.ask), which decides and answers: done, refused (a
Refused saying why) or gone (CallGone). Nothing here reads or changes a flow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from uuid import UUID

from telephony.acd.dispatcher import Dispatcher
from telephony.model import dial_string
from telephony.audience import Audience
from telephony.calls.click_to_call import CallRefused, ClickToCallFlow
from telephony.call_flow import AgentCallPhase
from telephony.calls.internal_directory import InternalDirectory
from telephony.calls.registry import CallRegistry
from telephony.calls.session import CallSession
from telephony.calls.transfer_control import TransferRefused
from telephony.channel_ids import new_click_to_call_id
from telephony.crm.screen_pops import ScreenPops
from telephony.db.agents import Agent, AgentNotFound, AgentStore
from telephony.errors import NotFound
from telephony.events import CallArrived
from telephony.requests import (CallRequest, HangupRequested, RecordingAction, RecordingRequested, Target,
                                TargetKind, TransferAction, TransferMode, TransferRequested, TransferStep)
from telephony.supervision.desk import LiveCall


def caller_pop(arrived: CallArrived) -> dict:
    """The first screen pop of a call: who calls and what they dialled, before any customer lookup."""
    return {"caller_number": arrived.caller_number, "caller_name": arrived.caller_name, "dialled": arrived.dialled}


class AgentCallControl:
    def __init__(self, registry: CallRegistry, agents: AgentStore, dispatcher: Dispatcher,
                 directory: InternalDirectory, screen_pops: ScreenPops, queues: Callable[[], Mapping],
                 audience: Callable[[str], Audience], clock: Callable[[], datetime]):
        """`queues`: the call-center file's queues as they are now (the file may be reloaded);
        `audience`: who hears about an agent (AgentDesk.audience)."""
        self._registry = registry
        self._calls = registry.calls
        self._agents = agents
        self._dispatcher = dispatcher
        self._directory = directory
        self._screen_pops = screen_pops
        self._queues = queues
        self._audience = audience
        self._clock = clock

    def _on_call(self, agent_id: str, *phases: AgentCallPhase) -> CallSession:
        """The session of the agent's call if they stand on it in one of `phases`; NotFound if not."""
        found = self._calls.of_agent(agent_id)
        if found is None or found[1] not in phases:
            raise NotFound("connected call")
        return found[0]

    async def agent_call(self, agent_id: str) -> dict | None:
        """The call an agent is offered or talking on, with its screen pop: the caller and, once identified,
        the customer with their last interactions and open tickets."""
        found = self._calls.of_agent(agent_id)
        if found is None:
            return None
        session, phase = found
        pop = caller_pop(session.arrived)
        customer = await self._screen_pops.lookup(session.channel_id)
        if customer:
            pop.update(customer=customer["customer"], recent_interactions=customer["interactions"],
                       open_tickets=customer["open_tickets"])
        return {"call_id": session.channel_id, "phase": phase.value, "queue": session.view.queue or "",
                "arrived_at": session.arrived.at, "screen_pop": pop}

    async def hang_up(self, agent_id: str) -> None:
        session = self._on_call(agent_id, AgentCallPhase.CONNECTED, AgentCallPhase.CONSULTING)
        await self._calls.ask(session.channel_id, HangupRequested(session.channel_id, agent_id))

    async def transfer(self, agent_id: str, mode: TransferMode, target_kind: TargetKind, value: str,
                       ring_timeout: int) -> None:
        """Start a blind or attended transfer of the agent's connected call."""
        session = self._on_call(agent_id, AgentCallPhase.CONNECTED)
        target, target_agent = await self._transfer_target(target_kind, value, agent_id)
        await self._calls.ask(session.channel_id, TransferRequested(session.channel_id, agent_id, mode, target,
                                                                       target_agent, ring_timeout))

    async def transfer_step(self, agent_id: str, action: TransferAction) -> None:
        session = self._on_call(agent_id, AgentCallPhase.CONNECTED)
        await self._calls.ask(session.channel_id, TransferStep(session.channel_id, agent_id, action))

    async def control_recording(self, agent_id: str, action: RecordingAction) -> None:
        session = self._on_call(agent_id, AgentCallPhase.CONNECTED)
        await self._calls.ask(session.channel_id, RecordingRequested(session.channel_id, agent_id, action))

    async def ask(self, call_id: str, request: CallRequest) -> None:
        """A supervisor's request on a call (SupervisorDesk)."""
        await self._calls.ask(call_id, request)

    def live_call(self, call_id: str) -> LiveCall | None:
        """A call as supervision sees it: its queue and the agent talking on it, if any."""
        session = self._calls.get(call_id)
        if session is None:
            return None
        view = session.view
        return LiveCall(call_id, view.queue, view.talking,
                        self._audience(view.talking) if view.talking else Audience.of())

    def agent_live_call(self, agent_id: str) -> LiveCall | None:
        found = self._calls.of_agent(agent_id)
        if found is None or found[1] is not AgentCallPhase.CONNECTED:
            return None
        return self.live_call(found[0].channel_id)

    async def _transfer_target(self, kind: TargetKind, value: str, agent_id: str) -> tuple[Target, str | None]:
        """What to ring for a transfer target: an agent's current device (an extension that is an agent's
        counts as the agent), a queue of the call-center file, an extension, an E.164 number via the trunk."""
        if kind is TargetKind.QUEUE:
            if value not in self._queues():
                raise TransferRefused(f"there is no queue {value!r}")
            return Target(TargetKind.QUEUE, value), None
        if kind is TargetKind.NUMBER:
            return Target(TargetKind.NUMBER, value, f"PJSIP/{value}@trunk"), None
        if kind is TargetKind.AGENT:
            try:
                agent = await self._agents.get(UUID(value))
            except AgentNotFound:
                raise TransferRefused(f"there is no agent {value!r}") from None
        else:
            agent = await self._agents.by_extension(value)
            if agent is None:
                return Target(TargetKind.EXTENSION, value, f"PJSIP/{value}"), None
        if str(agent.id) == agent_id:
            raise TransferRefused("you cannot transfer a call to yourself")
        if not self._dispatcher.logged_in(str(agent.id)):
            raise TransferRefused(f"agent {agent.name} is logged out")
        device = agent.device()
        if device is None:
            raise TransferRefused(f"agent {agent.name} has no device")
        return Target(TargetKind.AGENT, str(agent.id), dial_string(device)), str(agent.id)

    async def click_to_call(self, agent: Agent, target: str) -> str:
        """Ring the agent's own device, then `target` (an extension or an E.164 number); bridge the two.
        An extension is looked up as a softphone-dialled one is: a colleague logged out, busy or unknown is
        refused (CallRefused, saying why) before anything rings; a colleague is rung on their current
        device."""
        device = agent.device() or agent.device("softphone") or agent.device("mobile")
        if device is None:
            raise CallRefused(f"agent {agent.name} has no device")
        if self._dispatcher.knows_agent(str(agent.id)):
            status = self._dispatcher.agent(str(agent.id))
            if status.engaged:
                raise CallRefused(f"you are {status.state.value}: finish that call first")
        target_agent_id = None
        if target.startswith("+"):
            target_endpoint = f"PJSIP/{target}@trunk"
        else:
            found = await self._directory.target(target, str(agent.id))
            if found.kind not in ("agent", "extension") or found.endpoint is None:
                raise CallRefused(f"{target}: {found.reason or found.kind}")
            target_endpoint, target_agent_id = found.endpoint, found.agent_id
        call_id = new_click_to_call_id()
        arrived = CallArrived(call_id, "outbound" if target.startswith("+") else "internal", target,
                              agent.extension, agent.name, self._clock(), answered=True)
        flow = ClickToCallFlow(call_id, str(agent.id), dial_string(device), agent.extension, agent.name,
                               target_endpoint, target, self._clock, target_agent_id=target_agent_id)
        self._registry.start_call(arrived, flow)
        return call_id
