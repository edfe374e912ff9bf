"""A call in the ACD, from its own task: carries out on the caller's channel what the dispatcher decides
(hold with music, ring an agent, bridge, cancel, announce, overflow) and reports back what Asterisk did
(answered, bridged, leg gone, caller gone). Pure: events, requests and dispatcher commands in, commands out.

The dispatcher decides which agent gets the call and when; this flow never bridges on its own, so a caller
is connected to at most one agent even when several offers ring at once. Once connected, the call's other
party is one `Party` (the answering agent's leg, or after a transfer the target's); its transfers are run by
CallTransfers, which says what became of the party and never touches this flow.

Phases (QUEUE_CALL_PHASES): waiting (in the ACD: held, offers may ring) -> connected (an agent took it;
a transfer may move it between parties, or back to waiting) -> ended; or waiting -> overflowing (its
message plays, or the caller leaves for voicemail) -> ended.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from telephony.acd.commands import Announce, CancelOffer, ConnectCallToAgent, EndCall, HoldCaller, Offer, Overflow
from telephony.acd.events import (AgentLegEnded, AgentReleased, CallBridged, CallerHungUp, CallPriorityRaised,
                                  CallQueued, OfferAnswered)
from telephony.model import dial_string
from telephony.call_flow import AgentCallPhase, CallStory, CallView, agents_view
from telephony.calls.transfer import RequeueCaller, Segments
from telephony.calls.transfer_control import CallTransfers, PartyJoined, PartyLeft, TransferredCall
from telephony.causes import outcome_of_cause
from telephony.channel_ids import hold_bridge, leg_id, overflow_playback, talk_bridge
from telephony.commands import (AddToBridge, CreateBridge, DestroyBridge, Hangup, Originate, Play,
                                StartBridgeMusic)
from telephony.events import (CallerIdentified, ChannelHungUp, LeftBridge, LegAnswered, LegEnded, PlaybackFinished,
                              RecordingSnoopEntered)
from telephony.phases import PhaseTable
from telephony.recordings.control import CallRecording, RecordingRefused
from telephony.recordings.policy import Policy
from telephony.requests import (CallRequest, HangupRequested, HelpRequested, NotConnected, RecordingRequested,
                                TransferRequested, TransferStep)

# The dispatcher keeps the ring timeout; Asterisk's own is a little longer, as a backstop.
ORIGINATE_GRACE_SECONDS = 5
NO_AGENT_PROMPT = "sound:queue-thankyou"

class QueueCallPhase(str, enum.Enum):
    WAITING = "waiting"
    CONNECTED = "connected"
    OVERFLOWING = "overflowing"
    ENDED = "ended"


class QueueCallEvent(str, enum.Enum):
    CONNECT = "connect"  # the dispatcher bridged the caller with the agent who answered
    REQUEUE = "requeue"  # a transfer put the caller back in a queue
    OVERFLOW = "overflow"  # the queue gave up on the caller: a message, or voicemail
    END = "end"  # the call is over: hung up, done, or handed to voicemail


_P, _E = QueueCallPhase, QueueCallEvent
QUEUE_CALL_PHASES = PhaseTable("queue_call", {
    (_P.WAITING, _E.CONNECT): _P.CONNECTED,
    (_P.WAITING, _E.OVERFLOW): _P.OVERFLOWING,
    (_P.WAITING, _E.END): _P.ENDED,
    (_P.CONNECTED, _E.REQUEUE): _P.WAITING,
    (_P.CONNECTED, _E.END): _P.ENDED,
    (_P.OVERFLOWING, _E.END): _P.ENDED,
})



def announcement(position: int, estimated_wait: int | None) -> tuple[str, ...]:
    prompts = ["sound:queue-youarenext"] if position <= 1 else [
        "sound:queue-thereare", f"number:{position - 1}", "sound:queue-callswaiting"]
    if estimated_wait:
        prompts += ["sound:queue-holdtime", f"number:{max(1, round(estimated_wait / 60))}", "sound:queue-minutes"]
    return tuple(prompts)


@dataclass(frozen=True, slots=True)
class Ringing:
    """An offer out for the call: the agent's leg rings, or (the answered one) talks."""

    offer_id: str
    leg: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class Party:
    """Who talks with the caller: an offer's agent, or the leg a transfer handed the call to (then
    `offer_id` is None, and `agent_id` too unless the target is an agent)."""

    leg: str
    agent_id: str | None
    offer_id: str | None = None


