"""The call side of the ACD: dispatcher commands carried out on the caller's channel, Asterisk's answers
reported back — without Asterisk."""

from datetime import datetime, timedelta, timezone
from itertools import count

import pytest

from telephony.acd.commands import Announce, CancelOffer, ConnectCallToAgent, EndCall, HoldCaller, Offer, Overflow
from telephony.acd.events import (AgentLegEnded, CallBridged, CallerHungUp, CallPriorityRaised, CallQueued,
                                  OfferAnswered)
from telephony.model import Device, dial_string
from telephony.calls.queue_flow import QueueFlow, announcement
from telephony.commands import (AddToBridge, CreateBridge, DestroyBridge, Hangup, Originate, PauseRecording,
                                Play, RecordBridge, Snoop, StartBridgeMusic)
from telephony.config.models import OverflowTarget
from telephony.events import (CallerIdentified, ChannelHungUp, LeftBridge, LegAnswered, LegEnded, PlaybackFinished,
                              RecordingSnoopEntered)
from telephony.recordings.commands import RecordingAgent
from telephony.recordings.control import RecordingRefused
from telephony.requests import RecordingAction, RecordingRequested

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
SOFTPHONE = Device("softphone", "PJSIP/1001")


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


def make():
    clock = Clock()
    ids = count(1)
    flow = QueueFlow("c1", "support", "+4930123456", "Ada", clock, lambda: f"id{next(ids)}", priority=5)
    return flow, clock


def offer(offer_id="o1", agent="a1", device=SOFTPHONE):
    return Offer(offer_id, "c1", agent, device, 15, "+4930123456", "Ada", "support")


def test_joins_the_queue_then_holds_with_the_queues_music():
    flow, _ = make()
    assert flow.start() == [CallQueued("c1", "support", T0, "+4930123456", "Ada", 5)]
    assert flow.handle(HoldCaller("c1", "support", "jazz")) == [
        CreateBridge("c1-hold", "holding"), AddToBridge("c1-hold", "c1"), StartBridgeMusic("c1-hold", "jazz")]


def test_moved_to_another_queue_the_caller_stays_in_the_holding_bridge_with_its_music():
    flow, _ = make()
    flow.start()
    flow.handle(HoldCaller("c1", "support", "jazz"))
    assert flow.handle(HoldCaller("c1", "billing", "default")) == [StartBridgeMusic("c1-hold", "default")]
    assert flow.queue == "billing"


def test_offer_rings_the_device_with_the_customer_as_caller_id():
    flow, _ = make()
    flow.start()
    assert flow.handle(offer()) == [Originate("c1-leg-1", "c1", "PJSIP/1001", "+4930123456", "Ada", 20)]
    assert flow.handle(LegAnswered("c1", "c1-leg-1")) == [OfferAnswered("o1", T0)]


def test_bridges_only_when_the_dispatcher_says_so():
    flow, clock = make()
    flow.start()
    flow.handle(offer())
    flow.handle(LegAnswered("c1", "c1-leg-1"))
    clock.now = T0 + timedelta(seconds=9)
    assert flow.handle(ConnectCallToAgent("c1", "o1", "a1")) == [
        CreateBridge("c1-talk", "mixing"), AddToBridge("c1-talk", "c1"), AddToBridge("c1-talk", "c1-leg-1"),
        DestroyBridge("c1-hold"), CallBridged("o1", clock.now)]
    assert flow.waited_seconds == 9 and flow.agent_id == "a1"


def test_agent_hanging_up_is_reported_and_the_dispatcher_ends_the_call():
    flow, _ = make()
    flow.start()
    flow.handle(offer())
    flow.handle(LegAnswered("c1", "c1-leg-1"))
    flow.handle(ConnectCallToAgent("c1", "o1", "a1"))
    assert flow.handle(LegEnded("c1", "c1-leg-1", 16)) == [AgentLegEnded("o1", T0, "hung up")]
    assert flow.handle(EndCall("c1")) == [Hangup("c1"), DestroyBridge("c1-talk")]
    assert flow.outcome == "answered"


def test_unanswered_and_cancelled_offers():
    flow, _ = make()
    flow.start()
    flow.handle(offer("o1", "a1"))
    flow.handle(offer("o2", "a2", Device("mobile", "+4915112345678")))
    assert flow.handle(CancelOffer("o1", "c1", "a1", "ring timeout")) == [Hangup("c1-leg-1")]
    assert flow.handle(LegEnded("c1", "c1-leg-1", 19)) == [AgentLegEnded("o1", T0, "no answer")]
    assert flow.handle(LegEnded("c1", "c1-leg-2", 17)) == [AgentLegEnded("o2", T0, "busy")]
    assert flow.handle(CancelOffer("o1", "c1", "a1", "again")) == []  # already gone


def test_caller_hanging_up_releases_every_ringing_agent():
    flow, clock = make()
    flow.start()
    flow.handle(offer("o1", "a1"))
    flow.handle(offer("o2", "a2"))
    clock.now = T0 + timedelta(seconds=30)
    assert flow.handle(ChannelHungUp("c1", "left")) == [
        Hangup("c1-leg-1"), Hangup("c1-leg-2"), DestroyBridge("c1-hold"), DestroyBridge("c1-talk"),
        CallerHungUp("c1", clock.now),
        AgentLegEnded("o1", clock.now, "caller hung up"), AgentLegEnded("o2", clock.now, "caller hung up")]
    assert flow.outcome == "abandoned" and flow.waited_seconds == 30


