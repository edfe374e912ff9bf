"""Queue figures from synthetic call-log rows: every figure, and the known traps of the trade."""

from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest

from telephony.call_events import InteractionFacts
from telephony.reports.intervals import Interval
from telephony.reports.queues import (ReportWindow, Thresholds, View, missed_calls, queue_report,
                                      volumes)
from telephony.reports.stretches import stretches
from tests.unit.reports.rows import T0, Story, at

DAY = ReportWindow(T0, T0 + timedelta(days=1), Interval.D1, UTC)


def report(story: Story, window=DAY, view=View.QUEUE, thresholds=Thresholds()):
    figures = queue_report(stretches(story.rows), window, lambda q: UTC, lambda q: thresholds, view)
    return {f.queue: f.as_dict() for f in figures}


def mixed() -> Story:
    s = Story()
    s.queued("a", 0).answered("a", 10, "ann", talk=100, wrap=20)  # within 20 s
    s.queued("b", 0).rang_out("b", 1, "bob").answered("b", 30, "ann", talk=50)  # after 30 s, no wrap-up
    s.queued("c", 0).abandoned("c", 3)  # short
    s.queued("d", 0).abandoned("d", 40)
    s.queued("e", 0).overflowed("e", 60, "voicemail:200")
    return s


def test_every_figure_of_a_queue_on_a_known_mix():
    q = report(mixed())["q"]
    assert (q["offered"], q["answered"], q["abandoned"], q["short_abandoned"], q["overflowed"]) == (5, 2, 2, 1, 1)
    assert q["overflowed_to"] == {"voicemail:200": 1}
    assert q["average_wait"] == pytest.approx((10 + 30 + 3 + 40 + 60) / 5)  # abandoned calls are in it
    assert q["longest_wait"] == 60
    assert q["average_speed_of_answer"] == 20
    assert (q["average_talk"], q["average_wrap_up"], q["average_hold"]) == (75, 10, 0)
    assert q["average_handle_time"] == pytest.approx((120 + 50) / 2)
    assert q["answered_within_threshold"] == 1
    assert q["service_level"] == pytest.approx(1 / (2 + 1))  # answered + abandoned after 5 s
    assert q["abandon_rate"] == pytest.approx(1 / (5 - 1))  # long abandons / (offered - short abandons)


def test_thresholds_are_the_queues():
    q = report(mixed(), thresholds=Thresholds(service_level_seconds=30, short_abandon_seconds=2))["q"]
    assert (q["answered_within_threshold"], q["short_abandoned"]) == (2, 0)
    assert q["service_level"] == pytest.approx(2 / 4) and q["abandon_rate"] == pytest.approx(2 / 5)


def overflowed_then_answered() -> Story:
    s = Story()
    s.queued("x", 0, "sales").overflowed("x", 60, "queue:support", "sales")
    s.queued("x", 60, "support", arrived=0, moved_from="sales").answered("x", 75, "ann", "support", talk=30)
    return s


def test_an_overflowed_call_is_one_call_in_the_callers_view_not_several_lost_ones():
    caller = report(overflowed_then_answered(), view=View.CALLER)
    assert caller["sales"]["offered"] == 1 and caller["sales"]["answered"] == 0
    assert caller["sales"]["abandoned"] == 0 and caller["sales"]["overflowed"] == 0
    assert caller["support"]["offered"] == 0 and caller["support"]["answered"] == 1
    assert caller["support"]["average_speed_of_answer"] == 75  # the sum of its waits
    assert sum(q["offered"] for q in caller.values()) == sum(q["answered"] for q in caller.values()) == 1


def test_each_stretch_counts_in_its_own_queue_in_the_queues_view():
    queue = report(overflowed_then_answered())
    assert (queue["sales"]["offered"], queue["sales"]["overflowed"], queue["sales"]["answered"]) == (1, 1, 0)
    assert queue["sales"]["overflowed_to"] == {"queue:support": 1} and queue["sales"]["abandon_rate"] == 0
    assert (queue["support"]["offered"], queue["support"]["answered"]) == (1, 1)
    assert queue["support"]["average_speed_of_answer"] == 15  # its wait in support alone


def test_an_attended_transfer_is_a_transfer_out_and_the_call_is_answered_once():
    s = Story()
    s.queued("t", 0).answered("t", 5, "ann", talk=40)
    s.transferred("t", 30, "ann", mode="attended")
    q = report(s)["q"]
    assert (q["answered"], q["transferred_out"]) == (1, 1)


def test_a_call_counts_in_the_interval_it_entered_on_the_queues_clock():
    s = Story().queued("late", 3600 * 13 + 1799).answered("late", 3600 * 13 + 1810, "ann")  # 23:29:59 Berlin
    window = ReportWindow(T0, T0 + timedelta(days=1), Interval.M30, None)
    (figures,) = queue_report(stretches(s.rows), window, lambda q: ZoneInfo("Europe/Berlin"), lambda q: Thresholds())
    assert figures.start.isoformat() == "2026-03-02T23:00:00+01:00" and figures.answered == 1


def test_volumes_by_direction_and_the_calls_no_agent_took():
    calls = [InteractionFacts("a", "inbound", at(0), "answered"), InteractionFacts("o", "outbound", at(1), "answered"),
             InteractionFacts("i", "internal", at(2), "answered"), InteractionFacts("r", "inbound", at(3), "refused"),
             InteractionFacts("h", "inbound", at(4), "ivr_completed", closed_hours=True)]
    (day,) = volumes(calls, DAY, UTC)
    assert (day.inbound, day.outbound, day.internal) == (3, 1, 1)
    (missed,) = missed_calls(stretches(mixed().rows + overflowed_then_answered().rows), calls, DAY, UTC)
    assert missed.as_dict()["abandoned"] == 2 and missed.as_dict()["overflowed"] == {"voicemail:200": 1}
    assert (missed.refused, missed.closed_hours, missed.as_dict()["total"]) == (1, 1, 5)
