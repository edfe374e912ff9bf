"""Agent figures per interval (the README's Reports section has each formula): the call log's offers, answers,
rang-out offers, transfers, talk and wrap-up; the agent state log's logged-in, available, paused (by reason),
on-call and wrap-up time, each span cut at the interval bounds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from telephony.model import AgentState, StateChanged
from telephony.call_events import CallEvent, CallEventKind as K
from telephony.reports.intervals import interval_start, next_start
from telephony.reports.queues import HOLD_SECONDS, ReportWindow


@dataclass(slots=True)
class AgentFigures:
    agent_id: str
    start: datetime
    end: datetime
    name: str = ""
    offered: int = 0
    answered: int = 0
    missed: int = 0
    transferred: int = 0
    handled: int = 0  # talks ended: answered calls and calls taken over from a transfer
    talk: float = 0.0
    wrap_up: float = 0.0
    time_in: Counter = field(default_factory=Counter)  # state -> seconds (state log)
    paused_by_reason: Counter = field(default_factory=Counter)

    @property
    def logged_in(self) -> float:
        return sum(seconds for state, seconds in self.time_in.items() if state != AgentState.LOGGED_OUT)

    @property
    def occupancy(self) -> float | None:
        staffed = self.logged_in - self.time_in[AgentState.PAUSED]
        busy = self.time_in[AgentState.ON_CALL] + self.time_in[AgentState.WRAP_UP]
        return busy / staffed if staffed > 0 else None

    @property
    def average_handle_time(self) -> float | None:
        return (self.talk + HOLD_SECONDS * self.handled + self.wrap_up) / self.handled if self.handled else None

    def as_dict(self) -> dict:
        return {
            "agent_id": self.agent_id, "name": self.name, "interval_start": self.start.isoformat(),
            "interval_end": self.end.isoformat(), "offered": self.offered, "answered": self.answered,
            "missed": self.missed, "transferred": self.transferred, "handled": self.handled,
            "talk_time": self.talk, "hold_time": HOLD_SECONDS * self.handled, "wrap_up_time": self.wrap_up,
            "logged_in_time": self.logged_in, "available_time": self.time_in[AgentState.AVAILABLE],
            "paused_time": self.time_in[AgentState.PAUSED], "paused_by_reason": dict(sorted(self.paused_by_reason.items())),
            "on_call_time": self.time_in[AgentState.ON_CALL], "wrap_up_state_time": self.time_in[AgentState.WRAP_UP],
            "ringing_time": self.time_in[AgentState.RINGING], "occupancy": self.occupancy,
            "average_handle_time": self.average_handle_time,
        }


def agent_report(rows: Iterable[CallEvent], states: Iterable[StateChanged], window: ReportWindow, tz: ZoneInfo,
                 now: datetime, names: Mapping[str, str] | None = None,
                 agents: Iterable[str] | None = None) -> list[AgentFigures]:
    """Per agent and interval. `states`: every state change in the window, with each agent's last change
    before it (the state they were in at its start), in order; a state still going lasts until min(end, now).
    """
    names = names or {}
    wanted = None if agents is None else set(agents)
    figures: dict[tuple[str, datetime], AgentFigures] = {}

    def of(agent_id: str, at: datetime) -> AgentFigures:
        start = interval_start(at, window.interval, tz)
        key = (agent_id, start)
        if key not in figures:
            figures[key] = AgentFigures(agent_id, start, next_start(start, window.interval, tz),
                                        names.get(agent_id, ""))
        return figures[key]

    def counts(agent_id: str | None, at: datetime) -> bool:
        return (agent_id is not None and window.start <= at < window.end
                and (wanted is None or agent_id in wanted))

    wrap_started: dict[tuple[str, str], datetime] = {}
    for row in rows:
        agent = row.agent_id
        match row.kind:
            case K.OFFERED if counts(agent, row.at):
                of(agent, row.at).offered += 1
            case K.ANSWERED if counts(agent, row.at):
                of(agent, row.at).answered += 1
            case K.RANG_OUT if counts(agent, row.at):
                of(agent, row.at).missed += 1
            case K.TRANSFERRED if counts(agent, row.at):
                of(agent, row.at).transferred += 1
            case K.TALK_ENDED if counts(agent, row.at):
                figures_row = of(agent, row.at)
                figures_row.handled += 1
                figures_row.talk += row.talk_seconds or 0.0
            case K.WRAP_UP_STARTED if agent is not None:
                wrap_started[(row.call_id, agent)] = row.at
            case K.WRAP_UP_ENDED if (row.call_id, agent) in wrap_started:
                began = wrap_started.pop((row.call_id, agent))
                if counts(agent, began):
                    of(agent, began).wrap_up += (row.at.astimezone(UTC) - began.astimezone(UTC)).total_seconds()
    _state_times(states, window, tz, now, wanted, of)
    return [figures[k] for k in sorted(figures, key=lambda k: (names.get(k[0], ""), k[0], k[1].timestamp()))]


def _state_times(states: Iterable[StateChanged], window: ReportWindow, tz: ZoneInfo, now: datetime,
                 wanted: set[str] | None, of) -> None:
    by_agent: dict[str, list[StateChanged]] = {}
    for change in states:
        if wanted is None or change.agent_id in wanted:
            by_agent.setdefault(change.agent_id, []).append(change)
    until = min(window.end, now)
    for agent_id, changes in by_agent.items():
        for change, following in zip(changes, [*changes[1:], None]):
            span_start = max(change.at, window.start).astimezone(UTC)  # UTC: no wall-clock arithmetic
            span_end = min(following.at if following else until, until).astimezone(UTC)
            if change.state is AgentState.LOGGED_OUT or span_end <= span_start:
                continue
            cursor = span_start
            while cursor < span_end:
                row = of(agent_id, cursor)
                piece_end = min(row.end.astimezone(UTC), span_end)
                seconds = (piece_end - cursor).total_seconds()
                row.time_in[change.state] += seconds
                if change.state is AgentState.PAUSED:
                    row.paused_by_reason[change.reason or "?"] += seconds
                cursor = piece_end
