"""The calls in flight as one agent sees and steers them: their current call with its screen pop, hang-up,
recording, transfers and click-to-call. Each request finds the agent's call among the live sessions, checks
it can be done (a refusal is a Refused saying why) and hands it to the call's own task."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from uuid import UUID

from telephony.acd.dispatcher import Dispatcher
from telephony.acd.model import dial_string
from telephony.audience import Audience
from telephony.calls.click_to_call import CallRefused, ClickToCallFlow
from telephony.calls.internal_directory import InternalDirectory
from telephony.calls.registry import CallRegistry
from telephony.calls.transfer import Target
from telephony.calls.transfer_control import TransferRefused, TransferRequested, TransferStep
from telephony.channel_ids import new_click_to_call_id
from telephony.crm.screen_pops import ScreenPops
from telephony.db.agents import Agent, AgentNotFound, AgentStore
from telephony.events import CallArrived, HangupRequested, RecordingRequested
from telephony.supervision.desk import LiveCall


def caller_pop(arrived: CallArrived) -> dict:
    """The first screen pop of a call: who calls and what they dialled, before any customer lookup."""
    return {"caller_number": arrived.caller_number, "caller_name": arrived.caller_name, "dialled": arrived.dialled}


class AgentCallControl:
    def __init__(self, registry: CallRegistry, agents: AgentStore, dispatcher: Dispatcher,
                 directory: InternalDirectory, screen_pops: ScreenPops, queues: Callable[[], Mapping],
                 audience: Callable[[str], Audience], clock: Callable[[], datetime]):
        """`queues`: the call-center file's queues as they are now (the file may be reloaded)."""
        self._registry = registry
        self._agents = agents
        self._dispatcher = dispatcher
        self._directory = directory
        self._screen_pops = screen_pops
        self._queues = queues
        self._audience = audience
        self._clock = clock

    def _agent_session(self, agent_id: str):
        """The session of the call an agent is offered, talking or consulting on, with its phase."""
        for session in list(self._registry.sessions.values()):
            flow = getattr(session.flow, "queue", None) or session.flow
            phase = flow.phase_for(agent_id) if hasattr(flow, "phase_for") else None
            if phase:
                return session, flow, phase
        return None

    def _connected(self, agent_id: str, needs: str | None = None):
        """The session and flow of the agent's connected call (whose flow can `needs`), or None."""
        found = self._agent_session(agent_id)
        if found is None or found[2] != "connected" or (needs and not hasattr(found[1], needs)):
            return None
        return found[0], found[1]

    async def agent_call(self, agent_id: str) -> dict | None:
        """The call an agent is offered or talking on, with its screen pop: the caller and, once identified,
        the customer with their last interactions and open tickets."""
        found = self._agent_session(agent_id)
        if found is None:
            return None
        session, flow, phase = found
        pop = caller_pop(session.arrived)
        customer = await self._screen_pops.lookup(session.channel_id)
        if customer:
            pop.update(customer=customer["customer"], recent_interactions=customer["interactions"],
                       open_tickets=customer["open_tickets"])
        return {"call_id": session.channel_id, "phase": phase, "queue": getattr(flow, "queue", ""),
                "arrived_at": session.arrived.at, "screen_pop": pop}

    def hang_up_agent_call(self, agent_id: str) -> bool:
        found = self._agent_session(agent_id)
        if found is None or found[2] not in ("connected", "consulting"):
            return False
        call_id = found[0].channel_id
        return self._registry.deliver(call_id, HangupRequested(call_id, by=f"agent:{agent_id}"))

    def live_call(self, call_id: str) -> LiveCall | None:
        """A call as supervision sees it: its queue and the agent talking on it, if any."""
        session = self._registry.sessions.get(call_id)
        if session is None:
            return None
        queue = getattr(session.flow, "queue", None)
        talking = getattr(session.flow, "talking", None)
        agent = talking.agent_id if talking is not None else None
        return LiveCall(call_id, queue.queue if queue is not None else None, agent,
                        self._audience(agent) if agent else Audience.of())

    def agent_live_call(self, agent_id: str) -> LiveCall | None:
        found = self._connected(agent_id)
        return self.live_call(found[0].channel_id) if found else None

    async def transfer_call(self, agent_id: str, kind: str, target_kind: str, value: str,
                            ring_timeout: int) -> bool:
        """Start a blind or attended transfer of the agent's connected call; False if they have none,
        TransferRefused saying why it cannot be done."""
        found = self._connected(agent_id, "check_transfer")
        if found is None:
            return False
        flow = found[1]
        target, target_agent = await self._transfer_target(target_kind, value, agent_id)
        flow.check_transfer("start", kind, target)
        return self._registry.deliver(flow.channel_id, TransferRequested(flow.channel_id, kind, target,
                                                                         target_agent, ring_timeout))

    def transfer_step(self, agent_id: str, action: str) -> bool:
        found = self._connected(agent_id, "check_transfer")
        if found is None:
            return False
        flow = found[1]
        flow.check_transfer(action)
        return self._registry.deliver(flow.channel_id, TransferStep(flow.channel_id, action))

    async def _transfer_target(self, kind: str, value: str, agent_id: str) -> tuple[Target, str | None]:
        """What to ring for a transfer target: an agent's current device (an extension that is an agent's
        counts as the agent), a queue of the call-center file, an extension, an E.164 number via the trunk."""
        if kind == "queue":
            if value not in self._queues():
                raise TransferRefused(f"there is no queue {value!r}")
            return Target("queue", value), None
        if kind == "number":
            return Target("number", value, f"PJSIP/{value}@trunk"), None
        if kind == "agent":
            try:
                agent = await self._agents.get(UUID(value))
            except AgentNotFound:
                raise TransferRefused(f"there is no agent {value!r}") from None
        else:
            agent = await self._agents.by_extension(value)
            if agent is None:
                return Target("extension", value, f"PJSIP/{value}"), None
        if str(agent.id) == agent_id:
            raise TransferRefused("you cannot transfer a call to yourself")
        if not self._dispatcher.logged_in(str(agent.id)):
            raise TransferRefused(f"agent {agent.name} is logged out")
        device = agent.device()
        if device is None:
            raise TransferRefused(f"agent {agent.name} has no device")
        return Target("agent", str(agent.id), dial_string(device)), str(agent.id)

    def control_recording(self, agent_id: str, action: str) -> bool:
        """Hand the agent's recording request to their connected call's task, once the call's recording
        has said it can be done (RecordingRefused says why not)."""
        found = self._connected(agent_id, "check_recording")
        if found is None:
            return False
        session, flow = found
        flow.check_recording(action)
        return self._registry.deliver(session.channel_id, RecordingRequested(session.channel_id, action))

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
