"""The per-call task with a recording executor and an in-memory store: no Asterisk, no database."""

import asyncio
from datetime import datetime, timezone
from uuid import uuid4

from structlog.contextvars import merge_contextvars
from structlog.testing import capture_logs

from telephony.calls.registry import CallRegistry
from telephony.commands import Answer, ChannelGone, Hangup, Play
from telephony.config import parse_config
from telephony.events import CallArrived, ChannelHungUp, PlaybackFinished, RecordingFinished
from telephony.ivr.flow import flow_for_call

CONFIG = parse_config("""
dids: {"100": {entry: hello}, "200": {entry: message}}
ivr:
  hello: {kind: play, prompts: ["sound:hello-world"], next: bye}
  bye: {kind: hangup}
  message: {kind: voicemail, box: sales}
""")
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)


class RecordingExecutor:
    def __init__(self, gone_on=()):
        self.commands = []
        self.gone_on = gone_on

    async def execute(self, command):
        self.commands.append(command)
        if type(command) in self.gone_on:
            raise ChannelGone("404")


class MemoryStore:
    def __init__(self, fail_times=0):
        self.rows = {}
        self.fail_times = fail_times

    async def start(self, channel_id, direction, dialled, caller_raw, caller_name, started_at,
                    caller_e164=None, customer_id=None):
        if self.fail_times:
            self.fail_times -= 1
            raise ConnectionRefusedError("database down")
        for iid, row in self.rows.items():
            if row["channel_id"] == channel_id:
                return iid
        iid = uuid4()
        self.rows[iid] = dict(channel_id=channel_id, caller_raw=caller_raw, caller_e164=caller_e164,
                              customer_id=customer_id, started_at=started_at,
                              answered_at=None, ended_at=None, outcome=None)
        return iid

    async def answered(self, iid, at):
        self.rows[iid]["answered_at"] = at

    async def ended(self, iid, at, outcome, ivr_path, ivr_data=None, voicemail=None, ended_by=None):
        self.rows[iid].update(ended_at=at, outcome=outcome, ivr_path=ivr_path, ivr_data=ivr_data,
                              voicemail=voicemail, ended_by=ended_by)

    async def open_interactions(self):
        from telephony.db.interactions import OpenInteraction
        return [OpenInteraction(i, r["channel_id"]) for i, r in self.rows.items() if r["ended_at"] is None]

    async def close_lost(self, ids):
        for i in ids:
            self.rows[i].update(ended_at=self.rows[i]["started_at"], outcome="lost")
        return len(ids)


def arrived(channel_id="c1", dialled="100"):
    return CallArrived(channel_id, "inbound", dialled, "+4930123456", "", NOW)


def registry(executor, store, identify=None):
    ids = iter(f"pb{i}" for i in range(100))
    return CallRegistry(lambda a: flow_for_call(CONFIG, a, lambda: NOW, lambda: next(ids)),
                        executor, store, lambda: NOW, identify=identify)


async def settle():
    for _ in range(20):
        await asyncio.sleep(0)


async def test_call_walks_the_flow_and_is_recorded():
    executor, store = RecordingExecutor(), MemoryStore()
    calls = registry(executor, store)
    with capture_logs(processors=[merge_contextvars]) as logs:
        calls.handle(arrived())
        await settle()
        calls.handle(PlaybackFinished("c1", "pb0"))
        await settle()
        calls.handle(ChannelHungUp("c1", "left"))
        await settle()
        await asyncio.sleep(0.01)
    assert executor.commands == [Answer("c1"), Play("c1", "pb0", ("sound:hello-world",), "en"), Hangup("c1")]
    (row,) = store.rows.values()
    assert row["answered_at"] == NOW and row["ended_at"] == NOW
    assert row["outcome"] == "ivr_completed"
    assert [s["node"] for s in row["ivr_path"]] == ["hello", "bye"]
    assert not calls.calls
    call_lines = [entry for entry in logs if entry["event"].startswith("call.")]
    assert call_lines and all(entry.get("call_id") == "c1" for entry in call_lines)


