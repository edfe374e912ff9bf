"""The ARI adapter's call-leg commands against the real Asterisk and sipp agent phones: originate,
answer, no answer, unreachable, bridge. Uses an ARI application of its own beside the daemon's."""

from __future__ import annotations

import asyncio
import uuid

import pytest_asyncio

from telephony.asterisk.ari import AriClient
from telephony.asterisk.ari_events import AriEventStream, Connected
from telephony.asterisk.executor import AriCommandExecutor
from telephony.asterisk.translate import translate
from telephony.channel_ids import leg_id
from telephony.commands import AddToBridge, CreateBridge, DestroyBridge, Hangup, Originate
from telephony.events import LegAnswered, LegEnded
from tests.integration.rig import AgentPhone

APP = "telephony-legs"


class Probe:
    def __init__(self, credentials):
        url = "http://127.0.0.1:8088/ari"
        user, password = credentials["TELEPHONY_ARI_USER"], credentials["TELEPHONY_ARI_PASSWORD"]
        self.ari = AriClient(url, user, password)
        self.events = AriEventStream("ws://127.0.0.1:8088/ari/events", APP, user, password)
        self.executor = AriCommandExecutor(self.ari, APP)

    async def start(self):
        await self.ari.start()
        self.events.start()
        assert isinstance(await asyncio.wait_for(self.events.queue.get(), 10), Connected)

    async def close(self):
        await self.events.close()
        await self.ari.close()

    async def next_leg_event(self, leg: str, timeout: float = 15):
        async with asyncio.timeout(timeout):
            while True:
                event = translate(await self.events.queue.get())
                if isinstance(event, (LegAnswered, LegEnded)) and event.leg_id == leg:
                    return event


@pytest_asyncio.fixture
async def probe(asterisk, credentials):
    probe = Probe(credentials)
    await probe.start()
    yield probe
    await probe.close()


def new_owner() -> str:
    return f"probe{uuid.uuid4().hex[:8]}"


async def test_originated_leg_answers_and_hangs_up(probe, credentials):
    phone = AgentPhone("1001", credentials["TELEPHONY_SIP_AGENT_PASSWORD"])
    await phone.register()
    await phone.start(ring_ms=200)
    owner = new_owner()
    leg = leg_id(owner, 1)
    await probe.executor.execute(Originate(leg, owner, "PJSIP/1001", "+4930123456", 'Ada "the" <Customer>', 10))
    answered = await probe.next_leg_event(leg)
    assert answered == LegAnswered(channel_id=owner, leg_id=leg)
    channel = await probe.ari.get_channel(leg)
    assert channel["caller"]["number"] == "+4930123456"
    await probe.executor.execute(Hangup(leg))
    ended = await probe.next_leg_event(leg)
    assert isinstance(ended, LegEnded) and ended.cause == 16
    assert (await phone.finish()).returncode == 0


async def test_leg_to_an_unregistered_phone_ends_at_once(probe, credentials):
    phone = AgentPhone("1003", credentials["TELEPHONY_SIP_AGENT_PASSWORD"])
    await phone.unregister()
    owner = new_owner()
    leg = leg_id(owner, 1)
    try:
        await probe.executor.execute(Originate(leg, owner, "PJSIP/1003", "100", "", 10))
    except Exception as exc:  # Asterisk may refuse at once; then no leg exists at all
        assert "1003" in str(exc) or getattr(exc, "status", None) in (400, 500)
        return
    ended = await probe.next_leg_event(leg, timeout=5)
    assert isinstance(ended, LegEnded) and not isinstance(ended, LegAnswered)


async def test_leg_that_rings_out_ends_with_no_answer(probe, credentials):
    phone = AgentPhone("1002", credentials["TELEPHONY_SIP_AGENT_PASSWORD"])
    await phone.register()
    await phone.start("agent_rings.xml")
    owner = new_owner()
    leg = leg_id(owner, 1)
    await probe.executor.execute(Originate(leg, owner, "PJSIP/1002", "100", "", 2))
    ended = await probe.next_leg_event(leg, timeout=10)
    assert isinstance(ended, LegEnded), ended
    assert ended.cause in (19, 16, 0), ended
    await phone.stop()


async def test_two_answered_legs_share_a_bridge(probe, credentials):
    password = credentials["TELEPHONY_SIP_AGENT_PASSWORD"]
    phones = [AgentPhone(ext, password) for ext in ("1001", "1002")]
    for phone in phones:
        await phone.register()
        await phone.start()
    owner = new_owner()
    legs = [leg_id(owner, n) for n in (1, 2)]
    for leg, phone in zip(legs, phones):
        await probe.executor.execute(Originate(leg, owner, f"PJSIP/{phone.extension}", "100", "", 10))
        assert isinstance(await probe.next_leg_event(leg), LegAnswered)
    bridge = f"{owner}-bridge"
    await probe.executor.execute(CreateBridge(bridge, "mixing"))
    for leg in legs:
        await probe.executor.execute(AddToBridge(bridge, leg))
    state = await probe.ari.get_bridge(bridge)
    assert sorted(state["channels"]) == sorted(legs)
    await probe.executor.execute(Hangup(legs[0]))
    await probe.executor.execute(Hangup(legs[1]))
    await probe.executor.execute(DestroyBridge(bridge))
    await probe.executor.execute(DestroyBridge(bridge))  # already gone: not an error
    for phone in phones:
        assert (await phone.finish()).returncode == 0
