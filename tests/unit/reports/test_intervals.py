"""Intervals on the local clock: no wrong reset at midnight, two 1:00 hours when clocks go back."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from telephony.reports.intervals import Interval, interval_start, interval_starts

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_quarter_hour_holds_its_instant_and_a_minute_before_midnight_is_the_days_last():
    assert interval_start(datetime(2026, 3, 2, 22, 59, tzinfo=UTC), Interval.M15, BERLIN).isoformat() == \
        "2026-03-02T23:45:00+01:00"
    assert interval_start(datetime(2026, 3, 2, 23, 0, tzinfo=UTC), Interval.M30, BERLIN).isoformat() == \
        "2026-03-03T00:00:00+01:00"


def test_a_day_is_the_local_calendar_day_not_the_utc_one():
    assert interval_start(datetime(2026, 3, 2, 23, 30, tzinfo=UTC), Interval.D1, BERLIN).isoformat() == \
        "2026-03-03T00:00:00+01:00"


def test_the_night_clocks_go_back_has_two_one_oclock_hours_and_a_25_hour_day():
    hours = interval_starts(datetime(2026, 10, 24, 22, 30, tzinfo=UTC), datetime(2026, 10, 25, 2, 0, tzinfo=UTC),
                            Interval.H1, BERLIN)
    assert [h.isoformat() for h in hours] == ["2026-10-25T00:00:00+02:00", "2026-10-25T01:00:00+02:00",
                                              "2026-10-25T02:00:00+02:00", "2026-10-25T02:00:00+01:00"]
    first, second = (interval_start(datetime(2026, 10, 25, h, 20, tzinfo=UTC), Interval.M15, BERLIN) for h in (0, 1))
    assert first.isoformat() == "2026-10-25T02:15:00+02:00" and second.isoformat() == "2026-10-25T02:15:00+01:00"
    (day, after) = interval_starts(datetime(2026, 10, 25, 12, tzinfo=UTC), datetime(2026, 10, 26, 12, tzinfo=UTC),
                                   Interval.D1, BERLIN)[:2]
    assert (after.astimezone(UTC) - day.astimezone(UTC)).total_seconds() == 25 * 3600


def test_the_night_clocks_go_forward_makes_a_23_hour_day():
    day, after = interval_starts(datetime(2026, 3, 29, 12, tzinfo=UTC), datetime(2026, 3, 30, 12, tzinfo=UTC),
                                 Interval.D1, BERLIN)[:2]
    assert (after.astimezone(UTC) - day.astimezone(UTC)).total_seconds() == 23 * 3600
