"""A call that vanished while no daemon watched it: closed as lost when it was last seen alive, in the queue
it was last in (the liveness marks), not at the next start's time with no queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from telephony.db.interactions import InteractionStore
from telephony.db.liveness import LivenessStore

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_a_lost_call_ends_when_last_seen_alive_in_its_last_queue(pool):
    interactions, liveness = InteractionStore(pool), LivenessStore(pool)
    waiting = await interactions.start("nl-lost-1", "inbound", "531", "+4930531001", "", T0)
    in_ivr = await interactions.start("nl-lost-2", "inbound", "531", "+4930531002", "", T0)
    never_seen = await interactions.start("nl-lost-3", "inbound", "531", "+4930531003", "", T0)
    await interactions.answered(never_seen, T0 + timedelta(seconds=1))
    marked = await liveness.seen_alive([("nl-lost-1", "nl-wait"), ("nl-lost-2", None)],
                                       T0 + timedelta(seconds=4))
    assert marked == 2
    # Out of the queue again (a transfer to a person, say): the queue it was last in stays.
    await liveness.seen_alive([("nl-lost-1", None), ("nl-lost-2", None)], T0 + timedelta(seconds=6))
    # A late mark never moves the time back.
    await liveness.seen_alive([("nl-lost-1", None)], T0 + timedelta(seconds=5))

    assert await interactions.close_lost([waiting, in_ivr, never_seen]) == 3
    rows = {r["id"]: r for r in await pool.fetch(
        "SELECT id, ended_at, queue, outcome FROM interactions WHERE id = ANY($1::uuid[])",
        [waiting, in_ivr, never_seen])}
    assert {r["outcome"] for r in rows.values()} == {"lost"}
    assert (rows[waiting]["ended_at"], rows[waiting]["queue"]) == (T0 + timedelta(seconds=6), "nl-wait")
    assert (rows[in_ivr]["ended_at"], rows[in_ivr]["queue"]) == (T0 + timedelta(seconds=6), None)
    assert rows[never_seen]["ended_at"] == T0 + timedelta(seconds=1)


async def test_a_queue_the_acd_recorded_is_kept_and_closed_rows_are_not_marked(pool):
    interactions, liveness = InteractionStore(pool), LivenessStore(pool)
    connected = await interactions.start("nl-lost-4", "inbound", "531", "+4930531004", "", T0)
    await interactions.queue_result("nl-lost-4", "nl-wait", wait_seconds=2.0)
    await liveness.seen_alive([("nl-lost-4", "nl-other")], T0 + timedelta(seconds=3))
    await interactions.close_lost([connected])
    assert await pool.fetchval("SELECT queue FROM interactions WHERE id = $1", connected) == "nl-wait"
    assert await liveness.seen_alive([("nl-lost-4", "nl-wait")], T0 + timedelta(seconds=9)) == 0
    assert await liveness.seen_alive([], T0) == 0
