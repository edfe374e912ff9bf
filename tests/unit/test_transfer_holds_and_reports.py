"""Transfers inside a queue call, without Asterisk: what the ACD hears (release, holds of an agent target,
requeue with the call's priority and arrival), what the event stream hears, and what is left when the
caller hangs up mid-transfer."""

from datetime import timedelta
from itertools import count

from telephony.acd.commands import ConnectCallToAgent, Offer
from telephony.acd.events import (AgentReleased, CallQueued, TransferTargetAnswered, TransferTargetFreed,
                                  TransferTargetRinging)
from telephony.model import Device
from telephony.calls.queue_flow import QueueFlow
from telephony.calls.transfer_reports import TransferReport
from telephony.commands import AddToBridge, Hangup, Originate
from telephony.events import ChannelHungUp, LegAnswered, LegEnded
from telephony.requests import (HangupRequested, Target, TargetKind, TransferAction, TransferMode,
                                TransferRequested, TransferStep)
from tests.unit.test_transfer import T0, Clock

BOB = Target(TargetKind.AGENT, "bob", "PJSIP/1002")

def connected():
    """A call of queue support (priority 5) talking with agent a1 on leg c1-leg-1, 30 s after it arrived."""
    clock = Clock()
    ids = count(1)
    flow = QueueFlow("c1", "support", "+4930123456", "Ada", clock, lambda: f"id{next(ids)}", priority=5)
    flow.start()
    flow.handle(Offer("o1", "c1", "a1", Device("softphone", "PJSIP/1001"), 15, "+4930123456", "Ada", "support"))
    flow.handle(LegAnswered("c1", "c1-leg-1"))
    clock.now = T0 + timedelta(seconds=30)
    flow.handle(ConnectCallToAgent("c1", "o1", "a1"))
    return flow, clock


def of(kind, commands):
    return [c for c in commands if isinstance(c, kind)]


def reports(commands):
    return [r.what for r in of(TransferReport, commands)]


def test_blind_to_an_agent_holds_them_releases_the_transferring_agent_and_hands_over():
    flow, clock = connected()
    out = flow.request(TransferRequested("c1", "a1", TransferMode.BLIND, BOB, "bob"))
    assert of(TransferTargetRinging, out) == [TransferTargetRinging("c1-leg-2", "bob", "c1", "support", clock.now)]
    assert of(AgentReleased, out) == [AgentReleased("o1", clock.now, "transferred")]
    assert Hangup("c1-leg-1") in out and of(Originate, out)[0].endpoint == "PJSIP/1002"
    assert reports(out) == ["started"]
    out = flow.handle(LegAnswered("c1", "c1-leg-2"))
    assert of(TransferTargetAnswered, out) == [TransferTargetAnswered("c1-leg-2", clock.now)]
    assert reports(out) == ["completed"]
    assert flow.view().phase_for("bob") == "connected" and flow.view().phase_for("a1") is None
    out = flow.handle(LegEnded("c1", "c1-leg-2", 16))
    assert of(TransferTargetFreed, out) == [TransferTargetFreed("c1-leg-2", clock.now)]
    assert Hangup("c1") in out


def test_a_failure_once_the_agent_is_gone_requeues_with_priority_and_first_arrival():
    flow, clock = connected()
    flow.request(TransferRequested("c1", "a1", TransferMode.BLIND, BOB, "bob"))
    clock.now += timedelta(seconds=20)
    out = flow.handle(LegEnded("c1", "c1-leg-2", 19))
    assert of(TransferTargetFreed, out) == [TransferTargetFreed("c1-leg-2", clock.now)]
    (queued,) = of(CallQueued, out)
    assert (queued.queue, queued.priority, queued.arrived_at, queued.at) == ("support", 5, T0, clock.now)
    assert reports(out) == ["failed", "requeued"]
    assert of(TransferReport, out)[0].reason == "no answer"


