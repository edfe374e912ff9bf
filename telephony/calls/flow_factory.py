"""Which flow runs an arrived call: a softphone's internal call, or an inbound call's IVR and queue, under
the call-center file in force when the call arrived (a reload changes new calls only)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from telephony.call_flow import CallFlow
from telephony.calls.inbound_flow import InboundFlow
from telephony.calls.internal_call import InternalCallFlow
from telephony.calls.queue_flow import QueueFlow
from telephony.commands import EnterQueue
from telephony.config import CallCenterConfig
from telephony.events import CallArrived
from telephony.ivr.flow import flow_for_call
from telephony.recordings.policy import Policy, effective_policy

ConfigNow = Callable[[], CallCenterConfig]
RecordingOverride = Callable[[str], str | None]  # an agent's own recording policy, None: their queue's


class FlowFactory:
    def __init__(self, config: ConfigNow, recording_override: RecordingOverride, clock: Callable[[], datetime],
                 new_id: Callable[[], str], internal_ring_timeout: int, recording_format: str):
        """`config`: the call-center file as it is now; `recording_override`: AgentRoster.recording_override."""
        self._config = config
        self._recording_override = recording_override
        self._clock = clock
        self._new_id = new_id
        self._internal_ring_timeout = internal_ring_timeout
        self._recording_format = recording_format

    def __call__(self, arrived: CallArrived) -> CallFlow:
        if arrived.direction == "internal":
            return InternalCallFlow(arrived.channel_id, arrived.dialled, arrived.caller_number, arrived.caller_name,
                                    self._clock, self._internal_ring_timeout, adopted=arrived.adopted)
        config = self._config()
        return InboundFlow(flow_for_call(config, arrived, self._clock, self._new_id),
                           _QueueFlows(config, arrived, self._recording_override, self._clock, self._new_id,
                                       self._recording_format))


class _QueueFlows:
    """The queue flow an inbound call's IVR hands its caller to, under the call's own configuration."""

    def __init__(self, config: CallCenterConfig, arrived: CallArrived, recording_override: RecordingOverride,
                 clock: Callable[[], datetime], new_id: Callable[[], str], recording_format: str):
        self._config = config
        self._arrived = arrived
        self._recording_override = recording_override
        self._clock = clock
        self._new_id = new_id
        self._recording_format = recording_format

    def __call__(self, enter: EnterQueue, vip: bool) -> QueueFlow:
        """The IVR node's priority, else the queue's own; a VIP's raised to the queue's `vip_priority`."""
        arrived, queue_config = self._arrived, self._config.queues.get(enter.queue)
        priority = enter.priority if enter.priority is not None else (queue_config.priority if queue_config else 0)
        return QueueFlow(arrived.channel_id, enter.queue, arrived.caller_number, arrived.caller_name, self._clock,
                         self._new_id, priority=priority, skills=tuple(enter.skills),
                         recording_policy=self.recording_policy, record_from=self.record_from,
                         recording_format=self._recording_format,
                         vip_priority=queue_config.vip_priority if queue_config else None, vip=vip)

    def recording_policy(self, queue: str, agent_id: str | None) -> Policy:
        queue_config = self._config.queues.get(queue)
        return effective_policy(queue_config.recording if queue_config else "on_demand",
                                self._recording_override(agent_id) if agent_id else None)

    def record_from(self, queue: str) -> str:
        queue_config = self._config.queues.get(queue)
        return queue_config.record_from if queue_config else "answer"
