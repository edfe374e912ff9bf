"""A supervisor on a live call, end to end: real SIP caller, agent and supervisor phones (sipp, audio from a
pcap); each mode checked from Asterisk's side over ARI: the snoop channel and its direction, the bridges,
audio reaching the supervisor's leg; switching modes never hangs up the supervisor's phone."""

from __future__ import annotations

import asyncio

import aiohttp

from tests.integration.rig import AgentPhone, finish_sipp, place_call, start_sipp
from tests.integration.ari_view import ari, bridge_channels, until_bridge  # noqa: F401  (fixture)
from tests.integration.test_acd import Agent, wait_until


async def monitored_agent(daemon, http, password, admin_headers, name: str, extension: str) -> Agent:
    """An agent of the monitored queue on softphone 1001, logged in and listening to their events."""
    agent = await Agent(daemon, http, AgentPhone("1001", password)).create(admin_headers, name, {"monitored": 0},
                                                                         extension=extension)
    await agent.phone.register()
    await agent.phone.start(ring_ms=200)
    await agent.listen()
    await agent.log_in()
    return agent


async def supervisor_of(daemon, http, admin_headers, name: str, queue: str) -> Agent:
    """A supervisor (a user, no agent record) of `queue`, listening on the events socket."""
    sup = Agent(daemon, http, AgentPhone("1900", ""))
    user = await sup._call("POST", "/api/v1/users", admin_headers, {"name": name, "role": "supervisor"}, 201)
    await sup._call("PUT", f"/api/v1/users/{user['id']}/supervised-queues", admin_headers, {"queues": [queue]}, 200)
    issued = await sup._call("POST", "/api/v1/auth/tokens", admin_headers, {"user_id": user["id"]}, 201)
    sup.headers = {"Authorization": f"Bearer {issued['token']}"}
    await sup.listen()
    return sup


async def snoop_args(ari, snoop_id: str) -> list[str]:
    """The snoop channel as Asterisk has it: a Snoop/ channel whose Stasis arguments name spy and whisper."""
    channel = await ari.get_channel(snoop_id)
    assert channel["name"].startswith("Snoop/"), channel
    return str(channel["dialplan"]["app_data"]).split(",")[1:]


async def tx_packets(ari, channel_id: str) -> int:
    answer = await ari.request("GET", f"/channels/{channel_id}/variable", {"variable": "CHANNEL(rtcp,txcount)"})
    return int(answer["value"] or 0)


async def test_supervisor_listens_whispers_and_barges_without_hanging_up(daemon, credentials, admin_headers, ari):
    password = credentials["TELEPHONY_SIP_AGENT_PASSWORD"]
    async with aiohttp.ClientSession() as http:
        ann = await monitored_agent(daemon, http, password, admin_headers, "mon-ann", "2494")
        bob = await Agent(daemon, http, AgentPhone("1002", password)).create(admin_headers, "mon-bob",
                                                                             {"helpdesk": 0}, extension="2495")
        sam = await supervisor_of(daemon, http, admin_headers, "mon-sam", "monitored")
        sup_phone = AgentPhone("1900", password)
        await sup_phone.register()
        await sup_phone.start(ring_ms=200)
        caller = asyncio.create_task(place_call("493", "+4930490004"))
        try:
            await wait_until(lambda: "on_call" in ann.states(), what="the agent to answer")
            call_id = (await ann._call("GET", "/api/v1/me/call", ann.headers, None, 200))["call_id"]
            url = f"/api/v1/calls/{call_id}/monitor"

            # nobody but a supervisor of the queue may listen in
            for who in (ann, bob):
                await who._call("POST", url, who.headers, {"mode": "listen", "to": "1900"}, 403)
            async with http.post(daemon.url + url, json={"mode": "listen"}) as resp:
                assert resp.status == 401

            # the agent asks for help; the supervisor hears of it
            async with http.post(daemon.url + "/api/v1/me/call/help", headers=ann.headers) as resp:
                assert resp.status == 204
            await wait_until(lambda: any(e["type"] == "help.requested" for e in sam.events), what="help request")
            open_requests = await sam._call("GET", "/api/v1/help-requests", sam.headers, None, 200)
            assert [r["call_id"] for r in open_requests["help_requests"]] == [call_id]

            # listen: the supervisor's leg and a snoop (spy both, whisper none) in a bridge of their own
            await sam._call("POST", url, sam.headers, {"mode": "listen", "to": "1900"}, 202)
            leg, bridge = f"{call_id}-sup-0-leg", f"{call_id}-sup-0-bridge"
            channels = await until_bridge(ari, bridge, lambda c: len(c) == 2)
            [snoop] = channels - {leg}
            assert leg in channels and await snoop_args(ari, snoop) == ["snoop", "both", "none"]
            before = await tx_packets(ari, leg)
            await asyncio.sleep(1.5)
            assert await tx_packets(ari, leg) - before > 20  # the call's audio reaches the supervisor's phone
            await wait_until(lambda: any(e["type"] == "help.cleared" for e in sam.events), what="help cleared")
            cleared = next(e["data"] for e in sam.events if e["type"] == "help.cleared")
            assert cleared["reason"] == "joined" and cleared["call_id"] == call_id
            assert not any(e["type"] == "call.monitor" for e in ann.events)  # listening in is silent

            # whisper: a new snoop whispering to the agent only; the same supervisor leg, never hung up
            leg_channel = (await ari.get_channel(leg))["id"]
            await sam._call("PATCH", url, sam.headers, {"mode": "whisper"}, 200)
            channels = await until_bridge(ari, bridge, lambda c: len(c) == 2 and snoop not in c)
            [whisper] = channels - {leg}
            assert await snoop_args(ari, whisper) == ["snoop", "both", "out"]
            assert (await ari.get_channel(leg))["id"] == leg_channel

            # barge: the supervisor's leg joins the talk bridge with the caller and the agent
            await sam._call("PATCH", url, sam.headers, {"mode": "barge"}, 200)
            talk = await until_bridge(ari, f"{call_id}-talk", lambda c: leg in c)
            assert len(talk) == 3 and call_id in talk
            assert await bridge_channels(ari, bridge) == set()  # no snoop left
            before = await tx_packets(ari, leg)
            await asyncio.sleep(1)
            assert await tx_packets(ari, leg) - before > 10

            # back to listen, then leave: the supervisor's phone is hung up, the call goes on
            await sam._call("PATCH", url, sam.headers, {"mode": "listen"}, 200)
            await until_bridge(ari, bridge, lambda c: len(c) == 2)
            assert leg not in await bridge_channels(ari, f"{call_id}-talk")
            async with http.delete(daemon.url + url, headers=sam.headers) as resp:
                assert resp.status == 204
            assert (await sup_phone.finish(timeout=15)).returncode == 0
            assert len(await bridge_channels(ari, f"{call_id}-talk")) == 2
            await wait_until(lambda: any(e["type"] == "call.monitor" and e["data"]["state"] == "left"
                                         for e in sam.events), what="the supervisor to be gone")
            left = [e["data"] for e in sam.events if e["type"] == "call.monitor" and e["data"]["state"] == "left"]
            assert left[-1]["reason"] == "stopped"
        finally:
            async with http.post(daemon.url + "/api/v1/me/call/hangup", headers=ann.headers):
                pass
            await asyncio.wait_for(caller, 30)
            await ann.close()
            await sup_phone.stop()
            if sam._reader:
                await sam._ws.close()
                sam._reader.cancel()


