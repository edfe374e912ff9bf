"""The agents a call has reported to the ACD as on it (InternalCallStarted), so that no queue offer reaches
them meanwhile; each is freed once (InternalCallEnded)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from telephony.acd.events import InternalCallEnded, InternalCallStarted


class AgentsOnCall:
    def __init__(self, call_id: str, clock: Callable[[], datetime]):
        self._call_id = call_id
        self._clock = clock
        self._agents: dict[str, None] = {}  # in the order marked

    def __contains__(self, agent_id: str) -> bool:
        return agent_id in self._agents

    def __iter__(self):
        return iter(list(self._agents))

    def mark(self, agent_id: str | None) -> list:
        if agent_id is None or agent_id in self._agents:
            return []
        self._agents[agent_id] = None
        return [InternalCallStarted(self._call_id, agent_id, self._clock())]

    def free(self, agent_id: str | None) -> list:
        if agent_id is None or agent_id not in self._agents:
            return []
        del self._agents[agent_id]
        return [InternalCallEnded(self._call_id, agent_id, self._clock())]

    def free_all(self) -> list:
        freed = [InternalCallEnded(self._call_id, agent_id, self._clock()) for agent_id in self._agents]
        self._agents.clear()
        return freed