class QueueFlow:
    def __init__(self, channel_id: str, queue: str, caller_number: str, caller_name: str,
                 clock: Callable[[], datetime], new_id: Callable[[], str], priority: int | None = None,
                 skills: tuple[tuple[str, int], ...] = (),
                 recording_policy: Callable[[str, str | None], Policy] = lambda queue, agent_id: "on_demand",
                 record_from: Callable[[str], str] = lambda queue: "answer", recording_format: str = "wav",
                 vip_priority: int | None = None, vip: bool = False):
        """`recording_policy(queue, agent_id)`: the policy in force for the call once that agent answers;
        `record_from(queue)`: "answer" (the talk bridge) or "queue" (the caller from their entry);
        `vip_priority`: the queue's priority for a VIP's calls, applied now if `vip`, or when the caller is
        identified as one later (CallerIdentified)."""
        self.channel_id = channel_id
        self.queue = queue
        self.caller_number = caller_number
        self.caller_name = caller_name
        self.clock = clock
        self.new_id = new_id
        self.priority = priority
        self.vip_priority = vip_priority
        if vip:
            self.priority = self._vip_raised()
        self.skills = skills
        self.recording_policy = recording_policy
        self.record_from = record_from
        self.recording_format = recording_format
        self.phase = QueueCallPhase.WAITING
        self.outcome: str | None = None
        self.waited_seconds: float | None = None
        self.moh_class = "default"
        self.recording: CallRecording | None = None  # once an agent is connected (or from the queue)
        self.voicemail_box: str | None = None  # set once the caller is free for the IVR to take a message
        self.segments = Segments()
        self.transfers = CallTransfers(channel_id, clock, self.segments, self._new_leg)
        self._offers: dict[str, Ringing] = {}  # by offer id
        self._offer_of_leg: dict[str, str] = {}
        self._party: Party | None = None
        self._legs_made = 0
        self._joined_at: datetime | None = None
        self._holding = False  # the caller is in the holding bridge
        self._leaving_for_voicemail: str | None = None  # the box, while the caller leaves the holding bridge
        self._closing_playback: str | None = None
        self._caller_gone = False

    @property
    def hold_bridge(self) -> str:
        return hold_bridge(self.channel_id)

    @property
    def talk_bridge(self) -> str:
        return talk_bridge(self.channel_id)

    @property
    def finished(self) -> bool:
        return self.phase is QueueCallPhase.ENDED

    @property
    def ended(self) -> bool:
        return self._caller_gone

    @property
    def agent_id(self) -> str | None:
        """The agent talking with the caller, if any."""
        return self._party.agent_id if self._party else None

    @property
    def connected_leg(self) -> str | None:
        """The channel of the agent (or transfer target) talking with the caller."""
        return self._party.leg if self._party else None

    def start(self) -> list:
        self._joined_at = self.clock()
        return [CallQueued(self.channel_id, self.queue, self._joined_at, self.caller_number, self.caller_name,
                           self.priority, self.skills)]

    def view(self) -> CallView:
        phases = {ring.agent_id: AgentCallPhase.RINGING for ring in self._offers.values()}
        if self.finished:
            return CallView(self.queue)
        talking = self.agent_id if self.phase is QueueCallPhase.CONNECTED else None
        if talking is not None:
            phases[talking] = AgentCallPhase.CONNECTED
        target = self.transfers.target_agent_id
        if target is not None and target not in phases and self.transfers.consulting(target):
            phases[target] = AgentCallPhase.CONSULTING
        return CallView(self.queue, agents_view(phases), talking)

    def story(self) -> CallStory:
        return CallStory(self.outcome, segments=self.segments.as_ended(self.clock()))

    def handle(self, event) -> list:
        if self.finished:
            return []
        party = self._party
        match event:
            case LegEnded(leg_id=leg) if party is not None and leg == party.leg and party.offer_id is None:
                return self._party_ended(leg)
        if self.transfers.takes(event):
            return self._apply_transfer(self.transfers.handle(self._transferred(), event))
        match event:
            case HoldCaller(queue=queue, moh_class=moh_class) if self._holding:
                self.queue = queue  # moved on by an overflow: same bridge, the new queue's music
                return [StartBridgeMusic(self.hold_bridge, moh_class)]
            case HoldCaller(moh_class=moh_class):
                self._holding, self.moh_class = True, moh_class
                return [CreateBridge(self.hold_bridge, "holding"), AddToBridge(self.hold_bridge, self.channel_id),
                        StartBridgeMusic(self.hold_bridge, moh_class), *self._record_from_queue()]
            case CallerIdentified(vip=True):
                return self._vip_identified()
            case RecordingSnoopEntered(snoop_id=snoop):
                return self.recording.snoop_entered(snoop) if self.recording else [Hangup(snoop)]
            case Offer():
                return self._ring(event)
            case LegAnswered(leg_id=leg) if leg in self._offer_of_leg:
                return [OfferAnswered(self._offer_of_leg[leg], self.clock())]
            case ConnectCallToAgent(offer_id=offer, agent_id=agent) if (
                    offer in self._offers and self.phase is QueueCallPhase.WAITING):
                return self._connect(offer, agent)
            case CancelOffer(offer_id=offer) if offer in self._offers:
                return [Hangup(self._offers[offer].leg)]
            case LegEnded(leg_id=leg, cause=cause) if leg in self._offer_of_leg:
                offer = self._offer_of_leg.pop(leg)
                del self._offers[offer]
                return [AgentLegEnded(offer, self.clock(), outcome_of_cause(cause))]
            case EndCall():
                self.outcome = "answered" if self.phase is QueueCallPhase.CONNECTED else "failed"
                self._move(QueueCallEvent.END)
                return [Hangup(self.channel_id), DestroyBridge(self.talk_bridge)]
            case Announce(position=position, estimated_wait=wait):
                return [Play(self.channel_id, self.new_id(), announcement(position, wait))]
            case Overflow(destination=destination) if self.phase is QueueCallPhase.WAITING:
                return self._overflow(destination)
            case LeftBridge(bridge_id=bridge) if bridge == self.hold_bridge and self._leaving_for_voicemail:
                self._to_voicemail(self._leaving_for_voicemail)
                return []
            case PlaybackFinished(playback_id=playback) if playback == self._closing_playback:
                self.outcome = "overflow"
                self._move(QueueCallEvent.END)
                return [Hangup(self.channel_id), DestroyBridge(self.hold_bridge)]
            case ChannelHungUp():
                return self._caller_hung_up()
        return []

    def request(self, request: CallRequest) -> list:
        """An agent's request on the call: hang-up, transfer and its steps, recording, help. Raises a Refused
        (TransferRefused, RecordingRefused, NotConnected) saying why it cannot be done now."""
        if self.finished:
            raise NotConnected("the call has ended")
        match request:
            case HangupRequested(agent_id=agent):
                return self._hang_up(agent)
            case TransferRequested() | TransferStep():
                if self.phase is not QueueCallPhase.CONNECTED:
                    raise NotConnected("the call is not connected to an agent")
                return self._apply_transfer(self.transfers.request(self._transferred(), request))
            case HelpRequested(agent_id=agent):
                if self.phase is not QueueCallPhase.CONNECTED or agent != self.agent_id:
                    raise NotConnected("you are not connected with this call")
                return []  # the supervisor desk keeps the request; the call only vouches for the agent
            case RecordingRequested(agent_id=agent, action=action):
                if self.recording is None or self.phase is not QueueCallPhase.CONNECTED:
                    raise RecordingRefused("the call is not connected to an agent")
                if agent != self.agent_id:
                    raise RecordingRefused("you are not the agent connected with this call")
                return self.recording.request(action)
        raise NotConnected("a queue call takes no such request")

    def _hang_up(self, agent_id: str) -> list:
        commands = self.transfers.hang_up(agent_id)
        if commands:
            return commands
        if self.phase is QueueCallPhase.CONNECTED and agent_id == self.agent_id:
            return [Hangup(self.channel_id)]
        raise NotConnected("you are not connected with this call")

    def _vip_raised(self) -> int | None:
        if self.vip_priority is None:
            return self.priority
        return max(self.priority or 0, self.vip_priority)

    def _vip_identified(self) -> list:
        """A VIP identified after they queued moves ahead now, if still waiting; later (a requeue) in any case."""
        raised = self._vip_raised()
        if raised == self.priority:
            return []
        self.priority = raised
        if self.phase is not QueueCallPhase.WAITING:
            return []
        return [CallPriorityRaised(self.channel_id, raised, self.clock())]

    def _move(self, event: QueueCallEvent) -> None:
        self.phase = QUEUE_CALL_PHASES.move(self.phase, event, self.channel_id)

    def _new_leg(self) -> str:
        self._legs_made += 1
        return leg_id(self.channel_id, self._legs_made)

    def _ring(self, offer: Offer) -> list:
        leg = self._new_leg()
        self._offers[offer.offer_id] = Ringing(offer.offer_id, leg, offer.agent_id)
        self._offer_of_leg[leg] = offer.offer_id
        return [Originate(leg, self.channel_id, dial_string(offer.device), offer.caller_number, offer.caller_name,
                          int(offer.timeout) + ORIGINATE_GRACE_SECONDS)]

    def _connect(self, offer: str, agent: str) -> list:
        self._move(QueueCallEvent.CONNECT)
        ringing = self._offers[offer]
        self._party = Party(ringing.leg, agent, offer)
        self.waited_seconds = (self.clock() - self._joined_at).total_seconds()
        policy = self.recording_policy(self.queue, agent)
        if self.recording is None:
            self.recording = CallRecording(self.channel_id, self.talk_bridge, policy, agent, self.queue,
                                           self.recording_format)
        self._holding = False
        return [CreateBridge(self.talk_bridge, "mixing"), AddToBridge(self.talk_bridge, self.channel_id),
                AddToBridge(self.talk_bridge, ringing.leg), DestroyBridge(self.hold_bridge),
                CallBridged(offer, self.clock()), *self.recording.connected(agent, policy)]

    def _transferred(self) -> TransferredCall:
        party = self._party
        return TransferredCall(self.channel_id, self.talk_bridge, party.leg if party else None,
                               party.agent_id if party else None, self.queue, self.priority, self._joined_at,
                               self.caller_number, self.caller_name, self.moh_class)

    def _apply_transfer(self, items: list) -> list:
        """The transfer's commands, with its markers turned into what they mean for this call."""
        out: list = []
        for item in items:
            match item:
                case PartyLeft(reason=reason):
                    out += self._release_party(reason)
                case PartyJoined(leg=leg, agent_id=agent):
                    self._party = Party(leg, agent)
                case RequeueCaller():
                    out += self._requeue(item)
                case _:
                    out.append(item)
        return out

    def _release_party(self, reason: str) -> list:
        """The party's leg leaves the call, which goes on; the ACD hears the agent's part is over."""
        party, self._party = self._party, None
        if party is None or party.offer_id is None:
            return []
        self._offers.pop(party.offer_id, None)
        self._offer_of_leg.pop(party.leg, None)
        return [AgentReleased(party.offer_id, self.clock(), reason)]

    def _requeue(self, requeue: RequeueCaller) -> list:
        """A transfer puts the caller back in a queue: waiting again, to be offered afresh."""
        self._move(QueueCallEvent.REQUEUE)
        self.queue, self._party = requeue.queue, None
        self._holding, self.recording = False, None
        return [DestroyBridge(self.talk_bridge),
                CallQueued(self.channel_id, requeue.queue, self.clock(), self.caller_number, self.caller_name,
                           requeue.priority, self.skills, requeue.arrived)]

    def _party_ended(self, leg: str) -> list:
        """The party a transfer handed the caller to hung up: the call is over."""
        freed = self.transfers.party_ended(leg)
        self.outcome = "answered"
        self._move(QueueCallEvent.END)
        return [Hangup(self.channel_id), DestroyBridge(self.talk_bridge), *freed]

    def _record_from_queue(self) -> list:
        """A queue recording from the caller's entry (`record_from: queue`, policy always) starts now."""
        if self.record_from(self.queue) != "queue" or self.recording_policy(self.queue, None) != "always":
            return []
        self.recording = CallRecording(self.channel_id, self.talk_bridge, "always", None, self.queue,
                                       self.recording_format, source="caller")
        return self.recording.connected()

    def _overflow(self, destination) -> list:
        """Play the overflow message, then hang up; or hand the caller to the IVR's voicemail.

        Asterisk drops a playback requested while its channel is leaving a bridge, without a
        PlaybackFinished, and refuses to record a channel in one: the message plays while the caller is
        still in the holding bridge (which goes last), and voicemail waits until the caller has left it."""
        self._move(QueueCallEvent.OVERFLOW)
        if destination.kind == "voicemail":
            if not self._holding:
                self._to_voicemail(destination.target)
                return []
            self._leaving_for_voicemail = destination.target
            return [DestroyBridge(self.hold_bridge)]
        self._closing_playback = overflow_playback(self.channel_id)
        prompt = f"sound:{destination.target}" if destination.kind == "message" else NO_AGENT_PROMPT
        return [Play(self.channel_id, self._closing_playback, (prompt,))]

    def _to_voicemail(self, box: str) -> None:
        self._leaving_for_voicemail = None
        self.outcome = "overflow"
        self.voicemail_box = box
        self._move(QueueCallEvent.END)

    def _caller_hung_up(self) -> list:
        """The caller's task ends here: hang up its legs and report them gone, so no agent stays held."""
        now = self.clock()
        self._caller_gone = True
        party = self._party
        handed = party is not None and party.offer_id is None
        hang_up_party = [Hangup(party.leg)] if handed else []
        transfer_cleanup = self.transfers.caller_gone()
        if self.phase is QueueCallPhase.CONNECTED:
            self.outcome = "answered"
        elif self._closing_playback:
            self.outcome = "overflow"
        else:
            self.outcome = "abandoned"
            self.waited_seconds = (now - self._joined_at).total_seconds()
        self._move(QueueCallEvent.END)
        legs = [(ring.leg, ring.offer_id) for ring in self._offers.values()]
        self._offers.clear()
        self._offer_of_leg.clear()
        return [*[Hangup(leg) for leg, _ in legs], *hang_up_party, *transfer_cleanup,
                DestroyBridge(self.hold_bridge), DestroyBridge(self.talk_bridge), CallerHungUp(self.channel_id, now),
                *[AgentLegEnded(offer, now, "caller hung up") for _, offer in legs]]
