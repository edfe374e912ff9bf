"""The call log's rows, from the ACD's own outputs in a dispatcher story: every fact of a call, in order."""

from __future__ import annotations

from datetime import timedelta

from telephony.acd import events as ev
from telephony.call_events import CallEventKind as K
from telephony.call_log import CallLog, call_event
from telephony.calls.transfer_reports import TransferReport
from tests.unit.acd.rig import Rig

CONFIG = """
queues:
  q: {ring_timeout: 15, wrap_up_seconds: 10, max_wait: 120, overflow: 'queue:second'}
  second: {overflow: 'voicemail:200', max_wait: 30}
"""


def logged(rig: Rig, outputs) -> list:
    log = CallLog(None, lambda write: None, lambda: rig.now)
    rows = []
    for item in outputs:
        row = log.offered(item) if type(item).__name__ == "Offer" else call_event(item)
        if row is not None:
            rows.append(row)
    return rows


def test_a_call_rung_out_on_one_agent_then_answered_by_another_and_wrapped_up():
    rig = Rig(CONFIG)
    rig.login("ann")
    rig.login("bob", queues={"q": 5})
    (first,) = rig.offers(rig.call("c1", priority=2))
    rig.advance(15)  # ann rings out
    (second,) = rig.offers(rig.outputs)[1:]
    rig.advance(4)
    rig.answer_and_bridge(second.offer_id)
    rig.advance(60)
    rig.send(ev.AgentLegEnded, second.offer_id)
    rig.send(ev.AgentLegEnded, first.offer_id, cause="no answer")
    rig.advance(10)
    rows = [r for r in logged(rig, rig.outputs) if r.call_id == "c1"]
    assert [(r.kind, r.agent_id) for r in rows] == [
        (K.QUEUED, None), (K.OFFERED, "ann"), (K.RANG_OUT, "ann"), (K.OFFERED, "bob"), (K.ANSWERED, "bob"),
        (K.TALK_ENDED, "bob"), (K.WRAP_UP_STARTED, "bob"), (K.WRAP_UP_ENDED, "bob")]
    queued, _, rang_out, _, answered, talk, wrap_start, wrap_end = rows
    assert (queued.priority, queued.arrived_at, queued.queue) == (2, rig.now - timedelta(seconds=89), "q")
    assert rang_out.outcome == "no answer"
    assert answered.wait_seconds == 19 and talk.talk_seconds == 60
    assert (wrap_end.at - wrap_start.at).total_seconds() == 10


def test_an_overflow_through_two_queues_then_voicemail_keeps_each_step():
    rig = Rig(CONFIG)
    rig.call("c1")
    rig.advance(120)
    rig.advance(30)
    rows = logged(rig, rig.outputs)
    assert [(r.kind, r.queue, r.target) for r in rows] == [
        (K.QUEUED, "q", None), (K.OVERFLOWED, "q", "queue:second"), (K.QUEUED, "second", None),
        (K.OVERFLOWED, "second", "voicemail:200")]
    assert rows[2].reason == "q" and rows[2].arrived_at == rows[0].at  # moved from q, keeps its arrival
    assert rows[3].wait_seconds == 150


def test_an_abandon_is_logged_with_its_wait():
    rig = Rig(CONFIG)
    rig.call("c1")
    rig.advance(7)
    rig.send(ev.CallerHungUp, "c1")
    (queued, abandoned) = logged(rig, rig.outputs)
    assert (abandoned.kind, abandoned.wait_seconds, abandoned.queue) == (K.ABANDONED, 7, "q")


def test_completed_and_requeued_transfers_are_logged_with_their_mode_and_target_the_rest_are_not():
    rig = Rig(CONFIG)

    def report(what, mode="attended"):
        return TransferReport("c1", what, mode, "q", "ann", "agent", "1002", "bob", rig.now)

    rows = logged(rig, [report(w) for w in ("started", "answered", "completed", "cancelled", "failed")]
                  + [report("requeued", "blind")])
    assert [(r.kind, r.mode, r.target, r.agent_id, r.outcome) for r in rows] == [
        (K.TRANSFERRED, "attended", "agent:1002", "ann", "completed"),
        (K.TRANSFERRED, "blind", "agent:1002", "ann", "requeued")]


def test_the_log_submits_each_row_to_the_ordered_writer_as_it_is_published():
    rig = Rig(CONFIG)
    submitted = []
    log = CallLog(None, submitted.append, lambda: rig.now)
    for item in rig.call("c1"):
        log.observe(item)
    assert len(submitted) == 1  # the queued row; HoldCaller is no fact of the log
