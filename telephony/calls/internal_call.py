"""An internal call dialled from a softphone, as a pure state machine: find who the dialled extension is,
ring them as the call's leg while the caller hears ringing, bridge the two on answer, and hang up both
when either leaves.

Who the extension is (an agent on their current device, a plain endpoint, nobody) is not decided here:
the flow asks with FindInternalTarget and gets InternalTargetFound back, so the lookup (database, ACD,
Asterisk's endpoints) stays outside. Both agents are reported to the ACD as on an internal call
(InternalCallStarted) from the moment the target rings until the call ends, so neither is offered a
queue call meanwhile. A call that cannot be put through (busy, no answer, unknown extension, agent
logged out or without a device, an external number) is answered with a short prompt and hung up; the
interaction's outcome says why. The call's phases and their allowed moves are INTERNAL_CALL_PHASES.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from telephony.call_flow import AgentCallPhase, CallStory, CallView, agents_view
from telephony.calls.internal_holds import AgentsOnCall
from telephony.causes import LegOutcome, outcome_of_cause
from telephony.channel_ids import leg_id, refused_playback, talk_bridge
from telephony.commands import (AddToBridge, Answer, CancelTimer, CreateBridge, DestroyBridge, Hangup, Originate,
                                Play, Ring, StartTimer)
from telephony.events import ChannelHungUp, LegAnswered, LegEnded, PlaybackFinished, TimerFired
from telephony.phases import PhaseTable
from telephony.requests import CallRequest, HangupRequested, NotConnected
from telephony.timers import TimerId, TimerKind

TargetKind = Literal["agent", "extension", "busy", "unknown", "unavailable", "refused"]

RINGING_TIMER = TimerId(TimerKind.INTERNAL_RING)
PROMPT_TIMER = TimerId(TimerKind.INTERNAL_PROMPT)
ORIGINATE_GRACE = 5  # Asterisk's own ring limit, past ours: our timer decides, so the outcome is no answer
PROMPTS = {  # outcome -> what the caller hears before the hang-up
    **{outcome: "sound:vm-nobodyavail" for outcome in LegOutcome},  # the target's leg ended unanswered
    "unavailable": "sound:vm-nobodyavail",
    "unknown": "sound:invalid",
    "refused": "sound:ss-noservice",
}


class InternalCallPhase(enum.Enum):
    FINDING = "finding"        # asked who the dialled extension is
    RINGING = "ringing"        # the target's leg rings; the caller hears ringback
    CONNECTED = "connected"    # caller and target talk in the call's bridge, until either leaves
    REFUSING = "refusing"      # the caller hears why the call cannot be put through
    HANGING_UP = "hanging_up"  # over for us: what is still up (the caller, the leg) is being hung up
    ENDED = "ended"            # the caller's channel is gone


class InternalCallEvent(enum.Enum):
    ADOPTED = "adopted"          # met again after a restart: as connected as it can still be
    RING = "ring"                # the target has something to ring
    CANNOT_RING = "cannot_ring"  # busy, unknown, unavailable or refused: nothing to ring
    ANSWERED = "answered"
    LEG_ENDED = "leg_ended"      # the target's leg ended: unanswered, or after the talk
    RING_TIMEOUT = "ring_timeout"
    PROMPT_ENDED = "prompt_ended"
    HANG_UP = "hang_up"          # asked for before the answer (once connected, the channels' ends decide)
    CALLER_GONE = "caller_gone"


P, E = InternalCallPhase, InternalCallEvent
INTERNAL_CALL_PHASES: PhaseTable[InternalCallPhase, InternalCallEvent] = PhaseTable("internal_call", {
    (P.FINDING, E.ADOPTED): P.CONNECTED,
    (P.FINDING, E.RING): P.RINGING,
    (P.FINDING, E.CANNOT_RING): P.REFUSING,
    (P.FINDING, E.HANG_UP): P.HANGING_UP,
    (P.RINGING, E.ANSWERED): P.CONNECTED,
    (P.RINGING, E.LEG_ENDED): P.REFUSING,
    (P.RINGING, E.RING_TIMEOUT): P.REFUSING,
    (P.RINGING, E.HANG_UP): P.HANGING_UP,
    (P.CONNECTED, E.LEG_ENDED): P.HANGING_UP,
    (P.REFUSING, E.PROMPT_ENDED): P.HANGING_UP,
    **{(phase, E.CALLER_GONE): P.ENDED for phase in P if phase is not P.ENDED},
})


@dataclass(frozen=True, slots=True)
class InternalTarget:
    """What a dialled extension reaches. `endpoint` is set for what can be rung (an agent's current
    device, a plain endpoint); `agent_id` for an agent; `reason` says why not, for the log."""

    kind: TargetKind
    endpoint: str | None = None
    agent_id: str | None = None
    name: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class FindInternalTarget:
    """Ask who `dialled` is for the call, and which agent (if any) is calling from `caller_number`; the
    answer comes back to the call as InternalTargetFound."""

    call_id: str
    dialled: str
    caller_number: str


@dataclass(frozen=True, slots=True)
class InternalTargetFound:
    channel_id: str
    target: InternalTarget
    caller_agent_id: str | None = None


def _ends_prompt(event) -> bool:
    return isinstance(event, PlaybackFinished) or event.timer_id == PROMPT_TIMER


@dataclass
class InternalCallFlow:
    channel_id: str
    dialled: str
    caller_number: str
    caller_name: str
    clock: Callable[[], datetime]
    ring_timeout: int = 30
    adopted: bool = False  # met again after a restart: already connected, or as good as gone
    outcome: str | None = None
    target: InternalTarget | None = None
    caller_agent_id: str | None = None
    phase: InternalCallPhase = field(default=InternalCallPhase.FINDING, init=False)
    _leg_live: bool = False  # the target's leg is up, or being called
    _on_call: AgentsOnCall = field(init=False)

    def __post_init__(self) -> None:
        self._on_call = AgentsOnCall(self.channel_id, self.clock)

    @property
    def leg(self) -> str:
        return leg_id(self.channel_id, 1)

    @property
    def bridge(self) -> str:
        return talk_bridge(self.channel_id)

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    @property
    def ended(self) -> bool:
        return self.phase is P.ENDED

    def view(self) -> CallView:
        """The call as its agents see it (GET /api/v1/me/call, and its hang-up)."""
        if self.finished:
            return CallView()
        phase = AgentCallPhase.CONNECTED if self.phase is P.CONNECTED else AgentCallPhase.RINGING
        return CallView(agents=agents_view({agent: phase for agent in self._on_call}))

    def story(self) -> CallStory:
        return CallStory(self.outcome)

    def request(self, request: CallRequest) -> list:
        """Either agent may hang up over the API; an internal call is not transferred, recorded or monitored."""
        match request:
            case HangupRequested(agent_id=agent) if agent in self._on_call and self.phase not in (P.REFUSING,
                                                                                                   P.ENDED):
                self.outcome = self.outcome or ("answered" if self.phase is P.CONNECTED else "cancelled")
                if self.phase in (P.FINDING, P.RINGING):
                    self._move(E.HANG_UP)
                return [*([Hangup(self.leg)] if self._leg_live else []), Hangup(self.channel_id)]
            case HangupRequested():
                raise NotConnected("you are not on this call")
        raise NotConnected("an internal call is not transferred, recorded or monitored")

    def start(self) -> list:
        if self.adopted:
            self._move(E.ADOPTED)
            self._leg_live = True  # the leg, if it is still there, is its partner
        return [FindInternalTarget(self.channel_id, self.dialled, self.caller_number)]

    def handle(self, event) -> list:
        match event:
            case InternalTargetFound(target=target, caller_agent_id=caller_agent):
                return self._found(target, caller_agent)
            case LegAnswered(leg_id=leg) if leg == self.leg and self.phase is P.RINGING:
                self._move(E.ANSWERED)
                return [CancelTimer(RINGING_TIMER), Answer(self.channel_id), CreateBridge(self.bridge, "mixing"),
                        AddToBridge(self.bridge, self.channel_id), AddToBridge(self.bridge, self.leg)]
            case LegEnded(leg_id=leg) if leg == self.leg and self._leg_live:
                self._leg_live = False
                if self.phase is P.CONNECTED:
                    self._move(E.LEG_ENDED)
                    self.outcome = self.outcome or "answered"
                    return [DestroyBridge(self.bridge), *self._on_call.free_all(), Hangup(self.channel_id)]
                if self.phase is P.RINGING:
                    return [CancelTimer(RINGING_TIMER), *self._free(self.target.agent_id),
                            *self._refuse(outcome_of_cause(event.cause), E.LEG_ENDED)]
                return self._free(self.target.agent_id if self.target else None)
            case TimerFired(timer_id=timer) if timer == RINGING_TIMER and self.phase is P.RINGING:
                return [Hangup(self.leg), *self._free(self.target.agent_id),
                        *self._refuse(LegOutcome.NO_ANSWER, E.RING_TIMEOUT)]
            case PlaybackFinished() | TimerFired() if self.phase is P.REFUSING and _ends_prompt(event):
                self._move(E.PROMPT_ENDED)
                return [CancelTimer(PROMPT_TIMER), Hangup(self.channel_id)]
            case ChannelHungUp() if self.phase is not P.ENDED:
                self.outcome = self.outcome or ("answered" if self.phase is P.CONNECTED else "cancelled")
                leg = [Hangup(self.leg)] if self._leg_live else []
                bridge = [DestroyBridge(self.bridge)] if self.phase is P.CONNECTED else []
                self._leg_live = False
                self._move(E.CALLER_GONE)
                return [*leg, *bridge, *self._on_call.free_all()]
        return []

    def _move(self, event: InternalCallEvent) -> None:
        self.phase = INTERNAL_CALL_PHASES.move(self.phase, event, self.channel_id)

    def _found(self, target: InternalTarget, caller_agent: str | None) -> list:
        if self.target is not None:
            return []
        self.target, self.caller_agent_id = target, caller_agent
        if self.adopted:
            return [*self._on_call.mark(caller_agent), *self._on_call.mark(target.agent_id)]
        if self.phase is not P.FINDING:
            return []  # hung up while the target was looked up: nobody to ring, nobody to hold
        marks = self._on_call.mark(caller_agent)
        if target.endpoint is None:
            return [*marks, *self._refuse(target.kind, E.CANNOT_RING)]
        self._move(E.RING)
        self._leg_live = True
        return [*marks, *self._on_call.mark(target.agent_id), Ring(self.channel_id),
                Originate(self.leg, self.channel_id, target.endpoint, self.caller_number, self.caller_name,
                          self.ring_timeout + ORIGINATE_GRACE),
                StartTimer(RINGING_TIMER, self.ring_timeout)]

    def _refuse(self, outcome: str, event: InternalCallEvent) -> list:
        """Tell the caller the call cannot be put through, then hang up (after the prompt, or a while)."""
        self._move(event)
        self.outcome = outcome
        prompt = Play(self.channel_id, refused_playback(self.channel_id), (PROMPTS[outcome],))
        return [Answer(self.channel_id), prompt, StartTimer(PROMPT_TIMER, 15)]

    def _free(self, agent_id: str | None) -> list:
        """The target is free again when their leg is gone; the calling agent only when the call ends."""
        return [] if agent_id == self.caller_agent_id else self._on_call.free(agent_id)
