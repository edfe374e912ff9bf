"""Issue 5 end to end: real SIP callers pressing RFC 4733 keys walk the two-level menu of DID 300 (see
callcenter.yaml) to every kind of destination, through timeouts, wrong keys and the default."""

from __future__ import annotations

import json
from datetime import datetime

import aiohttp

from tests.integration.dtmf_caller import Keys, Speak, Wait, call_with_keys
from tests.integration.rig import ASTERISK_ROOT, AgentPhone, finish_sipp, sipp_ports, start_sipp
from tests.integration.test_inbound_call import wait_for_row

MENU = "300"


async def ended_interaction(db, caller: str):
    row = await wait_for_row(db, "SELECT * FROM interactions WHERE caller_raw = $1 AND ended_at IS NOT NULL", caller)
    return row, json.loads(row["ivr_path"]), json.loads(row["ivr_data"])


def _t(step) -> float:
    return datetime.fromisoformat(step["at"]).timestamp()


def steps(path) -> list[tuple[str, str, str]]:
    return [(s["node"], s["note"], s["digits"]) for s in path]


def call_lines(daemon, channel_id: str) -> list[dict]:
    return [line for line in daemon.log_lines() if line.get("call_id") == channel_id]


def ok(result):
    assert result.returncode == 0, result.stdout[-2500:] + result.stderr[-1500:]


async def test_keys_walk_to_a_message_and_arrive_as_dtmf(daemon, db):
    ok(await call_with_keys(MENU, "+4930500001", [Wait(500), Keys("1"), Wait(300), Keys("1")]))
    row, path, _ = await ended_interaction(db, "+4930500001")
    assert row["outcome"] == "ivr_completed"
    assert steps(path) == [("main", "", ""), ("main", "interrupted", ""), ("main", "chosen", "1"),
                           ("destinations", "", ""), ("destinations", "interrupted", ""),
                           ("destinations", "chosen", "1"), ("message", "", "")]
    lines = call_lines(daemon, row["channel_id"])
    assert [line["digit"] for line in lines if line.get("kind") == "DtmfReceived"] == ["1", "1"]
    assert [line["media"] for line in lines if line.get("command") == "Play"][-1] == [
        "sound:auth-thankyou", "sound:vm-goodbye"]


async def test_silence_times_out_retries_then_takes_the_default(daemon, db):
    ok(await call_with_keys(MENU, "+4930500002", []))
    row, path, _ = await ended_interaction(db, "+4930500002")
    assert steps(path) == [("main", "", ""), ("main", "timeout", ""), ("main", "timeout", ""),
                           ("main", "default", ""), ("by-default", "", "")]
    # the menu (1.4 s) then 2 s of silence; then the timeout prompt and the menu again (2.7 s), 2 s more
    assert 3.0 < _t(path[1]) - _t(path[0]) < 5.0, path
    assert 4.0 < _t(path[2]) - _t(path[1]) < 6.5, path
    played = [line["media"] for line in call_lines(daemon, row["channel_id"]) if line.get("command") == "Play"]
    assert played[1] == ["sound:please-try-again", "sound:hello-world"]


async def test_wrong_keys_are_retried_then_take_the_default(daemon, db):
    ok(await call_with_keys(MENU, "+4930500003", [Wait(500), Keys("7"), Wait(800), Keys("8")]))
    row, path, _ = await ended_interaction(db, "+4930500003")
    assert [s for s in steps(path) if s[1] in ("invalid", "default")] == [
        ("main", "invalid", "7"), ("main", "invalid", "8"), ("main", "default", "")]
    assert steps(path)[-1] == ("by-default", "", "")
    assert row["outcome"] == "ivr_completed"


async def test_collected_digits_are_stored_on_the_interaction(daemon, db):
    ok(await call_with_keys(MENU, "+4930500004", [Wait(500), Keys("2"), Wait(500), Keys("1223#")]))
    row, path, data = await ended_interaction(db, "+4930500004")
    assert data["collected"] == {"account": "1223"}
    assert ("account", "collected", "1223") in steps(path)
    assert steps(path)[-1] == ("message", "", "")


async def test_a_key_stops_a_long_prompt(daemon, db):
    ok(await call_with_keys("301", "+4930500005", [Wait(1500), Keys("1")]))
    row, path, _ = await ended_interaction(db, "+4930500005")
    assert steps(path)[:3] == [("long-menu", "", ""), ("long-menu", "interrupted", ""), ("long-menu", "chosen", "1")]
    assert _t(path[1]) - _t(path[0]) < 3.0  # the prompt lasts 30 s
    assert (row["ended_at"] - row["answered_at"]).total_seconds() < 8
    assert any(line.get("command") == "StopPlayback" for line in call_lines(daemon, row["channel_id"]))


