"""Report intervals in a time zone: 15 min, 30 min, an hour or a day, placed on the local clock.

An interval starts on the local clock (9:15, midnight) and is kept as the instant it starts, so the two 1:00
hours of a night when clocks go back are two intervals, and the day of a clock change is 23 or 25 hours long.
Sub-day intervals follow one another by their length in real time (every zone's offset moves by whole
quarter hours); days by the local calendar.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class Interval(StrEnum):
    M15 = "15m"
    M30 = "30m"
    H1 = "1h"
    D1 = "1d"

    @property
    def minutes(self) -> int:
        return {"15m": 15, "30m": 30, "1h": 60, "1d": 1440}[self.value]


def interval_start(at: datetime, interval: Interval, tz: ZoneInfo) -> datetime:
    """The start, as an aware datetime in `tz`, of the interval that holds the instant `at`."""
    local = at.astimezone(tz)
    if interval is Interval.D1:
        return datetime.combine(local.date(), time(0), tz)
    minutes = local.hour * 60 + local.minute
    floored = minutes - minutes % interval.minutes
    start = local.replace(hour=floored // 60, minute=floored % 60, second=0, microsecond=0)
    return start.astimezone(tz)  # keeps the fold: the first or the second 1:00 of a night going back


def next_start(start: datetime, interval: Interval, tz: ZoneInfo) -> datetime:
    if interval is Interval.D1:
        return datetime.combine(start.astimezone(tz).date() + timedelta(days=1), time(0), tz)
    return (start.astimezone(UTC) + timedelta(minutes=interval.minutes)).astimezone(tz)  # real time, not wall


def interval_starts(start: datetime, end: datetime, interval: Interval, tz: ZoneInfo) -> list[datetime]:
    """Every interval that overlaps [start, end), in order, as their starts in `tz`."""
    starts = []
    current = interval_start(start, interval, tz)
    while current.astimezone(UTC) < end.astimezone(UTC):  # aware datetimes of one zone compare by wall clock
        starts.append(current)
        current = next_start(current, interval, tz)
    return starts