async def test_caller_hanging_up_mid_prompt_is_abandoned():
    executor, store = RecordingExecutor(), MemoryStore()
    calls = registry(executor, store)
    calls.handle(arrived())
    await settle()
    calls.handle(ChannelHungUp("c1", "left"))
    await settle()
    await asyncio.sleep(0.01)
    (row,) = store.rows.values()
    assert row["outcome"] == "abandoned"


async def test_channel_gone_during_a_command_ends_the_call():
    executor, store = RecordingExecutor(gone_on=(Play,)), MemoryStore()
    calls = registry(executor, store)
    calls.handle(arrived())
    await settle()
    await asyncio.sleep(0.01)
    assert not calls.calls
    (row,) = store.rows.values()
    assert row["outcome"] == "abandoned"


async def test_the_flow_hears_of_a_hang_up_found_by_a_failed_command():
    """The recording ends with the caller's hang-up; the goodbye meets a gone channel before StasisEnd."""
    executor, store = RecordingExecutor(), MemoryStore()
    calls = registry(executor, store)
    calls.handle(arrived(dialled="200"))
    await settle()
    calls.handle(PlaybackFinished("c1", "pb0"))
    await settle()
    executor.gone_on = (Play,)
    calls.handle(RecordingFinished("c1", "pb1", 3.0))
    await settle()
    await asyncio.sleep(0.01)
    (row,) = store.rows.values()
    assert row["outcome"] == "voicemail" and row["voicemail"].duration == 3.0


async def test_duplicate_arrival_is_ignored():
    executor, store = RecordingExecutor(), MemoryStore()
    calls = registry(executor, store)
    calls.handle(arrived())
    calls.handle(arrived())
    await settle()
    assert executor.commands.count(Answer("c1")) == 1
    await calls.release_all()


async def test_database_outage_delays_the_row_but_loses_nothing():
    executor, store = RecordingExecutor(), MemoryStore(fail_times=2)
    calls = registry(executor, store)
    calls.handle(arrived())
    await settle()
    calls.handle(ChannelHungUp("c1", "left"))
    for _ in range(100):
        await asyncio.sleep(0.05)
        if store.rows and next(iter(store.rows.values()))["ended_at"]:
            break
    (row,) = store.rows.values()
    assert row["outcome"] == "abandoned" and row["ended_at"] == NOW


async def test_reconcile_ends_vanished_adopts_unknown_and_closes_lost():
    executor, store = RecordingExecutor(), MemoryStore()
    lost_id = await store.start("gone-while-down", "inbound", "100", "", "", NOW)
    calls = registry(executor, store)
    calls.handle(arrived("tracked"))
    await settle()
    await calls.reconcile({"new": arrived("new"), "snoop": None})
    await settle()
    await asyncio.sleep(0.01)
    assert "tracked" not in calls.calls
    assert "new" in calls.calls
    assert store.rows[lost_id]["outcome"] == "lost"
    await calls.release_all()


async def test_hanging_up_a_leg_that_is_already_gone_does_not_end_the_call():
    """An internal call giving up on its ringing target while the target's leg ends by itself: the caller
    must still hear why and be hung up, not be taken for gone."""
    from telephony.calls.internal_call import InternalCallFlow, InternalTarget, InternalTargetFound

    class LegGone(RecordingExecutor):
        async def execute(self, command):
            self.commands.append(command)
            if isinstance(command, Hangup) and command.channel_id.endswith("-leg-1"):
                raise ChannelGone("404")

    executor, store = LegGone(), MemoryStore()
    calls = CallRegistry(lambda a: InternalCallFlow(a.channel_id, "2472", "1001", "", lambda: NOW, ring_timeout=1),
                         executor, store, lambda: NOW)
    calls.handle(CallArrived("c1", "internal", "2472", "1001", "", NOW))
    calls.calls.deliver("c1", InternalTargetFound("c1", InternalTarget("agent", "PJSIP/1002", "bob")))
    await asyncio.sleep(1.2)  # the ring timeout fires
    calls.calls.deliver("c1", PlaybackFinished("c1", "c1-refused"))
    await asyncio.sleep(0.05)
    assert Hangup("c1") in executor.commands
    calls.handle(ChannelHungUp("c1", "normal"))
    await asyncio.sleep(0.05)
    (row,) = store.rows.values()
    assert row["outcome"] == "no answer"
