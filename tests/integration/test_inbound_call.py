"""The first end-to-end path: a real SIP call from sipp through Asterisk into the daemon."""

from __future__ import annotations

import asyncio
import json

from tests.integration.rig import place_call

CALLER = "+4930123456"


async def wait_for_row(db, query: str, *args, timeout: float = 15):
    for _ in range(int(timeout * 10)):
        row = await db.fetchrow(query, *args)
        if row is not None:
            return row
        await asyncio.sleep(0.1)
    raise AssertionError(f"no row for {query} {args}")


async def test_healthz_reports_every_component_up(daemon):
    status, body = await daemon.health()
    assert status == 200
    assert body["components"] == {"ami": "up", "ari": "up", "database": "up"}


async def test_call_to_demo_did_is_answered_prompted_hung_up_and_recorded(daemon, db):
    result = await place_call("100", CALLER)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]

    row = await wait_for_row(
        db, "SELECT * FROM interactions WHERE caller_raw = $1 AND ended_at IS NOT NULL ORDER BY started_at DESC",
        CALLER,
    )
    assert row["direction"] == "inbound"
    assert row["dialled"] == "100"
    assert row["outcome"] == "ivr_completed"
    assert row["started_at"] <= row["answered_at"] <= row["ended_at"]
    # hello-world and vm-goodbye take about two seconds between them
    assert 1.0 < (row["ended_at"] - row["answered_at"]).total_seconds() < 10
    assert [step["node"] for step in json.loads(row["ivr_path"])] == ["welcome", "goodbye"]

    call_lines = [line for line in daemon.log_lines() if line.get("call_id") == row["channel_id"]]
    events = [line["event"] for line in call_lines]
    assert events[0] == "call.arrived"
    assert "call.command" in events and "call.ended" in events
    played = [line["media"] for line in call_lines if line.get("command") == "Play"]
    assert played == [["sound:hello-world"], ["sound:vm-goodbye"]]


async def test_no_secret_reaches_the_log(daemon, credentials):
    text = daemon.log_path.read_text()
    for name in ("TELEPHONY_AMI_SECRET", "TELEPHONY_ARI_PASSWORD", "TELEPHONY_SIP_AGENT_PASSWORD"):
        assert credentials[name] not in text


async def test_unknown_did_is_refused_politely(daemon, db):
    result = await place_call("999", "+4930999999")
    assert result.returncode == 0, result.stdout[-2000:]
    row = await wait_for_row(db, "SELECT * FROM interactions WHERE dialled = '999' AND ended_at IS NOT NULL")
    assert row["outcome"] == "refused"
