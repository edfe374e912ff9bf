"""Queue figures per interval, in two views (the README's Reports section has each formula):

- the queue's view: each stretch counts in the queue it stayed in, in the interval it entered that queue;
- the caller's view: a call counts once, up to its first answer: offered in the queue it first entered (in
  the interval of its first arrival), answered where it was answered, its wait the sum of its stretches'
  waits; an overflow into another queue is no loss, only leaving for voicemail or a message is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from telephony.call_events import InteractionFacts
from telephony.reports.intervals import Interval, interval_start, next_start
from telephony.reports.stretches import Stretch, StretchEnd

DEFAULT_SERVICE_LEVEL_SECONDS = 20.0
DEFAULT_SHORT_ABANDON_SECONDS = 5.0


class View(StrEnum):
    QUEUE = "queue"
    CALLER = "caller"


@dataclass(frozen=True, slots=True)
class Thresholds:
    service_level_seconds: float = DEFAULT_SERVICE_LEVEL_SECONDS
    short_abandon_seconds: float = DEFAULT_SHORT_ABANDON_SECONDS


@dataclass(slots=True)
class Handled:
    """What one call counts for in a queue's interval: how it ended there and after how long."""

    end: StretchEnd
    wait: float | None
    target: str | None = None
    talk: float | None = None
    wrap: float | None = None
    transferred: bool = False
    offered: bool = True  # False: the caller's view counts the call's answer here, its offer elsewhere


OFFERED_ONLY = Handled(StretchEnd.WAITING, None)


@dataclass(slots=True)
class QueueFigures:
    queue: str
    start: datetime
    end: datetime
    thresholds: Thresholds
    offered: int = 0
    answered: int = 0
    answered_within_threshold: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    overflowed_to: Counter = field(default_factory=Counter)
    transferred_out: int = 0
    _waits: list[float] = field(default_factory=list)
    _answer_waits: list[float] = field(default_factory=list)
    _talks: list[float] = field(default_factory=list)
    _wraps: list[float] = field(default_factory=list)
    _handles: list[float] = field(default_factory=list)

    def count(self, call: Handled) -> None:
        self.offered += call.offered
        if call.wait is not None:
            self._waits.append(call.wait)
        match call.end:
            case StretchEnd.ANSWERED:
                self.answered += 1
                self._answer_waits.append(call.wait)
                self.answered_within_threshold += call.wait <= self.thresholds.service_level_seconds
                self.transferred_out += call.transferred
                if call.talk is not None:
                    self._talks.append(call.talk)
                    self._wraps.append(call.wrap or 0.0)
                    self._handles.append(call.talk + HOLD_SECONDS + (call.wrap or 0.0))
            case StretchEnd.ABANDONED:
                self.abandoned += 1
                self.short_abandoned += call.wait < self.thresholds.short_abandon_seconds
            case StretchEnd.OVERFLOWED:
                self.overflowed_to[call.target or "?"] += 1

    @property
    def overflowed(self) -> int:
        return sum(self.overflowed_to.values())

    @property
    def service_level(self) -> float | None:
        counted = self.answered + self.abandoned - self.short_abandoned
        return self.answered_within_threshold / counted if counted else None

    @property
    def abandon_rate(self) -> float | None:
        counted = self.offered - self.short_abandoned
        return (self.abandoned - self.short_abandoned) / counted if counted else None

    def as_dict(self) -> dict:
        return {
            "queue": self.queue, "interval_start": self.start.isoformat(), "interval_end": self.end.isoformat(),
            "offered": self.offered, "answered": self.answered, "abandoned": self.abandoned,
            "short_abandoned": self.short_abandoned, "overflowed": self.overflowed,
            "overflowed_to": dict(sorted(self.overflowed_to.items())), "transferred_out": self.transferred_out,
            "average_wait": _mean(self._waits), "longest_wait": max(self._waits, default=None),
            "average_speed_of_answer": _mean(self._answer_waits), "average_talk": _mean(self._talks),
            "average_hold": HOLD_SECONDS if self._talks else None, "average_wrap_up": _mean(self._wraps),
            "average_handle_time": _mean(self._handles), "answered_within_threshold": self.answered_within_threshold,
            "service_level": self.service_level, "abandon_rate": self.abandon_rate,
            "service_level_seconds": self.thresholds.service_level_seconds,
            "short_abandon_seconds": self.thresholds.short_abandon_seconds,
        }


HOLD_SECONDS = 0.0  # the daemon has no agent hold yet: every call's hold time is nought


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass(frozen=True, slots=True)
class ReportWindow:
    """[start, end) cut into `interval`s on the clock of `tz`, or of each queue's own zone when tz is None."""

    start: datetime
    end: datetime
    interval: Interval
    tz: ZoneInfo | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", self.start.astimezone(UTC))  # compared as instants, never wall clocks
        object.__setattr__(self, "end", self.end.astimezone(UTC))


QueueZone = Callable[[str], ZoneInfo]
QueueThresholds = Callable[[str], Thresholds]


def queue_report(stretch_list: Iterable[Stretch], window: ReportWindow, zone_of: QueueZone,
                 thresholds_of: QueueThresholds, view: View = View.QUEUE,
                 queues: Iterable[str] | None = None) -> list[QueueFigures]:
    """Figures per queue and interval, for the intervals in which something entered the queue; in order of
    queue, then interval start."""
    wanted = None if queues is None else set(queues)
    figures: dict[tuple[str, datetime], QueueFigures] = {}
    for queue, entered, handled in (_queue_view(stretch_list) if view is View.QUEUE
                                    else _caller_view(stretch_list)):
        if not window.start <= entered < window.end or (wanted is not None and queue not in wanted):
            continue
        tz = window.tz or zone_of(queue)
        start = interval_start(entered, window.interval, tz)
        key = (queue, start)
        if key not in figures:
            figures[key] = QueueFigures(queue, start, next_start(start, window.interval, tz), thresholds_of(queue))
        figures[key].count(handled)
    return [figures[key] for key in sorted(figures, key=lambda k: (k[0], k[1].timestamp()))]


