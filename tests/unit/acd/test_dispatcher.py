"""The call flow through the dispatcher: offers, timeouts, overflow, abandon, wrap-up and the races."""

from datetime import timedelta

import pytest

from telephony.acd import events as ev
from telephony.acd.agent_state import AgentStateRefused
from telephony.acd.commands import (
    Announce, CallAbandoned, CallCompleted, CallConnected, CallMoved, CancelOffer, ConnectCallToAgent, EndCall,
    HoldCaller, Offer, Overflow,
)
from telephony.model import AgentProfile, Device, StateChanged
from telephony.model import AgentState as S
from telephony.acd.phases import WaitingCallPhase
from telephony.errors import Refused
from tests.unit.acd.rig import Rig, of

BASIC = "queues: {q: {ring_timeout: 15, wrap_up_seconds: 10, missed_offers_before_pause: 2, moh_class: jazz}}"


def test_a_call_is_held_offered_connected_then_wrapped_up():
    rig = Rig(BASIC)
    rig.login("ann")
    out = rig.call("c1", number="+15551234", name="Bea")
    assert out[0] == HoldCaller("c1", "q", "jazz")
    (offer,) = rig.offers(out)
    assert offer == Offer(offer.offer_id, "c1", "ann", Device("softphone", "PJSIP/ann"), 15, "+15551234", "Bea", "q")
    assert rig.state("ann") is S.RINGING
    rig.advance(3)
    out = rig.send(ev.OfferAnswered, offer.offer_id)
    assert of(ConnectCallToAgent, out) == [ConnectCallToAgent("c1", offer.offer_id, "ann")]
    assert rig.state("ann") is S.ON_CALL
    out = rig.send(ev.CallBridged, offer.offer_id)
    assert [(c.agent_id, c.waited) for c in of(CallConnected, out)] == [("ann", 3.0)]
    rig.advance(60)
    out = rig.send(ev.AgentLegEnded, offer.offer_id)
    assert of(EndCall, out) == [EndCall("c1")]
    assert [c.talked for c in of(CallCompleted, out)] == [60.0]
    assert rig.state("ann") is S.WRAP_UP
    assert rig.offered(rig.call("c2")) == []  # no offers during wrap-up
    rig.advance(9)
    assert rig.state("ann") is S.WRAP_UP
    out = rig.advance(1)
    assert [(c.previous, c.state) for c in of(StateChanged, out)] == [(S.WRAP_UP, S.AVAILABLE),
                                                                      (S.AVAILABLE, S.RINGING)]
    assert rig.offered(out) == [("c2", "ann")]


def test_every_state_change_is_a_record():
    rig = Rig(BASIC)
    rig.login("ann")
    (offer,) = rig.offers(rig.call("c1"))
    rig.answer_and_bridge(offer.offer_id)
    rig.send(ev.CallerHungUp, "c1")
    rig.advance(10)
    states = [(c.previous, c.state) for c in of(StateChanged, rig.outputs)]
    assert states == [(S.LOGGED_OUT, S.AVAILABLE), (S.AVAILABLE, S.RINGING), (S.RINGING, S.ON_CALL),
                      (S.ON_CALL, S.WRAP_UP), (S.WRAP_UP, S.AVAILABLE)]


def test_higher_priority_first_then_first_come_first_served():
    rig = Rig(BASIC)
    rig.call("low1", priority=0)
    rig.advance(1)
    rig.call("high1", priority=5)
    rig.advance(1)
    rig.call("low2")
    rig.advance(1)
    rig.call("high2", priority=5)
    rig.call("vip", priority=10)
    served = []
    for name in ("a1", "a2", "a3", "a4", "a5"):
        served += [c for c, _ in rig.offered(rig.login(name))]
    assert served == ["vip", "high1", "high2", "low1", "low2"]


def test_queue_default_priority_applies_when_the_call_brings_none():
    rig = Rig("queues: {q: {}, vip: {priority: 8}}")
    rig.call("plain", queue="q")
    rig.advance(1)
    rig.call("gold", queue="vip")
    out = rig.login("ann", queues={"q": 0, "vip": 0})
    assert rig.offered(out) == [("gold", "ann")]


