"""The dispatcher's timers: one type per kind, holding what the timer needs to tell whether it still applies.

A timer is never cancelled: when it fires, the dispatcher checks it against the present state, and one whose
call, offer or agent has moved on does nothing. The dispatcher's `_tick` matches each type to its handler.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Union


@dataclass(frozen=True, slots=True)
class RingTimeout:
    """Nobody answered the call's offers of round `round` in the queue's ring timeout."""

    call_id: str
    round: int


@dataclass(frozen=True, slots=True)
class MaxWaitReached:
    """The call has waited the queue's maximum since it joined `queue` at `joined_at`: it overflows."""

    call_id: str
    queue: str
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class AnnouncementDue:
    """Time to tell the call (in `queue` since `joined_at`) its position and expected wait, again."""

    call_id: str
    queue: str
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class WrapUpOver:
    """The wrap-up the agent began at `since` is over."""

    agent_id: str
    since: datetime


@dataclass(frozen=True, slots=True)
class BridgeOverdue:
    """The offer was answered a grace period ago and its caller is still not bridged."""

    offer_id: str


@dataclass(frozen=True, slots=True)
class LegOverdue:
    """The offer's leg was hung up a grace period ago and its end was never reported."""

    offer_id: str


WaitTimer = Union[MaxWaitReached, AnnouncementDue]
AcdTimer = Union[RingTimeout, MaxWaitReached, AnnouncementDue, WrapUpOver, BridgeOverdue, LegOverdue]
