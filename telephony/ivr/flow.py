"""The IVR as a pure state machine: given an event, return the commands to run.

No Asterisk, no database, no clock of its own: `clock` and `new_id` are injected so that tests (and a
traffic simulator) can drive it directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from telephony.commands import Answer, Command, Hangup, Play
from telephony.config.models import CallCenterConfig, DidRoute, HangupNode, PlayNode
from telephony.events import CallArrived, CallEvent, PlaybackFinished

NO_SERVICE_PROMPT = "sound:ss-noservice"


@dataclass(frozen=True, slots=True)
class PathStep:
    """One step of the caller's way through the IVR, kept on the interaction for reporting."""

    node: str
    at: datetime
    digits: str = ""


@dataclass
class IvrFlow:
    config: CallCenterConfig
    route: DidRoute | None
    channel_id: str
    clock: Callable[[], datetime]
    new_id: Callable[[], str]
    path: list[PathStep] = field(default_factory=list)
    answered: bool = False  # an adopted call is already up; answering it again would queue behind its prompt
    outcome: str | None = None  # set once the flow has hung up
    _node: str | None = None
    _waiting_for: str | None = None  # the playback whose end moves the caller on
    _closing: str | None = None  # the outcome to record once the goodbye prompts end

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    def start(self) -> list[Command]:
        answer = [] if self.answered else [Answer(self.channel_id)]
        if self.route is None:
            return [*answer, *self._close("refused", (NO_SERVICE_PROMPT,))]
        return [*answer, *self._enter(self.route.entry)]

    def handle(self, event: CallEvent) -> list[Command]:
        if self.finished:
            return []
        if isinstance(event, PlaybackFinished) and event.playback_id == self._waiting_for:
            self._waiting_for = None
            return self._after_playback()
        return []

    def _enter(self, name: str) -> list[Command]:
        self._node = name
        self.path.append(PathStep(node=name, at=self.clock()))
        node = self.config.ivr[name]
        if isinstance(node, PlayNode):
            return [self._play(node.prompts)]
        if isinstance(node, HangupNode):
            return self._close("ivr_completed", node.prompts)
        raise AssertionError(f"unhandled node kind {node.kind}")

    def _after_playback(self) -> list[Command]:
        if self._closing is not None:
            return self._hang_up(self._closing)
        node = self.config.ivr[self._node]
        if isinstance(node, PlayNode):
            return self._enter(node.next)
        return []

    def _close(self, outcome: str, prompts: Sequence[str]) -> list[Command]:
        """Play the closing prompts, if any, and hang up once they end."""
        if not prompts:
            return self._hang_up(outcome)
        self._closing = outcome
        return [self._play(prompts)]

    def _hang_up(self, outcome: str) -> list[Command]:
        self.outcome = outcome
        return [Hangup(self.channel_id)]

    def _play(self, prompts: Sequence[str]) -> Play:
        self._waiting_for = self.new_id()
        language = self.route.language if self.route else "en"
        return Play(self.channel_id, self._waiting_for, tuple(prompts), language)


def flow_for_call(config: CallCenterConfig, call: CallArrived, clock, new_id) -> IvrFlow:
    return IvrFlow(config, config.route_for(call.dialled), call.channel_id, clock, new_id, answered=call.answered)
