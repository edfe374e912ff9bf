"""Play prompts and go on; play a message and hang up."""

from __future__ import annotations

from telephony.ivr.nodes.base import NodeHandler


class Play(NodeHandler):
    def enter(self, node, flow):
        return [flow.play(node.prompts)]

    def on_played(self, node, flow):
        return flow.goto(node.next)


class HangUp(NodeHandler):
    def enter(self, node, flow):
        return flow.close("ivr_completed", node.prompts)
