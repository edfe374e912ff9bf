"""What people are told when the ACD acts: `agent.state` to the agent and their queues' supervisors;
`call.offered` (with the first screen pop), `call.answered`, `call.ended`, `call.abandoned`,
`call.overflowed` to the agent and the queue's supervisors; the full screen pop when a call is offered and
when it is answered; and an agent's help request cleared once their part of the call is over."""

from __future__ import annotations

from datetime import datetime

from telephony.acd.agent_state import StateChanged
from telephony.acd.commands import CallAbandoned, CallCompleted, CallConnected, CallOverflowed, Offer
from telephony.agent_roster import AgentRoster
from telephony.audience import Audience
from telephony.calls.agent_calls import caller_pop
from telephony.calls.in_flight import CallsInFlight
from telephony.crm.screen_pops import ScreenPops
from telephony.notifiers.types import Publish
from telephony.supervision.desk import SupervisorDesk

CALL_EVENTS = {CallConnected: "call.answered", CallCompleted: "call.ended", CallAbandoned: "call.abandoned",
               CallOverflowed: "call.overflowed"}
KINDS = (StateChanged, Offer, *CALL_EVENTS)


class AcdNotifier:
    def __init__(self, publish: Publish, roster: AgentRoster, calls: CallsInFlight, screen_pops: ScreenPops,
                 supervision: SupervisorDesk):
        self._publish = publish
        self._roster = roster
        self._calls = calls
        self._screen_pops = screen_pops
        self._supervision = supervision

    def notify(self, event) -> None:
        match event:
            case StateChanged():
                self._state_changed(event)
            case Offer():
                self._offered(event)
            case CallConnected() | CallCompleted() | CallAbandoned() | CallOverflowed():
                self._call_event(event)

    def _state_changed(self, record: StateChanged) -> None:
        self._publish("agent.state", {
            "agent_id": record.agent_id, "state": record.state.value, "previous": record.previous.value,
            "reason": record.reason, "cause": record.cause, "at": record.at.isoformat()},
            self._roster.audience(record.agent_id))

    def _offered(self, offer: Offer) -> None:
        session = self._calls.get(offer.call_id)
        pop = caller_pop(session.arrived) if session else {"caller_number": offer.caller_number,
                                                            "caller_name": offer.caller_name}
        self._publish("call.offered", {"call_id": offer.call_id, "queue": offer.queue, "agent_id": offer.agent_id,
                                       "ring_timeout": offer.timeout, "screen_pop": pop},
                      Audience.of(users=self._roster.audience(offer.agent_id).users, queues=[offer.queue]))
        self._screen_pops.offered(offer.call_id, offer.agent_id, offer.queue)

    def _call_event(self, record: CallConnected | CallCompleted | CallAbandoned | CallOverflowed) -> None:
        payload = {k: (v.isoformat() if isinstance(v, datetime) else v)
                   for k, v in ((s, getattr(record, s)) for s in record.__slots__)}
        agent = record.agent_id if isinstance(record, (CallConnected, CallCompleted)) else None
        users = self._roster.audience(agent).users if agent else ()
        self._publish(CALL_EVENTS[type(record)], payload, Audience.of(users=users, queues=[record.queue]))
        if isinstance(record, CallConnected):
            self._screen_pops.answered(record.call_id, record.agent_id, record.queue)
        elif isinstance(record, CallCompleted):
            self._supervision.agent_done(record.call_id, record.queue, record.agent_id,
                                         self._roster.audience(record.agent_id), record.handed_over)
