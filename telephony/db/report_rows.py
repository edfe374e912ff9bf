"""The rows reports are computed from, besides the call log: the interactions' facts and the agent state log."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from telephony.model import AgentState, StateChanged
from telephony.call_events import InteractionFacts


class ReportRows:
    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    async def interactions(self, start: datetime, end: datetime) -> list[InteractionFacts]:
        rows = await self._pool.fetch(
            """SELECT channel_id, direction, started_at, outcome,
                      ivr_path @> '[{"note": "closed"}]'::jsonb AS closed_hours
               FROM interactions WHERE started_at >= $1 AND started_at < $2 ORDER BY started_at""",
            start, end)
        return [InteractionFacts(r["channel_id"], r["direction"], r["started_at"], r["outcome"], r["closed_hours"])
                for r in rows]

    async def agent_states(self, start: datetime, end: datetime) -> list[StateChanged]:
        """The state changes in [start, end), each agent's last one before `start` first, in order."""
        rows = await self._pool.fetch(
            """(SELECT DISTINCT ON (agent_id) * FROM agent_state_log WHERE at < $1 ORDER BY agent_id, at DESC, id DESC)
               UNION ALL
               (SELECT * FROM agent_state_log WHERE at >= $1 AND at < $2)
               ORDER BY at, id""",
            start, end)
        return [StateChanged(str(r["agent_id"]), AgentState(r["previous_state"]), AgentState(r["state"]),
                             r["reason"], r["at"], r["cause"], r["previous_reason"]) for r in rows]

    async def agent_names(self) -> dict[str, str]:
        return {str(r["id"]): r["name"] for r in await self._pool.fetch("SELECT id, name FROM agents")}

    async def agent_of_user(self, user_id) -> str | None:
        agent_id = await self._pool.fetchval("SELECT id FROM agents WHERE user_id = $1", user_id)
        return None if agent_id is None else str(agent_id)