def _queue_view(stretch_list: Iterable[Stretch]):
    for s in stretch_list:
        yield s.queue, s.entered_at, Handled(s.end, s.wait_seconds, s.target, s.talk_seconds, s.wrap_seconds,
                                             s.transferred)


def _caller_view(stretch_list: Iterable[Stretch]):
    """One Handled per call, up to its first answer, counted in the queue it first entered."""
    calls: dict[str, list[Stretch]] = {}
    for s in stretch_list:
        calls.setdefault(s.call_id, []).append(s)
    for stays in calls.values():
        first = stays[0]
        until = next((i for i, s in enumerate(stays) if s.end is StretchEnd.ANSWERED), len(stays) - 1)
        taken = stays[: until + 1]
        last = taken[-1]
        waits = [s.wait_seconds for s in taken if s.wait_seconds is not None]
        wait = sum(waits) if last.wait_seconds is not None else None
        end, target = last.end, last.target
        if end is StretchEnd.OVERFLOWED and not last.left_the_center:
            end, target = StretchEnd.WAITING, None  # moved on and the log ends there: still waiting
        handled = Handled(end, wait, target, last.talk_seconds, last.wrap_seconds, last.transferred)
        if end is StretchEnd.ANSWERED and last.queue != first.queue:
            yield first.queue, first.arrived_at, OFFERED_ONLY
            yield last.queue, first.arrived_at, replace(handled, offered=False)
        else:
            yield first.queue, first.arrived_at, handled


@dataclass(slots=True)
class DirectionFigures:
    start: datetime
    end: datetime
    inbound: int = 0
    outbound: int = 0
    internal: int = 0

    def as_dict(self) -> dict:
        return {"interval_start": self.start.isoformat(), "interval_end": self.end.isoformat(),
                "inbound": self.inbound, "outbound": self.outbound, "internal": self.internal}


def volumes(interactions: Iterable[InteractionFacts], window: ReportWindow, tz: ZoneInfo) -> list[DirectionFigures]:
    """Calls by direction, in the interval each started."""
    figures: dict[datetime, DirectionFigures] = {}
    for call in interactions:
        if not window.start <= call.started_at < window.end:
            continue
        start = interval_start(call.started_at, window.interval, tz)
        row = figures.setdefault(start, DirectionFigures(start, next_start(start, window.interval, tz)))
        setattr(row, call.direction, getattr(row, call.direction) + 1)
    return [figures[k] for k in sorted(figures, key=datetime.timestamp)]


@dataclass(slots=True)
class MissedCalls:
    """Calls no agent took, by why, in the interval each call started (or first entered a queue)."""

    start: datetime
    end: datetime
    abandoned: int = 0
    overflowed: Counter = field(default_factory=Counter)  # voicemail:BOX, message:PROMPT, ...
    refused: int = 0
    closed_hours: int = 0

    def as_dict(self) -> dict:
        return {"interval_start": self.start.isoformat(), "interval_end": self.end.isoformat(),
                "abandoned": self.abandoned, "overflowed": dict(sorted(self.overflowed.items())),
                "refused": self.refused, "closed_hours": self.closed_hours,
                "total": self.abandoned + sum(self.overflowed.values()) + self.refused + self.closed_hours}


def missed_calls(stretch_list: Iterable[Stretch], interactions: Iterable[InteractionFacts], window: ReportWindow,
                 tz: ZoneInfo, queues: Iterable[str] | None = None) -> list[MissedCalls]:
    """Calls no agent took: in the caller's view, abandoned or overflowed out of the center (voicemail, a
    message); and calls the IVR refused or closed hours turned away before any queue."""
    rows: dict[datetime, MissedCalls] = {}

    def row(at: datetime) -> MissedCalls:
        start = interval_start(at, window.interval, tz)
        return rows.setdefault(start, MissedCalls(start, next_start(start, window.interval, tz)))

    wanted = None if queues is None else set(queues)
    for queue, entered, handled in _caller_view(stretch_list):
        if not window.start <= entered < window.end or (wanted is not None and queue not in wanted):
            continue
        if handled.end is StretchEnd.ABANDONED:
            row(entered).abandoned += 1
        elif handled.end is StretchEnd.OVERFLOWED:
            row(entered).overflowed[handled.target] += 1
    if wanted is None:
        for call in interactions:
            if not window.start <= call.started_at < window.end:
                continue
            if call.outcome == "refused":
                row(call.started_at).refused += 1
            elif call.closed_hours:
                row(call.started_at).closed_hours += 1
    return [rows[k] for k in sorted(rows, key=datetime.timestamp)]


def thresholds_from(config: Mapping[str, object]) -> QueueThresholds:
    """Thresholds read from queue configurations (objects with service_level_seconds and
    short_abandon_seconds); a queue no longer configured gets the defaults."""
    def of(queue: str) -> Thresholds:
        qc = config.get(queue)
        if qc is None:
            return Thresholds()
        return Thresholds(qc.service_level_seconds, qc.short_abandon_seconds)
    return of
