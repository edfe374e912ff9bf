"""A call waiting in a queue, as a pure state machine: hold with music, ring the agents the ACD offers,
bridge the first who answers, and tell the ACD how each offer went.

Several offers may ring at once (ring-all); the first answer wins and the others are hung up. If the
winner's leg drops before the conversation starts, the call goes back to waiting rather than ending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from telephony.calls.queue_messages import (CallFinished, JoinQueue, LeaveQueue, OfferAnswered, OfferFailed,
                                            OfferToAgent, Overflow, WithdrawOffer)
from telephony.commands import (AddToBridge, CreateBridge, DestroyBridge, Hangup, Originate, Play,
                                StartBridgeMusic)
from telephony.events import ChannelHungUp, LegAnswered, LegEnded, PlaybackFinished

NO_AGENT_PROMPT = "sound:queue-thankyou"
NORMAL_CLEARING = 16


@dataclass
class QueueFlow:
    channel_id: str
    queue: str
    priority: int
    caller_number: str
    caller_name: str
    clock: Callable[[], datetime]
    moh_class: str = "default"
    skills: tuple[tuple[str, int], ...] = ()
    outcome: str | None = None
    agent_id: str | None = None
    waited_seconds: float | None = None
    _ringing: dict[str, str] = field(default_factory=dict)  # leg id -> agent id
    _connected_leg: str | None = None
    _legs_made: int = 0
    _joined_at: datetime | None = None
    _closing_playback: str | None = None  # set once the call overflowed and hears its last message

    @property
    def hold_bridge(self) -> str:
        return f"{self.channel_id}-hold"

    @property
    def talk_bridge(self) -> str:
        return f"{self.channel_id}-talk"

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    def start(self) -> list:
        self._joined_at = self.clock()
        return [
            CreateBridge(self.hold_bridge, "holding"),
            AddToBridge(self.hold_bridge, self.channel_id),
            StartBridgeMusic(self.hold_bridge, self.moh_class),
            JoinQueue(self.channel_id, self.queue, self.priority, self._joined_at, self.caller_number,
                      self.caller_name, self.skills),
        ]

    def handle(self, event) -> list:
        if self.finished:
            return []
        match event:
            case OfferToAgent(agent_id=agent, endpoint=endpoint, ring_timeout=timeout):
                return self._ring(agent, endpoint, timeout)
            case WithdrawOffer(agent_id=agent):
                return [Hangup(leg) for leg, who in self._ringing.items() if who == agent]
            case LegAnswered(leg_id=leg) if leg in self._ringing:
                return self._connect(leg)
            case LegEnded(leg_id=leg, cause=cause) if leg in self._ringing:
                agent = self._ringing.pop(leg)
                return [OfferFailed(self.channel_id, agent, cause)]
            case LegEnded(leg_id=leg) if leg == self._connected_leg:
                return self._agent_hung_up()
            case ChannelHungUp():
                return self._caller_hung_up()
            case Overflow(destination=destination):
                return self._overflow(destination)
            case PlaybackFinished(playback_id=playback) if playback == self._closing_playback:
                self.outcome = "overflow"
                return [Hangup(self.channel_id)]
        return []

    def _ring(self, agent: str, endpoint: str, timeout: int) -> list:
        if self._connected_leg is not None:
            return [OfferFailed(self.channel_id, agent, NORMAL_CLEARING)]
        self._legs_made += 1
        leg = f"{self.channel_id}-leg-{self._legs_made}"
        self._ringing[leg] = agent
        return [Originate(leg, self.channel_id, endpoint, self.caller_number, self.caller_name, timeout)]

    def _connect(self, leg: str) -> list:
        self.agent_id = self._ringing.pop(leg)
        self._connected_leg = leg
        self.waited_seconds = (self.clock() - self._joined_at).total_seconds()
        others = list(self._ringing)
        self._ringing.clear()
        return [
            *[Hangup(other) for other in others],
            CreateBridge(self.talk_bridge, "mixing"),
            AddToBridge(self.talk_bridge, self.channel_id),
            AddToBridge(self.talk_bridge, leg),
            DestroyBridge(self.hold_bridge),
            OfferAnswered(self.channel_id, self.agent_id),
        ]

    def _agent_hung_up(self) -> list:
        self.outcome = "answered"
        return [Hangup(self.channel_id), DestroyBridge(self.talk_bridge), CallFinished(self.channel_id, self.agent_id)]

    def _caller_hung_up(self) -> list:
        if self._closing_playback is not None:
            self.outcome = "overflow"
            return []
        if self._connected_leg is not None:
            self.outcome = "answered"
            return [Hangup(self._connected_leg), DestroyBridge(self.talk_bridge),
                    CallFinished(self.channel_id, self.agent_id)]
        self.outcome = "abandoned"
        self.waited_seconds = (self.clock() - self._joined_at).total_seconds()
        return [*[Hangup(leg) for leg in self._ringing], DestroyBridge(self.hold_bridge),
                LeaveQueue(self.channel_id, "abandoned")]

    def _overflow(self, destination: str) -> list:
        """Only message destinations are handled here; queue and voicemail hand-offs belong to the IVR."""
        if self._connected_leg is not None or self._closing_playback is not None:
            return []
        kind, _, target = destination.partition(":")
        leave = [*[Hangup(leg) for leg in self._ringing], DestroyBridge(self.hold_bridge),
                 LeaveQueue(self.channel_id, "overflow")]
        self._ringing.clear()
        self._closing_playback = f"{self.channel_id}-overflow"
        prompt = target if kind == "message" and target else NO_AGENT_PROMPT
        return [*leave, Play(self.channel_id, self._closing_playback, (prompt,))]
