"""Call recording end to end: real SIP calls with audio played by sipp from a pcap, recorded by policy or
on the agent's request, archived as WAV files named after their interaction, listened to over the API."""

from __future__ import annotations

import asyncio
import json
import wave
from pathlib import Path

import aiohttp

from tests.integration.rig import ASTERISK_ROOT, AgentPhone, place_call, place_call_and_hang_up
from tests.integration.test_acd import Agent, wait_until
from tests.integration.test_inbound_call import wait_for_row

SPOOL = ASTERISK_ROOT / "var/spool/asterisk/recording"


async def recording_agent(daemon, http, credentials, admin_headers, name, queue, extension, policy=None) -> Agent:
    """An agent on softphone 1001 with an extension of their own (agents' extensions are unique)."""
    agent = await Agent(daemon, http, AgentPhone("1001", credentials["TELEPHONY_SIP_AGENT_PASSWORD"])).create(
        admin_headers, name, {queue: 0}, extension=extension)
    if policy:
        await agent._call("PUT", f"/api/v1/agents/{agent.id}/recording", admin_headers, {"recording": policy}, 200)
    await agent.phone.register()
    await agent.phone.start(ring_ms=200)
    await agent.listen()
    await agent.log_in()
    return agent


async def control(agent: Agent, action: str) -> int:
    async with agent.http.post(agent.daemon.url + "/api/v1/me/call/recording", headers=agent.headers,
                               json={"action": action}) as resp:
        return resp.status


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as audio:
        assert audio.getnchannels() == 1 and audio.getframerate() == 8000
        return audio.getnframes() / audio.getframerate()


async def test_always_recorded_call_leaves_out_its_paused_span(daemon, db, credentials, admin_headers):
    recordings = Path(daemon.env["TELEPHONY_RECORDINGS_DIR"])
    async with aiohttp.ClientSession() as http:
        ann = await recording_agent(daemon, http, credentials, admin_headers, "rec-ann", "recorded", "2490")
        other = await Agent(daemon, http, AgentPhone("1002", "unused")).create(admin_headers, "rec-bob",
                                                                               {"helpdesk": 0}, "2493")
        try:
            caller = asyncio.create_task(place_call_and_hang_up("490", "+4930490001", after_ms=7000))
            await wait_until(lambda: "on_call" in ann.states(), what="the agent to answer")
            await asyncio.sleep(1.5)
            assert await control(ann, "pause") == 204
            assert await control(ann, "pause") == 409  # already paused
            await asyncio.sleep(2)
            assert await control(ann, "resume") == 204
            assert (await caller).returncode == 0

            call = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = '+4930490001' "
                                          "AND talk_seconds IS NOT NULL")
            row = await wait_for_row(db, "SELECT * FROM recordings WHERE interaction_id = $1", call["id"])
            assert row["path"].endswith(f"/{call['id']}.wav") and row["format"] == "wav"
            assert str(row["agent_id"]) == ann.id and row["queue"] == "recorded"
            [span] = json.loads(row["paused_spans"])
            assert 1.5 < span["seconds"] < 2.6 and 1 < span["offset_seconds"] < 2.5
            seconds = wav_seconds(recordings / row["path"])
            assert abs(seconds - row["duration_seconds"]) < 0.05
            assert abs(seconds - (float(call["talk_seconds"]) - span["seconds"])) < 1.0, (seconds, call["talk_seconds"])
            assert row["size_bytes"] == (recordings / row["path"]).stat().st_size
            assert not list(SPOOL.glob(f"{call['channel_id']}-rec-*"))  # Asterisk's copy is gone once archived

            url = f"{daemon.url}/api/v1/recordings/{row['id']}/audio"
            async with http.get(url, headers=ann.headers) as resp:
                assert resp.status == 200 and resp.headers["Content-Type"] == "audio/wav"
                assert (await resp.read())[:4] == b"RIFF"
            async with http.get(url, headers=other.headers) as resp:
                assert resp.status == 403  # another agent's call
            async with http.get(url) as resp:
                assert resp.status == 401
        finally:
            await ann.close()


