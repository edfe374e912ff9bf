"""Transfers of a connected queue call, inside the call's task: the agent's requests and what Asterisk says
of the target's leg drive the pure Transfer machine (telephony.calls.transfer).

This module does not know the queue call. Each step is given the call as it stands (`TransferredCall`, a
frozen snapshot the QueueFlow makes) and returns commands, among which three markers say what became of
the call's other party, for the QueueFlow to apply in order:
- `PartyLeft`: the party's leg leaves on purpose (blind transfer, completion) or hung up mid-transfer;
  the QueueFlow tells the ACD the agent's part is over (`AgentReleased`) and the call goes on.
- `PartyJoined`: a transfer completed; the target's leg (and agent, if any) is the call's party now.
- `RequeueCaller` (from the machine): the caller goes back to the ACD (a transfer to a queue, or a failure
  once the agent is gone) with the call's priority and first arrival.
An agent target is held by the ACD from the moment their leg rings until it is gone
(`TransferTargetRinging` / `TransferTargetAnswered` / `TransferTargetFreed`): no queue offer reaches them
meanwhile, and they wrap up after a call they took over. Each step is reported (`TransferReport`) for the
event stream. Every stretch of the call is a segment in the call's Segments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from telephony.acd.events import TransferTargetAnswered, TransferTargetFreed, TransferTargetRinging
from telephony.calls.transfer import RequeueCaller, Segments, State, Transfer
from telephony.calls.transfer_reports import TransferReport
from telephony.causes import outcome_of_cause
from telephony.commands import DestroyBridge, Hangup
from telephony.errors import IllegalTransition, Refused
from telephony.events import LegAnswered, LegEnded
from telephony.requests import TargetKind, TransferAction, TransferMode, TransferRequested, TransferStep

STEP_ALLOWED = {TransferAction.COMPLETE: (State.CONSULTING,), TransferAction.CONFERENCE: (State.CONSULTING,),
                TransferAction.CANCEL: (State.RINGING_ATTENDED, State.CONSULTING)}
STEP_REPORTED = {TransferAction.COMPLETE: "completed", TransferAction.CANCEL: "cancelled",
                 TransferAction.CONFERENCE: "conference"}


class TransferRefused(Refused):
    """The transfer request makes no sense now; the reason says why."""

    code = "transfer_refused"


@dataclass(frozen=True, slots=True)
class TransferredCall:
    """A connected queue call as a transfer needs it. `party_leg`/`agent_id`: who talks with the caller
    (None while nobody does)."""

    call_id: str
    talk_bridge: str
    party_leg: str | None
    agent_id: str | None
    queue: str
    priority: int | None
    arrived: datetime | None
    caller_number: str
    caller_name: str
    moh_class: str


@dataclass(frozen=True, slots=True)
class PartyLeft:
    """The call's party (the transferring agent's leg) leaves it; `reason` for the ACD's release."""

    reason: str


@dataclass(frozen=True, slots=True)
class PartyJoined:
    """A transfer completed: `leg` (an agent's, when `agent_id`) talks with the caller now."""

    leg: str
    agent_id: str | None


