"""The ACD wired into the daemon: its one dispatcher task fed by Asterisk's device states and the calls'
reports, its commands handed to each call's own task, its records stored in order and published (with
each offer made) on the domain events for the notifiers and screen pops.

At start the agents who were logged in come back with their pause reasons, after the device states
are known, so an agent whose phone is unregistered or busy is not offered a call by mistake.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from telephony.acd.commands import (CallAbandoned, CallCompleted, CallConnected, CallOverflowed, Command, Offer,
                                    Record)
from telephony.acd.dispatcher import Dispatcher
from telephony.acd.events import AgentLegEnded, AgentLoggedIn, DeviceBusy, DeviceRegistration
from telephony.model import AgentState, StateChanged
from telephony.acd.service import AcdService
from telephony.asterisk.device_states import BUSY, UNREACHABLE
from telephony.db.agents import Agent, AgentStore
from telephony.db.interactions import InteractionStore
from telephony.db.writer import OrderedWriter
from telephony.logs import get_logger

log = get_logger(__name__)


def restore_event(agent: Agent, at: datetime) -> AgentLoggedIn | None:
    """What hands a stored agent back to the ACD after a restart, or None if they were logged out.

    A pause (and its reason) is kept. An agent stored as ringing, on a call or in wrap-up comes back
    available: the calls themselves are reconciled from Asterisk, and a device still in use is
    reported busy (DeviceBusy), which keeps offers away until it is free.
    """
    device = agent.device()
    if agent.state is AgentState.LOGGED_OUT or device is None:
        return None
    reason = agent.pause_reason if agent.state is AgentState.PAUSED else None
    return AgentLoggedIn(agent.profile(), device, at, paused_reason=reason, restored=True)


class AcdRuntime:
    def __init__(self, dispatcher: Dispatcher, agents: AgentStore, deliver: Callable[[str, object], bool],
                 publish: Callable[[object], None], clock: Callable[[], datetime],
                 interactions: InteractionStore | None = None):
        """`deliver(call_id, command)`: to the call's task (CallsInFlight.deliver); `publish`: each record, and
        each offer delivered, onto the domain events (DomainEvents.publish)."""
        self._agents = agents
        self._interactions = interactions
        self._deliver = deliver
        self._publish = publish
        self._clock = clock
        self.dispatcher = dispatcher
        self.service = AcdService(dispatcher, self._send_command, self._record, clock)
        self.writer = OrderedWriter("acd")

    def submit(self, event) -> None:
        self.service.submit(event)

    def device_changed(self, device: str, state: str) -> None:
        now = self._clock()
        self.submit(DeviceRegistration(device, state not in UNREACHABLE, now))
        self.submit(DeviceBusy(device, state in BUSY, now))

    async def restore_agents(self) -> int:
        restored = 0
        for agent in await self._agents.logged_in():
            event = restore_event(agent, self._clock())
            if event is not None:
                self.submit(event)
                restored += 1
        log.info("acd.agents_restored", agents=restored)
        return restored

    def _store_on_interaction(self, record: Record) -> None:
        if self._interactions is None:
            return
        store = self._interactions
        match record:
            case CallConnected(call_id, queue, agent_id, waited, _):
                self.writer.submit(lambda: store.queue_result(call_id, queue, agent_id, wait_seconds=waited))
            case CallCompleted(call_id, queue, agent_id, talked, _):
                self.writer.submit(lambda: store.queue_result(call_id, queue, agent_id, talk_seconds=talked))
            case CallAbandoned(call_id, queue, waited, _) | CallOverflowed(call_id, queue, _, _, waited, _):
                self.writer.submit(lambda: store.queue_result(call_id, queue, wait_seconds=waited))

    def _send_command(self, command: Command) -> None:
        if self._deliver(command.call_id, command):
            if isinstance(command, Offer):
                self._publish(command)
            return
        log.info("acd.call_gone", command=type(command).__name__, call_id=command.call_id)
        if isinstance(command, Offer):
            self.submit(AgentLegEnded(command.offer_id, self._clock(), "call gone"))

    def _record(self, record: Record) -> None:
        if isinstance(record, StateChanged):
            log.info("agent.state", agent_id=record.agent_id, state=record.state.value,
                     previous=record.previous.value, reason=record.reason)
            self.writer.submit(lambda: self._agents.record_state(record))
        else:
            log.info("acd.record", record=type(record).__name__, **{k: getattr(record, k)
                                                                    for k in record.__slots__})
            self._store_on_interaction(record)
        self._publish(record)
