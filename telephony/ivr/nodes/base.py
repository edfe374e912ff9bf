"""The handler every node kind starts from: nothing happens unless the kind says so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telephony.commands import Command

if TYPE_CHECKING:
    from telephony.events import RecordingFinished
    from telephony.ivr.choice import Choice
    from telephony.ivr.flow import IvrFlow


class NodeHandler:
    def enter(self, node, flow: IvrFlow) -> list[Command]:
        raise NotImplementedError

    def on_played(self, node, flow: IvrFlow) -> list[Command]:
        return []

    def on_choice(self, node, flow: IvrFlow, choice: Choice) -> list[Command]:
        return []

    def on_timer(self, node, flow: IvrFlow) -> list[Command]:
        return []

    def on_recording(self, node, flow: IvrFlow, event: RecordingFinished) -> list[Command]:
        return []

    def on_hangup(self, node, flow: IvrFlow) -> None:
        return None


class AsksForKeys(NodeHandler):
    """Nodes that ask a question: play the prompts, then give the caller `node.timeout` seconds to press."""

    def enter(self, node, flow: IvrFlow) -> list[Command]:
        return [flow.play(node.prompts)]

    def on_played(self, node, flow: IvrFlow) -> list[Command]:
        return [flow.start_timer(node.timeout)]