def test_a_waiting_caller_whose_priority_is_raised_moves_ahead_keeping_their_arrival():
    rig = Rig(BASIC)
    rig.call("early", priority=5)
    rig.advance(1)
    rig.call("vip-late", priority=0)
    rig.advance(1)
    rig.call("later", priority=5)
    rig.send(ev.CallPriorityRaised, "vip-late", 5)  # now among the 5s, by its arrival: after "early"
    rig.send(ev.CallPriorityRaised, "later", 2)  # a lower priority changes nothing
    served = []
    for name in ("a1", "a2", "a3"):
        served += [c for c, _ in rig.offered(rig.login(name))]
    assert served == ["early", "vip-late", "later"]


def test_a_raised_priority_of_a_call_already_connected_or_gone_is_ignored():
    rig = Rig(BASIC)
    rig.login("ann")
    [offer] = rig.offers(rig.call("c1"))
    rig.answer_and_bridge(offer.offer_id)
    assert rig.send(ev.CallPriorityRaised, "c1", 9) == []
    assert rig.send(ev.CallPriorityRaised, "nobody", 9) == []


def test_ring_timeout_moves_on_to_the_next_agent():
    rig = Rig(BASIC)
    rig.login("ann")
    rig.advance(1)
    rig.login("bob")
    (first,) = rig.offers(rig.call("c1"))
    assert first.agent_id == "ann"
    out = rig.advance(15)
    assert of(CancelOffer, out) == [CancelOffer(first.offer_id, "c1", "ann", "no_answer")]
    assert rig.offered(out) == [("c1", "bob")]
    assert rig.state("ann") is S.AVAILABLE
    # ann is still held by the leg being torn down, and gets nothing until it is gone
    assert rig.dispatcher.holds_offer("ann") == first.offer_id
    assert rig.offered(rig.call("c2")) == []
    assert rig.offered(rig.send(ev.AgentLegEnded, first.offer_id, cause="cancelled")) == [("c2", "ann")]


def test_a_missed_call_goes_to_the_others_before_coming_back():
    rig = Rig(BASIC)
    rig.login("ann")
    rig.login("bob")
    (o1,) = rig.offers(rig.call("c1"))
    (o2,) = rig.offers(rig.send(ev.AgentLegEnded, o1.offer_id, cause="rejected"))
    (o3,) = rig.offers(rig.send(ev.AgentLegEnded, o2.offer_id, cause="rejected"))
    assert [o.agent_id for o in (o1, o2, o3)] == ["ann", "bob", "ann"]


def test_a_refused_offer_moves_on_at_once():
    rig = Rig(BASIC)
    rig.login("ann")
    rig.advance(1)
    rig.login("bob")
    (first,) = rig.offers(rig.call("c1"))
    out = rig.send(ev.AgentLegEnded, first.offer_id, cause="rejected")
    assert rig.offered(out) == [("c1", "bob")]
    assert not of(CancelOffer, out)


def test_n_missed_offers_in_a_row_pause_the_agent_with_reason_missed():
    rig = Rig(BASIC)  # missed_offers_before_pause: 2
    rig.login("ann")
    (o1,) = rig.offers(rig.call("c1"))
    rig.advance(15)
    assert rig.state("ann") is S.AVAILABLE
    (o2,) = rig.offers(rig.send(ev.AgentLegEnded, o1.offer_id))
    assert o2.agent_id == "ann"
    out = rig.advance(15)
    change = of(StateChanged, out)[-1]
    assert (change.state, change.reason, change.cause) == (S.PAUSED, "missed", "missed")
    assert rig.offered(rig.send(ev.AgentLegEnded, o2.offer_id)) == []
    assert rig.dispatcher.agent("ann").reason == "missed"
    assert rig.offered(rig.send(ev.AgentUnpaused, "ann")) == [("c1", "ann")]


def test_overflow_to_another_queue_on_max_wait_keeps_arrival_and_priority():
    rig = Rig("""
queues:
  sales: {max_wait: 60, overflow: 'queue:support', announce_every: 30}
  support: {moh_class: calm}
""")
    rig.call("c1", queue="sales", priority=3)
    rig.advance(30)
    rig.call("c2", queue="support", priority=3)
    out = rig.advance(30)
    assert of(CallMoved, out) == [CallMoved("c1", "sales", "support", "max_wait", rig.now)]
    assert of(HoldCaller, out) == [HoldCaller("c1", "support", "calm")]
    assert rig.offered(rig.login("ann", queues={"support": 0})) == [("c1", "ann")]  # arrived first


