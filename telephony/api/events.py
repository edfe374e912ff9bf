"""The event hub: fans our events out to the WebSocket connections allowed to see them.

`publish` never blocks and never raises on a client's account: each connection has a bounded queue,
and a connection whose queue is full is marked to be closed (its client is too slow) instead of
holding the daemon back. Call it from the event loop's thread.

Event types are `noun.verb`, and the audience names who the event is about, for example:

    call.offered   {"call_id", "queue", "caller_number", "caller_name", "screen_pop": {...}}
                   Audience.of(users=[agent_id], queues=[queue])
    call.answered / call.ended   the same audience as the offer
    agent.state    {"agent_id", "state", "reason"}   Audience.of(users=[agent_id], queues=agent's queues)
    queue.stats    {"queue", "waiting", ...}          Audience.of(queues=[queue])
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from telephony.audience import Audience
from telephony.auth.policy import Principal
from telephony.logs import get_logger

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Event:
    type: str
    data: dict[str, Any]
    at: datetime


@dataclass(eq=False)
class Subscription:
    """One connection's view of the hub: its queue of events and whether it fell behind."""

    principal: Principal
    queue: asyncio.Queue[Event]
    overflowed: asyncio.Event = field(default_factory=asyncio.Event)
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    close_reason: str = ""


class EventHub:
    def __init__(self, queue_size: int = 256, clock: Callable[[], datetime] | None = None):
        self._queue_size = queue_size
        self._clock = clock or (lambda: datetime.now(UTC))
        self._subscriptions: set[Subscription] = set()

    def subscribe(self, principal: Principal) -> Subscription:
        subscription = Subscription(principal, asyncio.Queue(self._queue_size))
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)

    @property
    def connections(self) -> int:
        return len(self._subscriptions)

    def publish(self, event_type: str, payload: dict[str, Any], audience: Audience) -> int:
        """Queue the event for every connection its audience admits; return how many got it."""
        event = Event(event_type, payload, self._clock())
        delivered = 0
        for subscription in list(self._subscriptions):
            if subscription.overflowed.is_set() or not audience.admits(subscription.principal):
                continue
            try:
                subscription.queue.put_nowait(event)
                delivered += 1
            except asyncio.QueueFull:
                log.warning("events.slow_consumer", user=subscription.principal.name, event_type=event_type)
                subscription.overflowed.set()
        return delivered

    def close_user(self, user_id: UUID, reason: str) -> None:
        """End a user's connections: their access changed (disabled, new role, other queues).

        A connection keeps the permissions it was opened with, so it must go; a client that may still
        connect does so with its new permissions.
        """
        for subscription in list(self._subscriptions):
            if subscription.principal.user_id == user_id:
                subscription.close_reason = reason
                subscription.closed.set()
