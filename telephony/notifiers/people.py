"""Events about tickets and screen pops: `ticket.closed` / `ticket.resolved` for supervisors (and admins);
`call.screen_pop` for the agent it is about (and their queues' supervisors)."""

from __future__ import annotations

from telephony.agent_roster import AgentRoster
from telephony.audience import Audience
from telephony.notifiers.types import Publish


class CrmNotifier:
    def __init__(self, publish: Publish):
        self._publish = publish

    def ticket_event(self, name: str, payload: dict) -> None:
        """A later issue sends the customer a feedback request from these."""
        self._publish(name, payload, Audience.of(supervisors=True))


class AgentNotifier:
    def __init__(self, publish: Publish, roster: AgentRoster):
        self._publish = publish
        self._roster = roster

    def to_agent(self, name: str, payload: dict, agent_id: str) -> None:
        self._publish(name, payload, self._roster.audience(agent_id))
