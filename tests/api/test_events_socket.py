"""/api/v1/events over a real WebSocket: authentication, sequence numbers, heartbeats, audiences,
slow consumers."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from telephony.audience import Audience
from telephony.api.ws import CLOSE_ACCESS_CHANGED, CLOSE_GOING_AWAY, CLOSE_TOO_SLOW, CLOSE_UNAUTHENTICATED

TIMEOUT = 3


async def next_message(ws, timeout: float = TIMEOUT) -> aiohttp.WSMessage:
    """With a deadline: receive(timeout=) starts its timer again on every protocol ping."""
    return await asyncio.wait_for(ws.receive(), timeout)


async def connect(api, who=None, first_message=None, headers=None) -> aiohttp.ClientWebSocketResponse:
    headers = {**(who.headers if who else {}), **(headers or {})}
    ws = await api.session.ws_connect(api.url + "/api/v1/events", headers=headers)
    if first_message is not None:
        await ws.send_json(first_message)
    return ws


async def receive(ws) -> dict:
    message = await next_message(ws)
    assert message.type == aiohttp.WSMsgType.TEXT, message
    return message.json()


async def welcomed(api, who):
    ws = await connect(api, who)
    hello = await receive(ws)
    assert hello["type"] == "welcome" and hello["seq"] == 0 and hello["user"]["name"] == who.name
    return ws


async def test_auth_by_header(api, people):
    ws = await welcomed(api, people["alice"])
    await ws.close()


async def test_auth_by_first_message(api, people):
    alice = people["alice"]
    ws = await connect(api, first_message={"type": "auth", "token": alice.token})
    hello = await receive(ws)
    assert hello["type"] == "welcome" and hello["user"]["id"] == str(alice.id)
    await ws.close()


async def test_bad_header_token_is_refused_before_the_upgrade(api):
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        await connect(api, headers={"Authorization": "Bearer tel_wrong"})
    assert info.value.status == 401


@pytest.mark.parametrize("first", [{"type": "auth", "token": "tel_wrong"}, {"type": "hello"}, "not json", None])
async def test_no_valid_auth_message_closes_with_4401(api, first):
    ws = await api.session.ws_connect(api.url + "/api/v1/events")
    if isinstance(first, dict):
        await ws.send_json(first)
    elif first is not None:
        await ws.send_str(first)
    message = await next_message(ws)  # None: the 0.5 s auth timeout of the test options
    assert message.type == aiohttp.WSMsgType.CLOSE and ws.close_code == CLOSE_UNAUTHENTICATED


async def test_token_in_query_string_is_not_accepted(api, people):
    ws = await api.session.ws_connect(api.url + f"/api/v1/events?token={people['alice'].token}")
    message = await next_message(ws)
    assert message.type == aiohttp.WSMsgType.CLOSE and ws.close_code == CLOSE_UNAUTHENTICATED


async def test_plain_get_is_400(api, people):
    status, body = await api.call("GET", "/api/v1/events", people["alice"])
    assert status == 400 and body["error"]["code"] == "websocket_required"


async def test_sequence_numbers_and_audience_filtering(api, people):
    alice, bob = people["alice"], people["bob"]
    sockets = {n: await welcomed(api, people[n]) for n in ("alice", "bob", "sam", "sue", "admin")}
    hub = api.hub
    hub.publish("call.offered", {"call": "c1", "screen_pop": {"caller": "0601"}},
                Audience.of(users=[alice.id], queues=["sales"]))
    hub.publish("agent.state", {"agent": str(bob.id), "state": "paused"}, Audience.of(users=[bob.id], queues=["support"]))
    hub.publish("queue.stats", {"waiting": 3}, Audience.of(supervisors=True))
    hub.publish("call.ended", {"call": "c1"}, Audience.of(users=[alice.id], queues=["sales"]))
    hub.publish("system.reload", {}, Audience.of())  # nobody but admins

    expected = {
        "alice": ["call.offered", "call.ended"],
        "bob": ["agent.state"],
        "sam": ["call.offered", "queue.stats", "call.ended"],
        "sue": ["agent.state", "queue.stats"],
        "admin": ["call.offered", "agent.state", "queue.stats", "call.ended", "system.reload"],
    }
    for name, types in expected.items():
        got = [await receive(sockets[name]) for _ in types]
        assert [m["type"] for m in got] == types, name
        assert [m["seq"] for m in got] == list(range(1, len(types) + 1)), name
        assert all(m["at"].startswith("2026-01-05T09:00:00") for m in got)
    # Nothing more for anyone: the next thing would be a heartbeat, 30 s away in these tests.
    for ws in sockets.values():
        with pytest.raises(asyncio.TimeoutError):
            await next_message(ws, 0.2)
        await ws.close()
    assert await _drained(hub)


async def _drained(hub, seconds: float = 1) -> bool:
    for _ in range(int(seconds * 50)):
        if hub.connections == 0:
            return True
        await asyncio.sleep(0.02)
    return False


async def test_event_payload_reaches_the_agent(api, people):
    alice = people["alice"]
    ws = await welcomed(api, alice)
    api.hub.publish("call.offered", {"call": "c9", "screen_pop": {"caller": "0601", "crm_url": "https://crm/x"}},
                    Audience.of(users=[alice.id]))
    message = await receive(ws)
    assert message["data"] == {"call": "c9", "screen_pop": {"caller": "0601", "crm_url": "https://crm/x"}}
    await ws.close()


async def test_slow_consumer_is_disconnected_without_blocking_publish(api, people):
    alice = people["alice"]
    ws = await welcomed(api, alice)
    # The hub of these tests holds 8 events per connection; publish never waits for the client.
    delivered = [api.hub.publish("call.offered", {"n": n}, Audience.of(users=[alice.id])) for n in range(50)]
    assert delivered[:8] == [1] * 8 and delivered[8:] == [0] * 42
    while (message := await next_message(ws)).type == aiohttp.WSMsgType.TEXT:
        pass
    assert message.type == aiohttp.WSMsgType.CLOSE and ws.close_code == CLOSE_TOO_SLOW
    assert await _drained(api.hub)


async def test_disabling_a_user_closes_their_socket(api, people):
    ws = await welcomed(api, people["bob"])
    status, _ = await api.call("DELETE", f"/api/v1/users/{people['bob'].id}", people["admin"])
    assert status == 204
    while (message := await next_message(ws)).type == aiohttp.WSMsgType.TEXT:
        pass
    assert message.type == aiohttp.WSMsgType.CLOSE and ws.close_code == CLOSE_ACCESS_CHANGED
    assert message.extra == "account disabled"


async def test_new_queues_close_the_socket_and_the_next_one_sees_them(api, people):
    sam = people["sam"]
    ws = await welcomed(api, sam)
    status, _ = await api.call("PUT", f"/api/v1/users/{sam.id}/supervised-queues", people["admin"],
                               json={"queues": ["support"]})
    assert status == 200
    while (message := await next_message(ws)).type == aiohttp.WSMsgType.TEXT:
        pass
    assert ws.close_code == CLOSE_ACCESS_CHANGED and message.extra == "supervised queues changed"
    ws = await welcomed(api, sam)
    api.hub.publish("queue.stats", {"queue": "sales"}, Audience.of(queues=["sales"]))
    api.hub.publish("queue.stats", {"queue": "support"}, Audience.of(queues=["support"]))
    assert (await receive(ws))["data"] == {"queue": "support"}
    await ws.close()


async def test_demoted_supervisor_loses_the_socket(api, people):
    ws = await welcomed(api, people["sue"])
    status, _ = await api.call("PATCH", f"/api/v1/users/{people['sue'].id}", people["admin"], json={"role": "agent"})
    assert status == 200
    while (message := await next_message(ws)).type == aiohttp.WSMsgType.TEXT:
        pass
    assert ws.close_code == CLOSE_ACCESS_CHANGED and message.extra == "role changed"


async def test_stalled_client_is_dropped(api, people):
    """A client that stops reading altogether: its socket fills up, then its queue, then it goes."""
    alice = people["alice"]
    ws = await welcomed(api, alice)  # and never read again
    pad = "x" * 60_000
    for n in range(1000):
        api.hub.publish("bulk", {"n": n, "pad": pad}, Audience.of(users=[alice.id]))
        await asyncio.sleep(0.001)  # the sender writes until the socket is full
        if api.hub.connections == 0:
            break
    assert await _drained(api.hub, 10)
    await ws.close()


async def test_stopping_the_server_tells_every_socket_to_go_away_without_waiting_for_them(api, people):
    alice = people["alice"]
    by_header = await welcomed(api, alice)
    by_message = await connect(api, first_message={"type": "auth", "token": alice.token})
    assert (await receive(by_message))["type"] == "welcome"
    not_yet_authenticated = await connect(api)
    # A client that neither reads nor answers the close frame: the stop waits for it no longer than 1 s.
    mute = await api.session.ws_connect(api.url + "/api/v1/events", headers=alice.headers, autoclose=False)
    await asyncio.sleep(0.1)
    started = time.monotonic()
    await api.server.close()
    took = time.monotonic() - started
    print(f"\nseconds to close the HTTP server with 4 events sockets open (one mute): {took:.2f}")
    for ws in (by_header, by_message, not_yet_authenticated):
        while (message := await next_message(ws)).type == aiohttp.WSMsgType.TEXT:
            pass
        assert message.type == aiohttp.WSMsgType.CLOSE and message.data == CLOSE_GOING_AWAY, message
    assert took < 1.5
    await mute.close()
