"""The handler every node kind starts from, and what a handler may use of the flow (`NodeFlow`).

Handlers see the flow only through `NodeFlow`, so this package does not import `telephony.ivr.flow`
(which imports the handlers); `IvrFlow` implements it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from telephony.commands import Command, Play, StartTimer
from telephony.events import RecordingFinished
from telephony.ivr.choice import Choice
from telephony.ivr.model import VoicemailMessage


@runtime_checkable
class NodeFlow(Protocol):
    """The caller's walk through the IVR as node handlers read and change it."""

    channel_id: str
    new_id: Callable[[], str]
    language: str
    collected: dict[str, str]
    handoff: dict | None  # where the caller was handed on: queue or transfer
    voicemail: VoicemailMessage | None
    attempts: int  # retries spent on the current node
    buffer: str  # keys collected so far on the current node

    @property
    def now(self) -> datetime: ...

    def goto(self, target: str) -> list[Command]: ...

    def step(self, note: str, digits: str = "") -> None: ...

    def play(self, prompts: Sequence[str]) -> Play: ...

    def interrupt(self) -> list[Command]: ...

    def start_timer(self, seconds: float) -> StartTimer: ...

    def cancel_timer(self) -> list[Command]: ...

    def close(self, outcome: str, prompts: Sequence[str]) -> list[Command]: ...

    def finish(self, outcome: str) -> None: ...


class NodeHandler:
    def enter(self, node, flow: NodeFlow) -> list[Command]:
        raise NotImplementedError

    def on_played(self, node, flow: NodeFlow) -> list[Command]:
        return []

    def on_choice(self, node, flow: NodeFlow, choice: Choice) -> list[Command]:
        return []

    def on_timer(self, node, flow: NodeFlow) -> list[Command]:
        return []

    def on_recording(self, node, flow: NodeFlow, event: RecordingFinished) -> list[Command]:
        return []

    def on_hangup(self, node, flow: NodeFlow) -> None:
        return None


class AsksForKeys(NodeHandler):
    """Nodes that ask a question: play the prompts, then give the caller `node.timeout` seconds to press."""

    def enter(self, node, flow: NodeFlow) -> list[Command]:
        return [flow.play(node.prompts)]

    def on_played(self, node, flow: NodeFlow) -> list[Command]:
        return [flow.start_timer(node.timeout)]
