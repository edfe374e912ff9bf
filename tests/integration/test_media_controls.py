"""Recording and listen-in mechanics against the real Asterisk: a bridge recording that leaves out its
paused span, and a snoop channel that carries a call's audio to a supervisor's phone."""

from __future__ import annotations

import asyncio
import uuid
import wave

from telephony.channel_ids import leg_id
from telephony.commands import AddToBridge, CreateBridge, DestroyBridge, Hangup, Originate
from telephony.events import LegAnswered
from tests.integration.rig import ASTERISK_ROOT, AgentPhone
from tests.integration.test_call_legs import probe  # noqa: F401  (fixture)

RECORDINGS = ASTERISK_ROOT / "var/spool/asterisk/recording"


async def bridged_pair(probe, credentials, owner: str, extensions=("1001", "1002")):
    password = credentials["TELEPHONY_SIP_AGENT_PASSWORD"]
    phones = [AgentPhone(ext, password) for ext in extensions]
    legs = [leg_id(owner, n) for n in range(1, len(phones) + 1)]
    for phone, leg in zip(phones, legs):
        await phone.register()
        await phone.start(ring_ms=100)
        await probe.executor.execute(Originate(leg, owner, f"PJSIP/{phone.extension}", "100", "", 10))
        assert isinstance(await probe.next_leg_event(leg), LegAnswered)
    bridge = f"{owner}-talk"
    await probe.executor.execute(CreateBridge(bridge, "mixing"))
    for leg in legs:
        await probe.executor.execute(AddToBridge(bridge, leg))
    return phones, legs, bridge


async def tear_down(probe, phones, legs, bridge):
    for leg in legs:
        await probe.executor.execute(Hangup(leg))
    await probe.executor.execute(DestroyBridge(bridge))
    for phone in phones:
        await phone.finish()


async def test_bridge_recording_leaves_out_the_paused_span(probe, credentials):
    owner = f"rec{uuid.uuid4().hex[:8]}"
    phones, legs, bridge = await bridged_pair(probe, credentials, owner)
    name = f"{owner}-recording"
    await probe.ari.record_bridge(bridge, name)
    await asyncio.sleep(2)
    await probe.ari.pause_recording(name)
    await asyncio.sleep(2)
    await probe.ari.unpause_recording(name)
    await asyncio.sleep(1)
    await probe.ari.stop_recording(name)
    await tear_down(probe, phones, legs, bridge)

    stored = await probe.ari.get_stored_recording(name)
    assert stored["format"] == "wav"
    with wave.open(str(RECORDINGS / f"{name}.wav")) as audio:
        seconds = audio.getnframes() / audio.getframerate()
    assert 2.3 < seconds < 3.7, seconds  # 2 s + 1 s recorded; the 2 s pause is not in the file


async def test_snoop_channel_carries_the_call_to_a_supervisor(probe, credentials):
    owner = f"spy{uuid.uuid4().hex[:8]}"
    phones, legs, bridge = await bridged_pair(probe, credentials, owner)
    snoop = leg_id(owner, 10)
    await probe.ari.snoop(legs[1], snoop, spy="both", whisper="none", app="telephony-legs", app_args=["snoop"])
    assert isinstance(await probe.next_leg_event(snoop), LegAnswered)
    channel = await probe.ari.get_channel(snoop)
    assert channel["name"].startswith("Snoop/")

    supervisor = AgentPhone("1900", credentials["TELEPHONY_SIP_AGENT_PASSWORD"])
    await supervisor.register()
    await supervisor.start(ring_ms=100)
    sup_leg = leg_id(owner, 11)
    await probe.executor.execute(Originate(sup_leg, owner, "PJSIP/1900", "", "Supervisor", 10))
    assert isinstance(await probe.next_leg_event(sup_leg), LegAnswered)
    listen = f"{owner}-listen"
    await probe.executor.execute(CreateBridge(listen, "mixing"))
    await probe.executor.execute(AddToBridge(listen, snoop))
    await probe.executor.execute(AddToBridge(listen, sup_leg))
    await asyncio.sleep(1.5)
    sent = await probe.ari.request("GET", f"/channels/{sup_leg}/variable",
                                   {"variable": "CHANNEL(rtcp,txcount)"})
    assert int(sent["value"]) > 20, sent  # audio from the call reaches the supervisor's phone

    await probe.executor.execute(Hangup(sup_leg))
    await probe.executor.execute(Hangup(snoop))
    await probe.executor.execute(DestroyBridge(listen))
    await tear_down(probe, phones, legs, bridge)
    await supervisor.finish()
