"""Where the IVR hands the caller on: a queue of the ACD, an extension or an external number."""

from __future__ import annotations

from telephony.commands import EnterQueue, Transfer as TransferCommand
from telephony.ivr.nodes.base import NodeHandler

QUEUED = "queued"  # the IVR's part ends here; the queue flow's outcome follows
TRANSFERRED = "transferred"


class _Destination(NodeHandler):
    def enter(self, node, flow):
        if node.prompts:
            return [flow.play(node.prompts)]
        return self.hand_over(node, flow)

    def on_played(self, node, flow):
        return self.hand_over(node, flow)

    def hand_over(self, node, flow) -> list:
        raise NotImplementedError


class Queue(_Destination):
    def hand_over(self, node, flow):
        skills = tuple(sorted(node.skills.items()))
        flow.handoff = {"queue": node.queue, "priority": node.priority, "skills": dict(skills)}
        flow.finish(QUEUED)
        return [EnterQueue(flow.channel_id, node.queue, node.priority, skills)]


class Transfer(_Destination):
    def hand_over(self, node, flow):
        flow.handoff = {"transfer": node.to}
        flow.finish(TRANSFERRED)
        return [TransferCommand(flow.channel_id, node.to)]
