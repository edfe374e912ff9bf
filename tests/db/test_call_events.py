"""The call log's SQL: rows come back in the order written, whole per call; rows are never updated."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from telephony.call_events import CallEvent, CallEventKind as K
from telephony.db.call_events import CallEventStore

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def store(db):
    await db.execute("TRUNCATE call_events")
    return CallEventStore(db)


async def test_rows_come_back_as_written_and_a_call_comes_whole(store):
    agent = str(uuid.uuid4())
    later = T0 + timedelta(hours=2)
    rows = [CallEvent("c1", K.QUEUED, T0, "q", priority=3, arrived_at=T0),
            CallEvent("c1", K.OFFERED, T0, "q", agent, "o1"),
            CallEvent("c1", K.ANSWERED, later, "q", agent, wait_seconds=7200.0),
            CallEvent("c2", K.QUEUED, later, "q2", arrived_at=later)]
    await store.append(rows[:2])
    await store.append(rows[2:])
    assert await store.of_call("c1") == rows[:3]
    assert await store.of_calls_touching(T0, T0 + timedelta(hours=1)) == rows[:3]  # c1 whole, c2 not
    assert await store.of_calls_touching(later, later + timedelta(seconds=1), queues=["q2"]) == rows[3:]


async def test_the_log_is_append_only(store, db):
    await store.append([CallEvent("c1", K.QUEUED, T0, "q")])
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await db.execute("UPDATE call_events SET queue = 'other'")