def test_overflow_to_voicemail_on_max_wait_cancels_a_ringing_offer():
    rig = Rig("queues: {q: {max_wait: 20, ring_timeout: 30, overflow: 'voicemail:200'}}")
    rig.login("ann")
    (offer,) = rig.offers(rig.call("c1"))
    out = rig.advance(20)
    assert of(CancelOffer, out) == [CancelOffer(offer.offer_id, "c1", "ann", "overflow")]
    (overflow,) = of(Overflow, out)
    assert (overflow.call_id, str(overflow.destination), overflow.reason) == ("c1", "voicemail:200", "max_wait")
    assert rig.state("ann") is S.AVAILABLE and rig.dispatcher.agent("ann").missed_in_row == 0
    assert rig.dispatcher.call("c1") is None


def test_overflow_when_the_queue_is_full():
    rig = Rig("queues: {q: {max_length: 2, overflow: 'message:all-busy'}}")
    rig.call("c1")
    rig.call("c2")
    out = rig.call("c3")
    assert [(o.call_id, str(o.destination), o.reason) for o in of(Overflow, out)] == [
        ("c3", "message:all-busy", "full")]
    assert not of(HoldCaller, out)
    assert len(rig.dispatcher.queue("q")) == 2


def test_a_full_target_queue_passes_the_call_on():
    rig = Rig("""
queues:
  a: {max_wait: 5, overflow: 'queue:b'}
  b: {max_length: 1, overflow: 'voicemail:9'}
""")
    rig.call("b1", queue="b")
    rig.call("a1", queue="a")
    out = rig.advance(5)
    assert [(o.call_id, str(o.destination), o.reason) for o in of(Overflow, out)] == [("a1", "voicemail:9", "full")]


def test_abandon_while_waiting_records_the_wait():
    rig = Rig(BASIC)
    rig.call("c1")
    rig.advance(42)
    out = rig.send(ev.CallerHungUp, "c1")
    assert [(a.call_id, a.queue, a.waited) for a in of(CallAbandoned, out)] == [("c1", "q", 42.0)]
    assert len(rig.dispatcher.queue("q")) == 0
    assert rig.send(ev.CallerHungUp, "c1") == []


def test_abandon_while_ringing_withdraws_the_offer_without_a_miss():
    rig = Rig(BASIC)
    rig.login("ann")
    (offer,) = rig.offers(rig.call("c1"))
    rig.advance(5)
    out = rig.send(ev.CallerHungUp, "c1")
    assert of(CancelOffer, out) == [CancelOffer(offer.offer_id, "c1", "ann", "caller_left")]
    assert [a.waited for a in of(CallAbandoned, out)] == [5.0]
    assert rig.dispatcher.agent("ann").missed_in_row == 0
    assert rig.offered(rig.send(ev.AgentLegEnded, offer.offer_id)) == []
    assert rig.dispatcher.holds_offer("ann") is None


def test_an_agent_gets_one_offer_at_a_time_across_two_queues():
    rig = Rig("queues: {sales: {}, support: {}}")
    rig.call("s1", queue="sales")
    rig.call("t1", queue="support")
    out = rig.login("ann", queues={"sales": 0, "support": 0})
    assert rig.offered(out) == [("s1", "ann")]  # the older call
    assert rig.offered(rig.call("t2", queue="support")) == []
    offer = rig.offers(out)[0]
    rig.advance(15)
    assert rig.offered(rig.send(ev.AgentLegEnded, offer.offer_id)) == [("s1", "ann")]


def test_ring_all_first_answer_wins_and_the_others_are_cancelled():
    rig = Rig("queues: {q: {strategy: ring-all}}")
    for name in ("ann", "bob", "cid"):
        rig.login(name)
    offers = {o.agent_id: o for o in rig.offers(rig.call("c1"))}
    out = rig.send(ev.OfferAnswered, offers["bob"].offer_id)
    assert of(ConnectCallToAgent, out) == [ConnectCallToAgent("c1", offers["bob"].offer_id, "bob")]
    assert sorted(c.agent_id for c in of(CancelOffer, out)) == ["ann", "cid"]
    assert {c.reason for c in of(CancelOffer, out)} == {"answered_elsewhere"}
    # a second answer racing the cancel gets nothing
    assert rig.send(ev.OfferAnswered, offers["cid"].offer_id) == []
    assert rig.state("cid") is S.AVAILABLE and rig.dispatcher.agent("cid").missed_in_row == 0
    assert of(ConnectCallToAgent, rig.outputs) == [ConnectCallToAgent("c1", offers["bob"].offer_id, "bob")]


