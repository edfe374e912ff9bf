"""The one shared decision: which agent is offered which call.

Everything that changes who can take a call comes here as an event; what follows comes back as commands
(for the Asterisk executor) and records (for the state log and the event stream). One instance, driven
by one task, decides for all queues, which is what makes the guarantees cheap to keep:

- an agent holds at most one offer, across all queues, from the Offer until the executor reports the
  leg gone (AgentLegEnded), even when the ACD itself cancelled it;
- a call is connected to at most one agent: the first answer wins and the other offers are cancelled;
  if the winner's leg ends before the bridge, the call goes back to its own place (the head) and is
  offered again;
- every event is idempotent against the call's or offer's current phase, so a caller and an agent
  hanging up at the same moment, in either order, leave nothing behind. The phases and their allowed
  moves are in `telephony.acd.phases`; the timers, one type per kind, in `telephony.acd.timers`.

Offers go to the best waiting call first over all the queues that may have a match (higher priority,
then earlier arrival), each queue choosing among its own offerable agents with its strategy.
"""

from __future__ import annotations

import heapq
import itertools
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from telephony.acd.agent_state import AgentStateRefused, AgentStatus
from telephony.acd.commands import (
    Announce, CallAbandoned, CallCompleted, CallConnected, CallEnteredQueue, CallMoved, CallOverflowed, CancelOffer,
    ConnectCallToAgent, EndCall, HoldCaller, Offer, OfferMissed, Output, Overflow, TransferTalkEnded, WrapUpEnded,
    WrapUpStarted,
)
from telephony.acd.events import (
    AcdEvent, AgentLegEnded, AgentLoggedIn, AgentLoggedOut, AgentPaused, AgentProfileChanged, AgentReleased,
    AgentUnpaused, CallBridged, CallerHungUp, CallPriorityRaised, CallQueued, DeviceBusy, DeviceRegistration, InternalCallEnded,
    InternalCallStarted, OfferAnswered, Reconfigured, Tick, TransferTargetAnswered, TransferTargetFreed,
    TransferTargetRinging,
)
from telephony.model import AgentProfile, AgentState, Device, StateChanged
from telephony.acd.phases import (OFFER_PHASES, WAITING_CALL_PHASES, OfferEvent, OfferPhase, WaitingCallEvent,
                                  WaitingCallPhase)
from telephony.acd.queue import CallQueue, WaitingCall
from telephony.acd.strategies import Member, make_strategy, skill_score
from telephony.acd.timers import (AcdTimer, AnnouncementDue, BridgeOverdue, LegOverdue, MaxWaitReached,
                                  RingTimeout, WaitTimer, WrapUpOver)
from telephony.causes import LegOutcome
from telephony.config.models import CallCenterConfig
from telephony.errors import Refused



@dataclass(slots=True)
class AgentRecord:
    profile: AgentProfile
    status: AgentStatus
    device: Device
    members: dict[str, Member]  # the queues whose calls the agent may take (skills permitting)
    idle_since: float = 0.0
    leg: str | None = None  # the offer holding the agent until its leg is reported gone
    indexed: bool = False  # in the offerable pools of its queues
    counted: bool = False  # counted in its queues' `staffed` (AgentStatus.staffed when last counted)
    wrapping: tuple[str, str] | None = None  # (call, queue) of the call the agent's wrap-up follows


@dataclass(slots=True)
class OfferRecord:
    offer_id: str
    call_id: str
    agent_id: str
    queue: str
    phase: OfferPhase = OfferPhase.RINGING  # moved only through OFFER_PHASES