def test_busy_target_returns_the_caller_to_the_agent_who_is_not_released():
    flow, _ = connected()
    flow.request(TransferRequested("c1", "a1", TransferMode.ATTENDED, BOB, "bob"))
    out = flow.handle(LegEnded("c1", "c1-leg-2", 17))
    assert not of(AgentReleased, out) and not of(CallQueued, out)
    assert AddToBridge("c1-talk", "c1-leg-1") in out
    assert reports(out) == ["failed", "returned"] and of(TransferReport, out)[0].reason == "busy"
    assert flow.view().phase_for("a1") == "connected"


def test_cancel_frees_the_held_target_when_their_leg_is_gone():
    flow, _ = connected()
    flow.request(TransferRequested("c1", "a1", TransferMode.ATTENDED, BOB, "bob"))
    flow.handle(LegAnswered("c1", "c1-leg-2"))
    out = flow.request(TransferStep("c1", "a1", TransferAction.CANCEL))
    assert Hangup("c1-leg-2") in out and reports(out) == ["cancelled"]
    assert of(TransferTargetFreed, flow.handle(LegEnded("c1", "c1-leg-2", 16))) == [
        TransferTargetFreed("c1-leg-2", T0 + timedelta(seconds=30))]


def test_a_queue_target_requeues_at_once_and_holds_nobody():
    flow, _ = connected()
    out = flow.request(TransferRequested("c1", "a1", TransferMode.BLIND, Target(TargetKind.QUEUE, "billing")))
    assert not of(TransferTargetRinging, out)
    (queued,) = of(CallQueued, out)
    assert (queued.queue, queued.priority, queued.arrived_at) == ("billing", 5, T0)
    assert reports(out) == ["started", "requeued"]


def test_the_caller_hanging_up_mid_transfer_frees_the_held_target():
    flow, clock = connected()
    flow.request(TransferRequested("c1", "a1", TransferMode.ATTENDED, BOB, "bob"))
    out = flow.handle(ChannelHungUp("c1", 16))
    assert Hangup("c1-leg-2") in out
    assert of(TransferTargetFreed, out) == [TransferTargetFreed("c1-leg-2", clock.now)]


def test_the_agent_hanging_up_over_the_api_in_a_conference_leaves_only_themselves():
    flow, _ = connected()
    assert flow.request(HangupRequested("c1", "a1")) == [Hangup("c1")]  # no transfer: the call ends
    flow, _ = connected()
    flow.request(TransferRequested("c1", "a1", TransferMode.ATTENDED, BOB, "bob"))
    flow.handle(LegAnswered("c1", "c1-leg-2"))
    flow.request(TransferStep("c1", "a1", TransferAction.CONFERENCE))
    assert flow.request(HangupRequested("c1", "a1")) == [Hangup("c1-leg-1")]
    out = flow.handle(LegEnded("c1", "c1-leg-1", 16))
    assert of(AgentReleased, out) and Hangup("c1") not in out
    assert flow.view().phase_for("bob") == "connected" and not flow.finished


def test_the_answered_target_is_consulting_and_hanging_up_over_the_api_returns_the_caller_to_the_agent():
    flow, _ = connected()
    flow.request(TransferRequested("c1", "a1", TransferMode.ATTENDED, BOB, "bob"))
    assert flow.view().phase_for("bob") is None  # still ringing: theirs to answer or reject on the phone
    flow.handle(LegAnswered("c1", "c1-leg-2"))
    assert flow.view().phase_for("bob") == "consulting" and flow.view().phase_for("a1") == "connected"
    flow.request(TransferStep("c1", "a1", TransferAction.CONFERENCE))
    assert flow.view().phase_for("bob") == "consulting"
    assert flow.request(HangupRequested("c1", "bob")) == [Hangup("c1-leg-2")]
    out = flow.handle(LegEnded("c1", "c1-leg-2", 16))
    assert Hangup("c1") not in out and not of(AgentReleased, out)
    assert flow.view().phase_for("a1") == "connected" and flow.view().phase_for("bob") is None