def test_ring_all_winner_hanging_up_before_the_bridge_puts_the_call_back_at_the_head():
    rig = Rig("queues: {q: {strategy: ring-all}}")
    rig.login("ann")
    rig.login("bob")
    offers = {o.agent_id: o for o in rig.offers(rig.call("c1"))}
    rig.advance(1)
    rig.send(ev.OfferAnswered, offers["ann"].offer_id)
    rig.call("c2")
    out = rig.send(ev.AgentLegEnded, offers["ann"].offer_id)  # the winner, gone before the bridge
    assert rig.offered(out) == [("c1", "ann")]  # c1 before c2, which came later
    assert rig.dispatcher.queue("q").position("c1") == 1
    assert not of(CallAbandoned, rig.outputs)


def test_ring_all_winner_gone_rings_the_others_again():
    rig = Rig("queues: {q: {strategy: ring-all}}")
    for name in ("ann", "bob", "cid"):
        rig.login(name)
    offers = {o.agent_id: o for o in rig.offers(rig.call("c1"))}
    rig.send(ev.OfferAnswered, offers["ann"].offer_id)
    rig.send(ev.AgentLegEnded, offers["bob"].offer_id)
    rig.send(ev.AgentLegEnded, offers["cid"].offer_id)
    out = rig.send(ev.AgentLegEnded, offers["ann"].offer_id)
    assert rig.offered(out) == [("c1", "bob"), ("c1", "cid")]
    assert rig.state("ann") is S.AVAILABLE


def test_caller_and_agent_hanging_up_together_leave_nothing_stuck():
    for caller_first in (True, False):
        rig = Rig(BASIC)
        rig.login("ann")
        (offer,) = rig.offers(rig.call("c1"))
        rig.answer_and_bridge(offer.offer_id)
        rig.advance(30)
        first, second = (ev.CallerHungUp, "c1"), (ev.AgentLegEnded, offer.offer_id)
        if not caller_first:
            first, second = second, first
        rig.send(*first)
        rig.send(*second)
        assert len(of(CallCompleted, rig.outputs)) == 1
        assert rig.dispatcher.call("c1") is None
        assert rig.dispatcher.holds_offer("ann") is None
        rig.advance(10)
        assert rig.state("ann") is S.AVAILABLE
        assert rig.offered(rig.call("c2")) == [("c2", "ann")]


def test_caller_hanging_up_between_answer_and_bridge():
    rig = Rig(BASIC)
    rig.login("ann")
    (offer,) = rig.offers(rig.call("c1"))
    rig.send(ev.OfferAnswered, offer.offer_id)
    out = rig.send(ev.CallerHungUp, "c1")
    assert of(CancelOffer, out) == [CancelOffer(offer.offer_id, "c1", "ann", "caller_hung_up")]
    assert len(of(CallAbandoned, out)) == 1
    assert rig.state("ann") is S.AVAILABLE
    assert rig.send(ev.CallBridged, offer.offer_id) == []
    rig.send(ev.AgentLegEnded, offer.offer_id)
    assert rig.offered(rig.call("c2")) == [("c2", "ann")]


def test_a_leg_whose_end_is_never_reported_stops_holding_the_agent_after_the_grace():
    rig = Rig(BASIC)
    rig.login("ann")
    rig.offers(rig.call("c1"))
    rig.send(ev.CallerHungUp, "c1")
    rig.call("c2")
    assert rig.offered(rig.advance(29)) == []
    assert rig.offered(rig.advance(1)) == [("c2", "ann")]


def test_an_answer_never_bridged_goes_back_to_the_queue_after_the_grace():
    rig = Rig(BASIC)
    rig.login("ann")
    rig.login("bob")
    (offer,) = rig.offers(rig.call("c1"))
    rig.send(ev.OfferAnswered, offer.offer_id)
    rig.advance(29)
    assert rig.dispatcher.call("c1").phase is WaitingCallPhase.CONNECTING
    out = rig.advance(1)
    assert of(CancelOffer, out) == [CancelOffer(offer.offer_id, "c1", "ann", "bridge_timeout")]
    assert rig.offered(out) == [("c1", "bob")]
    assert rig.dispatcher.holds_offer("ann") == offer.offer_id
    assert rig.send(ev.CallBridged, offer.offer_id) == []