async def test_queue_destination_hands_the_caller_to_the_acd(daemon, db):
    ok(await call_with_keys(MENU, "+4930500006", [Wait(500), Keys("1"), Wait(300), Keys("4"), Wait(3000)],
                            hang_up=True))
    row, path, data = await ended_interaction(db, "+4930500006")
    assert data["handoff"] == {"queue": "sales", "priority": 5, "skills": {"french": 2}}
    assert steps(path)[-1] == ("sales", "", "")
    lines = call_lines(daemon, row["channel_id"])
    commands = [line["command"] for line in lines if line.get("event") == "call.command"]
    queued = [line for line in lines if line.get("command") == "CallQueued"]
    assert queued and queued[0]["queue"] == "sales" and queued[0]["priority"] == 5
    assert "StartBridgeMusic" in commands  # no agent in the test's queue: the caller holds with music
    assert row["outcome"] == "abandoned"  # and hangs up while waiting


async def test_transfer_to_an_extension_rings_the_agent_phone(daemon, db, credentials):
    phone = AgentPhone("1002", credentials["TELEPHONY_SIP_AGENT_PASSWORD"])
    await phone.register()
    await phone.start("agent_answers.xml", ring_ms=300, timeout=30)
    try:
        ok(await call_with_keys(MENU, "+4930500007", [Wait(500), Keys("1"), Wait(300), Keys("3"), Wait(3000)],
                                hang_up=True))
        agent = await phone.finish(timeout=15)
        assert agent.returncode == 0, agent.stdout[-2000:]
    finally:
        await phone.stop()
    row, path, data = await ended_interaction(db, "+4930500007")
    assert row["outcome"] == "transferred"
    assert data["handoff"] == {"transfer": "1002"}


async def test_transfer_to_an_external_number_goes_out_through_the_trunk(daemon, db):
    # The trunk's far end (pjsip.conf: sip:127.0.0.1:5070) is a sipp phone that answers.
    carrier = await start_sipp("agent_answers.xml", "+4915100000001", "-d", "300", ports=(5070, sipp_ports()[1]),
                               timeout=30)
    try:
        ok(await call_with_keys(MENU, "+4930500009", [Wait(500), Keys("1"), Wait(300), Keys("6"), Wait(3000)],
                                hang_up=True))
        far_end = await finish_sipp(carrier, timeout=15)
        assert far_end.returncode == 0, far_end.stdout[-2000:]
    finally:
        if carrier.returncode is None:
            carrier.kill()
            await carrier.wait()
    row, _, data = await ended_interaction(db, "+4930500009")
    assert row["outcome"] == "transferred"
    assert data["handoff"] == {"transfer": "+4915100000001"}


async def test_voicemail_is_recorded_stored_and_listed(daemon, db, admin_headers):
    ok(await call_with_keys(MENU, "+4930500008",
                            [Wait(500), Keys("1"), Wait(300), Keys("2"), Wait(2500), Speak(), Keys("#")]))
    row, path, data = await ended_interaction(db, "+4930500008")
    assert row["outcome"] == "voicemail"
    assert [s[1] for s in steps(path)][-2:] == ["recording", "recorded"]
    message = await wait_for_row(db, "SELECT * FROM voicemails WHERE interaction_id = $1", row["id"])
    assert message["box"] == "sales" and not message["heard"]
    assert message["recording"] == message["id"].hex == data["voicemail"]
    assert 5.0 <= float(message["duration_seconds"]) <= 10.0
    audio = ASTERISK_ROOT / message["path"].lstrip("/")
    assert audio.exists(), audio
    assert audio.read_bytes()[:4] == b"RIFF"
    assert 5 * 16000 < audio.stat().st_size < 11 * 16000  # 8 kHz, 16-bit
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{daemon.url}/api/v1/interactions/{row['id']}/voicemails",
                            headers=admin_headers) as resp:
            listed = (await resp.json())["voicemails"]
    assert [v["id"] for v in listed] == [str(message["id"])]
    assert listed[0]["caller"] == "+4930500008"


async def test_reload_through_the_api(daemon, admin_headers):
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{daemon.url}/api/v1/config/reload", headers=admin_headers) as resp:
            assert resp.status == 200 and (await resp.json()) == {"reloaded": True}
