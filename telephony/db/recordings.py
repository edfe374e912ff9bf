"""Recordings: one row per finished file, listed and looked up for the API, pruned by age."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

import asyncpg


@dataclass(frozen=True, slots=True)
class Recording:
    id: UUID
    interaction_id: UUID | None
    call_id: str
    agent_id: UUID | None
    agent_user_id: UUID | None
    queue: str | None
    path: str
    format: str
    started_at: datetime
    ended_at: datetime
    duration_seconds: float
    size_bytes: int
    paused_spans: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"id": self.id, "interaction_id": self.interaction_id, "call_id": self.call_id,
                "agent_id": self.agent_id, "queue": self.queue, "format": self.format,
                "started_at": self.started_at, "ended_at": self.ended_at,
                "duration_seconds": self.duration_seconds, "size_bytes": self.size_bytes,
                "paused_spans": self.paused_spans}


@dataclass(frozen=True, slots=True)
class NewRecording:
    call_id: str
    agent_id: str | None
    queue: str | None
    path: str
    format: str
    started_at: datetime
    ended_at: datetime
    duration_seconds: float
    size_bytes: int
    paused_spans: list[dict]


_SELECT = """SELECT r.*, a.user_id AS agent_user_id FROM recordings r LEFT JOIN agents a ON a.id = r.agent_id"""


class RecordingStore:
    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    async def add(self, new: NewRecording) -> UUID:
        """Store a finished file; its interaction is the call's (by channel id). Idempotent on the path, so a
        retried write leaves one row."""
        return await self._pool.fetchval(
            """INSERT INTO recordings (interaction_id, call_id, agent_id, queue, path, format, started_at, ended_at,
                                       duration_seconds, size_bytes, paused_spans)
               VALUES ((SELECT id FROM interactions WHERE channel_id = $1), $1, $2, $3, $4, $5, $6, $7, $8, $9,
                       $10::jsonb)
               ON CONFLICT (path) DO UPDATE SET size_bytes = EXCLUDED.size_bytes
               RETURNING id""",
            new.call_id, UUID(new.agent_id) if new.agent_id else None, new.queue, new.path, new.format,
            new.started_at, new.ended_at, new.duration_seconds, new.size_bytes, json.dumps(new.paused_spans))

    async def interaction_of(self, call_id: str) -> UUID | None:
        return await self._pool.fetchval("SELECT id FROM interactions WHERE channel_id = $1", call_id)

    async def call_facts(self, call_id: str) -> dict | None:
        """What the interaction of a call says of it: its agent, queue and end, for a recording found
        without its notes (the daemon was down when it finished)."""
        row = await self._pool.fetchrow(
            "SELECT agent_id, queue, answered_at, ended_at FROM interactions WHERE channel_id = $1", call_id)
        return dict(row) if row else None

    async def get(self, recording_id: UUID) -> Recording | None:
        row = await self._pool.fetchrow(f"{_SELECT} WHERE r.id = $1", recording_id)
        return None if row is None else _recording(row)

    async def list(self, *, interaction_id: UUID | None = None, agent_ids: list[UUID] | None = None,
                   queues: list[str] | None = None, since: datetime | None = None, until: datetime | None = None,
                   limit: int = 100) -> list[Recording]:
        """Newest first. `agent_ids` and `queues` together mean either: an agent's own, or a queue's."""
        rows = await self._pool.fetch(
            f"""{_SELECT}
                WHERE ($1::uuid IS NULL OR r.interaction_id = $1)
                  AND ($2::uuid[] IS NULL AND $3::text[] IS NULL
                       OR r.agent_id = ANY($2::uuid[]) OR r.queue = ANY($3::text[]))
                  AND ($4::timestamptz IS NULL OR r.started_at >= $4)
                  AND ($5::timestamptz IS NULL OR r.started_at < $5)
                ORDER BY r.started_at DESC LIMIT $6""",
            interaction_id, agent_ids, queues, since, until, limit)
        return [_recording(r) for r in rows]

    async def older_than(self, cutoff: datetime) -> list[Recording]:
        rows = await self._pool.fetch(f"{_SELECT} WHERE r.ended_at < $1 ORDER BY r.started_at", cutoff)
        return [_recording(r) for r in rows]

    async def delete(self, recording_ids: list[UUID]) -> int:
        result = await self._pool.execute("DELETE FROM recordings WHERE id = ANY($1::uuid[])", recording_ids)
        return int(result.split()[-1])


def _recording(row) -> Recording:
    return Recording(row["id"], row["interaction_id"], row["call_id"], row["agent_id"], row["agent_user_id"],
                     row["queue"], row["path"], row["format"], row["started_at"], row["ended_at"],
                     row["duration_seconds"], row["size_bytes"], json.loads(row["paused_spans"]))
