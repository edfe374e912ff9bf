"""Asterisk restarted under a running daemon with a call in progress: the daemon reconnects both links and
resyncs (channels reconciled over ARI, device states read again over AMI) within 5 s of Asterisk being back,
and keeps no ghost of the call Asterisk dropped."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import aiohttp

from tests.integration.rig import AgentPhone, place_call_and_hang_up
from tests.integration.test_acd import Agent, wait_until
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
    channels, devices = ((t - back_at).total_seconds() for t in (reconciled, states))
    took = (back_at - restarting_at).total_seconds()
    print(f"\nAsterisk restart took {took:.2f} s; resynced {resync:.2f} s after it was back (channels "
          f"{channels:.2f} s, device states {devices:.2f} s; negative: before local.sh saw it up)")
    assert resync < 5

    ended = await wait_for_row(db, "SELECT * FROM interactions WHERE id = $1 AND ended_at IS NOT NULL",
                               row["id"], timeout=10)
    assert ended["outcome"] is not None
    assert all(c["channel_id"] != row["channel_id"] for c in await calls_in_progress(daemon, admin_headers))
    status, body = await daemon.health()
    assert status == 200, body
    await call  # sipp saw its call dropped by the restart; its result does not matter here


async def test_an_agent_rung_when_asterisk_restarts_is_not_left_ringing(daemon, asterisk, db, credentials,
                                                                        admin_headers):
    async with aiohttp.ClientSession() as http:
        phone = AgentPhone("2850", credentials["TELEPHONY_SIP_AGENT_PASSWORD"])
        ada = await Agent(daemon, http, phone).create(admin_headers, "nl-ada", {"nl-ring": 0})
        await ada.phone.register()
        await ada.phone.start("agent_rings.xml", timeout=40)
        await ada.listen()
        await ada.log_in()
        try:
            call = asyncio.create_task(place_call_and_hang_up("532", "+4930532001", after_ms=20000,
                                                              timeout=40))
            await wait_until(lambda: ada.states()[-1:] == ["ringing"], what="the offer")
            restarting_at = datetime.now(UTC)
            await asyncio.to_thread(asterisk.restart)
            back_at = datetime.now(UTC)
            await first_line_after(daemon, restarting_at, lambda line: line["event"] == "calls.reconciled",
                                   10, "ARI resync")
            await wait_until(lambda: ada.states()[-1:] != ["ringing"], timeout=10, what="the offer to end")
            state = await ada.state()
            since_back = (datetime.now(UTC) - back_at).total_seconds()
            print(f"\nagent rung during the restart: {' -> '.join(ada.states())}; "
                  f"now {state['state']} {since_back:.2f} s after Asterisk was back")
            assert state["state"] != "ringing"
            assert await calls_in_progress(daemon, admin_headers) == []
            await call
        finally:
            await ada.close()
