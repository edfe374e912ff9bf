"""The call log (table call_events): appended to, never changed; read back for reports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from telephony.call_events import CallEvent, CallEventKind

_COLUMNS = ("call_id", "kind", "at", "queue", "agent_id", "offer_id", "wait_seconds", "talk_seconds", "priority",
            "arrived_at", "outcome", "target", "mode", "reason")


def _agent_uuid(agent_id: str | None) -> UUID | None:
    """Agents are known by their uuid; anything else (a test's name, an extension) is not an agent row."""
    if agent_id is None:
        return None
    try:
        return UUID(agent_id)
    except ValueError:
        return None


class CallEventStore:
    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    async def append(self, events: Sequence[CallEvent]) -> None:
        await self._pool.executemany(
            f"INSERT INTO call_events ({', '.join(_COLUMNS)}) VALUES "
            f"({', '.join(f'${i}' for i in range(1, len(_COLUMNS) + 1))})",
            [(e.call_id, e.kind.value, e.at, e.queue, _agent_uuid(e.agent_id), e.offer_id, e.wait_seconds,
              e.talk_seconds, e.priority, e.arrived_at, e.outcome, e.target, e.mode, e.reason) for e in events],
        )

    async def of_call(self, call_id: str) -> list[CallEvent]:
        rows = await self._pool.fetch("SELECT * FROM call_events WHERE call_id = $1 ORDER BY id", call_id)
        return [call_event(r) for r in rows]

    async def of_calls_touching(self, start: datetime, end: datetime,
                                queues: Iterable[str] | None = None) -> list[CallEvent]:
        """Every row, in the order written, of the calls with a row in [start, end) (in `queues`, if given):
        a call that began before `start` or goes on after `end` comes whole, for the reports to place."""
        rows = await self._pool.fetch(
            """WITH calls AS (SELECT DISTINCT call_id FROM call_events
                              WHERE at >= $1 AND at < $2 AND ($3::text[] IS NULL OR queue = ANY($3)))
               SELECT e.* FROM call_events e JOIN calls USING (call_id) ORDER BY e.id""",
            start, end, None if queues is None else list(queues),
        )
        return [call_event(r) for r in rows]


def call_event(row) -> CallEvent:
    agent_id = row["agent_id"]
    return CallEvent(row["call_id"], CallEventKind(row["kind"]), row["at"], row["queue"],
                     None if agent_id is None else str(agent_id), row["offer_id"], row["wait_seconds"],
                     row["talk_seconds"], row["priority"], row["arrived_at"], row["outcome"], row["target"],
                     row["mode"], row["reason"])
