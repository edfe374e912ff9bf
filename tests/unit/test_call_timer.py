"""The IVR's timers run in the call's task: a menu left silent times out for real, and a key cancels it."""

import asyncio
from datetime import datetime, timezone

from telephony.calls.registry import CallRegistry
from telephony.commands import Hangup, Play
from telephony.config import parse_config
from telephony.events import ChannelHungUp, DtmfReceived, PlaybackFinished
from telephony.ivr.flow import flow_for_call
from tests.unit.test_call_session import MemoryStore, RecordingExecutor, arrived, settle

CONFIG = parse_config("""
dids: {"100": {entry: menu}}
ivr:
  menu: {kind: menu, prompts: ["sound:m"], options: {1: bye}, timeout: 0.05, retries: 1,
         timeout_prompts: ["sound:again"], default: bye}
  bye: {kind: hangup}
""")
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)


def registry(executor, store):
    ids = iter(f"id{i}" for i in range(100))
    return CallRegistry(lambda a: flow_for_call(CONFIG, a, lambda: NOW, lambda: next(ids)), executor, store,
                        lambda: NOW)


async def test_silence_fires_the_timer_and_the_menu_retries_then_defaults():
    executor, store = RecordingExecutor(), MemoryStore()
    calls = registry(executor, store)
    calls.handle(arrived())
    await settle()
    calls.handle(PlaybackFinished("c1", "id0"))
    await asyncio.sleep(0.1)
    assert Play("c1", "id2", ("sound:again", "sound:m"), "en") in executor.commands
    calls.handle(PlaybackFinished("c1", "id2"))
    await asyncio.sleep(0.1)
    assert executor.commands[-1] == Hangup("c1")
    calls.handle(ChannelHungUp("c1", "left"))
    await asyncio.sleep(0.01)
    (row,) = store.rows.values()
    assert row["outcome"] == "ivr_completed"
    assert [s["note"] for s in row["ivr_path"]] == ["", "timeout", "timeout", "default", ""]
    assert row["ivr_data"] == {"language": "en", "collected": {}}


async def test_a_key_cancels_the_timer():
    executor, store = RecordingExecutor(), MemoryStore()
    calls = registry(executor, store)
    calls.handle(arrived())
    await settle()
    calls.handle(PlaybackFinished("c1", "id0"))
    await settle()
    session = calls.calls.get("c1")
    assert session._timer._task is not None
    calls.handle(DtmfReceived("c1", "1"))
    await settle()
    assert session._timer._task is None
    assert executor.commands[-1] == Hangup("c1")
    await asyncio.sleep(0.1)
    assert executor.commands[-1] == Hangup("c1")  # no retry prompt: the timer never fired
    calls.handle(ChannelHungUp("c1", "left"))
    await asyncio.sleep(0.01)
    assert not calls.calls
