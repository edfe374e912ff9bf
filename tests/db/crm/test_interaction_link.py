"""The call path's writer with the real stores: an inbound call's row carries its caller's customer."""

import uuid
from datetime import datetime, timezone

from telephony.calls.recorder import InteractionRecorder
from telephony.db.interactions import InteractionStore
from telephony.events import CallArrived


async def record_call(pool, crm, caller: str):
    recorder = InteractionRecorder(InteractionStore(pool), "c", identify=crm.identify_caller)
    now = datetime.now(timezone.utc)
    recorder.started(CallArrived(uuid.uuid4().hex, "inbound", "100", caller, "", now))
    recorder.ended(now, "ivr_completed", [])
    await recorder.finished()
    return await pool.fetchrow("SELECT * FROM interactions WHERE id = $1", recorder.interaction_id)


async def test_two_calls_written_differently_link_one_customer_whose_history_shows_both(pool, crm):
    suffix = f"{uuid.uuid4().int % 100:02d}{uuid.uuid4().int % 1000:03d}"
    first = await record_call(pool, crm, f"+49305{suffix}")
    second = await record_call(pool, crm, f"0305{suffix}")
    assert first["caller_e164"] == second["caller_e164"] == f"+49305{suffix}"
    assert first["customer_id"] is not None and first["customer_id"] == second["customer_id"]
    pop = await crm.screen_pop(first["customer_id"])
    assert {i.id for i in pop.interactions} >= {first["id"], second["id"]}


async def test_withheld_caller_row_keeps_raw_value_and_no_customer(pool, crm):
    row = await record_call(pool, crm, "anonymous")
    assert (row["caller_raw"], row["caller_e164"], row["customer_id"]) == ("anonymous", None, None)
