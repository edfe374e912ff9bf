"""Who ended a call (caller, agent, API, supervisor, system) is logged with `call.ended` and stored on the
interaction's row."""

from __future__ import annotations

import asyncio
from itertools import count

from structlog.testing import capture_logs

from telephony.acd.commands import EndCall
from telephony.calls.queue_flow import QueueFlow
from telephony.calls.registry import CallRegistry
from telephony.commands import Play
from telephony.events import CallArrived, ChannelHungUp, PlaybackFinished
from telephony.requests import HangupRequested
from tests.unit.test_call_requests import NOW, connect, settle
from tests.unit.test_call_session import MemoryStore, RecordingExecutor, arrived, registry


async def ended(calls: CallRegistry, store: MemoryStore) -> str:
    for _ in range(50):
        await asyncio.sleep(0.01)
        if store.rows and next(iter(store.rows.values()))["ended_at"]:
            break
    (row,) = store.rows.values()
    return row["ended_by"]


def queue_call() -> tuple[CallRegistry, MemoryStore]:
    """A registry whose call c1 is a queue call, run by its own task, and the store of its row."""
    store, ids = MemoryStore(), count(1)
    calls = CallRegistry(lambda arrived: QueueFlow(arrived.channel_id, "support", arrived.caller_number,
                                                   arrived.caller_name, lambda: NOW, lambda: f"id{next(ids)}"),
                         RecordingExecutor(), store, lambda: NOW)
    calls.handle(CallArrived("c1", "inbound", "1", "+4930123456", "Ada", NOW))
    return calls, store


async def test_a_hang_up_over_the_api_is_the_apis():
    calls, store = queue_call()
    await connect(calls)
    with capture_logs() as logs:
        await calls.calls.ask("c1", HangupRequested("c1", "a1"))
        calls.handle(ChannelHungUp("c1", "normal"))
        assert await ended(calls, store) == "api"
    (line,) = [entry for entry in logs if entry["event"] == "call.ended"]
    assert line["ended_by"] == "api"
    assert [entry["by"] for entry in logs if entry["event"] == "call.hung_up"] == ["api"]


async def test_the_agent_hanging_up_their_phone_is_the_agents():
    calls, store = queue_call()
    await connect(calls)
    calls.calls.deliver("c1", EndCall("c1"))
    await settle()
    calls.handle(ChannelHungUp("c1", "normal"))
    assert await ended(calls, store) == "agent"


async def test_the_caller_hanging_up_is_the_callers():
    calls, store = queue_call()
    await connect(calls)
    calls.handle(ChannelHungUp("c1", "normal"))
    assert await ended(calls, store) == "caller"


async def test_the_ivr_ending_the_call_is_the_systems():
    executor, store = RecordingExecutor(), MemoryStore()
    calls = registry(executor, store)
    calls.handle(arrived())
    await settle()
    calls.handle(PlaybackFinished("c1", "pb0"))
    await settle()
    calls.handle(ChannelHungUp("c1", "normal"))
    assert await ended(calls, store) == "system"


async def test_a_caller_gone_before_our_hang_up_is_the_callers():
    executor, store = RecordingExecutor(gone_on=(Play,)), MemoryStore()
    calls = registry(executor, store)
    calls.handle(CallArrived("c1", "inbound", "100", "+4930123456", "", NOW))
    assert await ended(calls, store) == "caller"
