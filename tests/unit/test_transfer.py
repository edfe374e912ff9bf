"""The transfer state machine without Asterisk: blind, attended, conference, and every failure path
putting the customer back with the agent or in the queue."""

from datetime import datetime, timedelta, timezone

import pytest
from structlog.testing import capture_logs

from telephony.calls.transfer import RequeueCaller, State, Transfer
from telephony.commands import AddToBridge, CreateBridge, DestroyBridge, Hangup, Originate, StartBridgeMusic
from telephony.errors import IllegalTransition
from telephony.requests import Target, TargetKind, TransferMode

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
AGENT_1002 = Target(TargetKind.AGENT, "agent-b", "PJSIP/1002")


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


def make(**kw):
    clock = Clock()
    xfer = Transfer("c1", "c1-talk", "c1-leg-1", "agent-a", "support", clock, priority=5,
                    arrived=T0 - timedelta(minutes=2), connected_at=T0 - timedelta(minutes=1), **kw)
    return xfer, clock


HOLD = [CreateBridge("c1-xfer-hold", "holding"), AddToBridge("c1-xfer-hold", "c1"),
        StartBridgeMusic("c1-xfer-hold", "default")]


def test_blind_transfer_to_an_agent_holds_the_customer_rings_the_target_and_releases_the_agent():
    xfer, clock = make()
    assert xfer.start(TransferMode.BLIND, AGENT_1002, "c1-leg-2") == [
        *HOLD, Originate("c1-leg-2", "c1", "PJSIP/1002", "", "", 20), Hangup("c1-leg-1")]
    clock.now += timedelta(seconds=5)
    assert xfer.target_answered("agent-b") == [
        AddToBridge("c1-talk", "c1"), AddToBridge("c1-talk", "c1-leg-2"), DestroyBridge("c1-xfer-hold")]
    assert xfer.state is State.COMPLETED
    first, second = xfer.segments
    assert (first.agent_id, first.outcome, first.ended) == ("agent-a", "transferred", T0)
    assert (second.agent_id, second.kind, second.started, second.ended) == ("agent-b", "transfer", clock.now, None)


def test_blind_transfer_to_a_queue_keeps_priority_and_arrival():
    xfer, _ = make()
    assert xfer.start(TransferMode.BLIND, Target(TargetKind.QUEUE, "sales"), "c1-leg-2") == [
        Hangup("c1-leg-1"), RequeueCaller("c1", "sales", 5, T0 - timedelta(minutes=2))]
    assert xfer.state is State.COMPLETED
    assert [s.kind for s in xfer.segments] == ["queue", "queue"]


def test_blind_transfer_failure_after_the_agent_left_requeues_the_customer():
    xfer, _ = make()
    xfer.start(TransferMode.BLIND, Target(TargetKind.NUMBER, "+15550100", "PJSIP/+15550100@trunk"), "c1-leg-2")
    assert xfer.target_failed("busy") == [Hangup("c1-leg-2"), RequeueCaller("c1", "support", 5, T0 - timedelta(minutes=2))]
    assert xfer.state is State.RETURNED
    assert xfer.segments[1].outcome == "busy"


@pytest.mark.parametrize("reason", ["no answer", "busy", "logged-out"])
def test_attended_transfer_failure_returns_the_customer_to_the_agent(reason):
    xfer, _ = make()
    xfer.start(TransferMode.ATTENDED, AGENT_1002, "c1-leg-2")
    assert xfer.target_failed(reason) == [
        Hangup("c1-leg-2"), AddToBridge("c1-talk", "c1"), AddToBridge("c1-talk", "c1-leg-1"),
        DestroyBridge("c1-xfer-hold")]
    assert xfer.state is State.RETURNED
    assert xfer.segments[0].ended is None


def test_attended_transfer_failure_when_the_agent_hung_up_requeues():
    xfer, _ = make()
    xfer.start(TransferMode.ATTENDED, AGENT_1002, "c1-leg-2")
    assert xfer.agent_gone() == []
    assert xfer.target_failed("no answer")[-1] == RequeueCaller("c1", "support", 5, T0 - timedelta(minutes=2))


