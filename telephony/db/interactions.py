"""Interactions: one row per call, written as the call goes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from telephony.db.voicemails import insert_voicemail


@dataclass(frozen=True, slots=True)
class OpenInteraction:
    id: UUID
    channel_id: str


class InteractionStore:
    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    async def start(self, channel_id: str, direction: str, dialled: str, caller_raw: str, caller_name: str,
                    started_at: datetime, caller_e164: str | None = None,
                    customer_id: UUID | None = None) -> UUID:
        """Create the row, or return the existing one for this channel (a call adopted after a restart)."""
        return await self._pool.fetchval(
            """INSERT INTO interactions (channel_id, direction, dialled, caller_raw, caller_name, started_at,
                                         caller_e164, customer_id)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
               ON CONFLICT (channel_id) DO UPDATE SET
                   caller_e164 = coalesce(interactions.caller_e164, EXCLUDED.caller_e164),
                   customer_id = coalesce(interactions.customer_id, EXCLUDED.customer_id)
               RETURNING id""",
            channel_id, direction, dialled, caller_raw, caller_name, started_at, caller_e164, customer_id,
        )

    async def answered(self, interaction_id: UUID, at: datetime) -> None:
        await self._pool.execute(
            "UPDATE interactions SET answered_at = coalesce(answered_at, $2) WHERE id = $1", interaction_id, at
        )

    async def ended(self, interaction_id: UUID, at: datetime, outcome: str, ivr_path: list[dict],
                    ivr_data: dict | None = None, voicemail=None, ended_by: str | None = None) -> None:
        """Close the row with the IVR's path and data, who ended the call, and store the voicemail left on
        the call, at once."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                """UPDATE interactions SET ended_at = greatest($2, started_at), outcome = $3, ivr_path = $4::jsonb,
                          ivr_data = $5::jsonb, ended_by = $6
                   WHERE id = $1 AND ended_at IS NULL""",
                interaction_id, at, outcome, json.dumps(ivr_path), json.dumps(ivr_data or {}), ended_by,
            )
            if voicemail is not None:
                await insert_voicemail(conn, interaction_id, voicemail)

    async def queue_result(self, channel_id: str, queue: str, agent_id: str | None = None,
                           wait_seconds: float | None = None, talk_seconds: float | None = None) -> None:
        """What the ACD did with the call: its queue, the agent who took it, the wait and the talk time."""
        await self._pool.execute(
            """UPDATE interactions SET queue = $2, agent_id = coalesce($3::uuid, agent_id),
                   wait_seconds = coalesce($4, wait_seconds), talk_seconds = coalesce($5, talk_seconds)
               WHERE channel_id = $1""",
            channel_id, queue, agent_id, wait_seconds, talk_seconds,
        )

    async def open_interactions(self) -> list[OpenInteraction]:
        rows = await self._pool.fetch("SELECT id, channel_id FROM interactions WHERE ended_at IS NULL")
        return [OpenInteraction(r["id"], r["channel_id"]) for r in rows]

    async def close_lost(self, interaction_ids: list[UUID]) -> int:
        """Close calls that vanished from Asterisk while we were not watching: at the time the daemon last
        saw them alive and in the queue they were last in (telephony/calls/liveness.py), or, never seen
        since, when they started or were answered."""
        result = await self._pool.execute(
            """UPDATE interactions SET ended_at = greatest(started_at, answered_at, last_seen_at),
                      queue = coalesce(queue, last_queue), outcome = 'lost'
               WHERE id = ANY($1::uuid[]) AND ended_at IS NULL""",
            interaction_ids,
        )
        return int(result.split()[-1])