def test_an_unregistered_softphone_gets_no_offer():
    rig = Rig(BASIC)
    rig.send(ev.DeviceRegistration, "PJSIP/ann", registered=False)
    rig.login("ann")
    assert rig.state("ann") is S.AVAILABLE
    assert rig.offered(rig.call("c1")) == []
    assert rig.offered(rig.send(ev.DeviceRegistration, "PJSIP/ann", registered=True)) == [("c1", "ann")]


def test_a_mobile_is_not_subject_to_registration():
    rig = Rig(BASIC)
    rig.login("ann", device=Device("mobile", "+447700900123"))
    rig.send(ev.DeviceRegistration, "+447700900123", registered=False)
    (offer,) = rig.offers(rig.call("c1"))
    assert offer.device == Device("mobile", "+447700900123")


def test_an_agent_busy_on_another_call_gets_no_offer():
    rig = Rig(BASIC)
    rig.login("ann")
    out = rig.send(ev.DeviceBusy, "PJSIP/ann", busy=True)
    out += rig.call("c1")
    assert rig.offered(out) == [] and of(StateChanged, out) == []
    assert rig.offered(rig.send(ev.DeviceBusy, "PJSIP/ann", busy=False)) == [("c1", "ann")]


def test_pausing_a_ringing_agent_moves_the_call_on():
    rig = Rig(BASIC)
    rig.login("ann")
    rig.advance(1)
    rig.login("bob")
    (offer,) = rig.offers(rig.call("c1"))
    out = rig.send(ev.AgentPaused, "ann", "lunch")
    assert of(CancelOffer, out) == [CancelOffer(offer.offer_id, "c1", "ann", "agent_left")]
    assert rig.offered(out) == [("c1", "bob")]
    assert (rig.state("ann"), rig.dispatcher.agent("ann").reason) == (S.PAUSED, "lunch")


def test_pause_checks_the_reason_and_during_a_call_waits_for_its_end():
    rig = Rig(BASIC)
    rig.login("ann")
    with pytest.raises(AgentStateRefused, match="unknown pause reason 'nap'"):
        rig.send(ev.AgentPaused, "ann", "nap")
    (offer,) = rig.offers(rig.call("c1"))
    rig.answer_and_bridge(offer.offer_id)
    rig.send(ev.AgentPaused, "ann", "lunch")
    with pytest.raises(AgentStateRefused):
        rig.send(ev.AgentLoggedOut, "ann")
    assert rig.state("ann") is S.ON_CALL and rig.dispatcher.agent("ann").pause_pending == "lunch"
    rig.send(ev.CallerHungUp, "c1")
    assert rig.state("ann") is S.WRAP_UP
    rig.advance(10)
    assert rig.state("ann") is S.PAUSED and rig.dispatcher.agent("ann").reason == "lunch"
    assert rig.offered(rig.call("c2")) == []


def test_ready_during_the_call_takes_back_the_pause_asked_for():
    rig = Rig(BASIC)
    rig.login("ann")
    (offer,) = rig.offers(rig.call("c1"))
    rig.answer_and_bridge(offer.offer_id)
    rig.send(ev.AgentPaused, "ann", "lunch")
    rig.send(ev.AgentUnpaused, "ann")
    rig.send(ev.CallerHungUp, "c1")
    rig.advance(10)
    assert rig.state("ann") is S.AVAILABLE


def test_logout_and_login_again():
    rig = Rig(BASIC)
    rig.login("ann")
    rig.send(ev.AgentLoggedOut, "ann")
    assert rig.offered(rig.call("c1")) == []
    with pytest.raises(Refused, match="unknown queue"):
        rig.call("c9", queue="nowhere")
    assert rig.offered(rig.login("ann")) == [("c1", "ann")]
    with pytest.raises(AgentStateRefused):
        rig.login("ann")


def test_an_agent_restored_after_a_restart_keeps_the_pause_and_says_so():
    rig = Rig(BASIC)
    profile = AgentProfile("ann", "Ann", "1001", {}, {"q": 0})
    out = rig.send(ev.AgentLoggedIn, profile, Device("softphone", "PJSIP/ann"), paused_reason="lunch",
                   restored=True)
    (change,) = of(StateChanged, out)
    assert (change.state, change.reason, change.cause) == (S.PAUSED, "lunch", "restored")


