"""One queue: its waiting calls in service order, its offerable agents, its recent handle times."""

from __future__ import annotations

from collections.abc import Iterator

import math
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

from telephony.acd.phases import WaitingCallPhase
from telephony.acd.sorted_index import SortedIndex
from telephony.acd.strategies import AgentPool, Member, Strategy
from telephony.config.models import QueueConfig


@dataclass(slots=True)
class WaitingCall:
    """A caller in the ACD. `arrived_at` is the first queue's (it orders service and survives an overflow
    into another queue); `joined_at` is the current queue's (its maximum wait counts from there)."""

    call_id: str
    queue: str
    priority: int
    arrived_at: datetime
    joined_at: datetime
    seq: int
    caller_number: str = ""
    caller_name: str = ""
    phase: WaitingCallPhase = WaitingCallPhase.WAITING  # moved only through WAITING_CALL_PHASES
    offers: set[str] = field(default_factory=set)
    tried: set[str] = field(default_factory=set)  # agents who missed or lost it: others are offered first
    round: int = 0  # bumped at each set of offers, so that a stale ring timeout is recognised
    skills: tuple[tuple[str, int], ...] = ()  # what this call needs beyond the queue's required skills
    connected_at: datetime | None = None
    agent_id: str | None = None

    @property
    def order_key(self) -> tuple:
        """Higher priority first, then first come, first served."""
        return (-self.priority, self.arrived_at, self.seq)


class CallQueue:
    def __init__(self, name: str, config: QueueConfig, strategy: Strategy, handle_time_window: int = 50):
        self.name = name
        self.config = config
        self.strategy = strategy
        self.pool = AgentPool()
        self.members: dict[str, Member] = {}
        self.staffed = 0  # members logged in and not paused
        self.retired = False  # gone from the configuration: serves the calls it has, takes no new ones
        self._in_queue: SortedIndex[str] = SortedIndex()  # every call still waiting, offered or not
        self._ready: SortedIndex[str] = SortedIndex()  # those without an offer out
        self._calls: dict[str, WaitingCall] = {}
        self._handle_times: deque[float] = deque(maxlen=handle_time_window)
        self._handle_total = 0.0

    def __len__(self) -> int:
        return len(self._in_queue)

    def take_over(self, old: CallQueue) -> None:
        """Carry the waiting calls (in place, offered or not) and the handle times over from the queue
        this one replaces after a reload."""
        for call_id in old._in_queue:
            call = old._calls[call_id]
            self._calls[call_id] = call
            self._in_queue.add(call_id, call.order_key)
            if call_id in old._ready:
                self._ready.add(call_id, call.order_key)
        for seconds in old._handle_times:
            self.record_handle_time(seconds)

    def calls(self) -> list[WaitingCall]:
        return [self._calls[c] for c in self._in_queue]

    def add(self, call: WaitingCall) -> None:
        self._calls[call.call_id] = call
        self._in_queue.add(call.call_id, call.order_key)
        self._ready.add(call.call_id, call.order_key)

    def remove(self, call_id: str) -> None:
        self._calls.pop(call_id, None)
        self._in_queue.discard(call_id)
        self._ready.discard(call_id)

    def offering(self, call_id: str) -> None:
        """Offers are out for the call: it keeps its place but is not offered again meanwhile."""
        self._ready.discard(call_id)

    def ready_again(self, call: WaitingCall) -> None:
        """Back to its own place in the order, which is the head if it was the head before."""
        self._ready.add(call.call_id, call.order_key)

    def ready_calls(self) -> Iterator[WaitingCall]:
        """The calls without an offer out, best first."""
        for i in range(len(self._ready)):
            yield self._calls[self._ready.at(i)]

    def head(self) -> WaitingCall | None:
        call_id = self._ready.first()
        return None if call_id is None else self._calls[call_id]

    def position(self, call_id: str) -> int:
        return self._in_queue.rank(call_id) + 1

    def record_handle_time(self, seconds: float) -> None:
        if len(self._handle_times) == self._handle_times.maxlen:
            self._handle_total -= self._handle_times[0]
        self._handle_times.append(seconds)
        self._handle_total += seconds

    def estimated_wait(self, position: int) -> int | None:
        """Seconds until the caller at `position` is served: the callers up to it shared among the staffed
        agents, each call taking the recent mean handle time (talk plus wrap-up)."""
        if not self._handle_times or self.staffed == 0:
            return None
        mean = self._handle_total / len(self._handle_times)
        return math.ceil(position * mean / self.staffed)
