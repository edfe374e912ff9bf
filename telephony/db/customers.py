"""Customers and their phone numbers; the interactions the CRM reads."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from telephony.crm.model import Customer, InteractionSummary, ScreenPop
from telephony.db.tickets import TICKET_COLUMNS, ticket_from_row
from telephony.errors import NotFound

CUSTOMER_COLUMNS = """c.id, c.name, c.company, c.email, c.notes, c.vip, c.created_at, c.updated_at,
    ARRAY(SELECT p.e164 FROM customer_phones p WHERE p.customer_id = c.id ORDER BY p.created_at, p.e164)
      AS phones"""

INTERACTION_COLUMNS = """i.id, i.direction, i.dialled, i.caller_raw, i.caller_e164, i.queue, i.agent_id,
    i.started_at, i.answered_at, i.ended_at, i.outcome, i.wait_seconds::float8 AS wait_seconds,
    i.talk_seconds::float8 AS talk_seconds, i.recording_ref"""


class _NumberTaken(Exception):
    """Rolls back a customer created for a number another call claimed first."""


class CustomerStore:
    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    async def find_by_phone(self, e164: str) -> Customer | None:
        row = await self._pool.fetchrow(
            f"""SELECT {CUSTOMER_COLUMNS} FROM customer_phones cp JOIN customers c ON c.id = cp.customer_id
                WHERE cp.e164 = $1""", e164)
        return _customer(row) if row else None

    async def find_or_create_by_phone(self, e164: str) -> tuple[Customer, bool]:
        """The customer owning this number, created when there is none; True when created.

        Race-free: the phone row is inserted ON CONFLICT DO NOTHING in the same transaction as its new
        customer; a concurrent first call waits on the unique key, finds it taken, rolls its customer back
        and reads the winner's.
        """
        found = await self.find_by_phone(e164)
        if found is not None:
            return found, False
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                customer_id = await conn.fetchval("INSERT INTO customers DEFAULT VALUES RETURNING id")
                won = await conn.fetchval(
                    """INSERT INTO customer_phones (e164, customer_id) VALUES ($1, $2)
                       ON CONFLICT (e164) DO NOTHING RETURNING customer_id""", e164, customer_id)
                if won is None:
                    raise _NumberTaken
            created = True
        except _NumberTaken:
            created = False
        found = await self.find_by_phone(e164)
        if found is None:
            # the winner's customer was merged away in between: vanishingly rare
            raise NotFound("customer", f"no customer has {e164}")
        return found, created

    async def get(self, customer_id: UUID) -> Customer | None:
        row = await self._pool.fetchrow(f"SELECT {CUSTOMER_COLUMNS} FROM customers c WHERE c.id = $1",
                                        customer_id)
        return _customer(row) if row else None

    async def search_by_name(self, prefix: str, limit: int) -> list[Customer]:
        rows = await self._pool.fetch(
            f"""SELECT {CUSTOMER_COLUMNS} FROM customers c WHERE lower(c.name) LIKE $1 || '%'
                ORDER BY lower(c.name), c.id LIMIT $2""", _escape_like(prefix.lower()), limit)
        return [_customer(r) for r in rows]

    async def update(self, customer_id: UUID, changes: dict) -> Customer | None:
        """Apply `changes` (keys from model.EDITABLE_FIELDS, checked by the caller)."""
        if not changes:
            return await self.get(customer_id)
        names = list(changes)
        assignments = ", ".join(f"{name} = ${i + 2}" for i, name in enumerate(names))
        async with self._pool.acquire() as conn:
            updated = await conn.fetchval(
                f"UPDATE customers SET {assignments}, updated_at = now() WHERE id = $1 RETURNING id",
                customer_id, *(changes[n] for n in names))
        return await self.get(updated) if updated else None

    async def add_phone(self, customer_id: UUID, e164: str) -> bool:
        """False when the number already belongs to someone (one customer per number)."""
        result = await self._pool.execute(
            """INSERT INTO customer_phones (e164, customer_id) SELECT $1, id FROM customers WHERE id = $2
               ON CONFLICT (e164) DO NOTHING""", e164, customer_id)
        return result.endswith(" 1")

    async def merge(self, survivor_id: UUID, loser_id: UUID) -> Customer | None:
        """Move the loser's numbers, interactions and tickets to the survivor, fill the survivor's empty
        fields from the loser's, and delete the loser; one transaction. None if either is unknown."""
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "SELECT * FROM customers WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE",
                [survivor_id, loser_id])
            if len(rows) != 2:
                return None
            loser = next(r for r in rows if r["id"] == loser_id)
            await conn.execute("UPDATE customer_phones SET customer_id = $1 WHERE customer_id = $2",
                               survivor_id, loser_id)
            await conn.execute("UPDATE interactions SET customer_id = $1 WHERE customer_id = $2",
                               survivor_id, loser_id)
            await conn.execute("UPDATE tickets SET customer_id = $1 WHERE customer_id = $2",
                               survivor_id, loser_id)
            await conn.execute(
                """UPDATE customers SET
                       name = CASE WHEN name = '' THEN $2 ELSE name END,
                       company = CASE WHEN company = '' THEN $3 ELSE company END,
                       email = CASE WHEN email = '' THEN $4 ELSE email END,
                       notes = CASE WHEN $5 = '' THEN notes WHEN notes = '' THEN $5
                                    ELSE left(notes || E'\n\n' || $5, 10000) END,
                       vip = vip OR $6, updated_at = now()
                   WHERE id = $1""",
                survivor_id, loser["name"], loser["company"], loser["email"], loser["notes"], loser["vip"])
            await conn.execute("DELETE FROM customers WHERE id = $1", loser_id)
        return await self.get(survivor_id)

    async def interactions(self, customer_id: UUID, limit: int) -> list[InteractionSummary]:
        """The customer's history: calls with the customer, never agents' internal calls."""
        rows = await self._pool.fetch(
            f"""SELECT {INTERACTION_COLUMNS} FROM interactions i
                WHERE i.customer_id = $1 AND i.direction <> 'internal'
                ORDER BY i.started_at DESC LIMIT $2""", customer_id, limit)
        return [InteractionSummary(**dict(r)) for r in rows]

    async def screen_pop(self, customer_id: UUID, history: int = 10) -> ScreenPop | None:
        """The customer, their last `history` interactions and their open tickets: one round trip."""
        async with self._pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
            row = await conn.fetchrow(f"SELECT {CUSTOMER_COLUMNS} FROM customers c WHERE c.id = $1",
                                      customer_id)
            if row is None:
                return None
            interactions = await conn.fetch(
                f"""SELECT {INTERACTION_COLUMNS} FROM interactions i
                    WHERE i.customer_id = $1 AND i.direction <> 'internal'
                    ORDER BY i.started_at DESC LIMIT $2""", customer_id, history)
            tickets = await conn.fetch(
                f"""SELECT {TICKET_COLUMNS} FROM tickets t
                    WHERE t.customer_id = $1 AND t.status IN ('open', 'needs_follow_up')
                    ORDER BY t.created_at DESC""", customer_id)
        return ScreenPop(_customer(row), tuple(InteractionSummary(**dict(r)) for r in interactions),
                         tuple(ticket_from_row(r) for r in tickets))


def _customer(row) -> Customer:
    return Customer(**{**dict(row), "phones": tuple(row["phones"])})


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
