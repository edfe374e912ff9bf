"""What a waiting call and the ACD tell each other.

The ACD is the one shared decision (which agent gets which call); each call's own task carries the
decision out on its channel. Requests go from the call to the ACD as commands, decisions come back to
the call as events, both through the call's ordinary command and event paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class JoinQueue:
    call_id: str
    queue: str
    priority: int
    joined_at: datetime
    caller_number: str = ""
    caller_name: str = ""
    skills: tuple[tuple[str, int], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class OfferAnswered:
    call_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class OfferFailed:
    """The agent's device did not take the call: no answer within the ring timeout, busy, unreachable."""

    call_id: str
    agent_id: str
    cause: int


@dataclass(frozen=True, slots=True)
class LeaveQueue:
    """The caller left before talking to anyone (hung up, or overflowed elsewhere)."""

    call_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class CallFinished:
    """The conversation with the agent ended; the agent goes to wrap-up."""

    call_id: str
    agent_id: str


AcdRequest = JoinQueue | OfferAnswered | OfferFailed | LeaveQueue | CallFinished


@dataclass(frozen=True, slots=True)
class OfferToAgent:
    channel_id: str
    agent_id: str
    endpoint: str
    ring_timeout: int


@dataclass(frozen=True, slots=True)
class WithdrawOffer:
    """The ACD takes an offer back (the agent logged out or paused while ringing)."""

    channel_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class Overflow:
    """The call waited too long or the queue is full: send it to `destination` (queue:, message:...)."""

    channel_id: str
    destination: str
