"""One vocabulary for how a leg ended, from Asterisk's Q.850 cause codes."""

import pytest

from telephony.acd.events import AgentLegEnded
from telephony.calls.transfer_reports import TransferReport
from telephony.causes import LegOutcome, outcome_of_cause
from telephony.events import LegAnswered, LegEnded
from telephony.requests import TransferMode, TransferRequested
from tests.unit import test_click_to_call, test_internal_call, test_queue_flow
from tests.unit import test_transfer_holds_and_reports as test_transfers


@pytest.mark.parametrize("cause, outcome", [
    (16, LegOutcome.HUNG_UP),
    (17, LegOutcome.BUSY),  # SIP 486, 600
    (18, LegOutcome.NO_ANSWER),  # SIP 408
    (19, LegOutcome.NO_ANSWER),  # SIP 480
    (21, LegOutcome.REJECTED),  # SIP 403, 603
    (3, LegOutcome.UNREACHABLE),
    (20, LegOutcome.UNREACHABLE),
    (0, LegOutcome.FAILED),  # no cause given
    (34, LegOutcome.FAILED),  # congestion (SIP 503): anything else
    (127, LegOutcome.FAILED),
])
def test_each_cause_has_one_outcome(cause, outcome):
    assert outcome_of_cause(cause) is outcome


def test_outcomes_are_the_spellings_stored_and_published():
    assert [o.value for o in LegOutcome] == ["hung up", "busy", "no answer", "rejected", "unreachable",
                                             "failed"]
    assert outcome_of_cause(19) == "no answer" and f"{outcome_of_cause(17)}" == "busy"


@pytest.mark.parametrize("cause", [17, 19, 21, 20, 0])
def test_every_flow_says_the_same_of_a_leg_that_ended_unanswered(cause):
    """An agent's offer (to the ACD), a transfer's target (report and segment), an internal callee and a
    click-to-call's target (the interaction's outcome) that end with one cause end with one word."""
    word = outcome_of_cause(cause)
    queue_call, _ = test_queue_flow.make()
    queue_call.start()
    queue_call.handle(test_queue_flow.offer())
    ended = queue_call.handle(LegEnded("c1", "c1-leg-1", cause))
    assert ended == [AgentLegEnded("o1", test_queue_flow.T0, word)]

    transferred, _ = test_transfers.connected()
    transferred.request(TransferRequested("c1", "a1", TransferMode.ATTENDED, test_transfers.BOB, "bob"))
    out = transferred.handle(LegEnded("c1", "c1-leg-2", cause))
    assert {r.reason for r in out if isinstance(r, TransferReport)} == {word}
    assert transferred.segments[-1].outcome == word

    internal, _ = test_internal_call.ringing()
    internal.handle(LegEnded("ch1", "ch1-leg-1", cause))
    assert internal.outcome == word

    click = test_click_to_call.make()
    click.start()
    click.handle(LegAnswered("c2c-1", "c2c-1-leg-1"))
    click.handle(LegEnded("c2c-1", "c2c-1-leg-2", cause))
    assert click.outcome == word
