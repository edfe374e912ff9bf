from datetime import datetime, timezone

import pytest
from structlog.testing import capture_logs

from telephony.acd.events import InternalCallEnded, InternalCallStarted
from telephony.calls.click_to_call import ClickToCallFlow, ClickToCallPhase
from telephony.commands import AddToBridge, CreateBridge, DestroyBridge, Hangup, Originate, Ring
from telephony.events import LegAnswered, LegEnded
from telephony.requests import HangupRequested, NotConnected

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)


def make():
    return ClickToCallFlow("c2c-1", "agent-1", "PJSIP/1001", "1001", "Ann", "PJSIP/+4930555@trunk", "+4930555",
                           lambda: NOW)


def test_rings_the_agent_first_then_the_target_and_bridges_them():
    flow = make()
    assert flow.start() == [InternalCallStarted("c2c-1", "agent-1", NOW),
                            Originate("c2c-1-leg-1", "c2c-1", "PJSIP/1001", "+4930555", "Call +4930555", 30)]
    assert flow.handle(LegAnswered("c2c-1", "c2c-1-leg-1")) == [
        Ring("c2c-1-leg-1"), Originate("c2c-1-leg-2", "c2c-1", "PJSIP/+4930555@trunk", "1001", "Ann", 30)]
    assert flow.handle(LegAnswered("c2c-1", "c2c-1-leg-2")) == [
        CreateBridge("c2c-1-talk", "mixing"), AddToBridge("c2c-1-talk", "c2c-1-leg-1"),
        AddToBridge("c2c-1-talk", "c2c-1-leg-2")]
    assert flow.handle(LegEnded("c2c-1", "c2c-1-leg-2", 16)) == [Hangup("c2c-1-leg-1"), DestroyBridge("c2c-1-talk")]
    assert flow.outcome == "answered" and not flow.ended
    assert flow.handle(LegEnded("c2c-1", "c2c-1-leg-1", 16)) == [DestroyBridge("c2c-1-talk"),
                                                                 InternalCallEnded("c2c-1", "agent-1", NOW)]
    assert flow.ended


def test_a_busy_target_ends_the_call_as_busy():
    flow = make()
    flow.start()
    flow.handle(LegAnswered("c2c-1", "c2c-1-leg-1"))
    assert flow.handle(LegEnded("c2c-1", "c2c-1-leg-2", 17))[0] == Hangup("c2c-1-leg-1")
    assert flow.outcome == "busy"


def test_agent_not_answering_their_own_call_cancels_it():
    flow = make()
    flow.start()
    flow.handle(LegEnded("c2c-1", "c2c-1-leg-1", 19))
    assert flow.outcome == "cancelled" and flow.ended


def test_hang_up_from_the_api():
    flow = make()
    flow.start()
    flow.handle(LegAnswered("c2c-1", "c2c-1-leg-1"))
    flow.handle(LegAnswered("c2c-1", "c2c-1-leg-2"))
    with pytest.raises(NotConnected):
        flow.request(HangupRequested("c2c-1", "agent-2"))  # only the agent who placed it
    assert flow.request(HangupRequested("c2c-1", "agent-1")) == [Hangup("c2c-1-leg-1"), Hangup("c2c-1-leg-2")]
    assert flow.outcome == "answered"


def test_both_agents_of_a_click_to_call_are_held_from_offers_until_the_last_leg_is_gone():
    flow = ClickToCallFlow("c2c-1", "agent-1", "PJSIP/1001", "1001", "Ann", "PJSIP/1002", "2472", lambda: NOW,
                           target_agent_id="agent-2")
    assert flow.start()[0] == InternalCallStarted("c2c-1", "agent-1", NOW)
    out = flow.handle(LegAnswered("c2c-1", "c2c-1-leg-1"))
    assert out[0] == InternalCallStarted("c2c-1", "agent-2", NOW)
    flow.handle(LegAnswered("c2c-1", "c2c-1-leg-2"))
    out = flow.handle(LegEnded("c2c-1", "c2c-1-leg-1", 16))
    assert not [c for c in out if isinstance(c, InternalCallEnded)]
    out = flow.handle(LegEnded("c2c-1", "c2c-1-leg-2", 16))
    assert [c.agent_id for c in out if isinstance(c, InternalCallEnded)] == ["agent-1", "agent-2"]


def test_each_move_of_the_call_is_logged_with_its_id():
    flow = make()
    with capture_logs() as logs:
        flow.start()
        flow.handle(LegAnswered("c2c-1", "c2c-1-leg-1"))
        flow.handle(LegAnswered("c2c-1", "c2c-1-leg-1"))  # a repeated answer: the target is not dialled twice
        flow.handle(LegAnswered("c2c-1", "c2c-1-leg-2"))
        flow.request(HangupRequested("c2c-1", "agent-1"))
    moves = [(line["call_id"], line["transition"]) for line in logs if line["event"] == "click_to_call.phase"]
    assert moves == [("c2c-1", "calling_agent -> agent_answered -> calling_target"),
                     ("c2c-1", "calling_target -> target_answered -> connected"),
                     ("c2c-1", "connected -> hang_up -> ending")]
    assert flow.phase is ClickToCallPhase.ENDING
