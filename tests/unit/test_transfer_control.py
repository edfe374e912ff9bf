"""Transfers inside a queue call, without Asterisk: what the ACD hears and where the caller goes."""

from __future__ import annotations

import pytest

from telephony.acd.commands import ConnectCallToAgent, HoldCaller
from telephony.acd.events import AgentReleased, CallQueued
from telephony.calls.transfer_control import TransferRefused
from telephony.commands import AddToBridge, Hangup, Originate
from telephony.events import LegAnswered, LegEnded
from telephony.requests import (Target, TargetKind, TransferAction, TransferMode, TransferRequested,
                                TransferStep)
from tests.unit.test_queue_flow import make, offer

BOB = Target(TargetKind.AGENT, "b1", "PJSIP/1002")


def connected():
    flow, clock = make()
    flow.start()
    flow.handle(HoldCaller("c1", "support", "default"))
    flow.handle(offer())
    flow.handle(LegAnswered("c1", "c1-leg-1"))
    flow.handle(ConnectCallToAgent("c1", "o1", "a1"))
    return flow, clock


def test_blind_to_an_agent_releases_the_first_and_hands_the_call_to_the_second():
    flow, _ = connected()
    commands = flow.request(TransferRequested("c1", "a1", TransferMode.BLIND, BOB, "b1", 15))
    assert any(isinstance(c, Originate) and c.leg_id == "c1-leg-2" and c.timeout == 15 for c in commands)
    released = [c for c in commands if isinstance(c, AgentReleased)]
    assert [r.offer_id for r in released] == ["o1"] and Hangup("c1-leg-1") in commands
    assert flow.view().phase_for("a1") is None
    flow.handle(LegAnswered("c1", "c1-leg-2"))
    assert flow.view().phase_for("b1") == "connected" and flow.connected_leg == "c1-leg-2"
    assert flow.handle(LegEnded("c1", "c1-leg-2", 16))[0] == Hangup("c1")  # the target's hang-up ends it
    assert [s.outcome for s in flow.segments] == ["transferred", "ended"]


def test_a_busy_target_of_an_attended_transfer_returns_the_caller_to_the_agent():
    flow, _ = connected()
    flow.request(TransferRequested("c1", "a1", TransferMode.ATTENDED, BOB, "b1"))
    commands = flow.handle(LegEnded("c1", "c1-leg-2", 17))
    assert AddToBridge("c1-talk", "c1") in commands and AddToBridge("c1-talk", "c1-leg-1") in commands
    assert not any(isinstance(c, AgentReleased) for c in commands)
    assert flow.view().phase_for("a1") == "connected"
    assert flow.segments[-1].outcome == "busy"


def test_a_failure_after_the_agent_left_queues_the_caller_again_with_its_priority():
    flow, _ = connected()
    flow.request(TransferRequested("c1", "a1", TransferMode.BLIND, BOB, "b1"))
    commands = flow.handle(LegEnded("c1", "c1-leg-2", 19))
    [queued] = [c for c in commands if isinstance(c, CallQueued)]
    assert queued.queue == "support" and queued.priority == 5
    assert flow.handle(HoldCaller("c1", "support", "default"))[0].bridge_id == "c1-hold"


def test_steps_that_make_no_sense_are_refused():
    flow, _ = connected()
    with pytest.raises(TransferRefused, match="no attended transfer"):
        flow.request(TransferStep("c1", "a1", TransferAction.COMPLETE))
    with pytest.raises(TransferRefused, match="blind"):
        flow.request(TransferRequested("c1", "a1", TransferMode.ATTENDED, Target(TargetKind.QUEUE, "sales")))
    with pytest.raises(TransferRefused, match="not the agent"):
        flow.request(TransferRequested("c1", "b1", TransferMode.BLIND, BOB))
    flow.request(TransferRequested("c1", "a1", TransferMode.ATTENDED, BOB, "b1"))
    with pytest.raises(TransferRefused, match="already under way"):
        flow.request(TransferRequested("c1", "a1", TransferMode.BLIND, BOB))
    with pytest.raises(TransferRefused, match="ringing_attended"):
        flow.request(TransferStep("c1", "a1", TransferAction.COMPLETE))
    with pytest.raises(TransferRefused, match="ringing_attended"):
        flow.request(TransferStep("c1", "a1", TransferAction.CONFERENCE))  # nothing sent
