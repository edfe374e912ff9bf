"""`call.transfer.<what>` (started, answered, completed, cancelled, conference, failed, returned, requeued):
to the transferring agent, the target agent and the supervisors of the call's queue (and of a target
queue)."""

from __future__ import annotations

from telephony.agent_roster import AgentRoster
from telephony.audience import Audience
from telephony.calls.transfer_reports import TransferReport
from telephony.notifiers.types import Publish
from telephony.requests import TargetKind

KINDS = (TransferReport,)


class TransferNotifier:
    def __init__(self, publish: Publish, roster: AgentRoster):
        self._publish = publish
        self._roster = roster

    def notify(self, report: TransferReport) -> None:
        audiences = [self._roster.audience(a) for a in (report.agent_id, report.target_agent_id) if a]
        users = [user for audience in audiences for user in audience.users]
        queues = [report.queue, *([report.target] if report.target_kind == TargetKind.QUEUE.value else [])]
        self._publish(f"call.transfer.{report.what}", report.payload(), Audience.of(users=users, queues=queues))
