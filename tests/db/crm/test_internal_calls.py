"""Internal calls are logged but are no customer interactions: no customer on their rows, and never in a
customer's history or screen pop."""

import uuid
from datetime import datetime, timedelta, timezone

from telephony.calls.recorder import InteractionRecorder
from telephony.db.interactions import InteractionStore
from telephony.events import CallArrived
from tests.db.crm.conftest import add_interaction


async def test_an_internal_call_is_written_without_identifying_a_customer(pool, crm):
    identified = []

    async def identify(raw):
        identified.append(raw)
        return await crm.identify_caller(raw)

    recorder = InteractionRecorder(InteractionStore(pool), "c", identify=identify)
    now = datetime.now(timezone.utc)
    recorder.started(CallArrived(uuid.uuid4().hex, "internal", "2472", "1001", "Ann", now))
    recorder.ended(now, "answered", [])
    await recorder.finished()
    row = await pool.fetchrow("SELECT * FROM interactions WHERE id = $1", recorder.interaction_id)
    assert (row["direction"], row["customer_id"], row["outcome"]) == ("internal", None, "answered")
    assert identified == []


async def test_customer_history_and_screen_pop_leave_internal_calls_out(pool, crm):
    caller = f"+49306{uuid.uuid4().int % 10**6:06d}"
    customer = (await crm.identify_caller(caller)).customer
    now = datetime.now(timezone.utc)
    inbound = await add_interaction(pool, customer.id, caller, caller, started_at=now - timedelta(minutes=5))
    internal = await pool.fetchval(
        """INSERT INTO interactions (channel_id, direction, dialled, caller_raw, customer_id, started_at)
           VALUES ($1, 'internal', '2472', '1001', $2, $3) RETURNING id""", uuid.uuid4().hex, customer.id, now)
    history = {i.id for i in await crm.interactions(customer.id)}
    assert inbound in history and internal not in history
    pop = await crm.screen_pop(customer.id)
    assert {i.id for i in pop.interactions} == {inbound}
