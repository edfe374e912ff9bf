"""Click-to-call as a pure state machine: ring the agent's own device first, then the number they asked
for, and bridge the two. There is no caller channel: the call is its two legs, and it ends with them.
Its phases and their allowed moves are CLICK_TO_CALL_PHASES."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from telephony.call_flow import AgentCallPhase, CallStory, CallView, agents_view
from telephony.calls.internal_holds import AgentsOnCall
from telephony.causes import outcome_of_cause
from telephony.channel_ids import leg_id, talk_bridge
from telephony.commands import AddToBridge, CreateBridge, DestroyBridge, Hangup, Originate, Ring
from telephony.errors import Refused
from telephony.events import LegAnswered, LegEnded
from telephony.phases import PhaseTable
from telephony.requests import CallRequest, HangupRequested, NotConnected


class ClickToCallPhase(enum.Enum):
    CALLING_AGENT = "calling_agent"    # the agent's own device rings
    CALLING_TARGET = "calling_target"  # the agent took it and hears ringback while the number is called
    CONNECTED = "connected"            # the two legs talk in the call's bridge
    ENDING = "ending"                  # the outcome is known; the legs still up are being hung up


class ClickToCallEvent(enum.Enum):
    AGENT_ANSWERED = "agent_answered"
    TARGET_ANSWERED = "target_answered"
    LEG_ENDED = "leg_ended"  # the first of the legs to end ends the call
    HANG_UP = "hang_up"      # asked for over the API


P, E = ClickToCallPhase, ClickToCallEvent
CLICK_TO_CALL_PHASES: PhaseTable[ClickToCallPhase, ClickToCallEvent] = PhaseTable("click_to_call", {
    (P.CALLING_AGENT, E.AGENT_ANSWERED): P.CALLING_TARGET,
    (P.CALLING_TARGET, E.TARGET_ANSWERED): P.CONNECTED,
    **{(phase, event): P.ENDING for phase in (P.CALLING_AGENT, P.CALLING_TARGET, P.CONNECTED)
       for event in (E.LEG_ENDED, E.HANG_UP)},
})


class CallRefused(Refused):
    """A click-to-call that cannot be placed now (the agent has no device or is on a call, the colleague
    is logged out or busy); the reason says why, before anything rings."""

    code = "call_refused"


@dataclass
class ClickToCallFlow:
    call_id: str
    agent_id: str
    agent_endpoint: str
    agent_number: str
    agent_name: str
    target_endpoint: str
    target: str
    clock: Callable[[], datetime]
    ring_timeout: int = 30
    target_agent_id: str | None = None  # the target is an agent: held from queue offers like the caller
    outcome: str | None = None
    phase: ClickToCallPhase = field(default=ClickToCallPhase.CALLING_AGENT, init=False)
    _live: dict[str, None] = field(default_factory=dict)  # our legs still up, in the order made
    _on_call: AgentsOnCall = field(init=False)  # its agents get no queue offers until it ends

    def __post_init__(self) -> None:
        self._on_call = AgentsOnCall(self.call_id, self.clock)

    @property
    def agent_leg(self) -> str:
        return leg_id(self.call_id, 1)

    @property
    def target_leg(self) -> str:
        return leg_id(self.call_id, 2)

    @property
    def bridge(self) -> str:
        return talk_bridge(self.call_id)

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    @property
    def ended(self) -> bool:
        """No channel of ours is left: the call's task may end."""
        return self.finished and not self._live

    def view(self) -> CallView:
        """The call as the agent who placed it sees it (the target agent, if any, is held, not shown)."""
        if self.finished:
            return CallView()
        phase = AgentCallPhase.CONNECTED if self.phase is P.CONNECTED else AgentCallPhase.RINGING
        return CallView(agents=agents_view({self.agent_id: phase}))

    def story(self) -> CallStory:
        return CallStory(self.outcome)

    def request(self, request: CallRequest) -> list:
        """The agent who placed the call may hang it up; it is not transferred, recorded or monitored."""
        match request:
            case HangupRequested(agent_id=agent) if agent == self.agent_id and self.phase is not P.ENDING:
                self.outcome = "answered" if self.phase is P.CONNECTED else "cancelled"
                self._move(E.HANG_UP)
                return [Hangup(leg) for leg in self._live]
            case HangupRequested():
                raise NotConnected("you are not on this call")
        raise NotConnected("a click-to-call is not transferred, recorded or monitored")

    def start(self) -> list:
        self._live[self.agent_leg] = None
        return [*self._on_call.mark(self.agent_id),
                Originate(self.agent_leg, self.call_id, self.agent_endpoint, self.target, f"Call {self.target}",
                          self.ring_timeout)]

    def handle(self, event) -> list:
        match event:
            case LegAnswered(leg_id=leg) if leg == self.agent_leg and self.phase is P.CALLING_AGENT:
                self._move(E.AGENT_ANSWERED)
                self._live[self.target_leg] = None
                return [*self._on_call.mark(self.target_agent_id), Ring(self.agent_leg),
                        Originate(self.target_leg, self.call_id, self.target_endpoint, self.agent_number,
                                  self.agent_name, self.ring_timeout)]
            case LegAnswered(leg_id=leg) if leg == self.target_leg and self.phase is P.CALLING_TARGET:
                self._move(E.TARGET_ANSWERED)
                return [CreateBridge(self.bridge, "mixing"), AddToBridge(self.bridge, self.agent_leg),
                        AddToBridge(self.bridge, self.target_leg)]
            case LegEnded(leg_id=leg) if leg in self._live:
                del self._live[leg]
                if self.phase is not P.ENDING:
                    self.outcome = self._outcome_when(leg, event.cause)
                    self._move(E.LEG_ENDED)
                return [*[Hangup(other) for other in self._live], DestroyBridge(self.bridge), *self._free()]
        return []

    def _move(self, event: ClickToCallEvent) -> None:
        self.phase = CLICK_TO_CALL_PHASES.move(self.phase, event, self.call_id)

    def _free(self) -> list:
        """Once no leg is left, the agents are free again."""
        return [] if self._live else self._on_call.free_all()

    def _outcome_when(self, leg: str, cause: int) -> str:
        if self.phase is P.CONNECTED:
            return "answered"
        if leg == self.agent_leg:
            return "cancelled"  # the agent did not take their own call
        return outcome_of_cause(cause)
