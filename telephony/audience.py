"""Who may see an event of the stream: the vocabulary that features use to address their events,
independent of the hub that delivers them (telephony.api.events)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from telephony.auth.policy import Principal


@dataclass(frozen=True, slots=True)
class Audience:
    """Who may see an event.

    `users`: these users (an agent's own offers, calls and state changes); `queues`: supervisors of
    these queues; `supervisors`: every supervisor. Admins see every event.
    """

    users: frozenset[UUID] = frozenset()
    queues: frozenset[str] = frozenset()
    supervisors: bool = False

    @classmethod
    def of(cls, users: Iterable[UUID] = (), queues: Iterable[str] = (), supervisors: bool = False) -> Audience:
        return cls(frozenset(users), frozenset(queues), supervisors)

    def admits(self, principal: Principal) -> bool:
        if principal.is_admin or principal.user_id in self.users:
            return True
        if principal.role != "supervisor":
            return False
        return self.supervisors or not self.queues.isdisjoint(principal.supervised_queues)
