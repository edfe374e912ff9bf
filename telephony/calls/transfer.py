"""A transfer of a connected customer call, as a pure state machine: events in, commands out.

The customer's channel sits in the call's talk bridge with the transferring agent's leg. A blind transfer
rings the target while the customer hears music in a holding bridge; an attended one lets the agent talk
to the target first (consult bridge) and then complete, cancel or make it a three-way conference. Any
failure (no answer, busy, logged out, the target hanging up before completion) puts the customer back
with the transferring agent, or back in the queue when that agent is gone — nothing is dropped.

One explicit enum of states; every transition goes through `TRANSFER_PHASES`, which logs it as
`state -> event -> state` and raises IllegalTransition for one it does not list instead of leaving a
half-moved call.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from telephony.channel_ids import consult_bridge, transfer_hold_bridge
from telephony.commands import AddToBridge, CreateBridge, DestroyBridge, Hangup, Originate, StartBridgeMusic
from telephony.errors import IllegalTransition
from telephony.model import Segment
from telephony.phases import PhaseTable
from telephony.requests import Target, TargetKind, TransferMode


class State(enum.Enum):
    IDLE = "idle"                  # the customer talks with the agent
    RINGING_BLIND = "ringing_blind"  # customer on hold, target ringing, agent already released
    RINGING_ATTENDED = "ringing_attended"  # customer on hold, agent waits for the target
    CONSULTING = "consulting"      # customer on hold, agent talks with the target
    CONFERENCE = "conference"      # all three in the talk bridge
    COMPLETED = "completed"        # the target has the customer
    RETURNED = "returned"          # the customer is back with the agent, or back in the queue


class Event(enum.Enum):
    BLIND = "blind"
    ATTENDED = "attended"
    TARGET_ANSWERED = "target_answered"
    TARGET_FAILED = "target_failed"  # no answer, busy, logged out, rejected, hung up before completion
    COMPLETE = "complete"
    CANCEL = "cancel"
    CONFERENCE = "conference"
    AGENT_GONE = "agent_gone"


TRANSFER_PHASES: PhaseTable[State, Event] = PhaseTable("transfer", {
    (State.IDLE, Event.BLIND): State.RINGING_BLIND,
    (State.IDLE, Event.ATTENDED): State.RINGING_ATTENDED,
    (State.RINGING_BLIND, Event.TARGET_ANSWERED): State.COMPLETED,
    (State.RINGING_BLIND, Event.TARGET_FAILED): State.RETURNED,
    (State.RINGING_BLIND, Event.AGENT_GONE): State.RINGING_BLIND,
    (State.RINGING_ATTENDED, Event.TARGET_ANSWERED): State.CONSULTING,
    (State.RINGING_ATTENDED, Event.TARGET_FAILED): State.RETURNED,
    (State.RINGING_ATTENDED, Event.CANCEL): State.RETURNED,
    (State.RINGING_ATTENDED, Event.AGENT_GONE): State.RINGING_BLIND,
    (State.CONSULTING, Event.COMPLETE): State.COMPLETED,
    (State.CONSULTING, Event.AGENT_GONE): State.COMPLETED,
    (State.CONSULTING, Event.CANCEL): State.RETURNED,
    (State.CONSULTING, Event.TARGET_FAILED): State.RETURNED,
    (State.CONSULTING, Event.CONFERENCE): State.CONFERENCE,
    (State.CONFERENCE, Event.AGENT_GONE): State.COMPLETED,
    (State.CONFERENCE, Event.TARGET_FAILED): State.RETURNED,
})


@dataclass(frozen=True, slots=True)
class RequeueCaller:
    """Put the customer back in the ACD's queue, keeping the call's priority and original arrival."""

    channel_id: str
    queue: str
    priority: int | None
    arrived: datetime | None


class Segments:
    """The stretches of one call, kept by the call (its QueueFlow) and written into by each of its transfers
    in turn: one owner, handed explicitly to whoever writes a stretch, never a list shared by aliasing."""

    def __init__(self) -> None:
        self._all: list[Segment] = []

    def __iter__(self):
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)

    def __getitem__(self, index: int) -> Segment:
        return self._all[index]

    def open(self, agent_id: str | None, target: str, kind: str, at: datetime) -> None:
        self._all.append(Segment(agent_id, target, kind, at))

    def add_ended(self, target: str, kind: str, at: datetime, outcome: str) -> None:
        self._all.append(Segment(None, target, kind, at, at, outcome))

    def close_agent(self, agent_id: str | None, outcome: str, at: datetime) -> None:
        """End the latest open stretch of `agent_id`."""
        self._close_last(lambda s: s.agent_id == agent_id, outcome, at)

    def close_target(self, target: str, outcome: str, at: datetime) -> bool:
        """End the latest open stretch of `target`; False if it has none."""
        return self._close_last(lambda s: s.target == target, outcome, at)

    def close_all(self, outcome: str, at: datetime) -> None:
        self._all = [replace(s, ended=at, outcome=outcome) if s.ended is None else s for s in self._all]

    def last_becomes(self, kind: str) -> None:
        last = self._all[-1]
        self._all[-1] = Segment(last.agent_id, last.target, kind, last.started)

    def as_ended(self, at: datetime) -> tuple[Segment, ...]:
        """The stretches as they stand, those still open ended now (`ended`): what the interaction keeps."""
        return tuple(s if s.ended else replace(s, ended=at, outcome="ended") for s in self._all)

    def _close_last(self, matches, outcome: str, at: datetime) -> bool:
        for i in range(len(self._all) - 1, -1, -1):
            s = self._all[i]
            if matches(s) and s.ended is None:
                self._all[i] = Segment(s.agent_id, s.target, s.kind, s.started, at, outcome)
                return True
        return False


@dataclass
class Transfer:
    """A transfer on call `channel_id`, whose agent's leg is `agent_leg` in bridge `talk_bridge`."""

    channel_id: str
    talk_bridge: str
    agent_leg: str | None
    agent_id: str
    queue: str
    clock: Callable[[], datetime]
    priority: int | None = None
    arrived: datetime | None = None
    moh_class: str = "default"
    number: int = 1  # the call's first transfer, second...: a bridge being torn down keeps its id a moment
    state: State = State.IDLE
    target: Target | None = None
    target_leg: str | None = None
    connected_at: datetime | None = None
    segments: Segments = field(default_factory=Segments)  # the call's: the first transfer opens the agent's

    def __post_init__(self) -> None:
        if not self.segments:
            self.segments.open(self.agent_id, "", "queue", self.connected_at or self.clock())

    @property
    def hold_bridge(self) -> str:
        return transfer_hold_bridge(self.channel_id, self.number)

    @property
    def consult_bridge(self) -> str:
        return consult_bridge(self.channel_id, self.number)

    @property
    def finished(self) -> bool:
        return self.state in (State.COMPLETED, State.RETURNED)

    def _go(self, event: Event) -> State:
        before, self.state = self.state, TRANSFER_PHASES.move(self.state, event, self.channel_id)
        return before

    def _hold_customer(self) -> list:
        return [CreateBridge(self.hold_bridge, "holding"), AddToBridge(self.hold_bridge, self.channel_id),
                StartBridgeMusic(self.hold_bridge, self.moh_class)]

    def start(self, mode: TransferMode, target: Target, target_leg: str, caller_number: str = "",
              caller_name: str = "", timeout: int = 20) -> list:
        """Begin a blind or attended transfer; a queue target needs no ringing and completes at once."""
        if target.kind is TargetKind.QUEUE and mode is not TransferMode.BLIND:  # nobody to talk to
            raise IllegalTransition("transfer", self.state.value, f"{mode.value} to a queue")
        self._go(Event.BLIND if mode is TransferMode.BLIND else Event.ATTENDED)
        self.target = target
        if target.kind is TargetKind.QUEUE:
            self._go(Event.TARGET_ANSWERED)
            self._end_agent_segment("transferred")
            self.segments.open(None, target.value, "queue", self.clock())
            commands = [RequeueCaller(self.channel_id, target.value, self.priority, self.arrived)]
            return [*([Hangup(self.agent_leg)] if self.agent_leg else []), *commands]
        self.target_leg = target_leg
        commands = [*self._hold_customer(),
                    Originate(target_leg, self.channel_id, target.endpoint, caller_number, caller_name, timeout)]
        if mode is TransferMode.BLIND and self.agent_leg:
            commands.append(Hangup(self.agent_leg))
            self._end_agent_segment("transferred")
            self.agent_leg = None
        return commands

    def target_answered(self, target_agent_id: str | None) -> list:
        before = self._go(Event.TARGET_ANSWERED)
        self._open_target_segment(target_agent_id, "transfer")
        if before is State.RINGING_BLIND:
            return self._hand_over()
        return [CreateBridge(self.consult_bridge, "mixing"), AddToBridge(self.consult_bridge, self.agent_leg),
                AddToBridge(self.consult_bridge, self.target_leg)]

    def target_failed(self, reason: str) -> list:
        """No answer, busy, logged out: the customer goes back to the agent, or to the queue."""
        before = self._go(Event.TARGET_FAILED)
        self._end_last_target_segment(reason)
        commands = [Hangup(self.target_leg)] if self.target_leg else []
        if before is State.CONFERENCE:
            # the agent and customer simply stay together in the talk bridge
            return commands
        commands += [DestroyBridge(self.consult_bridge)] if before is State.CONSULTING else []
        return [*commands, *self._return_customer()]

    def complete(self) -> list:
        self._go(Event.COMPLETE)
        return self._hand_over(from_consult=True)

    def cancel(self) -> list:
        before = self._go(Event.CANCEL)
        self._end_last_target_segment("cancelled")
        commands = [Hangup(self.target_leg)] if self.target_leg else []
        if before is State.CONSULTING:
            commands.append(DestroyBridge(self.consult_bridge))
        return [*commands, *self._return_customer()]

    def conference(self) -> list:
        self._go(Event.CONFERENCE)
        self.segments.last_becomes("conference")
        return [DestroyBridge(self.consult_bridge), AddToBridge(self.talk_bridge, self.channel_id),
                AddToBridge(self.talk_bridge, self.agent_leg), AddToBridge(self.talk_bridge, self.target_leg),
                DestroyBridge(self.hold_bridge)]

    def agent_gone(self) -> list:
        """The transferring agent hung up: mid-consultation that completes the transfer (as a PBX would)."""
        before = self._go(Event.AGENT_GONE)
        self._end_agent_segment("transferred" if before is not State.RINGING_BLIND else "hung up")
        self.agent_leg = None
        if before is State.CONSULTING:
            return self._hand_over(from_consult=True)
        return []

    def _hand_over(self, from_consult: bool = False) -> list:
        commands = [DestroyBridge(self.consult_bridge)] if from_consult else []
        if from_consult and self.agent_leg:
            commands.append(Hangup(self.agent_leg))
            self._end_agent_segment("transferred")
            self.agent_leg = None
        return [*commands, AddToBridge(self.talk_bridge, self.channel_id),
                AddToBridge(self.talk_bridge, self.target_leg), DestroyBridge(self.hold_bridge)]

    def _return_customer(self) -> list:
        if self.agent_leg:
            return [AddToBridge(self.talk_bridge, self.channel_id), AddToBridge(self.talk_bridge, self.agent_leg),
                    DestroyBridge(self.hold_bridge)]
        self.segments.open(None, self.queue, "queue", self.clock())
        return [RequeueCaller(self.channel_id, self.queue, self.priority, self.arrived)]

    def _open_target_segment(self, agent_id: str | None, kind: str) -> None:
        self.segments.open(agent_id, self.target.value if self.target else "", kind, self.clock())

    def _end_agent_segment(self, outcome: str) -> None:
        self.segments.close_agent(self.agent_id, outcome, self.clock())

    def _end_last_target_segment(self, outcome: str) -> None:
        target = self.target.value if self.target else ""
        if not self.segments.close_target(target, outcome, self.clock()):
            self.segments.add_ended(target, "transfer", self.clock(), outcome)
