"""Tickets and their history: every status change is one history row, written with it."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from telephony.crm.model import StatusChange, Ticket, TicketHistoryEntry, TicketStatus

TICKET_COLUMNS = """t.id, t.customer_id, t.interaction_id, t.subject, t.status, t.owner_agent_id,
    t.follow_up_due, t.created_at, t.updated_at"""


class TicketStore:
    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    async def create(self, interaction_id: UUID, subject: str, owner_agent_id: UUID | None,
                     changed_by: str | None, note: str) -> Ticket | None:
        """A ticket for the interaction's customer; None when the interaction is unknown."""
        async with self._pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                f"""INSERT INTO tickets AS t (customer_id, interaction_id, subject, owner_agent_id)
                    SELECT customer_id, id, $2, $3 FROM interactions WHERE id = $1
                    RETURNING {TICKET_COLUMNS}""", interaction_id, subject, owner_agent_id)
            if row is None:
                return None
            await conn.execute(
                """INSERT INTO ticket_history (ticket_id, changed_by, from_status, to_status, note)
                   VALUES ($1, $2, NULL, 'open', $3)""", row["id"], changed_by, note)
        return await self.get(row["id"])

    async def current_status(self, ticket_id: UUID) -> TicketStatus | None:
        status = await self._pool.fetchval("SELECT status FROM tickets WHERE id = $1", ticket_id)
        return TicketStatus(status) if status else None

    async def apply(self, ticket_id: UUID, change: StatusChange, changed_by: str | None, note: str) -> bool:
        """Write a change decided by the state machine, only if the ticket is still in `change.previous`
        (False otherwise: someone changed it meanwhile, decide again)."""
        async with self._pool.acquire() as conn, conn.transaction():
            updated = await conn.fetchval(
                """UPDATE tickets SET status = $3, follow_up_due = $4, updated_at = now()
                   WHERE id = $1 AND status = $2 RETURNING id""",
                ticket_id, change.previous.value, change.status.value, change.follow_up_due)
            if updated is None:
                return False
            await conn.execute(
                """INSERT INTO ticket_history
                       (ticket_id, changed_by, from_status, to_status, follow_up_due, note)
                   VALUES ($1, $2, $3, $4, $5, $6)""",
                ticket_id, changed_by, change.previous.value, change.status.value, change.follow_up_due, note)
        return True

    async def get(self, ticket_id: UUID) -> Ticket | None:
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow(f"SELECT {TICKET_COLUMNS} FROM tickets t WHERE t.id = $1", ticket_id)
            if row is None:
                return None
            history = await conn.fetch(
                """SELECT changed_at, changed_by, from_status, to_status, follow_up_due, note
                   FROM ticket_history WHERE ticket_id = $1 ORDER BY changed_at, id""", ticket_id)
        entries = tuple(_history_entry(h) for h in history)
        return ticket_from_row(row, entries)

    async def follow_ups(self, owner_agent_id: UUID, until: datetime | None = None) -> list[Ticket]:
        rows = await self._pool.fetch(
            f"""SELECT {TICKET_COLUMNS} FROM tickets t
                WHERE t.owner_agent_id = $1 AND t.status = 'needs_follow_up'
                  AND ($2::timestamptz IS NULL OR t.follow_up_due <= $2)
                ORDER BY t.follow_up_due""", owner_agent_id, until)
        return [ticket_from_row(r) for r in rows]


def _history_entry(row) -> TicketHistoryEntry:
    previous = row["from_status"]
    return TicketHistoryEntry(**{**dict(row), "from_status": TicketStatus(previous) if previous else None,
                                 "to_status": TicketStatus(row["to_status"])})


def ticket_from_row(row, history: tuple[TicketHistoryEntry, ...] = ()) -> Ticket:
    return Ticket(**{**dict(row), "status": TicketStatus(row["status"]), "history": history})
