"""Asterisk and the daemon going away and coming back: nothing needs a restart, nothing is lost."""

from __future__ import annotations

import asyncio
import signal

from tests.integration.rig import place_call, place_call_and_hang_up
from tests.integration.test_inbound_call import wait_for_row


async def wait_for(predicate, timeout: float = 15, what: str = "condition"):
    for _ in range(int(timeout * 10)):
        if predicate():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def wait_for_adoption(daemon, call_id: str) -> None:
    """The restarted daemon has met the call again in Asterisk and taken it back (adopted)."""
    await wait_for(lambda: any(line["event"] == "call.arrived" and line.get("adopted")
                               and line.get("call_id") == call_id for line in daemon.log_lines()),
                   what="adoption")


async def interaction_of(db, caller: str):
    return await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = $1", caller)


async def test_asterisk_restart_needs_no_daemon_restart(daemon, asterisk, db):
    await asyncio.to_thread(asterisk.restart)
    await wait_for(lambda: any(line["event"] == "ari.connected" and line.get("reconnect")
                               for line in daemon.log_lines()), what="ARI reconnect")
    await daemon.wait_healthy(timeout=30)
    assert any(line["event"] == "ami.connected" and line.get("reconnect") for line in daemon.log_lines())

    result = await place_call("100", "+4930100001")
    assert result.returncode == 0, result.stdout[-1500:]
    row = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = '+4930100001' AND ended_at IS NOT NULL")
    assert row["outcome"] == "ivr_completed"


async def test_healthz_names_what_is_down(daemon, asterisk):
    await asyncio.to_thread(asterisk.stop)
    try:
        for _ in range(100):
            status, body = await daemon.health()
            if status == 503:
                break
            await asyncio.sleep(0.1)
        assert status == 503
        assert set(body["down"]) == {"ami", "ari"}
        assert body["components"]["database"] == "up"
    finally:
        await asyncio.to_thread(asterisk.start)
        await daemon.wait_healthy(timeout=30)


async def test_caller_hears_fallback_while_daemon_is_down(daemon, db):
    daemon.stop()
    try:
        result = await place_call("100", "+4930100002")
        assert result.returncode == 0, result.stdout[-1500:]
    finally:
        daemon.start()
        await daemon.wait_healthy()
    assert await db.fetchval("SELECT count(*) FROM interactions WHERE caller_raw = '+4930100002'") == 0


async def test_call_that_ends_while_daemon_is_down_is_closed_as_lost(daemon, db):
    call = asyncio.create_task(place_call_and_hang_up("200", "+4930100003", after_ms=3000))
    row = await interaction_of(db, "+4930100003")
    assert row["ended_at"] is None
    daemon.stop(signal.SIGKILL)
    try:
        result = await call
        assert result.returncode == 0, result.stdout[-1500:]
    finally:
        daemon.start()
        await daemon.wait_healthy()
    closed = await wait_for_row(db, "SELECT * FROM interactions WHERE id = $1 AND ended_at IS NOT NULL", row["id"])
    assert closed["outcome"] == "lost"


async def test_call_in_progress_is_adopted_after_daemon_restart(daemon, db):
    call = asyncio.create_task(place_call_and_hang_up("200", "+4930100004", after_ms=8000))
    row = await interaction_of(db, "+4930100004")
    daemon.stop(signal.SIGKILL)
    daemon.start()
    await daemon.wait_healthy()
    await wait_for_adoption(daemon, row["channel_id"])
    result = await call
    assert result.returncode == 0, result.stdout[-1500:]
    ended = await wait_for_row(db, "SELECT * FROM interactions WHERE id = $1 AND ended_at IS NOT NULL", row["id"])
    assert ended["outcome"] == "abandoned"
    assert await db.fetchval("SELECT count(*) FROM interactions WHERE caller_raw = '+4930100004'") == 1
