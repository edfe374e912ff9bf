"""A call's whole flow: the IVR, then the queue it hands the caller to.

The IVR ends with an EnterQueue command; here it becomes a QueueFlow for the rest of the call, whose
reports go to the ACD, unless the queue overflows to voicemail: then the IVR takes the message. Everything
else the IVR learnt (path, data, voicemail) stays on the interaction.
"""

from __future__ import annotations

from collections.abc import Callable

from telephony.calls.queue_flow import QueueFlow
from telephony.commands import EnterQueue
from telephony.events import ChannelHungUp
from telephony.ivr.flow import IvrFlow
from telephony.supervision.call_supervision import CallSupervision

QueueFlowFactory = Callable[[EnterQueue], QueueFlow]


class CallFlow:
    def __init__(self, ivr: IvrFlow, queue_flow_for: QueueFlowFactory):
        self.ivr = ivr
        self._queue_flow_for = queue_flow_for
        self.queue: QueueFlow | None = None
        self._back_in_ivr = False  # the queue overflowed to voicemail and gave the caller back
        self.supervision: CallSupervision | None = None  # once a supervisor asks to join

    @property
    def outcome(self) -> str | None:
        if self.queue is not None and not self._back_in_ivr:
            return self.queue.outcome
        return self.ivr.outcome

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    @property
    def path(self):
        return self.ivr.path

    @property
    def data(self) -> dict:
        return self.ivr.data

    @property
    def voicemail(self):
        return self.ivr.voicemail

    @property
    def segments(self) -> list:
        return self.queue.segments if self.queue is not None else []

    def start(self) -> list:
        return self._hand_over(self.ivr.start())

    def handle(self, event) -> list:
        if CallSupervision.takes(event):
            return self._supervise(event)
        if self.queue is not None and not self._back_in_ivr:
            commands = self.queue.handle(event)
            if self.queue.voicemail_box is not None:
                self._back_in_ivr = True
                commands = [*commands, *self.ivr.take_message(self.queue.voicemail_box)]
        else:
            commands = self._hand_over(self.ivr.handle(event))
        if self.supervision is not None:
            if isinstance(event, ChannelHungUp) or self.finished:
                commands = [*commands, *self.supervision.call_ended()]
            else:
                talking = self.talking
                commands = [*commands, *self.supervision.agent_changed(talking.connected_leg if talking else None)]
        return commands

    @property
    def talking(self) -> QueueFlow | None:
        """The queue flow while an agent is connected with the caller."""
        queue = self.queue
        if queue is None or self._back_in_ivr or queue.finished or queue.connected_leg is None:
            return None
        return queue

    def _supervise(self, event) -> list:
        if self.supervision is None:
            self.supervision = CallSupervision(event.channel_id)
        talking = self.talking
        return self.supervision.handle(event, talking.connected_leg if talking else None,
                                       talking.talk_bridge if talking else None)

    def _hand_over(self, commands: list) -> list:
        out = []
        for command in commands:
            if isinstance(command, EnterQueue) and self.queue is None:
                self.queue = self._queue_flow_for(command)
                out.extend(self.queue.start())
            else:
                out.append(command)
        return out
