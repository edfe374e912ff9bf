"""The audit of agent administration: who created, edited or removed which agent, when, and what changed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    agent_id: UUID
    actor_id: UUID | None
    actor: str
    action: str  # created, edited, removed
    changes: dict[str, list[Any]]  # field -> [before, after]


class AgentAuditStore:
    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    async def append(self, entry: AuditEntry) -> None:
        await self._pool.execute(
            """INSERT INTO agent_audit (at, agent_id, actor_id, actor, action, changes)
               VALUES ($1, $2, $3, $4, $5, $6::jsonb)""",
            entry.at, entry.agent_id, entry.actor_id, entry.actor, entry.action,
            json.dumps(entry.changes, default=str))

    async def of(self, agent_id: UUID, limit: int = 100) -> list[AuditEntry]:
        rows = await self._pool.fetch(
            "SELECT * FROM agent_audit WHERE agent_id = $1 ORDER BY at DESC, id DESC LIMIT $2", agent_id, limit)
        return [AuditEntry(r["at"], r["agent_id"], r["actor_id"], r["actor"], r["action"],
                           json.loads(r["changes"])) for r in rows]
