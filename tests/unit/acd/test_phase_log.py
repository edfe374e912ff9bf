"""A queue call's story read from the log: each move of its phase and its offers', with the call's id."""

from structlog.testing import capture_logs

from telephony.acd import events as ev
from tests.unit.acd.rig import Rig

BASIC = "queues: {q: {ring_timeout: 15, missed_offers_before_pause: 2}}"


def moves(logs):
    return [(line["event"], line["transition"]) for line in logs
            if line["event"] in ("waiting_call.phase", "offer.phase") and line["call_id"] == "c1"]


def test_a_call_rung_out_then_answered_is_told_move_by_move():
    rig = Rig(BASIC)
    rig.login("ann")
    with capture_logs() as logs:
        (first,) = rig.offers(rig.call("c1"))
        rig.advance(15)
        (second,) = rig.offers(rig.send(ev.AgentLegEnded, first.offer_id))
        rig.answer_and_bridge(second.offer_id)
        rig.send(ev.CallerHungUp, "c1")
    assert moves(logs) == [
        ("waiting_call.phase", "waiting -> offered -> ringing"),
        ("offer.phase", "ringing -> hang_up -> ending"),
        ("waiting_call.phase", "ringing -> ring_timeout -> waiting"),
        ("waiting_call.phase", "waiting -> offered -> ringing"),
        ("offer.phase", "ringing -> answered -> answered"),
        ("waiting_call.phase", "ringing -> answered -> connecting"),
        ("offer.phase", "answered -> bridged -> connected"),
        ("waiting_call.phase", "connecting -> bridged -> connected"),
        ("offer.phase", "connected -> hang_up -> ending"),
    ]


def test_an_overflow_into_another_queue_is_a_move_of_the_waiting_call():
    rig = Rig("queues: {q: {max_wait: 30, overflow: 'queue:r'}, r: {}}")
    rig.call("c1")
    with capture_logs() as logs:
        rig.advance(30)
    assert moves(logs) == [("waiting_call.phase", "waiting -> moved -> waiting")]
