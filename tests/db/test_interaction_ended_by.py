"""Who ended the call is stored on the interaction's row, and only the words of CallEnder are accepted."""

import uuid
from datetime import datetime, timezone

import asyncpg
import pytest

from telephony.causes import CallEnder
from telephony.db.interactions import InteractionStore


async def test_the_row_keeps_who_ended_the_call(pool):
    store, now = InteractionStore(pool), datetime.now(timezone.utc)
    iid = await store.start(uuid.uuid4().hex, "inbound", "700", "+4930700001", "", now)
    await store.ended(iid, now, "answered", [], ended_by=CallEnder.API.value)
    assert await pool.fetchval("SELECT ended_by FROM interactions WHERE id = $1", iid) == "api"


async def test_an_unknown_ender_is_refused_by_the_database(pool):
    store, now = InteractionStore(pool), datetime.now(timezone.utc)
    iid = await store.start(uuid.uuid4().hex, "inbound", "700", "+4930700001", "", now)
    with pytest.raises(asyncpg.CheckViolationError):
        await store.ended(iid, now, "answered", [], ended_by="the cat")
    assert {e.value for e in CallEnder} == {"caller", "agent", "api", "supervisor", "system"}