def test_device_states_heard_before_the_login_apply_to_it():
    rig = Rig(BASIC)
    rig.send(ev.DeviceBusy, "PJSIP/ann", busy=True)  # e.g. still on the call it had before a restart
    rig.call("c1")
    assert rig.offered(rig.login("ann")) == []
    assert rig.offered(rig.send(ev.DeviceBusy, "PJSIP/ann", busy=False)) == [("c1", "ann")]


def test_login_paused_keeps_the_reason():
    rig = Rig(BASIC)
    rig.login("ann", paused="training")
    assert rig.offered(rig.call("c1")) == []
    assert rig.dispatcher.agent("ann").reason == "training"


def test_announcements_of_position_and_estimated_wait():
    rig = Rig("queues: {q: {announce_every: 30, wrap_up_seconds: 20}}")
    rig.login("ann")
    (offer,) = rig.offers(rig.call("c0"))
    rig.answer_and_bridge(offer.offer_id)
    rig.advance(100)
    rig.send(ev.CallerHungUp, "c0")  # handle time 100 + 20
    rig.send(ev.AgentLegEnded, offer.offer_id)
    rig.call("c1")
    rig.call("c2", priority=4)
    out = rig.advance(30)
    assert sorted(of(Announce, out), key=lambda a: a.position) == [Announce("c2", 1, 120), Announce("c1", 2, 240)]
    assert len(of(Announce, rig.advance(30))) == 2


def test_no_estimate_without_history():
    rig = Rig("queues: {q: {announce_every: 10}}")
    rig.call("c1")
    assert of(Announce, rig.advance(10)) == [Announce("c1", 1, None)]


def test_next_deadline_tells_the_driver_when_to_tick():
    rig = Rig(BASIC)
    assert rig.dispatcher.next_deadline() is None
    rig.login("ann")
    rig.call("c1")
    assert (rig.dispatcher.next_deadline() - rig.now).total_seconds() == 15


def test_a_call_needing_skills_goes_to_an_agent_who_has_them():
    rig = Rig(BASIC)
    rig.login("ann")  # longest idle, but speaks no French
    rig.advance(5)
    rig.login("bob", skills={"french": 3})
    assert rig.offered(rig.call("c1", skills=[("french", 2)])) == [("c1", "bob")]


def test_a_call_nobody_free_can_serve_waits_without_holding_up_the_calls_behind_it():
    rig = Rig(BASIC)
    rig.call("needs-german", priority=9, skills=[("german", 4)])
    rig.call("plain", priority=0)
    out = rig.login("ann", skills={"german": 2})
    assert rig.offered(out) == [("plain", "ann")]
    out = rig.login("cid", skills={"german": 5})
    assert rig.offered(out) == [("needs-german", "cid")]


# -- transfers -----------------------------------------------------------------------------------


def test_a_transfer_target_is_held_from_queue_offers_then_wraps_up_after_the_call():
    rig = Rig(BASIC)
    rig.login("bob")
    rig.send(ev.TransferTargetRinging, "c9-leg-2", "bob", "c9", "q")
    assert rig.state("bob") is S.RINGING
    assert rig.offered(rig.call("c1")) == []  # held: the queue call waits
    rig.send(ev.TransferTargetAnswered, "c9-leg-2")
    assert rig.state("bob") is S.ON_CALL
    rig.advance(30)
    assert rig.offered(rig.send(ev.TransferTargetFreed, "c9-leg-2")) == []
    assert rig.state("bob") is S.WRAP_UP
    assert rig.offered(rig.advance(10)) == [("c1", "bob")]


def test_an_unanswered_transfer_frees_the_target_without_a_miss():
    rig = Rig(BASIC)
    rig.login("bob")
    rig.send(ev.TransferTargetRinging, "c9-leg-2", "bob", "c9", "q")
    out = rig.send(ev.TransferTargetFreed, "c9-leg-2")
    assert [(c.state, c.cause) for c in of(StateChanged, out)] == [(S.AVAILABLE, "withdrawn")]
    assert rig.dispatcher.agent("bob").missed_in_row == 0
    assert rig.offered(rig.call("c1")) == [("c1", "bob")]
    rig.send(ev.TransferTargetFreed, "c9-leg-2")  # twice: nothing more
    assert rig.state("bob") is S.RINGING


