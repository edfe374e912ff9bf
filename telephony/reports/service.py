"""Reports as asked for by a person: who may see what (an admin everything, a supervisor their queues and
those queues' agents, an agent their own row), the rows read from the database, the figures computed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from telephony.auth.policy import Forbidden, Principal
from telephony.db.call_events import CallEventStore
from telephony.db.report_rows import ReportRows
from telephony.reports.agents import agent_report
from telephony.reports.queues import ReportWindow, View, missed_calls, queue_report, thresholds_from, volumes
from telephony.reports.stretches import stretches

UTC_ZONE = ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class ReportRequest:
    window: ReportWindow
    queues: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    view: View = View.QUEUE


class Reports:
    def __init__(self, log: CallEventStore, rows: ReportRows, queues: Callable[[], Mapping[str, object]],
                 clock: Callable[[], datetime]):
        """`queues()`: the queues' configuration in force (QueueConfig by name)."""
        self._log = log
        self._rows = rows
        self._queues = queues
        self._clock = clock

    def _zone_of(self, queue: str) -> ZoneInfo:
        config = self._queues().get(queue)
        return ZoneInfo(config.time_zone) if config is not None else UTC_ZONE

    def _allowed_queues(self, principal: Principal, asked: tuple[str, ...]) -> tuple[str, ...] | None:
        """The queues the principal may see among those asked (None: all of them)."""
        if principal.is_admin:
            return asked or None
        if principal.role != "supervisor":
            raise Forbidden("queue reports are for supervisors and admins", "role_not_allowed")
        mine = principal.supervised_queues
        outside = [q for q in asked if q not in mine]
        if outside:
            raise Forbidden(f"you do not supervise queue {outside[0]!r}", "not_your_queue")
        return asked or tuple(sorted(mine))

    async def queues(self, principal: Principal, request: ReportRequest) -> dict:
        window = request.window
        queues = self._allowed_queues(principal, request.queues)
        rows = await self._log.of_calls_touching(window.start, window.end, queues)
        found = stretches(rows)
        figures = queue_report(found, window, self._zone_of, thresholds_from(self._queues()), request.view, queues)
        zone = window.tz or UTC_ZONE
        interactions = await self._rows.interactions(window.start, window.end) if queues is None else []
        return {"queues": [f.as_dict() for f in figures],
                "volumes": [v.as_dict() for v in volumes(interactions, window, zone)],
                "missed": [m.as_dict() for m in missed_calls(found, interactions, window, zone, queues)]}

    async def agents(self, principal: Principal, request: ReportRequest) -> dict:
        window = request.window
        agents: tuple[str, ...] | None = request.agents or None
        queues: tuple[str, ...] | None = None
        if principal.role == "agent":
            own = await self._rows.agent_of_user(principal.user_id)
            if own is None or (agents and agents != (own,)):
                raise Forbidden("an agent sees only their own figures", "not_your_user")
            agents = (own,)
        elif principal.role == "supervisor":
            queues = self._allowed_queues(principal, request.queues)
        rows = await self._log.of_calls_touching(window.start, window.end, queues)
        states = await self._rows.agent_states(window.start, window.end)
        if queues is not None:  # a supervisor: the agents seen on their queues' calls
            seen = {r.agent_id for r in rows if r.agent_id is not None}
            agents = tuple(sorted(seen if agents is None else seen & set(agents)))
        figures = agent_report(rows, states, window, window.tz or UTC_ZONE, self._clock(),
                               await self._rows.agent_names(), agents)
        return {"agents": [f.as_dict() for f in figures]}
