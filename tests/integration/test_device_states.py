"""Agent phones' registration and busy state, followed from the real Asterisk over AMI."""

from __future__ import annotations

import asyncio

from telephony.asterisk.ami import AmiClient
from telephony.asterisk.device_states import DeviceStates
from tests.integration.rig import AgentPhone


async def wait_state(states: DeviceStates, device: str, predicate, timeout: float = 10) -> None:
    async with asyncio.timeout(timeout):
        while not predicate(device):
            await asyncio.sleep(0.05)


async def test_registration_is_followed(asterisk, credentials):
    ami = AmiClient("127.0.0.1", 5038, credentials["TELEPHONY_AMI_USER"], credentials["TELEPHONY_AMI_SECRET"])
    states = DeviceStates()
    states.attach(ami)
    changes = []
    states.subscribe(lambda device, state: changes.append((device, state)))
    ami.start()
    try:
        phone = AgentPhone("1003", credentials["TELEPHONY_SIP_AGENT_PASSWORD"])
        await phone.unregister()
        await wait_state(states, "PJSIP/1003", lambda d: d in states.states and not states.registered(d))

        await phone.register(expires=60)
        await wait_state(states, "PJSIP/1003", states.registered)
        assert not states.busy("PJSIP/1003")
        assert ("PJSIP/1003", "NOT_INUSE") in changes

        await phone.register(expires=0)
        await wait_state(states, "PJSIP/1003", lambda d: not states.registered(d))
        assert changes[-1] == ("PJSIP/1003", "UNAVAILABLE")
    finally:
        await ami.close()
