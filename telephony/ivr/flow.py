"""The IVR as a pure state machine: given an event, return the commands to run.

No Asterisk, no database, no clock of its own: `clock` and `new_id` are injected so that tests (and a
traffic simulator) can drive it directly. What each kind of node does lives in `telephony.ivr.nodes`; this
module keeps what they share: where the caller is, the prompt and timer it waits for, the path, the
language and the values collected.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from telephony.call_flow import CallStory, CallView
from telephony.commands import Answer, CancelTimer, Command, Hangup, Play, StartTimer, StopPlayback
from telephony.config.common import QUEUE_PREFIX
from telephony.config.ivr_nodes import QueueNode, VoicemailNode
from telephony.config.models import CallCenterConfig, DidRoute
from telephony.events import (FOUND_GONE, CallArrived, CallEvent, ChannelHungUp, DtmfReceived, PlaybackFinished,
                              RecordingFinished, TimerFired)
from telephony.ivr.choice import Choice, choice_from_dtmf
from telephony.ivr.model import VoicemailMessage
from telephony.ivr.nodes import HANDLERS
from telephony.requests import CallRequest, NotConnected
from telephony.timers import TimerId, TimerKind

NO_SERVICE_PROMPT = "sound:ss-noservice"


@dataclass(frozen=True, slots=True)
class PathStep:
    """One step of the caller's way through the IVR, kept on the interaction for reporting.

    A node's first step is its entry (`note` empty); what happens there adds steps with the same node:
    `chosen`/`invalid` with the key, `timeout`, `default`, `collected` with the value, `open`/`closed`...
    """

    node: str
    at: datetime
    digits: str = ""
    note: str = ""

    def as_dict(self) -> dict:
        return {"node": self.node, "at": self.at.isoformat(), "digits": self.digits, "note": self.note}


@dataclass
class IvrFlow:
    config: CallCenterConfig  # the configuration the call started with, kept across reloads
    route: DidRoute | None
    channel_id: str
    clock: Callable[[], datetime]
    new_id: Callable[[], str]
    path: list[PathStep] = field(default_factory=list)
    answered: bool = False  # an adopted call is already up; answering it again would queue behind its prompt
    outcome: str | None = None  # set once the flow is done with the call
    language: str = "en"
    collected: dict[str, str] = field(default_factory=dict)
    handoff: dict | None = None  # where the caller was handed on: queue or transfer
    voicemail: VoicemailMessage | None = None
    attempts: int = 0  # retries spent on the current node
    buffer: str = ""  # keys collected so far on the current node
    _name: str | None = None
    _node: object = None
    _waiting_for: str | None = None  # the playback whose end moves the caller on
    _timer: TimerId | None = None  # the input timer running; a TimerFired for an earlier one is stale
    _closing: str | None = None  # the outcome to record once the goodbye prompts end
    _caller_gone: bool = False

    def __post_init__(self):
        if self.route is not None:
            self.language = self.route.language

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    @property
    def ended(self) -> bool:
        return self._caller_gone

    @property
    def now(self) -> datetime:
        return self.clock()

    @property
    def data(self) -> dict:
        """What the IVR learnt about the call, for the interaction's `ivr_data`."""
        data: dict = {"language": self.language, "collected": dict(self.collected)}
        if self.handoff is not None:
            data["handoff"] = self.handoff
        if self.voicemail is not None:
            data["voicemail"] = self.voicemail.id
        return data

    def start(self) -> list[Command]:
        answer = [] if self.answered else [Answer(self.channel_id)]
        if self.route is None:
            return [*answer, *self.close("refused", (NO_SERVICE_PROMPT,))]
        return [*answer, *self.goto(self.route.entry)]

    def handle(self, event: CallEvent) -> list[Command]:
        if isinstance(event, ChannelHungUp):
            self._caller_gone = True
        if self.finished:
            return []
        handler = HANDLERS[self._node.kind] if self._node is not None else None
        match event:
            case PlaybackFinished(playback_id=pid) if pid == self._waiting_for:
                self._waiting_for = None
                if self._closing is not None:
                    return self._hang_up(self._closing)
                return handler.on_played(self._node, self)
            case DtmfReceived():
                choice = choice_from_dtmf(event)
                return self.choose(choice) if choice else []
            case TimerFired(timer_id=tid) if tid == self._timer:
                self._timer = None
                return handler.on_timer(self._node, self)
            case RecordingFinished():
                return handler.on_recording(self._node, self, event)
            case ChannelHungUp(cause=cause):
                if handler is not None:
                    handler.on_hangup(self._node, self)
                # Found gone by the closing prompt's own Play: the caller left before hearing it.
                if self._closing is not None and not self.finished and cause != FOUND_GONE:
                    self.finish(self._closing)
        return []

    def request(self, request: CallRequest) -> list[Command]:
        """Nobody but the caller steers a call in the IVR: no agent is on it yet."""
        raise NotConnected("the call is in the IVR, not connected to an agent")

    def view(self) -> CallView:
        return CallView()

    def story(self) -> CallStory:
        return CallStory(self.outcome, tuple(self.path), self.data, self.voicemail)

    def choose(self, choice: Choice) -> list[Command]:
        """The seam for every way of choosing: keypad today, speech later."""
        if self.finished or self._closing is not None or self._node is None:
            return []
        return HANDLERS[self._node.kind].on_choice(self._node, self, choice)

    # Helpers for the node handlers.

    def goto(self, target: str) -> list[Command]:
        """Enter a node by name, or a queue named as `queue:NAME`."""
        if target.startswith(QUEUE_PREFIX):
            node = QueueNode(kind="queue", queue=target.removeprefix(QUEUE_PREFIX))
        else:
            node = self.config.ivr[target]
        return self._enter(target, node)

    def take_message(self, box: str) -> list[Command]:
        """The caller's queue overflowed to voicemail: the IVR has them back to leave a message in `box`."""
        self.outcome = None
        return self._enter(f"voicemail:{box}", VoicemailNode(kind="voicemail", box=box))

    def _enter(self, name: str, node) -> list[Command]:
        self._name, self._node = name, node
        self.attempts, self.buffer = 0, ""
        self.path.append(PathStep(node=name, at=self.now))
        return HANDLERS[node.kind].enter(node, self)

    def step(self, note: str, digits: str = "") -> None:
        self.path.append(PathStep(node=self._name, at=self.now, digits=digits, note=note))

    def play(self, prompts: Sequence[str]) -> Play:
        self._waiting_for = self.new_id()
        return Play(self.channel_id, self._waiting_for, tuple(prompts), self.language)

    def interrupt(self) -> list[Command]:
        """Stop the prompt playing, if any: a key was pressed."""
        if self._waiting_for is None:
            return []
        playback, self._waiting_for = self._waiting_for, None
        self.step("interrupted")
        return [StopPlayback(playback)]

    def start_timer(self, seconds: float) -> StartTimer:
        self._timer = TimerId(TimerKind.IVR_INPUT, self.new_id())
        return StartTimer(self._timer, seconds)

    def cancel_timer(self) -> list[Command]:
        if self._timer is None:
            return []
        timer, self._timer = self._timer, None
        return [CancelTimer(timer)]

    def close(self, outcome: str, prompts: Sequence[str]) -> list[Command]:
        """Play the closing prompts, if any, and hang up once they end."""
        if not prompts:
            return self._hang_up(outcome)
        self._closing = outcome
        return [self.play(prompts)]

    def finish(self, outcome: str) -> None:
        """The flow is done with the call; whoever got it (the dialplan, the ACD) hangs up."""
        self.outcome = outcome

    def _hang_up(self, outcome: str) -> list[Command]:
        self.outcome = outcome
        return [Hangup(self.channel_id)]


def flow_for_call(config: CallCenterConfig, call: CallArrived, clock, new_id) -> IvrFlow:
    return IvrFlow(config, config.route_for(call.dialled), call.channel_id, clock, new_id, answered=call.answered)
