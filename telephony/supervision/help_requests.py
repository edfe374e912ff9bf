"""Agents' requests for help on their live call: open until a supervisor joins or the call ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class HelpRequest:
    call_id: str
    agent_id: str
    queue: str
    at: datetime


class HelpRequests:
    """Open requests by call; each change returns the event (type, data) to publish, or None."""

    def __init__(self) -> None:
        self._open: dict[str, HelpRequest] = {}

    def open(self) -> list[HelpRequest]:
        return sorted(self._open.values(), key=lambda r: r.at)

    def request(self, call_id: str, agent_id: str, queue: str, at: datetime) -> tuple[str, dict] | None:
        if call_id in self._open:
            return None
        request = HelpRequest(call_id, agent_id, queue, at)
        self._open[call_id] = request
        return "help.requested", _data(request)

    def supervisor_joined(self, call_id: str) -> tuple[str, dict] | None:
        return self._clear(call_id, "joined")

    def agent_done(self, call_id: str, agent_id: str, reason: str = "ended") -> tuple[str, dict] | None:
        request = self._open.get(call_id)
        if request is None or request.agent_id != agent_id:
            return None
        return self._clear(call_id, reason)

    def _clear(self, call_id: str, reason: str) -> tuple[str, dict] | None:
        request = self._open.pop(call_id, None)
        if request is None:
            return None
        return "help.cleared", {**_data(request), "reason": reason}


def _data(request: HelpRequest) -> dict:
    return {"call_id": request.call_id, "agent_id": request.agent_id, "queue": request.queue,
            "requested_at": request.at.isoformat()}
