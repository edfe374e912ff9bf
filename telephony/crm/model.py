"""The CRM's types, as the stores return them and the API serialises them."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

EDITABLE_FIELDS = ("name", "company", "email", "notes", "vip")


def json_default(value):
    """For json.dumps of these types: ids and enums as strings, times in ISO 8601."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"not serialisable: {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class Customer:
    id: UUID
    name: str
    company: str
    email: str
    notes: str
    vip: bool
    created_at: datetime
    updated_at: datetime
    phones: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InteractionSummary:
    id: UUID
    direction: str
    dialled: str
    caller_raw: str
    caller_e164: str | None
    queue: str | None
    agent_id: UUID | None
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    outcome: str | None
    wait_seconds: float | None
    talk_seconds: float | None
    recording_ref: str | None


class TicketStatus(str, enum.Enum):
    OPEN = "open"
    NEEDS_FOLLOW_UP = "needs_follow_up"
    RESOLVED = "resolved"
    CLOSED = "closed"


OPEN_STATUSES = frozenset({TicketStatus.OPEN, TicketStatus.NEEDS_FOLLOW_UP})
FINISHED_STATUSES = frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED})


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A status change the ticket state machine (`crm.tickets.transition`) allowed, as the store writes it."""

    previous: TicketStatus
    status: TicketStatus
    follow_up_due: datetime | None

    @property
    def finishes(self) -> bool:
        """Closing or resolving: the moment a feedback request may be sent."""
        return self.status in FINISHED_STATUSES and self.previous not in FINISHED_STATUSES


@dataclass(frozen=True, slots=True)
class TicketHistoryEntry:
    changed_at: datetime
    changed_by: str | None
    from_status: TicketStatus | None
    to_status: TicketStatus
    follow_up_due: datetime | None
    note: str


@dataclass(frozen=True, slots=True)
class Ticket:
    id: UUID
    customer_id: UUID | None
    interaction_id: UUID | None
    subject: str
    status: TicketStatus
    owner_agent_id: UUID | None
    follow_up_due: datetime | None
    created_at: datetime
    updated_at: datetime
    history: tuple[TicketHistoryEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class ScreenPop:
    """What an agent sees when a call is offered and when it is answered."""

    customer: Customer
    interactions: tuple[InteractionSummary, ...]
    open_tickets: tuple[Ticket, ...]


@dataclass(frozen=True, slots=True)
class CallerIdentity:
    """The caller as the call path knows them: no number and no customer for a withheld or junk id."""

    e164: str | None
    customer: Customer | None = None
    created: bool = field(default=False)
