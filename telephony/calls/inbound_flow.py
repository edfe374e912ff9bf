"""An inbound call's flow: the IVR, then the queue it hands the caller to, with a supervisor when one joins.

The IVR ends with an EnterQueue command; here it becomes a QueueFlow for the rest of the call, whose
reports go to the ACD, unless the queue overflows to voicemail: then the IVR takes the message. Everything
else the IVR learnt (path, data, voicemail) stays on the interaction. A supervisor's session
(CallSupervision) watches whoever talks with the caller and ends when that party leaves or the call does.
"""

from __future__ import annotations

from collections.abc import Callable

from telephony.call_flow import CallStory, CallView
from telephony.calls.queue_flow import QueueFlow
from telephony.commands import EnterQueue
from telephony.events import CallerIdentified, ChannelHungUp
from telephony.ivr.flow import IvrFlow
from telephony.requests import MONITOR_REQUESTS, CallRequest, NotConnected
from telephony.supervision.call_supervision import CallSupervision

QueueFlowFactory = Callable[[EnterQueue, bool], QueueFlow]  # the IVR's hand-over, and whether a VIP calls


class InboundFlow:
    def __init__(self, ivr: IvrFlow, queue_flow_for: QueueFlowFactory):
        self.ivr = ivr
        self._queue_flow_for = queue_flow_for
        self.queue_flow: QueueFlow | None = None
        self._back_in_ivr = False  # the queue overflowed to voicemail and gave the caller back
        self.supervision: CallSupervision | None = None  # once a supervisor asks to join
        self._caller_gone = False
        self._vip = False  # the caller's customer is a VIP (CallerIdentified)

    @property
    def outcome(self) -> str | None:
        queue_flow = self._in_queue
        return queue_flow.outcome if queue_flow is not None else self.ivr.outcome

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    @property
    def ended(self) -> bool:
        return self._caller_gone

    def start(self) -> list:
        return self._hand_over(self.ivr.start())

    def handle(self, event) -> list:
        if isinstance(event, ChannelHungUp):
            self._caller_gone = True
        if isinstance(event, CallerIdentified):
            self._vip = event.vip
        if CallSupervision.takes(event):
            if self.supervision is None:
                self.supervision = CallSupervision(event.channel_id)
            talking = self._talking
            return self.supervision.handle(event, talking.connected_leg if talking else None,
                                           talking.talk_bridge if talking else None)
        queue_flow = self._in_queue
        if queue_flow is not None:
            commands = queue_flow.handle(event)
            if queue_flow.voicemail_box is not None:
                self._back_in_ivr = True
                commands = [*commands, *self.ivr.take_message(queue_flow.voicemail_box)]
        else:
            commands = self._hand_over(self.ivr.handle(event))
        return [*commands, *self._supervision_follows()]

    def request(self, request: CallRequest) -> list:
        talking = self._talking
        if isinstance(request, MONITOR_REQUESTS):
            if self.supervision is None:
                self.supervision = CallSupervision(request.call_id)
            return self.supervision.request(request, talking.connected_leg if talking else None,
                                            talking.talk_bridge if talking else None)
        queue_flow = self._in_queue
        if queue_flow is None:
            raise NotConnected("the call is not connected to an agent")
        return [*queue_flow.request(request), *self._supervision_follows()]

    def view(self) -> CallView:
        if self.queue_flow is None:
            return CallView()
        if self._back_in_ivr:
            return CallView(self.queue_flow.queue)
        return self.queue_flow.view()

    def story(self) -> CallStory:
        segments = self.queue_flow.story().segments if self.queue_flow is not None else ()
        return CallStory(self.outcome, tuple(self.ivr.path), self.ivr.data, self.ivr.voicemail, segments)

    @property
    def _in_queue(self) -> QueueFlow | None:
        """The queue flow while it has the caller (not once it gave them back to the IVR for voicemail)."""
        return self.queue_flow if self.queue_flow is not None and not self._back_in_ivr else None

    @property
    def _talking(self) -> QueueFlow | None:
        """The queue flow while someone (an agent, a transfer target) talks with the caller."""
        queue_flow = self._in_queue
        if queue_flow is None or queue_flow.finished or queue_flow.connected_leg is None:
            return None
        return queue_flow

    def _supervision_follows(self) -> list:
        """A supervisor's session ends with the call, or once the party it watches has left."""
        if self.supervision is None:
            return []
        if self._caller_gone or self.finished:
            return self.supervision.call_ended()
        talking = self._talking
        return self.supervision.agent_changed(talking.connected_leg if talking else None)

    def _hand_over(self, commands: list) -> list:
        out = []
        for command in commands:
            if isinstance(command, EnterQueue) and self.queue_flow is None:
                self.queue_flow = self._queue_flow_for(command, self._vip)
                out.extend(self.queue_flow.start())
            else:
                out.append(command)
        return out
