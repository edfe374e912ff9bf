"""Asterisk restarted under a running daemon with a call in progress: the daemon reconnects both links and
resyncs (channels reconciled over ARI, device states read again over AMI) within 5 s of Asterisk being back,
and keeps no ghost of the call Asterisk dropped."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import aiohttp

from tests.integration.rig import place_call_and_hang_up
from tests.integration.test_inbound_call import wait_for_row
from tests.integration.test_link_faults import first_line_after


async def calls_in_progress(daemon, headers) -> list[dict]:
    async with aiohttp.ClientSession() as http:
        async with http.get(daemon.url + "/api/v1/calls", headers=headers) as resp:
            assert resp.status == 200
            return (await resp.json())["calls"]


async def test_resynced_within_5_s_of_asterisk_being_back_with_no_ghost_call(daemon, asterisk, db,
                                                                             admin_headers):
    call = asyncio.create_task(place_call_and_hang_up("530", "+4930530301", after_ms=20000, timeout=40))
    row = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = '+4930530301'")
    assert any(c["channel_id"] == row["channel_id"] for c in await calls_in_progress(daemon, admin_headers))
    restarting_at = datetime.now(UTC)
    await asyncio.to_thread(asterisk.restart)
    back_at = datetime.now(UTC)
    down = await first_line_after(daemon, restarting_at, lambda line: line["event"] == "ari.disconnected", 10,
                                  "ARI disconnect")
    reconciled = await first_line_after(daemon, down, lambda line: line["event"] == "calls.reconciled", 10,
                                        "ARI resync")
    states = await first_line_after(daemon, down, lambda line: line["event"] == "device.states_loaded", 10,
                                    "AMI resync")
    resync = (max(reconciled, states) - back_at).total_seconds()
    print(f"\nAsterisk restart took {(back_at - restarting_at).total_seconds():.2f} s; "
          f"resynced {resync:.2f} s after it was back (channels {(reconciled - back_at).total_seconds():.2f} s, device states "
          f"{(states - back_at).total_seconds():.2f} s; negative: before local.sh saw it up)")
    assert resync < 5

    ended = await wait_for_row(db, "SELECT * FROM interactions WHERE id = $1 AND ended_at IS NOT NULL",
                               row["id"], timeout=10)
    assert ended["outcome"] is not None
    assert all(c["channel_id"] != row["channel_id"] for c in await calls_in_progress(daemon, admin_headers))
    status, body = await daemon.health()
    assert status == 200, body
    await call  # sipp saw its call dropped by the restart; its result does not matter here
