"""Take a message: greeting, beep, recording until `#`, silence, the maximum length or hang-up."""

from __future__ import annotations

from dataclasses import replace

from telephony.commands import StartRecording
from telephony.ivr.model import VoicemailMessage
from telephony.ivr.nodes.base import NodeFlow, NodeHandler

TAKEN = "voicemail"
FAILED = "voicemail_failed"
SORRY = ("sound:tt-somethingwrong",)


class Voicemail(NodeHandler):
    def enter(self, node, flow):
        if node.prompts:
            return [flow.play(node.prompts)]
        return self.on_played(node, flow)

    def on_played(self, node, flow):
        message = VoicemailMessage(id=flow.new_id(), box=node.box, started_at=flow.now)
        flow.voicemail = message
        flow.step("recording")
        return [StartRecording(flow.channel_id, message.id, node.max_seconds, node.silence_seconds,
                               format=message.format)]

    def on_recording(self, node, flow, event):
        message = flow.voicemail
        if message is None or event.name != message.id:
            return []
        if event.failed:
            flow.voicemail = None
            flow.step("recording_failed")
            return flow.close(FAILED, SORRY)
        flow.voicemail = replace(message, duration=_duration(event.duration, message, flow))
        flow.step("recorded")
        return flow.close(TAKEN, node.goodbye_prompts)

    def on_hangup(self, node, flow):
        message = flow.voicemail
        if message is None:
            return
        if message.duration is None:
            flow.voicemail = replace(message, duration=_duration(None, message, flow))
        flow.finish(TAKEN)


def _duration(reported: float | None, message: VoicemailMessage, flow: NodeFlow) -> float:
    if reported is not None:
        return float(reported)
    return max(0.0, (flow.now - message.started_at).total_seconds())
