"""Internal calls end to end: a registered softphone (sipp, digest auth as endpoint 1001) dials a
colleague's extension through Asterisk's [from-internal]; the daemon rings the colleague's phone, bridges
the two, or tells the caller why not. Click-to-call between two agents. Agents on internal calls get no
queue offers, and the calls are logged as internal, without a customer."""

from __future__ import annotations

import asyncio

import aiohttp

from tests.integration.ari_view import ari  # noqa: F401  (fixture)
from tests.integration.rig import AgentPhone, finish_sipp, place_call_and_hang_up, start_sipp
from tests.integration.test_acd import Agent, wait_until
from tests.integration.test_inbound_call import wait_for_row

QUEUE = {"int-helpdesk": 0}


async def dial_from_softphone(credentials, dialled: str, extension: str = "1001", timeout: float = 40):
    """Endpoint `extension` calls `dialled`, the way a softphone does (auth on the INVITE)."""
    return await start_sipp("softphone_calls.xml", dialled, "-key", "caller", extension, "-au", extension,
                            "-ap", credentials["TELEPHONY_SIP_AGENT_PASSWORD"], timeout=timeout)


async def agents(daemon, http, admin_headers, credentials, *specs):
    """Agents (name, phone, extension) created and logged in on their softphones, listening to events."""
    made = []
    for name, phone, extension in specs:
        agent = await Agent(daemon, http, AgentPhone(phone, credentials["TELEPHONY_SIP_AGENT_PASSWORD"])).create(
            admin_headers, name, QUEUE, extension=extension)
        await agent.phone.register()
        await agent.listen()
        await agent.log_in()
        made.append(agent)
    return made


async def close_all(*agents):
    for agent in agents:
        await agent.close()


async def interaction(db, dialled: str, caller: str = "1001"):
    return await wait_for_row(db, "SELECT * FROM interactions WHERE direction = 'internal' AND dialled = $1 "
                                  "AND caller_raw = $2 AND ended_at IS NOT NULL ORDER BY started_at DESC",
                              dialled, caller)


async def talk_bridge_of(ari, channel_suffix: str = "-talk") -> dict:
    """The daemon's talk bridge of an internal call (id `<call>-talk`) once both parties are in it."""
    async with asyncio.timeout(10):
        while True:
            for bridge in await ari.request("GET", "/bridges"):
                if bridge["id"].endswith(channel_suffix) and len(bridge["channels"]) == 2:
                    return bridge
            await asyncio.sleep(0.2)


async def test_a_softphone_call_to_a_colleague_is_bridged_and_the_busy_pair_gets_no_queue_offer(
        daemon, db, credentials, admin_headers, ari):
    async with aiohttp.ClientSession() as http:
        ann, bob, cid = await agents(daemon, http, admin_headers, credentials,
                                     ("int-ann", "1001", "2771"), ("int-bob", "1002", "2772"),
                                     ("int-cid", "1003", "2773"))
        try:
            await bob.phone.start(ring_ms=500)
            await cid.phone.start(ring_ms=300)
            caller = await dial_from_softphone(credentials, "2772")
            await wait_until(lambda: "on_call" in bob.states() and "on_call" in ann.states(),
                             what="both agents on the internal call")
            bridge = await talk_bridge_of(ari)
            call_id = bridge["id"].removesuffix("-talk")
            assert sorted(bridge["channels"]) == sorted([call_id, f"{call_id}-leg-1"])
            current = await bob._call("GET", "/api/v1/me/call", bob.headers, None, 200)
            assert current["call_id"] == call_id and current["phase"] == "connected"

            # a queue call meanwhile: ann and bob have waited longest, yet only cid is offered it
            queued = await place_call_and_hang_up("470", "+4930470001", after_ms=1500)
            assert queued.returncode == 0, queued.stdout[-1500:]
            row = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = '+4930470001' "
                                         "AND ended_at IS NOT NULL AND talk_seconds IS NOT NULL")
            assert str(row["agent_id"]) == cid.id and row["queue"] == "int-helpdesk"
            assert "ringing" not in ann.states() + bob.states()

            async with http.post(daemon.url + "/api/v1/me/call/hangup", headers=bob.headers) as resp:
                assert resp.status == 204
            assert (await finish_sipp(caller, 20)).returncode == 0
            assert (await bob.phone.finish(timeout=20)).returncode == 0
            row = await interaction(db, "2772")
            assert row["outcome"] == "answered" and row["customer_id"] is None and row["queue"] is None
            assert row["answered_at"] is not None
            await wait_until(lambda: bob.states()[-1:] == ["available"] and ann.states()[-1:] == ["available"],
                             what="both agents free again")
            assert bob.states() == ["available", "on_call", "available"]  # no wrap-up after an internal call
            assert ann.states() == ["available", "on_call", "available"]
        finally:
            await close_all(ann, bob, cid)


