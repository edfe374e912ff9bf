"""A call in the ACD, from its own task: carries out on the caller's channel what the dispatcher decides
(hold with music, ring an agent, bridge, cancel, announce, overflow) and reports back what Asterisk did
(answered, bridged, leg gone, caller gone). Pure: events and dispatcher commands in, commands out.

The dispatcher decides which agent gets the call and when; this flow never bridges on its own, so a caller
is connected to at most one agent even when several offers ring at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from telephony.acd.commands import Announce, CancelOffer, ConnectCallToAgent, EndCall, HoldCaller, Offer, Overflow
from telephony.acd.events import AgentLegEnded, CallBridged, CallerHungUp, CallQueued, OfferAnswered
from telephony.acd.model import dial_string
from telephony.calls.transfer_control import CallTransfers
from telephony.causes import outcome_of_cause
from telephony.channel_ids import hold_bridge, leg_id, overflow_playback, talk_bridge
from telephony.commands import (AddToBridge, CreateBridge, DestroyBridge, Hangup, Originate, Play,
                                StartBridgeMusic)
from telephony.events import (ChannelHungUp, HangupRequested, LeftBridge, LegAnswered, LegEnded, PlaybackFinished,
                              RecordingRequested, RecordingSnoopEntered)
from telephony.logs import get_logger
from telephony.recordings.control import CallRecording, RecordingRefused
from telephony.recordings.policy import Policy

log = get_logger(__name__)

# The dispatcher keeps the ring timeout; Asterisk's own is a little longer, as a backstop.
ORIGINATE_GRACE_SECONDS = 5
NO_AGENT_PROMPT = "sound:queue-thankyou"


def announcement(position: int, estimated_wait: int | None) -> tuple[str, ...]:
    prompts = ["sound:queue-youarenext"] if position <= 1 else [
        "sound:queue-thereare", f"number:{position - 1}", "sound:queue-callswaiting"]
    if estimated_wait:
        prompts += ["sound:queue-holdtime", f"number:{max(1, round(estimated_wait / 60))}", "sound:queue-minutes"]
    return tuple(prompts)


@dataclass
class QueueFlow:
    channel_id: str
    queue: str
    caller_number: str
    caller_name: str
    clock: Callable[[], datetime]
    new_id: Callable[[], str]
    priority: int | None = None
    skills: tuple[tuple[str, int], ...] = ()
    outcome: str | None = None
    agent_id: str | None = None
    waited_seconds: float | None = None
    _legs: dict[str, str] = field(default_factory=dict)  # offer id -> our leg channel id
    _offers: dict[str, str] = field(default_factory=dict)  # leg channel id -> offer id
    _offered_to: dict[str, str] = field(default_factory=dict)  # offer id -> agent id
    _connected: str | None = None  # the offer whose agent talks with the caller
    _legs_made: int = 0
    _joined_at: datetime | None = None
    _closing_playback: str | None = None
    _holding: bool = False  # the caller is in the holding bridge
    _leaving_for_voicemail: str | None = None  # the box, while the caller leaves the holding bridge
    voicemail_box: str | None = None  # set once the caller is free for the IVR to take a message
    recording_policy: Callable[[str, str | None], Policy] = lambda queue, agent_id: "on_demand"
    record_from: Callable[[str], str] = lambda queue: "answer"  # or "queue": hold included
    recording_format: str = "wav"
    recording: CallRecording | None = None  # once an agent is connected
    moh_class: str = "default"
    _handed_leg: str | None = None  # after a completed transfer: the target's leg talks with the caller
    transfers: CallTransfers = field(init=False)

    def __post_init__(self) -> None:
        self.transfers = CallTransfers(self)

    @property
    def hold_bridge(self) -> str:
        return hold_bridge(self.channel_id)

    @property
    def talk_bridge(self) -> str:
        return talk_bridge(self.channel_id)

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    def start(self) -> list:
        self._joined_at = self.clock()
        return [CallQueued(self.channel_id, self.queue, self._joined_at, self.caller_number, self.caller_name,
                           self.priority, self.skills)]

    def handle(self, event) -> list:
        if self.finished:
            return []
        if self.transfers.takes(event):
            return self.transfers.handle(event)
        match event:
            case HoldCaller(queue=queue, moh_class=moh_class) if self._holding:
                self.queue = queue  # moved on by an overflow: same bridge, the new queue's music
                return [StartBridgeMusic(self.hold_bridge, moh_class)]
            case HoldCaller(moh_class=moh_class):
                self._holding, self.moh_class = True, moh_class
                return [CreateBridge(self.hold_bridge, "holding"), AddToBridge(self.hold_bridge, self.channel_id),
                        StartBridgeMusic(self.hold_bridge, moh_class), *self._record_from_queue()]
            case RecordingSnoopEntered(snoop_id=snoop):
                return self.recording.snoop_entered(snoop) if self.recording else [Hangup(snoop)]
            case Offer():
                return self._ring(event)
            case LegAnswered(leg_id=leg) if leg in self._offers:
                return [OfferAnswered(self._offers[leg], self.clock())]
            case ConnectCallToAgent(offer_id=offer, agent_id=agent) if offer in self._legs:
                return self._connect(offer, agent)
            case CancelOffer(offer_id=offer) if offer in self._legs:
                return [Hangup(self._legs[offer])]
            case LegEnded(leg_id=leg, cause=cause) if leg in self._offers:
                offer = self._offers.pop(leg)
                del self._legs[offer]
                return [AgentLegEnded(offer, self.clock(), outcome_of_cause(cause))]
            case EndCall():
                self.outcome = "answered" if self._connected else "failed"
                return [Hangup(self.channel_id), DestroyBridge(self.talk_bridge)]
            case Announce(position=position, estimated_wait=wait):
                return [Play(self.channel_id, self.new_id(), announcement(position, wait))]
            case Overflow(destination=destination):
                return self._overflow(destination)
            case LeftBridge(bridge_id=bridge) if bridge == self.hold_bridge and self._leaving_for_voicemail:
                self._to_voicemail(self._leaving_for_voicemail)
                return []
            case PlaybackFinished(playback_id=playback) if playback == self._closing_playback:
                self.outcome = "overflow"
                return [Hangup(self.channel_id), DestroyBridge(self.hold_bridge)]
            case ChannelHungUp():
                return self._caller_gone()
            case HangupRequested(by=by):
                return self.transfers.agent_hanging_up(by.removeprefix("agent:")) or [Hangup(self.channel_id)]
            case RecordingRequested(action=action):
                try:
                    return self.recording_request(action)
                except RecordingRefused as exc:
                    log.info("recording.refused", action=action, reason=str(exc))
        return []

    def check_recording(self, action: str) -> None:
        """Raise RecordingRefused unless `action` (start, stop, pause, resume) can be done now."""
        if self.recording is None or self.finished:
            raise RecordingRefused("the call is not connected to an agent")
        self.recording.check(action)

    def recording_request(self, action: str) -> list:
        self.check_recording(action)
        return self.recording.request(action)

    def _ring(self, offer: Offer) -> list:
        leg = self.new_leg()
        self._legs[offer.offer_id] = leg
        self._offers[leg] = offer.offer_id
        self._offered_to[offer.offer_id] = offer.agent_id
        return [Originate(leg, self.channel_id, dial_string(offer.device), offer.caller_number, offer.caller_name,
                          int(offer.timeout) + ORIGINATE_GRACE_SECONDS)]

    @property
    def connected_leg(self) -> str | None:
        """The channel of the agent (or transfer target) talking with the caller."""
        if self._handed_leg:
            return self._handed_leg
        return self._legs.get(self._connected) if self._connected else None

    def new_leg(self) -> str:
        self._legs_made += 1
        return leg_id(self.channel_id, self._legs_made)

    def release_agent(self) -> str | None:
        """The connected agent's leg leaves the call, which goes on (a transfer); their offer, if any."""
        offer, self._connected, self._handed_leg = self._connected, None, None
        if offer is not None:
            leg = self._legs.pop(offer, None)
            self._offers.pop(leg, None)
        self.agent_id = None
        return offer

    def handed_over(self, leg: str, agent_id: str | None) -> None:
        """A transfer completed: `leg` (an agent's, when `agent_id`) now talks with the caller."""
        self._handed_leg, self.agent_id = leg, agent_id

    def back_to_queue(self, queue: str) -> None:
        """A transfer puts the caller back in a queue: waiting again, to be offered afresh."""
        self.queue, self._connected, self._handed_leg, self.agent_id = queue, None, None, None
        self._holding, self.recording = False, None

    def check_transfer(self, action: str, kind: str | None = None, target=None) -> None:
        self.transfers.check(action, kind, target)

    @property
    def segments(self) -> list:
        """Who handled which stretch of the call (only for calls that were transferred)."""
        now = self.clock()
        return [s if s.ended else replace(s, ended=now, outcome="ended") for s in self.transfers.segments]

    @property
    def joined_at(self) -> datetime | None:
        return self._joined_at

    def phase_for(self, agent_id: str) -> str | None:
        """How this call stands for an agent: "connected" (talking), "ringing" (offered), "consulting" (the
        answered target of the agent's transfer, before it completes: consultation or conference), or None."""
        if self.connected_leg and self.agent_id == agent_id and not self.finished:
            return "connected"
        if any(self._offered_to.get(offer) == agent_id for offer in self._legs):
            return "ringing"
        if not self.finished and self.transfers.consulting(agent_id):
            return "consulting"
        return None

    def _connect(self, offer: str, agent: str) -> list:
        self._connected = offer
        self.agent_id = agent
        self.waited_seconds = (self.clock() - self._joined_at).total_seconds()
        leg = self._legs[offer]
        policy = self.recording_policy(self.queue, agent)
        if self.recording is None:
            self.recording = CallRecording(self.channel_id, self.talk_bridge, policy, agent, self.queue,
                                           self.recording_format)
        self._holding = False
        return [CreateBridge(self.talk_bridge, "mixing"), AddToBridge(self.talk_bridge, self.channel_id),
                AddToBridge(self.talk_bridge, leg), DestroyBridge(self.hold_bridge),
                CallBridged(offer, self.clock()), *self.recording.connected(agent, policy)]

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

    def _caller_gone(self) -> list:
        """The caller's task ends here: hang up its legs and report them gone, so no agent stays held."""
        now = self.clock()
        handed = self.transfers.handed_to is not None
        transfer_cleanup = self.transfers.caller_gone()
        if self._connected or handed:
            self.outcome = "answered"
        elif self._closing_playback:
            self.outcome = "overflow"
        else:
            self.outcome = "abandoned"
            self.waited_seconds = (now - self._joined_at).total_seconds()
        legs = list(self._offers.items())
        self._offers.clear()
        self._legs.clear()
        return [*[Hangup(leg) for leg, _ in legs], *transfer_cleanup, DestroyBridge(self.hold_bridge),
                DestroyBridge(self.talk_bridge),
                CallerHungUp(self.channel_id, now),
                *[AgentLegEnded(offer, now, "caller hung up") for _, offer in legs]]
