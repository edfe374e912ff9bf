"""Heartbeats on /api/v1/events, with a short interval."""

from __future__ import annotations

import asyncio

import pytest

from telephony.audience import Audience
from telephony.api.ws import CLOSE_UNAUTHENTICATED, WsOptions
from tests.api.test_events_socket import next_message, receive, welcomed


@pytest.fixture
def ws_options() -> WsOptions:
    return WsOptions(heartbeat=0.2, auth_timeout=0.6)


async def test_heartbeat_carries_the_last_seq(api, people):
    alice = people["alice"]
    ws = await welcomed(api, alice)
    beat = await receive(ws)
    assert beat["type"] == "heartbeat" and beat["seq"] == 0
    api.hub.publish("agent.state", {"state": "ready"}, Audience.of(users=[alice.id]))
    assert (await receive(ws))["seq"] == 1
    beat = await receive(ws)
    assert beat == {**beat, "type": "heartbeat", "seq": 1}
    await ws.close()



async def test_auth_deadline_holds_while_pings_flow(api):
    """Protocol pings every 0.2 s must not stretch the 0.6 s allowed for the auth message."""
    ws = await api.session.ws_connect(api.url + "/api/v1/events")
    started = asyncio.get_running_loop().time()
    message = await next_message(ws)
    assert ws.close_code == CLOSE_UNAUTHENTICATED, message
    assert asyncio.get_running_loop().time() - started < 1.5