def test_a_paused_target_is_on_the_call_then_paused_again_and_an_agent_held_by_an_offer_is_not_taken():
    rig = Rig(BASIC)
    rig.login("bob", paused="lunch")
    rig.send(ev.TransferTargetRinging, "c9-leg-2", "bob", "c9", "q")
    assert rig.state("bob") is S.PAUSED  # rung while paused: shown paused until they answer
    rig.send(ev.TransferTargetAnswered, "c9-leg-2")
    assert rig.state("bob") is S.ON_CALL  # talk is not pause time
    rig.send(ev.TransferTargetFreed, "c9-leg-2")
    assert rig.state("bob") is S.WRAP_UP
    out = rig.advance(10)
    assert [(c.state, c.reason) for c in of(StateChanged, out)] == [(S.PAUSED, "lunch")]
    rig.login("ann")
    (offer,) = rig.offers(rig.call("c1"))
    rig.send(ev.TransferTargetRinging, "c8-leg-2", "ann", "c8", "q")
    assert rig.dispatcher.holds_offer("ann") == offer.offer_id


def test_a_target_logging_out_while_rung_is_freed_cleanly():
    rig = Rig(BASIC)
    rig.login("bob")
    rig.send(ev.TransferTargetRinging, "c9-leg-2", "bob", "c9", "q")
    rig.send(ev.AgentLoggedOut, "bob")
    rig.send(ev.TransferTargetFreed, "c9-leg-2")
    assert rig.state("bob") is S.LOGGED_OUT and rig.dispatcher.holds_offer("bob") is None


def test_a_requeued_call_keeps_its_first_arrival_among_equal_priorities():
    rig = Rig(BASIC)
    rig.call("later")
    rig.advance(5)
    rig.send(ev.CallQueued, "back", "q", arrived_at=rig.now - timedelta(seconds=60))
    assert rig.offered(rig.login("ann")) == [("back", "ann")]


def test_a_transfer_releasing_the_agent_completes_their_part_as_handed_over_without_ending_the_call():
    rig = Rig(BASIC)
    rig.login("ann")
    (offer,) = rig.offers(rig.call("c1"))
    rig.answer_and_bridge(offer.offer_id)
    rig.advance(20)
    out = rig.send(ev.AgentReleased, offer.offer_id)
    assert [(c.agent_id, c.talked, c.handed_over) for c in of(CallCompleted, out)] == [("ann", 20.0, True)]
    assert of(EndCall, out) == [] and rig.state("ann") is S.WRAP_UP


def test_a_target_in_wrap_up_answering_a_transfer_is_on_the_call_and_the_old_wrap_up_timer_is_void():
    rig = Rig(BASIC)
    rig.login("bob")
    (offer,) = rig.offers(rig.call("c1"))
    rig.answer_and_bridge(offer.offer_id)
    rig.send(ev.AgentLegEnded, offer.offer_id)
    assert rig.state("bob") is S.WRAP_UP
    rig.send(ev.TransferTargetRinging, "c9-leg-2", "bob", "c9", "q")
    rig.advance(2)
    rig.send(ev.TransferTargetAnswered, "c9-leg-2")
    assert rig.state("bob") is S.ON_CALL
    rig.advance(20)  # the first wrap-up's timer has passed: it must not free bob mid-call
    assert rig.state("bob") is S.ON_CALL
    rig.send(ev.TransferTargetFreed, "c9-leg-2")
    assert rig.state("bob") is S.WRAP_UP
    rig.advance(10)
    assert rig.state("bob") is S.AVAILABLE


def test_an_agent_on_an_unregistered_phone_is_not_staffed_until_it_registers():
    rig = Rig(BASIC)
    rig.send(ev.DeviceRegistration, "PJSIP/ann", False)
    rig.login("ann")
    queue = rig.dispatcher.queue("q")
    assert queue.staffed == 0 and rig.offered(rig.call("c1")) == []
    out = rig.send(ev.DeviceRegistration, "PJSIP/ann", True)
    assert queue.staffed == 1 and rig.offered(out) == [("c1", "ann")]
    rig.send(ev.DeviceRegistration, "PJSIP/ann", False)
    assert queue.staffed == 0
    rig.send(ev.AgentPaused, "ann", "lunch")
    rig.send(ev.DeviceRegistration, "PJSIP/ann", True)
    assert queue.staffed == 0  # paused: still not staffed
