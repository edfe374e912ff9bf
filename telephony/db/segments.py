"""Interaction segments: who handled which stretch of a call (queue answer, transfer, conference, internal)."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

import asyncpg

from telephony.model import Segment


class SegmentStore:
    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    async def replace(self, interaction_id: UUID, segments: Iterable[Segment]) -> None:
        """Write the call's segments as they now stand; idempotent, so a retried write leaves no duplicates."""
        rows = [(interaction_id, _uuid(s.agent_id), s.target, s.kind, s.started, s.ended, s.outcome)
                for s in segments]
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM interaction_segments WHERE interaction_id = $1", interaction_id)
            await conn.executemany(
                """INSERT INTO interaction_segments (interaction_id, agent_id, target, kind, started_at, ended_at,
                                                     outcome)
                   VALUES ($1, $2, $3, $4, $5, $6, $7)""", rows)

    async def of(self, interaction_id: UUID) -> list[Segment]:
        rows = await self._pool.fetch(
            """SELECT agent_id, target, kind, started_at, ended_at, outcome FROM interaction_segments
               WHERE interaction_id = $1 ORDER BY started_at, id""", interaction_id)
        return [Segment(str(r["agent_id"]) if r["agent_id"] else None, r["target"], r["kind"], r["started_at"],
                        r["ended_at"], r["outcome"]) for r in rows]


def _uuid(agent_id: str | None) -> UUID | None:
    return UUID(agent_id) if agent_id else None
