"""A caller waiting in a queue who hangs up while no daemon runs (after a kill -9, or a graceful stop): the
next start closes their interaction as lost at the time the daemon last saw them alive, in their queue."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime

from tests.integration.rig import place_call_and_hang_up
from tests.integration.test_inbound_call import wait_for_row

MARK_INTERVAL = 2.0  # telephony.calls.liveness.LivenessMarks' default


async def lost_while_down(daemon, db, caller: str, sig: int) -> tuple[dict, datetime, datetime]:
    """Queue a call on 531, stop the daemon with `sig` once the call was seen in its queue, let the caller
    hang up while no daemon runs, start again; the closed row, the stop's and the restart's times."""
    call = asyncio.create_task(place_call_and_hang_up("531", caller, after_ms=7000))
    row = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = $1 AND last_queue = $2",
                             caller, "nl-wait")
    await asyncio.sleep(MARK_INTERVAL + 0.5)  # at least one more mark
    stopped_at = datetime.now(UTC)
    daemon.stop(sig)
    try:
        result = await call
        assert result.returncode == 0, result.stdout[-1500:]
        await asyncio.sleep(1)
    finally:
        restarted_at = datetime.now(UTC)
        daemon.start()
        await daemon.wait_healthy()
    closed = await wait_for_row(db, "SELECT * FROM interactions WHERE id = $1 AND ended_at IS NOT NULL",
                                row["id"])
    return closed, stopped_at, restarted_at


async def test_a_call_lost_during_a_crash_ends_when_last_seen_in_its_queue(daemon, db):
    closed, killed_at, restarted_at = await lost_while_down(daemon, db, "+4930531101", signal.SIGKILL)
    before_kill = (killed_at - closed["ended_at"]).total_seconds()
    print(f"\nlost row (kill -9): ended {before_kill:.2f} s before the kill, "
          f"{(restarted_at - closed['ended_at']).total_seconds():.2f} s before the restart; "
          f"queue {closed['queue']}")
    assert closed["outcome"] == "lost"
    assert closed["queue"] == "nl-wait"
    assert 0 <= before_kill <= MARK_INTERVAL + 0.5


async def test_a_call_lost_after_a_graceful_stop_ends_at_the_stop_in_its_queue(daemon, db):
    closed, stopped_at, restarted_at = await lost_while_down(daemon, db, "+4930531102", signal.SIGTERM)
    after_stop = (closed["ended_at"] - stopped_at).total_seconds()
    print(f"\nlost row (SIGTERM): ended {after_stop:.2f} s after the stop signal, "
          f"{(restarted_at - closed['ended_at']).total_seconds():.2f} s before the restart; "
          f"queue {closed['queue']}")
    assert closed["outcome"] == "lost"
    assert closed["queue"] == "nl-wait"
    assert 0 <= after_stop < 1
