"""What a call's transfer reports as it goes, for the agents involved and the queue's supervisors
(published as `call.transfer.<what>` on the event stream)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

WHATS = ("started", "answered", "completed", "cancelled", "conference", "failed", "returned", "requeued")


@dataclass(frozen=True, slots=True)
class TransferReport:
    """`what`: started, answered (an attended target: consulting), completed, cancelled, conference,
    failed (with `reason`), returned (to the transferring agent), requeued (to `queue`)."""

    call_id: str
    what: str
    mode: str  # blind | attended
    queue: str
    agent_id: str  # the transferring agent
    target_kind: str
    target: str
    target_agent_id: str | None
    at: datetime
    reason: str = ""

    def payload(self) -> dict:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return data
