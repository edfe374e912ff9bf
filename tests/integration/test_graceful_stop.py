"""A graceful stop (SIGTERM, SIGINT) of the real daemon: quick with events sockets open or not, and the calls
in progress are released to Asterisk, not hung up, so that the next start adopts them."""

from __future__ import annotations

import asyncio
import signal
import time

import aiohttp
import pytest

from tests.integration.ari_view import ari  # noqa: F401  (fixture)
from tests.integration.rig import place_call_and_hang_up
from tests.integration.test_inbound_call import wait_for_row
from tests.integration.test_resilience import wait_for_adoption

GOING_AWAY = 1001


async def browser_socket(http: aiohttp.ClientSession, daemon, token: str) -> aiohttp.ClientWebSocketResponse:
    """An events socket opened as a browser opens it: no header, the token in the first message."""
    ws = await http.ws_connect(daemon.url + "/api/v1/events")
    await ws.send_json({"type": "auth", "token": token})
    welcome = await ws.receive_json(timeout=5)
    assert welcome["type"] == "welcome"
    return ws


async def timed_stop(daemon, sig: int) -> tuple[int, float]:
    started = time.monotonic()
    code = await asyncio.to_thread(daemon.stop, sig, 40)
    return code, time.monotonic() - started


@pytest.mark.parametrize("sig, sockets", [(signal.SIGINT, 2), (signal.SIGTERM, 1), (signal.SIGTERM, 0)],
                         ids=["sigint-2-sockets", "sigterm-1-socket", "sigterm-no-socket"])
async def test_stop_takes_under_2_s_with_or_without_events_sockets(daemon, admin_headers, sig, sockets):
    token = admin_headers["Authorization"].split()[-1]
    async with aiohttp.ClientSession() as http:
        opened = [await browser_socket(http, daemon, token) for _ in range(sockets)]
        try:
            code, took = await timed_stop(daemon, sig)
            print(f"\nseconds to stop ({signal.Signals(sig).name}, {sockets} events socket(s) open): "
                  f"{took:.2f}")
            for ws in opened:
                while (message := await ws.receive(timeout=5)).type == aiohttp.WSMsgType.TEXT:
                    pass
                assert message.type == aiohttp.WSMsgType.CLOSE and message.data == GOING_AWAY, message
        finally:
            for ws in opened:
                await ws.close()
            daemon.start()
            await daemon.wait_healthy()
    assert code == 0
    assert took < 2


async def test_call_in_progress_survives_a_graceful_stop_and_is_adopted(daemon, db, ari):  # noqa: F811
    call = asyncio.create_task(place_call_and_hang_up("530", "+4930530001", after_ms=9000))
    row = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = '+4930530001'")
    code, took = await timed_stop(daemon, signal.SIGTERM)
    print(f"\nseconds to stop with a call in progress: {took:.2f}")
    try:
        assert code == 0
        # Released, not hung up: Asterisk still has the caller while no daemon runs.
        assert (await ari.get_channel(row["channel_id"]))["state"] == "Up"
        assert await db.fetchval("SELECT ended_at FROM interactions WHERE id = $1", row["id"]) is None
    finally:
        daemon.start()
        await daemon.wait_healthy()
    await wait_for_adoption(daemon, row["channel_id"])
    result = await call
    assert result.returncode == 0, result.stdout[-1500:]
    ended = await wait_for_row(db, "SELECT * FROM interactions WHERE id = $1 AND ended_at IS NOT NULL",
                               row["id"])
    assert ended["outcome"] == "abandoned"
    assert await db.fetchval("SELECT count(*) FROM interactions WHERE caller_raw = '+4930530001'") == 1
    assert took < 2