def test_attended_transfer_consults_then_completes():
    xfer, _ = make()
    commands = xfer.start(TransferMode.ATTENDED, AGENT_1002, "c1-leg-2")
    assert Hangup("c1-leg-1") not in commands
    assert xfer.target_answered("agent-b") == [
        CreateBridge("c1-consult", "mixing"), AddToBridge("c1-consult", "c1-leg-1"),
        AddToBridge("c1-consult", "c1-leg-2")]
    assert xfer.complete() == [
        DestroyBridge("c1-consult"), Hangup("c1-leg-1"), AddToBridge("c1-talk", "c1"),
        AddToBridge("c1-talk", "c1-leg-2"), DestroyBridge("c1-xfer-hold")]
    assert [(s.agent_id, s.outcome) for s in xfer.segments] == [("agent-a", "transferred"), ("agent-b", None)]


def test_attended_transfer_cancel_returns_to_the_customer():
    xfer, _ = make()
    xfer.start(TransferMode.ATTENDED, AGENT_1002, "c1-leg-2")
    xfer.target_answered("agent-b")
    assert xfer.cancel() == [
        Hangup("c1-leg-2"), DestroyBridge("c1-consult"), AddToBridge("c1-talk", "c1"),
        AddToBridge("c1-talk", "c1-leg-1"), DestroyBridge("c1-xfer-hold")]
    assert xfer.segments[1].outcome == "cancelled"


def test_three_way_conference_joins_everyone_in_the_talk_bridge():
    xfer, _ = make()
    xfer.start(TransferMode.ATTENDED, AGENT_1002, "c1-leg-2")
    xfer.target_answered("agent-b")
    assert xfer.conference() == [
        DestroyBridge("c1-consult"), AddToBridge("c1-talk", "c1"), AddToBridge("c1-talk", "c1-leg-1"),
        AddToBridge("c1-talk", "c1-leg-2"), DestroyBridge("c1-xfer-hold")]
    assert xfer.segments[1].kind == "conference"
    assert xfer.agent_gone() == []
    assert xfer.state is State.COMPLETED


def test_illegal_transitions_raise_and_transitions_are_logged():
    xfer, _ = make()
    with pytest.raises(IllegalTransition):
        xfer.complete()
    with pytest.raises(IllegalTransition):
        xfer.start(TransferMode.ATTENDED, Target(TargetKind.QUEUE, "sales"), "c1-leg-2")
    assert xfer.state is State.IDLE
    with capture_logs() as logs:
        xfer.start(TransferMode.ATTENDED, AGENT_1002, "c1-leg-2")
    assert logs[0]["transition"] == "idle -> attended -> ringing_attended"


def test_a_transfer_starts_from_a_connected_queue_call_with_its_priority_and_arrival():
    from itertools import count

    from telephony.acd.commands import ConnectCallToAgent, Offer
    from telephony.model import Device
    from telephony.calls.queue_flow import QueueFlow
    from telephony.requests import NotConnected, TransferRequested
    from telephony.events import LegAnswered

    clock = Clock()
    ids = count(1)
    flow = QueueFlow("c1", "support", "+4930123456", "Ada", clock, lambda: f"id{next(ids)}", priority=5)
    flow.start()
    with pytest.raises(NotConnected):
        flow.request(TransferRequested("c1", "agent-a", TransferMode.BLIND, AGENT_1002))
    flow.handle(Offer("o1", "c1", "agent-a", Device("softphone", "PJSIP/1001"), 15, "+4930123456", "Ada", "support"))
    flow.handle(LegAnswered("c1", "c1-leg-1"))
    flow.handle(ConnectCallToAgent("c1", "o1", "agent-a"))
    flow.request(TransferRequested("c1", "agent-a", TransferMode.ATTENDED, AGENT_1002))
    xfer = flow.transfers.active
    assert (xfer.talk_bridge, xfer.agent_leg, xfer.agent_id, xfer.queue, xfer.priority, xfer.arrived) == (
        "c1-talk", "c1-leg-1", "agent-a", "support", 5, T0)
