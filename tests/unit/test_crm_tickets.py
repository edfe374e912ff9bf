from datetime import datetime, timedelta, timezone

import pytest

from telephony.crm.model import TicketStatus as S
from telephony.crm.tickets import TicketStatusRefused, transition

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
LATER = NOW + timedelta(days=1)


@pytest.mark.parametrize(("current", "target"), [
    (S.OPEN, S.RESOLVED), (S.OPEN, S.CLOSED), (S.RESOLVED, S.CLOSED), (S.RESOLVED, S.OPEN),
    (S.CLOSED, S.OPEN), (S.NEEDS_FOLLOW_UP, S.OPEN), (S.NEEDS_FOLLOW_UP, S.RESOLVED),
    (S.NEEDS_FOLLOW_UP, S.CLOSED),
])
def test_allowed_transitions(current, target):
    change = transition(current, target, NOW)
    assert (change.previous, change.status, change.follow_up_due) == (current, target, None)


def test_needs_follow_up_carries_its_due_time_and_may_be_rescheduled():
    assert transition(S.OPEN, S.NEEDS_FOLLOW_UP, NOW, LATER).follow_up_due == LATER
    later_still = LATER + timedelta(days=1)
    assert transition(S.NEEDS_FOLLOW_UP, S.NEEDS_FOLLOW_UP, NOW, later_still).follow_up_due == later_still


@pytest.mark.parametrize(("due", "reason"), [
    (None, "needs_follow_up requires a follow-up due time"),
    (NOW - timedelta(minutes=1), "the follow-up due time must be in the future"),
])
def test_needs_follow_up_requires_a_future_due_time(due, reason):
    with pytest.raises(TicketStatusRefused) as caught:
        transition(S.OPEN, S.NEEDS_FOLLOW_UP, NOW, due)
    assert caught.value.reason == reason


@pytest.mark.parametrize(("current", "target", "reason"), [
    (S.OPEN, S.OPEN, "the ticket is already open"),
    (S.CLOSED, S.CLOSED, "the ticket is already closed"),
    (S.CLOSED, S.RESOLVED, "a closed ticket cannot become resolved; reopen it first"),
    (S.CLOSED, S.NEEDS_FOLLOW_UP, "a closed ticket cannot become needs_follow_up; reopen it first"),
    (S.RESOLVED, S.NEEDS_FOLLOW_UP, "a resolved ticket cannot become needs_follow_up; reopen it first"),
])
def test_illegal_transitions_say_why(current, target, reason):
    with pytest.raises(TicketStatusRefused) as caught:
        transition(current, target, NOW, LATER if target == S.NEEDS_FOLLOW_UP else None)
    assert caught.value.reason == reason
    assert (caught.value.current, caught.value.target) == (current, target)


def test_due_time_only_with_needs_follow_up():
    with pytest.raises(TicketStatusRefused, match="only goes with needs_follow_up"):
        transition(S.OPEN, S.CLOSED, NOW, LATER)


@pytest.mark.parametrize(("current", "target", "finishes"), [
    (S.OPEN, S.CLOSED, True), (S.NEEDS_FOLLOW_UP, S.RESOLVED, True), (S.RESOLVED, S.CLOSED, False),
    (S.CLOSED, S.OPEN, False),
])
def test_finishing_is_closing_or_resolving_an_unfinished_ticket(current, target, finishes):
    assert transition(current, target, NOW).finishes is finishes


def test_statuses_accept_their_wire_values():
    assert transition("open", "resolved", NOW).status is S.RESOLVED