async def test_a_busy_colleague_is_reported_to_the_caller(daemon, db, credentials, admin_headers):
    async with aiohttp.ClientSession() as http:
        ann, bob = await agents(daemon, http, admin_headers, credentials,
                                ("int-ann2", "1001", "2774"), ("int-bob2", "1002", "2775"))
        try:
            await bob.phone.start("agent_busy.xml")
            caller = await dial_from_softphone(credentials, "2775")
            result = await finish_sipp(caller, 30)
            assert result.returncode == 0, result.stdout[-1500:]
            row = await interaction(db, "2775")
            assert row["outcome"] == "busy" and row["customer_id"] is None
            await wait_until(lambda: bob.states()[-1:] == ["available"] and ann.states()[-1:] == ["available"],
                             what="both agents free again")
        finally:
            await close_all(ann, bob)


async def test_a_colleague_who_does_not_answer_ends_with_no_answer(daemon, db, credentials, admin_headers):
    async with aiohttp.ClientSession() as http:
        ann, bob = await agents(daemon, http, admin_headers, credentials,
                                ("int-ann3", "1001", "2776"), ("int-bob3", "1002", "2777"))
        try:
            await bob.phone.start("agent_rings.xml")
            caller = await dial_from_softphone(credentials, "2777")
            result = await finish_sipp(caller, 40)
            assert result.returncode == 0, result.stdout[-1500:]
            assert (await bob.phone.finish(timeout=20)).returncode == 0  # rang, then was cancelled
            row = await interaction(db, "2777")
            assert row["outcome"] == "no answer"
            assert (row["ended_at"] - row["started_at"]).total_seconds() >= 4  # the ring timeout of the tests
        finally:
            await close_all(ann, bob)


async def test_unknown_extensions_logged_out_agents_and_external_numbers_get_a_prompt(daemon, db, credentials,
                                                                                     admin_headers):
    async with aiohttp.ClientSession() as http:
        absent = Agent(daemon, http, AgentPhone("1003", credentials["TELEPHONY_SIP_AGENT_PASSWORD"]))
        await absent.create(admin_headers, "int-absent", QUEUE, extension="2778")  # never logs in
        for dialled, outcome in (("2999", "unknown"), ("2778", "unavailable"), ("+4930470099", "refused")):
            caller = await dial_from_softphone(credentials, dialled)
            result = await finish_sipp(caller, 30)
            assert result.returncode == 0, (dialled, result.stdout[-1500:])
            row = await interaction(db, dialled)
            assert row["outcome"] == outcome, dialled
            assert row["customer_id"] is None


async def test_click_to_call_between_two_agents_holds_both_from_queue_offers(daemon, db, credentials,
                                                                            admin_headers, ari):
    async with aiohttp.ClientSession() as http:
        ann, bob, cid = await agents(daemon, http, admin_headers, credentials,
                                     ("int-ann4", "1001", "2781"), ("int-bob4", "1002", "2782"),
                                     ("int-cid4", "1003", "2783"))
        try:
            for agent in (ann, bob, cid):
                await agent.phone.start(ring_ms=300)
            placed = await ann._call("POST", "/api/v1/me/calls", ann.headers, {"to": "2782"}, 201)
            bridge = await talk_bridge_of(ari)
            assert bridge["id"] == f"{placed['call_id']}-talk"
            assert sorted(bridge["channels"]) == [f"{placed['call_id']}-leg-1", f"{placed['call_id']}-leg-2"]
            await wait_until(lambda: "on_call" in bob.states() and "on_call" in ann.states(),
                             what="both agents on the click-to-call")
            busy = await ann._call("POST", "/api/v1/me/calls", ann.headers, {"to": "2783"}, 409)
            assert "on_call" in busy["error"]["message"]  # one call at a time

            queued = await place_call_and_hang_up("470", "+4930470002", after_ms=1500)
            assert queued.returncode == 0, queued.stdout[-1500:]
            row = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = '+4930470002' "
                                         "AND ended_at IS NOT NULL AND talk_seconds IS NOT NULL")
            assert str(row["agent_id"]) == cid.id
            assert "ringing" not in ann.states() + bob.states()

            async with http.post(daemon.url + "/api/v1/me/call/hangup", headers=ann.headers) as resp:
                assert resp.status == 204
            assert (await ann.phone.finish(timeout=20)).returncode == 0
            assert (await bob.phone.finish(timeout=20)).returncode == 0
            row = await wait_for_row(db, "SELECT * FROM interactions WHERE channel_id = $1 AND ended_at IS NOT NULL",
                                     placed["call_id"])
            assert row["direction"] == "internal" and row["customer_id"] is None and row["outcome"] == "answered"
            await wait_until(lambda: bob.states()[-1:] == ["available"] and ann.states()[-1:] == ["available"],
                             what="both agents free again")

            # refused before anything rings, saying why: nobody's extension, herself, a colleague logged out
            await bob._call("POST", "/api/v1/me/agent/logout", bob.headers, None, 200)
            for to, why in (("2999", "no agent or endpoint"), ("2781", "themselves"), ("2782", "logged out")):
                refused = await ann._call("POST", "/api/v1/me/calls", ann.headers, {"to": to}, 409)
                assert why in refused["error"]["message"], refused
        finally:
            await close_all(ann, bob, cid)
