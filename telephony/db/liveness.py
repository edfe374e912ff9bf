"""The interactions' liveness marks: when the daemon last saw each call alive, and in which queue.

Two columns of their own (last_seen_at, last_queue), written by nothing else, so that these periodic
marks never race the call's ordered writes; close_lost reads them."""

from __future__ import annotations

from datetime import datetime

import asyncpg


class LivenessStore:
    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    async def seen_alive(self, calls: list[tuple[str, str | None]], at: datetime) -> int:
        """Mark the open interactions of these (channel id, queue or None) calls as alive at `at`; a call
        out of any queue keeps the last queue it was seen in. Returns how many rows were marked."""
        if not calls:
            return 0
        channel_ids, queues = zip(*calls)
        result = await self._pool.execute(
            """UPDATE interactions AS i SET last_seen_at = greatest(i.last_seen_at, $3),
                      last_queue = coalesce(m.queue, i.last_queue)
               FROM unnest($1::text[], $2::text[]) AS m(channel_id, queue)
               WHERE i.channel_id = m.channel_id AND i.ended_at IS NULL""",
            list(channel_ids), list(queues), at,
        )
        return int(result.split()[-1])
