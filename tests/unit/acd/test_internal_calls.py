"""Agents on internal calls (agent to agent, click-to-call) get no offers, whatever their devices say."""

from telephony.acd import events as ev
from telephony.model import StateChanged
from telephony.model import AgentState as S
from tests.unit.acd.rig import Rig, of

BASIC = "queues: {q: {ring_timeout: 15, wrap_up_seconds: 10}}"


def changes(out):
    return [(c.previous, c.state, c.cause) for c in of(StateChanged, out)]


def test_an_available_agent_on_an_internal_call_is_on_call_and_gets_no_offers():
    rig = Rig(BASIC)
    rig.login("ann")
    rig.login("bob")
    out = rig.send(ev.InternalCallStarted, "i1", "ann")
    assert changes(out) == [(S.AVAILABLE, S.ON_CALL, "internal_call")]
    assert rig.offered(rig.call("c1")) == [("c1", "bob")]


def test_the_end_frees_the_agent_at_once_without_wrap_up_and_offers_follow():
    rig = Rig(BASIC)
    rig.login("ann")
    rig.send(ev.InternalCallStarted, "i1", "ann")
    assert rig.offered(rig.call("c1")) == []
    out = rig.send(ev.InternalCallEnded, "i1", "ann")
    assert changes(out)[0] == (S.ON_CALL, S.AVAILABLE, "internal_call_ended")
    assert rig.offered(out) == [("c1", "ann")]


def test_device_states_do_not_free_an_agent_on_an_internal_call():
    rig = Rig(BASIC)
    rig.login("ann")
    rig.send(ev.InternalCallStarted, "i1", "ann")
    rig.send(ev.DeviceBusy, "PJSIP/ann", True)
    rig.send(ev.DeviceBusy, "PJSIP/ann", False)  # say, the device state of another line, or late news
    assert rig.offered(rig.call("c1")) == []
    assert rig.dispatcher.agent("ann").state is S.ON_CALL


def test_a_pause_asked_for_during_an_internal_call_starts_at_its_end():
    rig = Rig(BASIC)
    rig.login("ann")
    rig.send(ev.InternalCallStarted, "i1", "ann")
    rig.send(ev.AgentPaused, "ann", "break")
    out = rig.send(ev.InternalCallEnded, "i1", "ann")
    assert changes(out) == [(S.ON_CALL, S.PAUSED, "pause")]


def test_a_paused_agent_stays_paused_and_unpausing_during_the_call_means_on_call():
    rig = Rig(BASIC)
    rig.login("ann", paused="break")
    assert changes(rig.send(ev.InternalCallStarted, "i1", "ann")) == []
    out = rig.send(ev.AgentUnpaused, "ann")
    assert changes(out) == [(S.PAUSED, S.AVAILABLE, "unpause"), (S.AVAILABLE, S.ON_CALL, "internal_call")]
    assert rig.offered(rig.call("c1")) == []
    out = rig.send(ev.InternalCallEnded, "i1", "ann")
    assert rig.offered(out) == [("c1", "ann")]


def test_wrap_up_ending_during_an_internal_call_does_not_make_the_agent_offerable():
    rig = Rig(BASIC)
    rig.login("ann")
    (offer,) = rig.offers(rig.call("c1"))
    rig.answer_and_bridge(offer.offer_id)
    rig.send(ev.AgentLegEnded, offer.offer_id)
    assert rig.dispatcher.agent("ann").state is S.WRAP_UP
    rig.send(ev.InternalCallStarted, "i1", "ann")
    out = rig.advance(10)
    assert changes(out) == [(S.WRAP_UP, S.AVAILABLE, "wrap_up_done"), (S.AVAILABLE, S.ON_CALL, "internal_call")]
    assert rig.offered(rig.call("c2")) == []


def test_an_agent_answering_an_offer_is_not_freed_by_the_end_of_an_internal_call():
    rig = Rig(BASIC)
    rig.login("ann")
    (offer,) = rig.offers(rig.call("c1"))
    rig.send(ev.InternalCallStarted, "i1", "ann")  # ringing for the offer while dialling a colleague
    rig.answer_and_bridge(offer.offer_id)
    out = rig.send(ev.InternalCallEnded, "i1", "ann")
    assert changes(out) == []
    assert rig.dispatcher.agent("ann").state is S.ON_CALL


def test_two_internal_calls_hold_the_agent_until_both_end_and_repeats_are_harmless():
    rig = Rig(BASIC)
    rig.login("ann")
    rig.send(ev.InternalCallStarted, "i1", "ann")
    rig.send(ev.InternalCallStarted, "i2", "ann")
    rig.send(ev.InternalCallStarted, "i2", "ann")
    assert changes(rig.send(ev.InternalCallEnded, "i1", "ann")) == []
    assert changes(rig.send(ev.InternalCallEnded, "i1", "ann")) == []
    assert changes(rig.send(ev.InternalCallEnded, "i2", "ann")) == [(S.ON_CALL, S.AVAILABLE, "internal_call_ended")]


def test_an_agent_logging_in_during_an_internal_call_is_on_call():
    rig = Rig(BASIC)
    rig.send(ev.InternalCallStarted, "i1", "ann")  # not known to the ACD yet
    out = rig.login("ann")
    assert changes(out) == [(S.LOGGED_OUT, S.AVAILABLE, "login"), (S.AVAILABLE, S.ON_CALL, "internal_call")]
    out = rig.send(ev.InternalCallEnded, "i1", "ann")
    assert changes(out) == [(S.ON_CALL, S.AVAILABLE, "internal_call_ended")]


def test_the_end_of_an_unknown_call_or_agent_changes_nothing():
    rig = Rig(BASIC)
    rig.login("ann")
    assert rig.send(ev.InternalCallEnded, "nope", "ann") == []
    assert rig.send(ev.InternalCallEnded, "nope", "zed") == []