class CallTransfers:
    def __init__(self, call_id: str, clock: Callable[[], datetime], segments: Segments,
                 new_leg: Callable[[], str]):
        """`segments`: the call's, written into by each transfer; `new_leg`: the call's next leg id."""
        self._call_id = call_id
        self._clock = clock
        self._segments = segments
        self._new_leg = new_leg
        self.active: Transfer | None = None
        self.target_agent_id: str | None = None
        self._completed = False  # the active transfer handed the caller on
        self._made = 0
        self._held: set[str] = set()  # target legs holding an agent in the ACD
        self._request: TransferRequested | None = None
        self._queue = ""  # the queue the call is reported in (the target queue once requeued there)

    @property
    def ringing_or_consulting(self) -> bool:
        return self.active is not None and not self.active.finished

    def takes(self, event) -> bool:
        """The events of the transfer's legs: the target's, and the transferring agent's while it is on."""
        match event:
            case LegEnded(leg_id=leg) if leg in self._held:
                return True
            case LegAnswered(leg_id=leg) | LegEnded(leg_id=leg):
                active = self.active
                return active is not None and not self._completed and leg in (
                    active.target_leg, active.agent_leg if self.ringing_or_consulting else None)
        return False

    def request(self, call: TransferredCall, request: TransferRequested | TransferStep) -> list:
        """Start a transfer, or take its next step; TransferRefused says why not."""
        match request:
            case TransferRequested():
                self._check_start(call, request)
                return self._start(call, request)
            case TransferStep(agent_id=agent, action=action):
                self._check_step(agent, action)
                report = self._report(STEP_REPORTED[action])
                active = self.active
                match action:
                    case TransferAction.COMPLETE:
                        commands = active.complete()
                    case TransferAction.CANCEL:
                        commands = active.cancel()
                    case TransferAction.CONFERENCE:
                        commands = active.conference()
                return [*self._apply(call, commands), report]
        raise TypeError(f"not a transfer request: {request!r}")

    def handle(self, call: TransferredCall, event) -> list:
        """An event `takes` said is the transfer's."""
        freed = self.free(event.leg_id) if isinstance(event, LegEnded) else []
        return [*self._leg_event(call, event), *freed]

    def free(self, leg: str) -> list:
        """A target's leg is gone: the agent it held in the ACD is free (TransferTargetFreed), once."""
        if leg not in self._held:
            return []
        self._held.discard(leg)
        return [TransferTargetFreed(leg, self._clock())]

    def consulting(self, agent_id: str) -> bool:
        """`agent_id` is the target agent of this call's transfer, answered: consulting or in a conference."""
        active = self.active
        return (active is not None and agent_id == self.target_agent_id
                and active.state in (State.CONSULTING, State.CONFERENCE))

    def hang_up(self, agent_id: str) -> list:
        """An agent hangs up over the API while consulting or in a conference: only their own leg goes (as
        when they put their phone down). The transferring agent leaves the caller with the target; the
        target leaves the caller with the transferring agent. Empty if the agent is neither."""
        active = self.active
        if active is None or active.state not in (State.CONSULTING, State.CONFERENCE):
            return []
        if agent_id == self._from_agent and active.agent_leg:
            return [Hangup(active.agent_leg)]
        if self.consulting(agent_id) and active.target_leg:
            return [Hangup(active.target_leg)]
        return []

    def caller_gone(self) -> list:
        """The caller hung up: a target still ringing or consulting, and the transfer's bridges, go too."""
        commands = []
        active = self.active
        if active is not None and active.target_leg and self.ringing_or_consulting:
            commands.append(Hangup(active.target_leg))
        if active is not None:
            commands += [DestroyBridge(active.hold_bridge), DestroyBridge(active.consult_bridge)]
        now = self._clock()
        self._segments.close_all("caller hung up", now)
        commands += [TransferTargetFreed(leg, now) for leg in sorted(self._held)]
        self._held.clear()
        return commands

    def party_ended(self, leg: str) -> list:
        """The party a transfer handed the caller to hung up: the call's story ends there."""
        self._segments.close_all("ended", self._clock())
        return self.free(leg)

    @property
    def _from_agent(self) -> str:
        return self._request.agent_id if self._request else ""

    def _check_start(self, call: TransferredCall, request: TransferRequested) -> None:
        if call.party_leg is None or call.agent_id is None:
            raise TransferRefused("the call is not connected to an agent")
        if request.agent_id != call.agent_id:
            raise TransferRefused("you are not the agent connected with this call")
        if self.ringing_or_consulting:
            raise TransferRefused("a transfer of this call is already under way")
        if request.target.kind is TargetKind.QUEUE and request.mode is not TransferMode.BLIND:
            raise TransferRefused("a call is transferred to a queue blind; there is nobody to consult")

    def _check_step(self, agent_id: str, action: TransferAction) -> None:
        state = self.active.state if self.ringing_or_consulting else None
        if state not in STEP_ALLOWED[action]:
            raise TransferRefused(f"nothing to {action.value}: " + (
                f"the transfer is {state.value}" if state else "no attended transfer is under way"))
        if agent_id != self._from_agent:
            raise TransferRefused("only the transferring agent steps the transfer on")

    def _leg_event(self, call: TransferredCall, event) -> list:
        active = self.active if not self._completed else None
        match event:
            case LegAnswered(leg_id=leg) if active and leg == active.target_leg:
                answered = [TransferTargetAnswered(leg, self._clock())] if leg in self._held else []
                commands = self._apply(call, active.target_answered(self.target_agent_id))
                return [*answered, *commands, self._report("completed" if self._completed else "answered")]
            case LegEnded(leg_id=leg, cause=cause) if active and leg == active.target_leg:
                reason = outcome_of_cause(cause)
                failed = self._report("failed", reason)
                commands = self._apply(call, active.target_failed(reason))
                requeued = any(isinstance(c, RequeueCaller) for c in commands)
                return [failed, *commands, self._report("requeued" if requeued else "returned", reason)]
            case LegEnded(leg_id=leg) if active and leg == active.agent_leg:
                return [PartyLeft("hung up"), *self._apply(call, active.agent_gone())]
        return []

    def _start(self, call: TransferredCall, request: TransferRequested) -> list:
        self._made += 1
        self.active = Transfer(call.call_id, call.talk_bridge, call.party_leg, call.agent_id, call.queue,
                               self._clock, priority=call.priority, arrived=call.arrived,
                               moh_class=call.moh_class, number=self._made, segments=self._segments)
        self.target_agent_id = request.target_agent_id
        self._completed = False
        self._request, self._queue = request, call.queue
        target_leg = self._new_leg()
        held = []
        if request.target_agent_id and request.target.kind is not TargetKind.QUEUE:
            self._held.add(target_leg)
            held = [TransferTargetRinging(target_leg, request.target_agent_id, call.call_id, call.queue,
                                          self._clock())]
        started = self._report("started")
        try:
            commands = self._apply(call, self.active.start(request.mode, request.target, target_leg,
                                                           call.caller_number, call.caller_name,
                                                           request.ring_timeout))
        except IllegalTransition as exc:
            raise TransferRefused(str(exc)) from None
        if request.target.kind is TargetKind.QUEUE:
            return [started, *commands, self._report("requeued")]
        return [*held, started, *commands]

    def _report(self, what: str, reason: str = "") -> TransferReport:
        request = self._request
        return TransferReport(self._call_id, what, request.mode.value, self._queue, self._from_agent,
                              request.target.kind.value, request.target.value, request.target_agent_id,
                              self._clock(), reason)

    def _apply(self, call: TransferredCall, commands: list) -> list:
        """The machine's commands, with the markers of what became of the call's party."""
        active = self.active
        out: list = []
        for command in commands:
            if isinstance(command, Hangup) and command.channel_id == call.party_leg and not self._completed:
                out += [PartyLeft("transferred"), command]
            elif isinstance(command, RequeueCaller):
                self.active, self._queue = None, command.queue
                out += [DestroyBridge(active.hold_bridge), command]
            else:
                out.append(command)
        if self.active is not None and active.state is State.COMPLETED and not self._completed:
            self._completed = True
            out.append(PartyJoined(active.target_leg, self.target_agent_id))
        elif self.active is not None and active.state is State.RETURNED and active.agent_leg:
            self.active = None  # back with the agent: the call goes on as before
        return out
