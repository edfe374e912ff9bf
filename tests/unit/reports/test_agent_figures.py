"""Agent figures from synthetic call-log rows and state changes."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from telephony.model import AgentState as S, StateChanged
from telephony.reports.agents import agent_report
from telephony.reports.intervals import Interval
from telephony.reports.queues import ReportWindow
from tests.unit.reports.rows import T0, Story, at

HOUR = ReportWindow(T0, T0 + timedelta(hours=2), Interval.H1, UTC)


def change(agent, t, previous, state, reason=None):
    return StateChanged(agent, previous, state, reason, at(t), "test")


def test_offers_answers_missed_transfers_talk_and_wrap_up_per_agent():
    s = Story()
    s.queued("a", 0).rang_out("a", 1, "bob").answered("a", 20, "ann", talk=100, wrap=20)
    s.queued("b", 200).answered("b", 205, "ann", talk=50)
    s.transferred("b", 230, "ann", mode="blind")
    s.queued("c", 300).rang_out("c", 300, "bob", outcome="rejected").abandoned("c", 330)
    figures = {f.agent_id: f for f in agent_report(s.rows, [], HOUR, UTC, now=at(7200))}
    ann, bob = figures["ann"], figures["bob"]
    assert (ann.offered, ann.answered, ann.missed, ann.transferred, ann.handled) == (2, 2, 0, 1, 2)
    assert (ann.talk, ann.wrap_up) == (150, 20)
    assert ann.average_handle_time == pytest.approx((150 + 20) / 2)
    assert (bob.offered, bob.answered, bob.missed, bob.handled, bob.average_handle_time) == (2, 0, 2, 0, None)


def test_state_times_are_cut_at_the_interval_bounds_with_pauses_by_reason_and_occupancy():
    states = [change("ann", -600, S.LOGGED_OUT, S.AVAILABLE),  # before the window: the state at its start
              change("ann", 1800, S.AVAILABLE, S.ON_CALL), change("ann", 3000, S.ON_CALL, S.WRAP_UP),
              change("ann", 3300, S.WRAP_UP, S.PAUSED, "lunch"), change("ann", 4200, S.PAUSED, S.AVAILABLE),
              change("ann", 6000, S.AVAILABLE, S.LOGGED_OUT)]
    first, second = agent_report([], states, HOUR, UTC, now=at(7200))
    assert first.logged_in == 3600 and first.time_in[S.AVAILABLE] == 1800 and first.time_in[S.ON_CALL] == 1200
    assert first.time_in[S.WRAP_UP] == 300 and first.paused_by_reason == {"lunch": 300}
    assert first.occupancy == pytest.approx((1200 + 300) / (3600 - 300))
    assert second.logged_in == 2400 and second.paused_by_reason == {"lunch": 600}
    assert second.time_in[S.AVAILABLE] == 1800 and second.occupancy == 0


def test_a_state_still_going_lasts_until_now():
    (only,) = agent_report([], [change("ann", 0, S.LOGGED_OUT, S.AVAILABLE)], HOUR, UTC, now=at(900))
    assert only.logged_in == 900
