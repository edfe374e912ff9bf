"""The ticket state machine: the transitions allowed between the statuses (`crm.model.TicketStatus`), and
why not.

    open ──► needs_follow_up (due time required) ──► open / resolved / closed
      │                       ▲ (re-scheduled with a new due time)
      ├──► resolved ──► closed
      └──► closed
    resolved, closed ──► open (reopen)
"""

from __future__ import annotations

from datetime import datetime

from telephony.crm.model import FINISHED_STATUSES, StatusChange, TicketStatus
from telephony.errors import Refused


ALLOWED: dict[TicketStatus, frozenset[TicketStatus]] = {
    TicketStatus.OPEN: frozenset({TicketStatus.NEEDS_FOLLOW_UP, TicketStatus.RESOLVED, TicketStatus.CLOSED}),
    TicketStatus.NEEDS_FOLLOW_UP: frozenset(
        {TicketStatus.OPEN, TicketStatus.NEEDS_FOLLOW_UP, TicketStatus.RESOLVED, TicketStatus.CLOSED}
    ),
    TicketStatus.RESOLVED: frozenset({TicketStatus.OPEN, TicketStatus.CLOSED}),
    TicketStatus.CLOSED: frozenset({TicketStatus.OPEN}),
}


class TicketStatusRefused(Refused):
    """A status change the state machine refuses; `reason` says why, for the agent."""

    code = "invalid_transition"

    def __init__(self, current: TicketStatus, target: TicketStatus, reason: str):
        super().__init__(reason)
        self.current, self.target = current, target
        self.details = {"from": current.value, "to": target.value}


def transition(current: TicketStatus, target: TicketStatus, now: datetime,
               follow_up_due: datetime | None = None) -> StatusChange:
    current, target = TicketStatus(current), TicketStatus(target)
    if target not in ALLOWED[current]:
        if target == current:
            reason = f"the ticket is already {current.value}"
        else:
            reason = f"a {current.value} ticket cannot become {target.value}"
            if current in FINISHED_STATUSES:
                reason += "; reopen it first"
        raise TicketStatusRefused(current, target, reason)
    if target == TicketStatus.NEEDS_FOLLOW_UP:
        if follow_up_due is None:
            raise TicketStatusRefused(current, target, "needs_follow_up requires a follow-up due time")
        if follow_up_due <= now:
            raise TicketStatusRefused(current, target, "the follow-up due time must be in the future")
        return StatusChange(current, target, follow_up_due)
    if follow_up_due is not None:
        raise TicketStatusRefused(current, target, "a follow-up due time only goes with needs_follow_up")
    return StatusChange(current, target, None)
