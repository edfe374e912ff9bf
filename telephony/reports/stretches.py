"""A call's stretches: each stay of the call in one queue, read from its call-log rows in the order written.

A stretch begins with a `queued` row and ends answered (the agent bridged), abandoned or overflowed (to
another queue, voicemail or a message); an answered stretch then gathers the agent's talk, wrap-up and a
transfer that took the call on. A call that moves (overflow, a transfer back into a queue) has one stretch
per queue it stayed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from telephony.call_events import CallEvent, CallEventKind as K


class StretchEnd(StrEnum):
    WAITING = "waiting"  # still waiting (or the log has not said yet)
    ANSWERED = "answered"
    ABANDONED = "abandoned"
    OVERFLOWED = "overflowed"


@dataclass(slots=True)
class Stretch:
    call_id: str
    queue: str
    entered_at: datetime
    arrived_at: datetime
    end: StretchEnd = StretchEnd.WAITING
    ended_at: datetime | None = None  # left the queue: answered, abandoned or overflowed
    target: str | None = None  # where it overflowed to
    agent_id: str | None = None
    talk_seconds: float | None = None
    wrap_started: datetime | None = None
    wrap_seconds: float | None = None
    transferred: bool = False

    @property
    def wait_seconds(self) -> float | None:
        """Time in this queue: from entering it to being answered, abandoning or overflowing."""
        if self.ended_at is None:
            return None
        return (self.ended_at.astimezone(UTC) - self.entered_at.astimezone(UTC)).total_seconds()

    @property
    def left_the_center(self) -> bool:
        """Overflowed to voicemail or a message: no queue took it on."""
        return self.end is StretchEnd.OVERFLOWED and not (self.target or "").startswith("queue:")


def stretches(rows: Iterable[CallEvent]) -> list[Stretch]:
    """Every call's stretches, in the order of the rows (which is the order written)."""
    found: list[Stretch] = []
    current: dict[str, Stretch] = {}  # call -> its stretch still waiting
    answered: dict[tuple[str, str], Stretch] = {}  # (call, agent) -> the stretch that agent answered
    for row in rows:
        call = row.call_id
        match row.kind:
            case K.QUEUED:
                current[call] = stretch = Stretch(call, row.queue, row.at, row.arrived_at or row.at)
                found.append(stretch)
            case K.ANSWERED | K.ABANDONED | K.OVERFLOWED if call in current:
                stretch = current.pop(call)
                stretch.ended_at = row.at
                if row.kind is K.ANSWERED:
                    stretch.end, stretch.agent_id = StretchEnd.ANSWERED, row.agent_id
                    answered[(call, row.agent_id)] = stretch
                elif row.kind is K.ABANDONED:
                    stretch.end = StretchEnd.ABANDONED
                else:
                    stretch.end, stretch.target = StretchEnd.OVERFLOWED, row.target
            case K.TALK_ENDED if row.reason != "transferred_in" and (call, row.agent_id) in answered:
                answered[(call, row.agent_id)].talk_seconds = row.talk_seconds
            case K.WRAP_UP_STARTED if (call, row.agent_id) in answered:
                answered[(call, row.agent_id)].wrap_started = row.at
            case K.WRAP_UP_ENDED if (call, row.agent_id) in answered:
                stretch = answered[(call, row.agent_id)]
                if stretch.wrap_started is not None:
                    stretch.wrap_seconds = (row.at - stretch.wrap_started).total_seconds()
            case K.TRANSFERRED if (call, row.agent_id) in answered:
                answered[(call, row.agent_id)].transferred = True
    return found
