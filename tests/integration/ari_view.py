"""Looking at the call from Asterisk's side over ARI, as the tests of supervision and transfers do."""

from __future__ import annotations

import asyncio

import pytest_asyncio

from telephony.asterisk.ari import AriClient
from telephony.errors import AriError


@pytest_asyncio.fixture
async def ari(asterisk, credentials):
    client = AriClient("http://127.0.0.1:8088/ari", credentials["TELEPHONY_ARI_USER"],
                       credentials["TELEPHONY_ARI_PASSWORD"])
    await client.start()
    yield client
    await client.close()


async def bridge_channels(ari, bridge_id: str) -> set[str]:
    try:
        return set((await ari.get_bridge(bridge_id))["channels"])
    except AriError:
        return set()


async def until_bridge(ari, bridge_id: str, predicate, timeout: float = 15) -> set[str]:
    """The bridge's channels once `predicate` holds for them (a TimeoutError otherwise)."""
    async with asyncio.timeout(timeout):
        while not predicate(channels := await bridge_channels(ari, bridge_id)):
            await asyncio.sleep(0.1)
    return channels
