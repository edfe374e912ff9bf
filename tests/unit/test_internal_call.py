"""The softphone-dialled internal call, driven with events alone."""

from datetime import datetime, timezone

import pytest
from structlog.testing import capture_logs

from telephony.acd.events import InternalCallEnded, InternalCallStarted
from telephony.calls.internal_call import (PROMPT_TIMER, RINGING_TIMER, FindInternalTarget, InternalCallFlow,
                                           InternalCallPhase, InternalTarget, InternalTargetFound)
from telephony.commands import (AddToBridge, Answer, CancelTimer, CreateBridge, DestroyBridge, Hangup, Originate,
                                Play, Ring, StartTimer)
from telephony.events import ChannelHungUp, LegAnswered, LegEnded, PlaybackFinished, TimerFired
from telephony.requests import HangupRequested, NotConnected

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
BOB = InternalTarget("agent", "PJSIP/1002", "bob", "Bob")


def make(**kw):
    return InternalCallFlow("ch1", "1002", "1001", "Ann", lambda: NOW, ring_timeout=20, **kw)


def ringing(target=BOB, caller_agent="ann"):
    flow = make()
    assert flow.start() == [FindInternalTarget("ch1", "1002", "1001")]
    out = flow.handle(InternalTargetFound("ch1", target, caller_agent))
    return flow, out


def acd(out):
    return [(type(c).__name__, c.agent_id) for c in out if isinstance(c, (InternalCallStarted, InternalCallEnded))]


def test_rings_the_agent_with_ringing_to_the_caller_bridges_on_answer_and_ends_with_either():
    flow, out = ringing()
    assert acd(out) == [("InternalCallStarted", "ann"), ("InternalCallStarted", "bob")]
    assert out[2:] == [Ring("ch1"), Originate("ch1-leg-1", "ch1", "PJSIP/1002", "1001", "Ann", 25),
                       StartTimer(RINGING_TIMER, 20)]
    assert flow.view().phase_for("bob") == "ringing" and flow.view().phase_for("ann") == "ringing"
    assert flow.handle(LegAnswered("ch1", "ch1-leg-1")) == [
        CancelTimer(RINGING_TIMER), Answer("ch1"), CreateBridge("ch1-talk", "mixing"),
        AddToBridge("ch1-talk", "ch1"), AddToBridge("ch1-talk", "ch1-leg-1")]
    assert flow.view().phase_for("bob") == "connected"
    out = flow.handle(LegEnded("ch1", "ch1-leg-1", 16))
    assert out[0] == DestroyBridge("ch1-talk") and out[-1] == Hangup("ch1")
    assert sorted(acd(out)) == [("InternalCallEnded", "ann"), ("InternalCallEnded", "bob")]
    assert flow.outcome == "answered"
    assert flow.handle(ChannelHungUp("ch1", "normal")) == []


def test_the_caller_hanging_up_hangs_up_the_target_and_frees_both():
    flow, _ = ringing()
    flow.handle(LegAnswered("ch1", "ch1-leg-1"))
    out = flow.handle(ChannelHungUp("ch1", "normal"))
    assert out[:2] == [Hangup("ch1-leg-1"), DestroyBridge("ch1-talk")]
    assert sorted(acd(out)) == [("InternalCallEnded", "ann"), ("InternalCallEnded", "bob")]
    assert flow.outcome == "answered"


def test_the_caller_giving_up_while_it_rings_is_cancelled():
    flow, _ = ringing()
    out = flow.handle(ChannelHungUp("ch1", "normal"))
    assert out[0] == Hangup("ch1-leg-1")
    assert flow.outcome == "cancelled"


def refused_with(out, prompt):
    return out[-3:] == [Answer("ch1"), Play("ch1", "ch1-refused", (prompt,)), StartTimer(PROMPT_TIMER, 15)]