async def test_agent_override_records_an_on_demand_queue_and_a_restart_makes_a_second_file(
        daemon, db, credentials, admin_headers):
    async with aiohttp.ClientSession() as http:
        cy = await recording_agent(daemon, http, credentials, admin_headers, "rec-cy", "rec-on-demand", "2491",
                                   policy="always")
        try:
            caller = asyncio.create_task(place_call_and_hang_up("491", "+4930490002", after_ms=6000))
            await wait_until(lambda: "on_call" in cy.states(), what="the agent to answer")
            await asyncio.sleep(1.5)
            assert await control(cy, "stop") == 204
            assert await control(cy, "resume") == 409  # nothing is being recorded
            await asyncio.sleep(1)
            assert await control(cy, "start") == 204
            assert (await caller).returncode == 0
            call = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = '+4930490002' "
                                          "AND ended_at IS NOT NULL")
            await wait_for_row(db, "SELECT 1 FROM recordings WHERE interaction_id = $1 HAVING count(*) = 2",
                               call["id"])
            rows = await db.fetch("SELECT * FROM recordings WHERE interaction_id = $1 ORDER BY started_at",
                                  call["id"])
            assert [Path(r["path"]).name for r in rows] == [f"{call['id']}.wav", f"{call['id']}-2.wav"]
            assert 0.5 < rows[0]["duration_seconds"] < 3
        finally:
            await cy.close()


async def test_a_never_recorded_queue_refuses_to_start(daemon, db, credentials, admin_headers):
    async with aiohttp.ClientSession() as http:
        dee = await recording_agent(daemon, http, credentials, admin_headers, "rec-dee", "unrecorded", "2492")
        try:
            caller = asyncio.create_task(place_call("492", "+4930490003"))
            await wait_until(lambda: "on_call" in dee.states(), what="the agent to answer")
            assert await control(dee, "start") == 409
            async with http.post(daemon.url + "/api/v1/me/call/hangup", headers=dee.headers) as resp:
                assert resp.status == 204
            assert (await caller).returncode == 0
            call = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = '+4930490003' "
                                          "AND ended_at IS NOT NULL")
            await asyncio.sleep(1)
            assert await db.fetchval("SELECT count(*) FROM recordings WHERE call_id = $1", call["channel_id"]) == 0
        finally:
            await dee.close()


async def test_a_queue_recorded_from_entry_keeps_the_hold_in_the_file(daemon, db, credentials, admin_headers):
    recordings = Path(daemon.env["TELEPHONY_RECORDINGS_DIR"])
    async with aiohttp.ClientSession() as http:
        eve = await Agent(daemon, http, AgentPhone("1001", credentials["TELEPHONY_SIP_AGENT_PASSWORD"])).create(
            admin_headers, "rec-eve", {"rec-from-queue": 0}, extension="2496")
        await eve.phone.register()
        await eve.phone.start(ring_ms=2500)  # the caller holds while the phone rings
        await eve.log_in()
        try:
            caller = await place_call_and_hang_up("494", "+4930490005", after_ms=7000)
            assert caller.returncode == 0, caller.stdout[-1500:]
            call = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = '+4930490005' "
                                          "AND talk_seconds IS NOT NULL")
            row = await wait_for_row(db, "SELECT * FROM recordings WHERE interaction_id = $1", call["id"])
            seconds = wav_seconds(recordings / row["path"])
            held, talked = float(call["wait_seconds"]), float(call["talk_seconds"])
            assert held > 2 and abs(seconds - (held + talked)) < 1.0, (seconds, held, talked)
            assert str(row["agent_id"]) == eve.id  # begun before the answer, the agent's once answered
        finally:
            await eve.close()
