"""Transfers of a connected queue call, inside the call's task: the agent's requests and what Asterisk says
of the target's leg drive the pure Transfer machine; its results are mapped onto the queue call.

- When the transferring agent's leg leaves on purpose (blind transfer, completion) or the agent hangs up
  mid-transfer, the ACD hears `AgentReleased`: the agent's part is complete, the call goes on.
- `RequeueCaller` (a transfer to a queue, or a failure once the agent is gone) puts the caller back in the
  ACD with the call's priority, as a new `CallQueued`.
- Once completed, the target's leg is the call's: its hang-up ends the call, the caller's ends it.
- An agent target is held by the ACD from the moment their leg rings until it is gone
  (`TransferTargetRinging` / `TransferTargetAnswered` / `TransferTargetFreed`): no queue offer reaches
  them meanwhile, and they wrap up after a call they took over.
- Each step is reported (`TransferReport`) for the event stream.
Every stretch of the call is a segment (agent, target, kind, times, outcome) for reporting.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from telephony.acd.events import (AgentReleased, CallQueued, TransferTargetAnswered, TransferTargetFreed,
                                  TransferTargetRinging)
from telephony.calls.transfer import RequeueCaller, Segment, State, Target, Transfer, from_queue_call
from telephony.calls.transfer_reports import TransferReport
from telephony.causes import outcome_of_cause
from telephony.commands import DestroyBridge, Hangup
from telephony.errors import IllegalTransition, Refused
from telephony.events import LegAnswered, LegEnded
from telephony.logs import get_logger

if TYPE_CHECKING:
    from telephony.calls.queue_flow import QueueFlow

log = get_logger(__name__)
STEPS = ("complete", "cancel", "conference")


@dataclass(frozen=True, slots=True)
class TransferRequested:
    """The agent asks to transfer the call (`mode` blind or attended) to `target`."""

    channel_id: str
    mode: str
    target: Target
    target_agent_id: str | None = None
    ring_timeout: int = 20


@dataclass(frozen=True, slots=True)
class TransferStep:
    """The agent completes or cancels an attended transfer, or makes it a three-way conference."""

    channel_id: str
    action: str


class TransferRefused(Refused):
    """The transfer request makes no sense now; the reason says why."""

    code = "transfer_refused"


class CallTransfers:
    def __init__(self, flow: QueueFlow):
        self._flow = flow
        self.active: Transfer | None = None
        self.target_agent_id: str | None = None
        self.handed_to: str | None = None  # the completed target's leg: now the call's other party
        self.segments: list[Segment] = []
        self._made = 0
        self._held: set[str] = set()  # target legs holding an agent in the ACD
        self._request: TransferRequested | None = None
        self._from_agent = ""

    @property
    def ringing_or_consulting(self) -> bool:
        return self.active is not None and not self.active.finished

    def check(self, action: str, kind: str | None = None, target: Target | None = None) -> None:
        """Raise TransferRefused unless `action` (start, complete, cancel, conference) can be done now."""
        flow = self._flow
        if action == "start":
            if flow.finished or flow.connected_leg is None or flow.agent_id is None:
                raise TransferRefused("the call is not connected to an agent")
            if self.ringing_or_consulting:
                raise TransferRefused("a transfer of this call is already under way")
            if target is not None and target.kind == "queue" and kind != "blind":
                raise TransferRefused("a call is transferred to a queue blind; there is nobody to consult")
            return
        if action not in STEPS:
            raise TransferRefused(f"unknown transfer step {action!r}")
        state = self.active.state if self.ringing_or_consulting else None
        allowed = {"complete": (State.CONSULTING,), "conference": (State.CONSULTING,),
                   "cancel": (State.RINGING_ATTENDED, State.CONSULTING)}[action]
        if state not in allowed:
            raise TransferRefused(f"nothing to {action}: " + (f"the transfer is {state.value}" if state else
                                                            "no attended transfer is under way"))

    def takes(self, event) -> bool:
        match event:
            case TransferRequested() | TransferStep():
                return True
            case LegEnded(leg_id=leg) if leg in self._held:
                return True
            case LegAnswered(leg_id=leg) | LegEnded(leg_id=leg):
                return leg == self.handed_to or (self.active is not None and leg in (
                    self.active.target_leg, self.active.agent_leg if self.ringing_or_consulting else None))
        return False

    def handle(self, event) -> list:
        freed = []
        if isinstance(event, LegEnded) and event.leg_id in self._held:
            self._held.discard(event.leg_id)
            freed = [TransferTargetFreed(event.leg_id, self._flow.clock())]
        try:
            return [*self._handle(event), *freed]
        except (TransferRefused, IllegalTransition) as exc:
            log.info("transfer.refused", reason=str(exc))
            return freed

    def consulting(self, agent_id: str) -> bool:
        """`agent_id` is the target agent of this call's transfer, answered: consulting or in a conference."""
        active = self.active
        return (active is not None and agent_id == self.target_agent_id
                and active.state in (State.CONSULTING, State.CONFERENCE))

    def agent_hanging_up(self, agent_id: str | None) -> list:
        """An agent hangs up over the API while consulting or in a conference: only their own leg goes (as
        when they put their phone down). The transferring agent leaves the caller with the target; the
        target leaves the caller with the transferring agent."""
        active = self.active
        if active is None or active.state not in (State.CONSULTING, State.CONFERENCE):
            return []
        if agent_id == self._from_agent and active.agent_leg:
            return [Hangup(active.agent_leg)]
        if self.consulting(agent_id or "") and active.target_leg:
            return [Hangup(active.target_leg)]
        return []

    def caller_gone(self) -> list:
        """The caller hung up: the target's leg and the transfer's bridges go too."""
        commands = []
        active = self.active
        if active is not None and active.target_leg and (self.ringing_or_consulting or self.handed_to):
            commands.append(Hangup(active.target_leg))
        if active is not None:
            commands += [DestroyBridge(active.hold_bridge), DestroyBridge(active.consult_bridge)]
        self._close_segments("caller hung up")
        now = self._flow.clock()
        commands += [TransferTargetFreed(leg, now) for leg in sorted(self._held)]
        self._held.clear()
        return commands

    def _handle(self, event) -> list:
        flow = self._flow
        match event:
            case TransferRequested(mode=mode, target=target):
                self.check("start", mode, target)
                return self._start(event)
            case TransferStep(action=action):
                self.check(action)
                report = self._report({"complete": "completed", "cancel": "cancelled"}.get(action, action))
                return [*self._apply(getattr(self.active, action)()), report]
            case LegAnswered(leg_id=leg) if self.active and leg == self.active.target_leg:
                answered = [TransferTargetAnswered(leg, flow.clock())] if leg in self._held else []
                commands = self._apply(self.active.target_answered(self.target_agent_id))
                what = "completed" if self.handed_to == leg else "answered"
                return [*answered, *commands, self._report(what)]
            case LegEnded(leg_id=leg) if leg == self.handed_to:
                self._close_segments("ended")
                flow.outcome = "answered"
                return [Hangup(flow.channel_id), DestroyBridge(flow.talk_bridge)]
            case LegEnded(leg_id=leg, cause=cause) if self.active and leg == self.active.target_leg:
                reason = outcome_of_cause(cause)
                failed = self._report("failed", reason)
                commands = self._apply(self.active.target_failed(reason))
                requeued = any(isinstance(c, CallQueued) for c in commands)
                return [failed, *commands, self._report("requeued" if requeued else "returned", reason)]
            case LegEnded(leg_id=leg) if self.active and leg == self.active.agent_leg:
                return [*self._release_agent("hung up"), *self._apply(self.active.agent_gone())]
        return []

    def _start(self, request: TransferRequested) -> list:
        flow = self._flow
        self._made += 1
        self.active = from_queue_call(flow, flow.clock, flow.moh_class)
        self.active.number = self._made
        self.active.segments = self.segments or self.active.segments
        self.segments = self.active.segments
        self.target_agent_id = request.target_agent_id
        self.handed_to = None  # a second transfer, by the target: their leg is now the transferring one
        self._request, self._from_agent = request, flow.agent_id or ""
        target_leg = flow.new_leg()
        queue, now = flow.queue, flow.clock()
        held = []
        if request.target_agent_id and request.target.kind != "queue":
            self._held.add(target_leg)
            held = [TransferTargetRinging(target_leg, request.target_agent_id, flow.channel_id, queue, now)]
        started = self._report("started")
        commands = self._apply(self.active.start(request.mode, request.target, target_leg, flow.caller_number,
                                                 flow.caller_name, request.ring_timeout))
        if request.target.kind == "queue":
            return [started, *commands, self._report("requeued")]
        return [*held, started, *commands]

    def _report(self, what: str, reason: str = "") -> TransferReport:
        request = self._request
        return TransferReport(self._flow.channel_id, what, request.mode, self._flow.queue, self._from_agent,
                              request.target.kind, request.target.value, request.target_agent_id,
                              self._flow.clock(), reason)

    def _apply(self, commands: list) -> list:
        """Map the machine's commands onto the queue call: releases, requeues, and its completion."""
        flow, active = self._flow, self.active
        out: list = []
        for command in commands:
            if isinstance(command, Hangup) and command.channel_id == flow.connected_leg and not self.handed_to:
                out += self._release_agent("transferred")
                out.append(command)
            elif isinstance(command, RequeueCaller):
                out += self._requeue(command)
            else:
                out.append(command)
        if active is not None and active.state is State.COMPLETED and not self.handed_to:
            self.handed_to = active.target_leg
            flow.handed_over(active.target_leg, self.target_agent_id)
        elif active is not None and active.state is State.RETURNED and active.agent_leg:
            self.active = None  # back with the agent: the call goes on as before
        return out

    def _release_agent(self, reason: str) -> list:
        offer = self._flow.release_agent()
        return [AgentReleased(offer, self._flow.clock(), reason)] if offer else []

    def _requeue(self, requeue: RequeueCaller) -> list:
        flow = self._flow
        active = self.active
        self.active = None
        flow.back_to_queue(requeue.queue)
        return [*([DestroyBridge(active.hold_bridge)] if active else []), DestroyBridge(flow.talk_bridge),
                CallQueued(flow.channel_id, requeue.queue, flow.clock(), flow.caller_number, flow.caller_name,
                           requeue.priority, flow.skills, requeue.arrived)]

    def _close_segments(self, outcome: str) -> None:
        now = self._flow.clock()
        self.segments[:] = [replace(s, ended=now, outcome=outcome) if s.ended is None else s for s in self.segments]

