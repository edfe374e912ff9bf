"""The call side of queueing: hold, ring, bridge, report — without Asterisk."""

from datetime import datetime, timedelta, timezone

from telephony.calls.queue_flow import QueueFlow
from telephony.calls.queue_messages import (CallFinished, JoinQueue, LeaveQueue, OfferAnswered, OfferFailed,
                                            OfferToAgent, Overflow, WithdrawOffer)
from telephony.commands import (AddToBridge, CreateBridge, DestroyBridge, Hangup, Originate, Play,
                                StartBridgeMusic)
from telephony.events import ChannelHungUp, LegAnswered, LegEnded, PlaybackFinished

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


def make():
    clock = Clock()
    flow = QueueFlow("c1", "support", 5, "+4930123456", "Ada", clock)
    return flow, clock


def test_caller_holds_with_music_and_joins_the_queue():
    flow, _ = make()
    assert flow.start() == [
        CreateBridge("c1-hold", "holding"), AddToBridge("c1-hold", "c1"), StartBridgeMusic("c1-hold", "default"),
        JoinQueue("c1", "support", 5, T0, "+4930123456", "Ada"),
    ]


def test_offer_rings_the_agent_with_the_customer_as_caller_id_and_bridges_on_answer():
    flow, clock = make()
    flow.start()
    assert flow.handle(OfferToAgent("c1", "a1", "PJSIP/1001", 15)) == [
        Originate("c1-leg-1", "c1", "PJSIP/1001", "+4930123456", "Ada", 15)]
    clock.now = T0 + timedelta(seconds=12)
    assert flow.handle(LegAnswered("c1", "c1-leg-1")) == [
        CreateBridge("c1-talk", "mixing"), AddToBridge("c1-talk", "c1"), AddToBridge("c1-talk", "c1-leg-1"),
        DestroyBridge("c1-hold"), OfferAnswered("c1", "a1")]
    assert flow.waited_seconds == 12
    assert flow.handle(LegEnded("c1", "c1-leg-1", 16)) == [
        Hangup("c1"), DestroyBridge("c1-talk"), CallFinished("c1", "a1")]
    assert flow.outcome == "answered" and flow.agent_id == "a1"


def test_no_answer_is_reported_and_the_next_offer_rings_someone_else():
    flow, _ = make()
    flow.start()
    flow.handle(OfferToAgent("c1", "a1", "PJSIP/1001", 15))
    assert flow.handle(LegEnded("c1", "c1-leg-1", 19)) == [OfferFailed("c1", "a1", 19)]
    assert flow.handle(OfferToAgent("c1", "a2", "PJSIP/1002", 15)) == [
        Originate("c1-leg-2", "c1", "PJSIP/1002", "+4930123456", "Ada", 15)]
    assert not flow.finished


def test_ring_all_first_answer_wins_and_the_others_are_hung_up():
    flow, _ = make()
    flow.start()
    for n, agent in enumerate(("a1", "a2", "a3"), 1):
        flow.handle(OfferToAgent("c1", agent, f"PJSIP/100{n}", 15))
    commands = flow.handle(LegAnswered("c1", "c1-leg-2"))
    assert commands[:2] == [Hangup("c1-leg-1"), Hangup("c1-leg-3")]
    assert OfferAnswered("c1", "a2") in commands
    # the losers' legs end afterwards: not reported as failed offers of a ringing call
    assert flow.handle(LegEnded("c1", "c1-leg-1", 16)) == []


def test_a_second_answer_after_the_bridge_is_refused():
    flow, _ = make()
    flow.start()
    flow.handle(OfferToAgent("c1", "a1", "PJSIP/1001", 15))
    flow.handle(LegAnswered("c1", "c1-leg-1"))
    assert flow.handle(OfferToAgent("c1", "a2", "PJSIP/1002", 15)) == [OfferFailed("c1", "a2", 16)]


def test_caller_hanging_up_while_waiting_is_abandoned_with_its_wait():
    flow, clock = make()
    flow.start()
    flow.handle(OfferToAgent("c1", "a1", "PJSIP/1001", 15))
    clock.now = T0 + timedelta(seconds=40)
    assert flow.handle(ChannelHungUp("c1", "left")) == [
        Hangup("c1-leg-1"), DestroyBridge("c1-hold"), LeaveQueue("c1", "abandoned")]
    assert flow.outcome == "abandoned" and flow.waited_seconds == 40


def test_caller_hanging_up_during_the_conversation_releases_the_agent():
    flow, _ = make()
    flow.start()
    flow.handle(OfferToAgent("c1", "a1", "PJSIP/1001", 15))
    flow.handle(LegAnswered("c1", "c1-leg-1"))
    assert flow.handle(ChannelHungUp("c1", "left")) == [
        Hangup("c1-leg-1"), DestroyBridge("c1-talk"), CallFinished("c1", "a1")]
    # both hung up at once: the agent leg's end arrives afterwards and changes nothing
    assert flow.handle(LegEnded("c1", "c1-leg-1", 16)) == []


def test_withdrawn_offer_hangs_up_that_agents_leg():
    flow, _ = make()
    flow.start()
    flow.handle(OfferToAgent("c1", "a1", "PJSIP/1001", 15))
    assert flow.handle(WithdrawOffer("c1", "a1")) == [Hangup("c1-leg-1")]
    assert flow.handle(LegEnded("c1", "c1-leg-1", 16)) == [OfferFailed("c1", "a1", 16)]


def test_overflow_to_a_message_leaves_the_queue_and_hangs_up_after_it():
    flow, _ = make()
    flow.start()
    commands = flow.handle(Overflow("c1", "message:sound:vm-goodbye"))
    assert commands == [DestroyBridge("c1-hold"), LeaveQueue("c1", "overflow"),
                        Play("c1", "c1-overflow", ("sound:vm-goodbye",))]
    assert flow.handle(PlaybackFinished("c1", "c1-overflow")) == [Hangup("c1")]
    assert flow.outcome == "overflow"