async def test_supervisor_on_a_mobile_and_everything_cleared_when_the_call_ends(daemon, credentials, admin_headers,
                                                                              ari):
    password = credentials["TELEPHONY_SIP_AGENT_PASSWORD"]
    async with aiohttp.ClientSession() as http:
        ann = await monitored_agent(daemon, http, password, admin_headers, "mon-ann2", "2497")
        sam = await supervisor_of(daemon, http, admin_headers, "mon-sam2", "monitored")
        # The trunk's far end (dialplan/pjsip.conf: sip:127.0.0.1:5070) stands in for the mobile network.
        mobile = await start_sipp("agent_answers.xml", "+4915100000901", "-d", "200", ports=(5070, 27910))
        caller = asyncio.create_task(place_call("493", "+4930490006"))
        try:
            await wait_until(lambda: "on_call" in ann.states(), what="the agent to answer")
            call_id = (await ann._call("GET", "/api/v1/me/call", ann.headers, None, 200))["call_id"]
            await sam._call("POST", f"/api/v1/calls/{call_id}/monitor", sam.headers,
                            {"mode": "whisper", "to": "+4915100000901"}, 202)
            leg = f"{call_id}-sup-0-leg"
            channels = await until_bridge(ari, f"{call_id}-sup-0-bridge", lambda c: len(c) == 2)
            [snoop] = channels - {leg}
            assert await snoop_args(ari, snoop) == ["snoop", "both", "out"]
            assert (await ari.get_channel(leg))["name"].startswith("PJSIP/trunk-")  # rung through the trunk
            async with http.post(daemon.url + "/api/v1/me/call/help", headers=ann.headers) as resp:
                assert resp.status == 204

            async with http.post(daemon.url + "/api/v1/me/call/hangup", headers=ann.headers) as resp:
                assert resp.status == 204
            assert (await finish_sipp(mobile, 20)).returncode == 0  # the supervisor's phone is hung up too
            await wait_until(lambda: any(e["type"] == "help.cleared" for e in ann.events), what="help cleared")
            cleared = next(e["data"] for e in ann.events if e["type"] == "help.cleared")
            assert cleared["reason"] == "ended"
            await wait_until(lambda: any(e["type"] == "call.monitor" and e["data"]["state"] == "left"
                                         for e in sam.events), what="the supervisor to be gone")
            left = next(e["data"] for e in sam.events if e["type"] == "call.monitor" and e["data"]["state"] == "left")
            assert left["reason"] == "call ended"
            assert await bridge_channels(ari, f"{call_id}-sup-0-bridge") == set()
        finally:
            await asyncio.wait_for(caller, 30)
            if mobile.returncode is None:
                mobile.kill()
                await mobile.wait()
            await ann.close()
            if sam._reader:
                await sam._ws.close()
                sam._reader.cancel()