class Dispatcher:
    def __init__(self, config: CallCenterConfig, *, rng: random.Random | None = None,
                 new_id: Callable[[], str] | None = None, handle_time_window: int = 50,
                 leg_grace: float = 30.0):
        """`leg_grace`: seconds after which a cancelled leg whose end was never reported stops holding
        its agent, and an answered offer never bridged goes back to the queue (a lost event must not
        take an agent or a caller out of service for good)."""
        self._config = config
        self._rng = rng = rng or random.Random()
        self._handle_time_window = handle_time_window
        self._new_id = new_id or (lambda: uuid.uuid4().hex)
        self._queues = {name: CallQueue(name, qc, make_strategy(qc.strategy, rng), handle_time_window)
                        for name, qc in config.queues.items()}
        self._agents: dict[str, AgentRecord] = {}
        self._by_device: dict[str, set[str]] = {}
        self._registered: dict[str, bool] = {}
        self._busy: dict[str, bool] = {}
        self._internal: dict[str, set[str]] = {}  # agent id -> the internal calls they are on
        self._calls: dict[str, WaitingCall] = {}
        self._holds: dict[str, tuple[str, str, str]] = {}  # a transfer target's leg -> (agent, queue, call)
        self._held_answered: dict[str, datetime] = {}  # a transfer target's leg -> when it answered
        self._offers: dict[str, OfferRecord] = {}
        self._timers: list[tuple[float, int, AcdTimer]] = []
        self._seq = itertools.count()
        self._leg_grace = leg_grace
        self._now = datetime.min
        self._out: list[Output] = []
        self._dirty: set[str] = set()
        self._handlers = {
            CallQueued: self._call_queued, CallPriorityRaised: self._priority_raised,
            CallerHungUp: self._caller_hung_up,
            AgentLoggedIn: self._logged_in, AgentLoggedOut: self._logged_out,
            AgentPaused: self._paused, AgentUnpaused: self._unpaused,
            DeviceRegistration: self._registration, DeviceBusy: self._device_busy,
            OfferAnswered: self._answered, CallBridged: self._bridged, AgentLegEnded: self._leg_ended,
            Tick: self._tick, AgentProfileChanged: self._profile_changed, Reconfigured: self._reconfigured,
            AgentReleased: self._released, InternalCallStarted: self._internal_started,
            InternalCallEnded: self._internal_ended, TransferTargetRinging: self._target_ringing,
            TransferTargetAnswered: self._target_answered, TransferTargetFreed: self._target_freed,
        }

    # -- the interface ---------------------------------------------------------------------------

    def handle(self, event: AcdEvent) -> list[Output]:
        """Apply one event; return the commands and records that follow, in order.

        Raises AgentStateRefused (agent state, unknown agent or pause reason) or Refused (unknown queue)
        before changing anything visible to other events; ValueError for an event out of range (a bug).
        """
        if self._now == datetime.min or event.at > self._now:
            self._now = event.at
        self._out = []
        self._handlers[type(event)](event)
        self._dispatch()
        out, self._out = self._out, []
        return out

    def next_deadline(self) -> datetime | None:
        """When the next Tick is due (possibly for a timer that turns out stale), or None."""
        if not self._timers:
            return None
        return datetime.fromtimestamp(self._timers[0][0], self._now.tzinfo)

    def agent(self, agent_id: str) -> AgentStatus:
        return self._agents[agent_id].status

    def holds_offer(self, agent_id: str) -> str | None:
        return self._agents[agent_id].leg

    def call(self, call_id: str) -> WaitingCall | None:
        return self._calls.get(call_id)

    def queue(self, name: str) -> CallQueue:
        return self._queues[name]

    def queue_names(self) -> list[str]:
        return sorted(self._queues)

    def knows_agent(self, agent_id: str) -> bool:
        return agent_id in self._agents

    def logged_in(self, agent_id: str) -> bool:
        return agent_id in self._agents and self._agents[agent_id].status.state is not AgentState.LOGGED_OUT

    def logged_in_on(self, device: str) -> list[str]:
        """The agents logged in on `device` (an endpoint such as PJSIP/1001, or a mobile number)."""
        return sorted(a for a in self._by_device.get(device, ())
                      if self._agents[a].status.state is not AgentState.LOGGED_OUT)

    # -- calls -----------------------------------------------------------------------------------

    def _call_queued(self, event: CallQueued) -> None:
        queue = self._queue(event.queue)
        if event.call_id in self._calls:
            return
        priority = queue.config.priority if event.priority is None else event.priority
        if not 0 <= priority <= 10:
            raise ValueError(f"priority {priority} is not within 0-10")
        arrived = event.arrived_at or event.at
        call = WaitingCall(event.call_id, queue.name, priority, arrived, event.at, next(self._seq),
                           event.caller_number, event.caller_name, skills=tuple(event.skills))
        self._calls[call.call_id] = call
        self._join(call, queue)

    def _priority_raised(self, event: CallPriorityRaised) -> None:
        """Only a caller still waiting moves up; their place among callers of the new priority is by first
        arrival, as for any caller (WaitingCall.order_key)."""
        call = self._calls.get(event.call_id)
        if call is None or call.phase not in (WaitingCallPhase.WAITING, WaitingCallPhase.RINGING):
            return
        if not 0 <= event.priority <= 10:
            raise ValueError(f"priority {event.priority} is not within 0-10")
        if event.priority <= call.priority:
            return
        queue = self._queues[call.queue]
        queue.remove(call.call_id)
        call.priority = event.priority
        queue.add(call)
        if call.phase is WaitingCallPhase.RINGING:
            queue.offering(call.call_id)

    def _join(self, call: WaitingCall, queue: CallQueue, moved_from: str | None = None,
              why: str = "") -> None:
        if moved_from is not None:
            self._out.append(CallMoved(call.call_id, moved_from, queue.name, why, self._now))
        entered = CallEnteredQueue(call.call_id, queue.name, call.priority, call.arrived_at, self._now, moved_from)
        limit = queue.config.max_length
        if limit is not None and len(queue) >= limit and self._can_overflow(queue):
            call.queue = queue.name
            self._out.append(entered)
            self._overflow(call, "full", enqueued=False)
            return
        call.queue, call.joined_at = queue.name, self._now
        if moved_from is not None:
            self._move_call(call, WaitingCallEvent.MOVED)
        self._out += [HoldCaller(call.call_id, queue.name, queue.config.moh_class), entered]
        queue.add(call)
        if queue.config.max_wait is not None:
            self._at(queue.config.max_wait, MaxWaitReached(call.call_id, queue.name, call.joined_at))
        if queue.config.announce_every is not None:
            self._at(queue.config.announce_every, AnnouncementDue(call.call_id, queue.name, call.joined_at))
        self._dirty.add(queue.name)

    def _overflow(self, call: WaitingCall, reason: str, enqueued: bool = True) -> None:
        queue = self._queues[call.queue]
        if not self._can_overflow(queue):
            return
        target = queue.config.overflow
        self._withdraw_offers(call, "overflow")
        if enqueued:
            queue.remove(call.call_id)
        if target.kind == "queue":
            self._join(call, self._queues[target.target], moved_from=queue.name, why=reason)
            return
        del self._calls[call.call_id]
        self._out.append(CallOverflowed(call.call_id, queue.name, str(target), reason,
                                        self._seconds(call.arrived_at), self._now))
        self._out.append(Overflow(call.call_id, target, reason))

    def _can_overflow(self, queue: CallQueue) -> bool:
        """False only for a retired queue whose overflow queue left the configuration with it."""
        target = queue.config.overflow
        return target is not None and (target.kind != "queue" or target.target in self._queues)

    def _caller_hung_up(self, event: CallerHungUp) -> None:
        call = self._calls.pop(event.call_id, None)
        if call is None:
            return
        queue = self._queues[call.queue]
        if call.phase in (WaitingCallPhase.WAITING, WaitingCallPhase.RINGING):
            self._withdraw_offers(call, "caller_left")
            queue.remove(call.call_id)
            self._abandoned(call)
            return
        (offer_id,) = call.offers
        offer = self._offers[offer_id]
        agent = self._agents[offer.agent_id]
        self._end_leg(offer, "caller_hung_up")
        if call.phase is WaitingCallPhase.CONNECTING:
            self._apply(agent, agent.status.call_ended(self._now, wrap_up=False))
            self._abandoned(call)
        else:
            self._complete(call, agent)

    def _abandoned(self, call: WaitingCall) -> None:
        self._out.append(CallAbandoned(call.call_id, call.queue, self._seconds(call.arrived_at), self._now))

    def _complete(self, call: WaitingCall, agent: AgentRecord, handed_over: bool = False) -> None:
        """A connected call ended for its agent: the agent wraps up and the queue learns the handle time."""
        queue = self._queues[call.queue]
        talked = self._seconds(call.connected_at)
        wrap_up = queue.config.wrap_up_seconds
        queue.record_handle_time(talked + wrap_up)
        self._out.append(CallCompleted(call.call_id, call.queue, agent.profile.id, talked, self._now, handed_over))
        self._talk_ended(agent, wrap_up, (call.call_id, call.queue))

    def _talk_ended(self, agent: AgentRecord, wrap_up: float, call: tuple[str, str]) -> None:
        """The agent's talk about `call` (call, queue) is over: wrap-up for `wrap_up` seconds (if any), then
        free again."""
        agent.wrapping = call if wrap_up > 0 else None
        self._apply(agent, agent.status.call_ended(self._now, wrap_up=wrap_up > 0))
        if wrap_up > 0:
            self._at(wrap_up, WrapUpOver(agent.profile.id, self._now))

    # -- offers ----------------------------------------------------------------------------------

    def _dispatch(self) -> None:
        """Offer while some dirty queue has both a waiting call and an offerable agent, best call first."""
        dirty = self._dirty
        while dirty:
            best = None
            for name in list(dirty):
                queue = self._queues[name]
                servable = self._servable(queue) if queue.pool else None
                if servable is None:
                    dirty.discard(name)
                elif best is None or servable[0].order_key < best[1].order_key:
                    best = (queue, *servable)
            if best is None:
                return
            self._offer(*best)

    def _servable(self, queue: CallQueue) -> tuple[WaitingCall, list[str]] | None:
        """The best waiting call an offerable agent can take, with the agents to offer it to. A call that
        needs skills no offerable agent has waits without holding up the calls behind it."""
        for call in queue.ready_calls():
            barred = self._lacking(queue, call.skills) if call.skills else frozenset()
            agents = queue.pool.choose(queue.strategy, call.tried, barred)
            if agents:
                return call, agents
            if not call.skills:
                return None  # a call that needs nothing special found nobody: nobody is free
        return None

    def _lacking(self, queue: CallQueue, skills) -> frozenset[str]:
        return frozenset(agent_id for agent_id in queue.pool.agents()
                         if any(self._agents[agent_id].profile.skills.get(skill, 0) < level
                                for skill, level in skills))

    def _offer(self, queue: CallQueue, call: WaitingCall, agent_ids: list[str]) -> None:
        ring_timeout = queue.config.ring_timeout
        self._move_call(call, WaitingCallEvent.OFFERED)
        call.round += 1
        queue.offering(call.call_id)
        for agent_id in agent_ids:
            agent = self._agents[agent_id]
            offer = OfferRecord(self._new_id(), call.call_id, agent_id, queue.name)
            self._offers[offer.offer_id] = offer
            call.offers.add(offer.offer_id)
            agent.leg = offer.offer_id
            queue.strategy.picked(agent.members[queue.name])
            self._apply(agent, agent.status.ring(self._now))
            self._out.append(Offer(offer.offer_id, call.call_id, agent_id, agent.device, ring_timeout,
                                   call.caller_number, call.caller_name, queue.name))
        self._at(ring_timeout, RingTimeout(call.call_id, call.round))

    def _answered(self, event: OfferAnswered) -> None:
        offer = self._offers.get(event.offer_id)
        if offer is None or offer.phase is not OfferPhase.RINGING:
            return  # already cancelled: the CancelOffer on its way hangs the leg up
        call = self._calls[offer.call_id]
        agent = self._agents[offer.agent_id]
        call.offers.discard(offer.offer_id)
        self._withdraw_offers(call, "answered_elsewhere")
        call.offers.add(offer.offer_id)
        self._move_offer(offer, OfferEvent.ANSWERED)
        self._move_call(call, WaitingCallEvent.ANSWERED)
        call.agent_id = agent.profile.id
        self._queues[call.queue].remove(call.call_id)
        agent.members[call.queue].calls += 1
        self._apply(agent, agent.status.answer(self._now))
        self._out.append(ConnectCallToAgent(call.call_id, offer.offer_id, agent.profile.id))
        self._at(self._leg_grace, BridgeOverdue(offer.offer_id))

    def _bridged(self, event: CallBridged) -> None:
        offer = self._offers.get(event.offer_id)
        if offer is None or offer.phase is not OfferPhase.ANSWERED:
            return
        call = self._calls[offer.call_id]
        self._move_offer(offer, OfferEvent.BRIDGED)
        self._move_call(call, WaitingCallEvent.BRIDGED)
        call.connected_at = self._now
        waited = self._seconds(call.arrived_at)
        self._out.append(CallConnected(call.call_id, call.queue, offer.agent_id, waited, self._now))

    def _leg_ended(self, event: AgentLegEnded) -> None:
        offer = self._offers.pop(event.offer_id, None)
        if offer is None:
            return
        agent = self._agents[offer.agent_id]
        if agent.leg == offer.offer_id:
            agent.leg = None
        call = self._calls.get(offer.call_id)
        if offer.phase is OfferPhase.RINGING:
            call.offers.discard(offer.offer_id)
            call.tried.add(agent.profile.id)
            self._out.append(OfferMissed(offer.offer_id, call.call_id, call.queue, agent.profile.id, event.cause,
                                         self._now))
            self._missed(agent, call.queue)
            if not call.offers:
                self._requeue(call, WaitingCallEvent.OFFERS_GONE)
        elif offer.phase is OfferPhase.ANSWERED:
            self._winner_lost(offer, call, agent)
        elif offer.phase is OfferPhase.CONNECTED:
            del self._calls[call.call_id]
            self._out.append(EndCall(call.call_id))
            self._complete(call, agent)
        self._reindex(agent)

    def _released(self, event: AgentReleased) -> None:
        """A transfer took the caller from the agent: the agent's call is complete; the call is no longer
        the ACD's (a transfer back into a queue brings it again, as a new CallQueued)."""
        offer = self._offers.get(event.offer_id)
        if offer is None or offer.phase is not OfferPhase.CONNECTED:
            self._leg_ended(AgentLegEnded(event.offer_id, event.at, event.reason))
            return
        del self._offers[event.offer_id]
        agent = self._agents[offer.agent_id]
        if agent.leg == offer.offer_id:
            agent.leg = None
        call = self._calls.pop(offer.call_id, None)
        if call is not None:
            self._complete(call, agent, handed_over=True)
        self._reindex(agent)

    def _target_ringing(self, event: TransferTargetRinging) -> None:
        """A transfer rings the agent: they are held out of the queues' pools (unless a queue offer holds them
        already, which then decides); an available agent shows as ringing."""
        agent = self._agents.get(event.agent_id)
        if agent is None or agent.leg is not None or agent.status.state is AgentState.LOGGED_OUT:
            return
        self._holds[event.hold_id] = (event.agent_id, event.queue, event.call_id)
        agent.leg = event.hold_id
        if agent.status.state is AgentState.AVAILABLE:
            self._apply(agent, agent.status.ring(self._now))
        self._reindex(agent)

    def _target_answered(self, event: TransferTargetAnswered) -> None:
        held = self._holds.get(event.hold_id)
        if held is None:
            return
        agent = self._agents[held[0]]
        self._held_answered[event.hold_id] = self._now
        if agent.status.state is AgentState.RINGING:
            self._apply(agent, agent.status.answer(self._now))
        elif agent.status.state in (AgentState.PAUSED, AgentState.WRAP_UP):
            self._apply(agent, agent.status.transfer_answered(self._now))

    def _target_freed(self, event: TransferTargetFreed) -> None:
        held = self._holds.pop(event.hold_id, None)
        if held is None:
            return
        agent_id, queue_name, call_id = held
        agent = self._agents[agent_id]
        if agent.leg == event.hold_id:
            agent.leg = None
        answered = self._held_answered.pop(event.hold_id, None)
        if answered is not None:
            self._out.append(TransferTalkEnded(call_id, queue_name, agent_id, self._seconds(answered), self._now))
        if agent.status.state is AgentState.RINGING:
            self._apply(agent, agent.status.offer_withdrawn(self._now))
        elif agent.status.state is AgentState.ON_CALL:
            queue = self._queues.get(queue_name)
            self._talk_ended(agent, queue.config.wrap_up_seconds if queue is not None else 0,
                             (call_id, queue_name))
        self._reindex(agent)

    def _winner_lost(self, offer: OfferRecord, call: WaitingCall, agent: AgentRecord) -> None:
        """The agent answered but the call never reached the bridge: back to its place at the head."""
        self._apply(agent, agent.status.leg_lost(self._now))
        call.offers.discard(offer.offer_id)
        call.tried.add(agent.profile.id)
        call.agent_id = None
        self._queues[call.queue].add(call)
        self._requeue(call, WaitingCallEvent.WINNER_LOST)

    def _requeue(self, call: WaitingCall, event: WaitingCallEvent) -> None:
        """No offer of the call is alive any more: back to its place in the queue, to be offered again."""
        self._move_call(call, event)
        queue = self._queues[call.queue]
        queue.ready_again(call)
        self._dirty.add(queue.name)

    def _missed(self, agent: AgentRecord, queue_name: str) -> None:
        if agent.status.state is AgentState.RINGING:
            limit = self._queues[queue_name].config.missed_offers_before_pause
            self._apply(agent, agent.status.missed(self._now, limit))

    def _withdraw_offers(self, call: WaitingCall, reason: str) -> None:
        """Cancel every offer of the call still ringing; the agents were not at fault."""
        for offer_id in list(call.offers):
            offer = self._offers[offer_id]
            agent = self._agents[offer.agent_id]
            self._end_leg(offer, reason)
            if agent.status.state is AgentState.RINGING:
                self._apply(agent, agent.status.offer_withdrawn(self._now))
        call.offers.clear()

    def _end_leg(self, offer: OfferRecord, reason: str) -> None:
        """Hang the agent's leg up; the agent stays held until AgentLegEnded (or the grace runs out)."""
        self._move_offer(offer, OfferEvent.HANG_UP)
        self._out.append(CancelOffer(offer.offer_id, offer.call_id, offer.agent_id, reason))
        self._at(self._leg_grace, LegOverdue(offer.offer_id))

    def _move_call(self, call: WaitingCall, event: WaitingCallEvent) -> None:
        call.phase = WAITING_CALL_PHASES.move(call.phase, event, call.call_id)

    def _move_offer(self, offer: OfferRecord, event: OfferEvent) -> None:
        offer.phase = OFFER_PHASES.move(offer.phase, event, offer.call_id)

    # -- agents ----------------------------------------------------------------------------------

    def _logged_in(self, event: AgentLoggedIn) -> None:
        profile = event.profile
        if event.paused_reason is not None:
            self._check_reason(event.paused_reason)
        previous = self._agents.get(profile.id)
        if previous is not None and previous.status.state is not AgentState.LOGGED_OUT:
            previous.status.login(self._now)  # raises: already logged in
        status = previous.status if previous else AgentStatus(profile.id, self._now)
        if previous is not None:
            self._forget(previous)
        agent = AgentRecord(profile, status, event.device, {}, leg=previous.leg if previous else None)
        self._agents[profile.id] = agent
        self._set_memberships(agent, profile)
        self._by_device.setdefault(event.device.address, set()).add(profile.id)
        if event.device.kind == "softphone":
            status.registered = self._registered.get(event.device.address, True)
        status.busy_elsewhere = self._busy.get(event.device.address, False)
        cause = "restored" if event.restored else "login"
        status.on_internal_call = bool(self._internal.get(profile.id))
        self._apply(agent, status.login(self._now, event.paused_reason, cause))
        self._hold_for_internal(agent)

    def _profile_changed(self, event: AgentProfileChanged) -> None:
        agent = self._agents.get(event.profile.id)
        if agent is None:
            return
        self._set_memberships(agent, event.profile)

    def _set_memberships(self, agent: AgentRecord, profile: AgentProfile, new_queues: bool = False) -> None:
        """(Re)build the agent's queue memberships from their profile and the queues' required skills,
        keeping the order of joining and the calls counted where a membership stays.

        `new_queues`: the queues were just rebuilt by a reload and know nothing of the agent yet.
        """
        if not new_queues:
            for name, member in agent.members.items():
                queue = self._queues[name]
                if agent.indexed:
                    queue.pool.discard(agent.profile.id, member.penalty)
                queue.members.pop(agent.profile.id, None)
                queue.staffed -= agent.counted
        staffed = agent.counted = agent.status.staffed
        agent.indexed = False
        old, agent.members, agent.profile = agent.members, {}, profile
        for name, penalty in profile.queues.items():
            queue = self._queues.get(name)
            score = None if queue is None else skill_score(profile.skills, queue.config.required_skills)
            if score is None:
                continue
            kept = old.get(name)
            member = Member(profile.id, penalty, kept.ordinal if kept else next(self._seq), score,
                            kept.calls if kept else 0)
            agent.members[name] = queue.members[profile.id] = member
            queue.staffed += staffed
        self._reindex(agent)

    def _reconfigured(self, event: Reconfigured) -> None:
        """A new call-center file. Calls keep their places, agents their states; a queue that is gone goes
        on serving the calls it holds (taking no new ones) until a later reload finds it empty."""
        config = event.config
        old_queues = self._queues
        queues: dict[str, CallQueue] = {}
        for name, qc in config.queues.items():
            old = old_queues.get(name)
            same_strategy = old is not None and old.config.strategy == qc.strategy
            strategy = old.strategy if same_strategy else make_strategy(qc.strategy, self._rng)
            queues[name] = queue = CallQueue(name, qc, strategy, self._handle_time_window)
            if old is not None:
                queue.take_over(old)
                self._schedule_new_timers(queue, old.config)
        for name, old in old_queues.items():
            if name not in queues and len(old) > 0:
                queues[name] = retired = CallQueue(name, old.config, old.strategy, self._handle_time_window)
                retired.take_over(old)
                retired.retired = True
        self._config, self._queues = config, queues
        for agent in self._agents.values():
            self._set_memberships(agent, agent.profile, new_queues=True)
        self._dirty.update(queues)

    def _schedule_new_timers(self, queue: CallQueue, before) -> None:
        """Timers a reload gave the queue that its waiting calls do not have yet."""
        config = queue.config
        for call in queue.calls():
            if config.max_wait is not None and before.max_wait is None:
                left = config.max_wait - self._seconds(call.joined_at)
                self._at(max(0.0, left), MaxWaitReached(call.call_id, queue.name, call.joined_at))
            if config.announce_every is not None and before.announce_every is None:
                self._at(config.announce_every, AnnouncementDue(call.call_id, queue.name, call.joined_at))

    def _forget(self, agent: AgentRecord) -> None:
        for name in agent.members:
            self._queues[name].members.pop(agent.profile.id, None)
        self._by_device.get(agent.device.address, set()).discard(agent.profile.id)

    def _logged_out(self, event: AgentLoggedOut) -> None:
        agent = self._agent(event.agent_id)
        self._leave_offer(agent)
        self._apply(agent, agent.status.logout(self._now))

    def _paused(self, event: AgentPaused) -> None:
        self._check_reason(event.reason)
        agent = self._agent(event.agent_id)
        if agent.status.state is AgentState.ON_CALL:
            agent.status.pause_after_call(event.reason)
            return
        self._leave_offer(agent)
        self._apply(agent, agent.status.pause(event.reason, self._now))

    def _unpaused(self, event: AgentUnpaused) -> None:
        agent = self._agent(event.agent_id)
        if agent.status.state is not AgentState.PAUSED and agent.status.cancel_pending_pause():
            return
        self._apply(agent, agent.status.unpause(self._now))
        self._hold_for_internal(agent)

    def _leave_offer(self, agent: AgentRecord) -> None:
        """The agent stops taking calls while one rings for them: the call goes on to someone else."""
        if agent.status.state is not AgentState.RINGING or agent.leg not in self._offers:
            return  # nothing rings, or a transfer rings them: its leg's end frees them
        offer = self._offers[agent.leg]
        call = self._calls[offer.call_id]
        call.offers.discard(offer.offer_id)
        call.tried.add(agent.profile.id)
        self._end_leg(offer, "agent_left")
        if not call.offers:
            self._requeue(call, WaitingCallEvent.OFFERS_GONE)

    def _registration(self, event: DeviceRegistration) -> None:
        self._registered[event.device] = event.registered
        for agent in self._agents_on(event.device):
            if agent.device.kind == "softphone":
                agent.status.registered = event.registered
                self._recount(agent)
                self._reindex(agent)

    def _device_busy(self, event: DeviceBusy) -> None:
        self._busy[event.device] = event.busy
        for agent in self._agents_on(event.device):
            agent.status.busy_elsewhere = event.busy
            self._reindex(agent)

    def _internal_started(self, event: InternalCallStarted) -> None:
        """Known to the ACD or not (an agent logged out may call a colleague), the agent is marked at once:
        Asterisk's device state may say busy later, or never (a mobile)."""
        self._internal.setdefault(event.agent_id, set()).add(event.call_id)
        agent = self._agents.get(event.agent_id)
        if agent is None:
            return
        agent.status.on_internal_call = True
        self._hold_for_internal(agent)
        self._reindex(agent)

    def _internal_ended(self, event: InternalCallEnded) -> None:
        calls = self._internal.get(event.agent_id)
        if calls is None or event.call_id not in calls:
            return
        calls.discard(event.call_id)
        if calls:
            return
        del self._internal[event.agent_id]
        agent = self._agents.get(event.agent_id)
        if agent is None:
            return
        status = agent.status
        status.on_internal_call = False
        if status.state is AgentState.ON_CALL and status.internal_hold:
            self._apply(agent, status.internal_call_ended(self._now))
        self._reindex(agent)

    def _hold_for_internal(self, agent: AgentRecord) -> None:
        """An available agent who is on an internal call shows (and counts) as on a call."""
        status = agent.status
        if status.on_internal_call and status.state is AgentState.AVAILABLE:
            self._apply(agent, status.internal_call_started(self._now))

    def _agents_on(self, device: str) -> list[AgentRecord]:
        return [self._agents[a] for a in self._by_device.get(device, ())]

    def _apply(self, agent: AgentRecord, change: StateChanged) -> None:
        """Record a state change and keep the per-queue counts and indexes in step with it; a wrap-up
        begun or ended is recorded with the call it follows."""
        self._out.append(change)
        wrapping = agent.wrapping
        if wrapping is not None and (change.state is AgentState.WRAP_UP) != (change.previous is AgentState.WRAP_UP):
            if change.state is AgentState.WRAP_UP:
                self._out.append(WrapUpStarted(*wrapping, agent.profile.id, change.at))
            else:
                self._out.append(WrapUpEnded(*wrapping, agent.profile.id, change.at))
                agent.wrapping = None
        self._recount(agent)
        if change.state is AgentState.AVAILABLE:
            agent.idle_since = change.at.timestamp()
        self._reindex(agent)

    def _recount(self, agent: AgentRecord) -> None:
        """Keep the agent's queues' `staffed` in step with whether the agent counts as staffed now."""
        staffed = agent.status.staffed
        if staffed == agent.counted:
            return
        for name in agent.members:
            self._queues[name].staffed += 1 if staffed else -1
        agent.counted = staffed

    def _reindex(self, agent: AgentRecord) -> None:
        offerable = agent.status.offerable and agent.leg is None
        if offerable == agent.indexed:
            return
        agent.indexed = offerable
        for name, member in agent.members.items():
            queue = self._queues[name]
            if offerable:
                queue.pool.add(agent.profile.id, member.penalty, queue.strategy.key(member, agent.idle_since))
                self._dirty.add(name)
            else:
                queue.pool.discard(agent.profile.id, member.penalty)

    # -- time ------------------------------------------------------------------------------------

    def _at(self, seconds: float, timer: AcdTimer) -> None:
        heapq.heappush(self._timers, (self._now.timestamp() + seconds, next(self._seq), timer))

    def _tick(self, event: Tick) -> None:
        """Fire the timers that are due. A timer is checked against the present state, never cancelled:
        one whose call, offer or agent has moved on does nothing."""
        now = self._now.timestamp()
        while self._timers and self._timers[0][0] <= now:
            _, _, timer = heapq.heappop(self._timers)
            match timer:
                case RingTimeout():
                    self._ring_timed_out(timer)
                case MaxWaitReached():
                    self._max_wait_reached(timer)
                case AnnouncementDue():
                    self._announce(timer)
                case WrapUpOver():
                    self._wrap_up_over(timer)
                case BridgeOverdue():
                    self._bridge_overdue(timer)
                case LegOverdue():
                    self._leg_overdue(timer)

    def _ring_timed_out(self, timer: RingTimeout) -> None:
        call = self._calls.get(timer.call_id)
        if call is None or call.phase is not WaitingCallPhase.RINGING or call.round != timer.round:
            return
        for offer_id in list(call.offers):
            offer = self._offers[offer_id]
            self._end_leg(offer, "no_answer")
            self._out.append(OfferMissed(offer_id, call.call_id, call.queue, offer.agent_id, LegOutcome.NO_ANSWER,
                                         self._now))
            call.tried.add(offer.agent_id)
            self._missed(self._agents[offer.agent_id], call.queue)
        call.offers.clear()
        self._requeue(call, WaitingCallEvent.RING_TIMEOUT)

    def _max_wait_reached(self, timer: MaxWaitReached) -> None:
        call = self._calls.get(timer.call_id)
        if not self._still_waiting(call, timer):
            return
        max_wait = self._queues[call.queue].config.max_wait  # a reload may have changed it
        if max_wait is None:
            return
        left = max_wait - self._seconds(call.joined_at)
        if left > 0:
            self._at(left, timer)
        else:
            self._overflow(call, "max_wait")

    def _announce(self, timer: AnnouncementDue) -> None:
        call = self._calls.get(timer.call_id)
        if not self._still_waiting(call, timer):
            return
        queue = self._queues[call.queue]
        if queue.config.announce_every is None:
            return
        position = queue.position(call.call_id)
        self._out.append(Announce(call.call_id, position, queue.estimated_wait(position)))
        self._at(queue.config.announce_every, timer)

    def _still_waiting(self, call: WaitingCall | None, timer: WaitTimer) -> bool:
        """The call is still waiting in the queue, and has not left it since the timer was set."""
        return (call is not None and call.phase in (WaitingCallPhase.WAITING, WaitingCallPhase.RINGING)
                and (call.queue, call.joined_at) == (timer.queue, timer.joined_at))

    def _wrap_up_over(self, timer: WrapUpOver) -> None:
        agent = self._agents.get(timer.agent_id)
        status = agent.status if agent is not None else None
        if status is not None and status.state is AgentState.WRAP_UP and status.since == timer.since:
            self._apply(agent, status.wrap_up_done(self._now))
            self._hold_for_internal(agent)

    def _bridge_overdue(self, timer: BridgeOverdue) -> None:
        """Answered long ago and still not bridged: the connect failed unreported; try the next agent."""
        offer = self._offers.get(timer.offer_id)
        if offer is not None and offer.phase is OfferPhase.ANSWERED:
            agent = self._agents[offer.agent_id]
            self._end_leg(offer, "bridge_timeout")
            self._winner_lost(offer, self._calls[offer.call_id], agent)

    def _leg_overdue(self, timer: LegOverdue) -> None:
        offer = self._offers.get(timer.offer_id)
        if offer is not None and offer.phase is OfferPhase.ENDING:
            self._leg_ended(AgentLegEnded(offer.offer_id, self._now, "lost"))

    # -- helpers ---------------------------------------------------------------------------------

    def _queue(self, name: str) -> CallQueue:
        queue = self._queues.get(name)
        if queue is None or queue.retired:
            raise Refused(f"unknown queue {name!r}", "unknown_queue")
        return queue

    def _agent(self, agent_id: str) -> AgentRecord:
        try:
            return self._agents[agent_id]
        except KeyError:
            raise AgentStateRefused(f"unknown agent {agent_id!r}") from None

    def _check_reason(self, reason: str) -> None:
        if not self._config.valid_pause_reason(reason):
            allowed = list(self._config.pause_reasons)
            refusal = AgentStateRefused(f"unknown pause reason {reason!r}; the reasons are "
                                        f"{', '.join(allowed) or '(none configured)'}")
            refusal.details = {"allowed": allowed}
            raise refusal

    def _seconds(self, since: datetime) -> float:
        return (self._now - since) / timedelta(seconds=1)