@pytest.mark.parametrize("cause, outcome", [(17, "busy"), (19, "no answer"), (21, "rejected"), (0, "failed")])
def test_a_target_that_does_not_answer_frees_them_and_the_caller_hears_why(cause, outcome):
    flow, _ = ringing()
    out = flow.handle(LegEnded("ch1", "ch1-leg-1", cause))
    assert acd(out) == [("InternalCallEnded", "bob")]
    assert refused_with(out, "sound:vm-nobodyavail")
    assert flow.outcome == outcome
    assert flow.handle(PlaybackFinished("ch1", "ch1-refused")) == [CancelTimer(PROMPT_TIMER), Hangup("ch1")]
    assert acd(flow.handle(ChannelHungUp("ch1", "normal"))) == [("InternalCallEnded", "ann")]


def test_the_ring_timeout_running_out_ends_with_no_answer():
    flow, _ = ringing()
    out = flow.handle(TimerFired("ch1", RINGING_TIMER))
    assert out[0] == Hangup("ch1-leg-1")
    assert refused_with(out, "sound:vm-nobodyavail") and flow.outcome == "no answer"
    assert flow.handle(LegEnded("ch1", "ch1-leg-1", 16)) == []  # the leg's end follows: nothing more to do
    assert flow.handle(TimerFired("ch1", PROMPT_TIMER)) == [CancelTimer(PROMPT_TIMER), Hangup("ch1")]


@pytest.mark.parametrize("kind, prompt", [("unknown", "sound:invalid"), ("unavailable", "sound:vm-nobodyavail"),
                                          ("refused", "sound:ss-noservice")])
def test_what_cannot_be_rung_is_refused_with_a_prompt(kind, prompt):
    flow, out = ringing(InternalTarget(kind, reason="why"), caller_agent=None)
    assert not any(isinstance(c, Originate) for c in out)
    assert refused_with(out, prompt) and flow.outcome == kind
    assert flow.handle(PlaybackFinished("ch1", "ch1-refused")) == [CancelTimer(PROMPT_TIMER), Hangup("ch1")]


def test_a_plain_extension_is_rung_without_an_agent():
    flow, out = ringing(InternalTarget("extension", "PJSIP/1900"), caller_agent=None)
    assert acd(out) == []
    assert Originate("ch1-leg-1", "ch1", "PJSIP/1900", "1001", "Ann", 25) in out


def test_an_api_hang_up_ends_both():
    flow, _ = ringing()
    flow.handle(LegAnswered("ch1", "ch1-leg-1"))
    assert flow.request(HangupRequested("ch1", "bob")) == [Hangup("ch1-leg-1"), Hangup("ch1")]


def test_an_adopted_call_only_marks_its_agents_busy_again():
    flow = InternalCallFlow("ch1", "1002", "1001", "Ann", lambda: NOW, adopted=True)
    flow.start()
    out = flow.handle(InternalTargetFound("ch1", BOB, "ann"))
    assert acd(out) == [("InternalCallStarted", "ann"), ("InternalCallStarted", "bob")]
    assert not any(isinstance(c, Originate) for c in out)
    out = flow.handle(LegEnded("ch1", "ch1-leg-1", 16))
    assert out[-1] == Hangup("ch1") and len(acd(out)) == 2


def test_each_move_of_the_call_is_logged_with_its_id():
    with capture_logs() as logs:
        flow, _ = ringing()
        flow.handle(LegAnswered("ch1", "ch1-leg-1"))
        flow.handle(LegEnded("ch1", "ch1-leg-1", 16))
        flow.handle(ChannelHungUp("ch1", "normal"))
    moves = [(line["call_id"], line["transition"]) for line in logs if line["event"] == "internal_call.phase"]
    assert moves == [
        ("ch1", "finding -> ring -> ringing"), ("ch1", "ringing -> answered -> connected"),
        ("ch1", "connected -> leg_ended -> hanging_up"), ("ch1", "hanging_up -> caller_gone -> ended")]
    assert flow.phase is InternalCallPhase.ENDED


def test_before_its_agents_are_known_nobody_hangs_the_call_up_over_the_api():
    """While the target is being looked up, the call shows no agent (its view is empty), so no hang-up
    request can reach it; one that did is refused and the call goes on."""
    flow = make()
    flow.start()
    assert flow.view().agents == {}
    with pytest.raises(NotConnected):
        flow.request(HangupRequested("ch1", "ann"))
    assert flow.phase is InternalCallPhase.FINDING and flow.outcome is None