def test_overflow_plays_the_message_then_hangs_up():
    flow, _ = make()
    flow.start()
    commands = flow.handle(Overflow("c1", OverflowTarget.parse("message:vm-goodbye"), "max_wait"))
    assert commands == [Play("c1", "c1-overflow", ("sound:vm-goodbye",))]
    assert flow.handle(PlaybackFinished("c1", "c1-overflow")) == [Hangup("c1"), DestroyBridge("c1-hold")]
    assert flow.outcome == "overflow"


def test_voicemail_overflow_frees_the_caller_from_the_holding_bridge_first():
    flow, _ = make()
    flow.start()
    flow.handle(HoldCaller("c1", "support", "default"))
    assert flow.handle(Overflow("c1", OverflowTarget.parse("voicemail:sales"), "max_wait")) == [
        DestroyBridge("c1-hold")]
    assert flow.voicemail_box is None
    assert flow.handle(LeftBridge("c1", "c1-hold")) == []
    assert flow.voicemail_box == "sales" and flow.outcome == "overflow"


def test_voicemail_overflow_of_a_caller_never_held_is_at_once():
    flow, _ = make()
    flow.start()
    assert flow.handle(Overflow("c1", OverflowTarget.parse("voicemail:sales"), "full")) == []
    assert flow.voicemail_box == "sales"


def test_announcements_say_position_and_wait():
    assert announcement(1, None) == ("sound:queue-youarenext",)
    assert announcement(3, 130) == ("sound:queue-thereare", "number:2", "sound:queue-callswaiting",
                                    "sound:queue-holdtime", "number:2", "sound:queue-minutes")
    flow, _ = make()
    flow.start()
    assert flow.handle(Announce("c1", 1, None)) == [Play("c1", "id1", ("sound:queue-youarenext",))]


def test_mobile_devices_are_dialled_through_the_trunk():
    assert dial_string(Device("mobile", "+4915112345678")) == "PJSIP/+4915112345678@trunk"
    assert dial_string(SOFTPHONE) == "PJSIP/1001"


def test_an_always_recorded_queue_records_the_talk_bridge_from_the_answer():
    flow, _ = make()
    flow.recording_policy = lambda queue, agent: "always" if (queue, agent) == ("support", "a1") else "never"
    flow.start()
    flow.handle(offer())
    flow.handle(LegAnswered("c1", "c1-leg-1"))
    commands = flow.handle(ConnectCallToAgent("c1", "o1", "a1"))
    assert commands[-1] == RecordBridge("c1-talk", "c1-rec-1", "wav", "c1", "a1", "support")
    assert flow.request(RecordingRequested("c1", "a1", RecordingAction.PAUSE)) == [PauseRecording("c1-rec-1")]
    with pytest.raises(RecordingRefused, match="already paused"):  # refused: nothing sent
        flow.request(RecordingRequested("c1", "a1", RecordingAction.PAUSE))
    with pytest.raises(RecordingRefused, match="not the agent"):
        flow.request(RecordingRequested("c1", "a2", RecordingAction.RESUME))


def test_recording_requests_before_the_answer_are_refused():
    flow, _ = make()
    flow.start()
    with pytest.raises(RecordingRefused, match="not connected"):
        flow.request(RecordingRequested("c1", "a1", RecordingAction.START))


def test_a_queue_recorded_from_entry_snoops_the_caller_when_holding():
    flow, _ = make()
    flow.recording_policy = lambda queue, agent: "always"
    flow.record_from = lambda queue: "queue"
    flow.start()
    commands = flow.handle(HoldCaller("c1", "support", "jazz"))
    assert commands[-1] == Snoop("c1-recsnoop-1", "c1", spy="both", whisper="none")
    assert flow.handle(RecordingSnoopEntered("c1", "c1-recsnoop-1"))[0].name == "c1-rec-1"
    flow.handle(offer())
    flow.handle(LegAnswered("c1", "c1-leg-1"))
    assert flow.handle(ConnectCallToAgent("c1", "o1", "a1"))[-1] == RecordingAgent("c1-rec-1", "a1")


def test_a_vip_known_before_queueing_queues_with_the_queues_vip_priority():
    flow = QueueFlow("c1", "support", "+4930123456", "Ada", Clock(), lambda: "id", priority=2, vip_priority=8,
                     vip=True)
    assert flow.start()[0].priority == 8


def test_a_vip_identified_while_waiting_is_raised_once_and_a_plain_caller_is_not():
    flow, clock = make()  # priority 5
    flow.vip_priority = 9
    flow.start()
    assert flow.handle(CallerIdentified("c1", vip=False)) == []
    assert flow.handle(CallerIdentified("c1", vip=True)) == [CallPriorityRaised("c1", 9, clock.now)]
    assert flow.handle(CallerIdentified("c1", vip=True)) == []
    assert flow.priority == 9


def test_a_vip_below_the_calls_own_priority_keeps_it():
    flow = QueueFlow("c1", "support", "", "", Clock(), lambda: "id", priority=7, vip_priority=3, vip=True)
    assert flow.priority == 7
