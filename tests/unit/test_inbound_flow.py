"""The IVR handing its caller to the ACD's queue flow, in one inbound flow."""

from datetime import datetime, timezone
from itertools import count

from telephony.acd.commands import HoldCaller, Overflow
from telephony.acd.events import CallerHungUp, CallQueued
from telephony.calls.inbound_flow import InboundFlow
from telephony.calls.queue_flow import QueueFlow
from telephony.commands import (AddToBridge, CreateBridge, DestroyBridge, Play, StartBridgeMusic, StartRecording,
                                StopPlayback)
from telephony.config import parse_config
from telephony.config.models import OverflowTarget
from telephony.events import CallArrived, CallerIdentified, ChannelHungUp, DtmfReceived, LeftBridge, PlaybackFinished, RecordingFinished
from telephony.ivr.flow import flow_for_call

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
CONFIG = parse_config("""
dids: {"1": {entry: main}}
queues: {sales: {}}
ivr:
  main: {kind: menu, prompts: ["sound:main"], options: {1: sales, 2: bye}}
  sales: {kind: queue, queue: sales, priority: 7}
  bye: {kind: hangup}
""")


def make():
    ids = count(1)
    arrived = CallArrived("c", "inbound", "1", "+4930123456", "Ada", NOW)
    ivr = flow_for_call(CONFIG, arrived, lambda: NOW, lambda: f"id{next(ids)}")
    return InboundFlow(ivr, lambda enter, vip: QueueFlow("c", enter.queue, "+4930123456", "Ada", lambda: NOW,
                                                 lambda: f"q{next(ids)}", priority=enter.priority))


def test_the_queue_node_hands_the_caller_to_the_queue_flow():
    flow = make()
    flow.start()
    assert flow.handle(DtmfReceived("c", "1")) == [StopPlayback("id1"),
                                                   CallQueued("c", "sales", NOW, "+4930123456", "Ada", 7)]
    assert flow.queue_flow is not None and not flow.finished
    assert flow.handle(HoldCaller("c", "sales", "default")) == [
        CreateBridge("c-hold", "holding"), AddToBridge("c-hold", "c"), StartBridgeMusic("c-hold", "default")]
    assert CallerHungUp("c", NOW) in flow.handle(ChannelHungUp("c", "left"))
    assert flow.outcome == "abandoned"
    assert [s.node for s in flow.story().path] == ["main", "main", "main", "sales"]
    assert flow.story().data["handoff"] == {"queue": "sales", "priority": 7, "skills": {}}


def test_a_call_that_never_reaches_a_queue_is_the_ivr_alone():
    flow = make()
    flow.start()
    flow.handle(DtmfReceived("c", "2"))
    assert flow.queue_flow is None and flow.outcome == "ivr_completed"


def test_a_queue_overflowing_to_voicemail_gives_the_caller_back_to_the_ivr_for_a_message():
    flow = make()
    flow.start()
    flow.handle(DtmfReceived("c", "1"))
    flow.handle(HoldCaller("c", "sales", "default"))
    assert flow.handle(Overflow("c", OverflowTarget.parse("voicemail:sales"), "max_wait")) == [
        DestroyBridge("c-hold")]
    (greeting,) = flow.handle(LeftBridge("c", "c-hold"))
    assert isinstance(greeting, Play) and greeting.media == ("sound:vm-intro",)
    (record,) = flow.handle(PlaybackFinished("c", greeting.playback_id))
    assert isinstance(record, StartRecording) and record.channel_id == "c"
    flow.handle(RecordingFinished("c", record.name, 4.0))
    flow.handle(ChannelHungUp("c", "left"))
    assert flow.outcome == "voicemail" and flow.story().voicemail.box == "sales" and flow.story().voicemail.duration == 4.0
    assert [s.node for s in flow.story().path][-1] == "voicemail:sales"


def test_the_queue_flow_is_told_whether_a_vip_calls():
    seen = []
    arrived = CallArrived("c", "inbound", "1", "+4930123456", "Ada", NOW)
    ivr = flow_for_call(CONFIG, arrived, lambda: NOW, lambda: "id")
    flow = InboundFlow(ivr, lambda enter, vip: seen.append(vip) or QueueFlow("c", enter.queue, "", "", lambda: NOW,
                                                                              lambda: "q"))
    flow.start()
    flow.handle(CallerIdentified("c", vip=True))
    flow.handle(DtmfReceived("c", "1"))
    assert seen == [True]
